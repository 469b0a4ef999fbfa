"""Anki's legacy collection file (`collection.anki2`, schema 11): tables and `col` JSON.

The one place that knows Anki's on-disk layout. Every supported Anki version (2.1.x and
the current one) reads schema 11 and upgrades it on import. The JSON mirrors what Anki
itself writes for schema 11; keys Anki does not know are kept by it, missing ones
defaulted, so only what matters for import is spelled out.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmcards.exchange.package_reader import Model

from llmcards.wording import counted

SCHEMA_SQL = """
create table col (
    id integer primary key, crt integer not null, mod integer not null,
    scm integer not null, ver integer not null, dty integer not null,
    usn integer not null, ls integer not null, conf text not null,
    models text not null, decks text not null, dconf text not null, tags text not null
);
create table notes (
    id integer primary key, guid text not null, mid integer not null,
    mod integer not null, usn integer not null, tags text not null,
    flds text not null, sfld integer not null, csum integer not null,
    flags integer not null, data text not null
);
create table cards (
    id integer primary key, nid integer not null, did integer not null,
    ord integer not null, mod integer not null, usn integer not null,
    type integer not null, queue integer not null, due integer not null,
    ivl integer not null, factor integer not null, reps integer not null,
    lapses integer not null, left integer not null, odue integer not null,
    odid integer not null, flags integer not null, data text not null
);
create table revlog (
    id integer primary key, cid integer not null, usn integer not null,
    ease integer not null, ivl integer not null, lastIvl integer not null,
    factor integer not null, time integer not null, type integer not null
);
create table graves (usn integer not null, oid integer not null, type integer not null);
"""

# Built after the rows are in: one sort per index instead of a b-tree insert per row.
INDEXES_SQL = """
create index ix_notes_usn on notes (usn);
create index ix_cards_usn on cards (usn);
create index ix_revlog_usn on revlog (usn);
create index ix_cards_nid on cards (nid);
create index ix_cards_sched on cards (did, queue, due);
create index ix_revlog_cid on revlog (cid);
create index ix_notes_csum on notes (csum);
"""

SCHEMA_VERSION = 11
DEFAULT_DECK_ID = 1
DECK_CONFIG_ID = 1

# Fixed note type ids: Anki reuses a note type with the same id and fields on re-import.
BASIC_MODEL_ID = 1_731_000_000_001
CLOZE_MODEL_ID = 1_731_000_000_002
BASIC_MODEL_NAME = "llmcards Basic"
CLOZE_MODEL_NAME = "llmcards Cloze"
BASIC_FIELDS = ("Front", "Back", "Context")
CLOZE_FIELDS = ("Text", "Back Extra", "Context")

# Anki card columns
NOTE_TYPE_STANDARD, NOTE_TYPE_CLOZE = 0, 1
CARD_NEW, CARD_LEARN, CARD_REVIEW, CARD_RELEARN = 0, 1, 2, 3
QUEUE_SUSPENDED, QUEUE_NEW, QUEUE_LEARN, QUEUE_REVIEW, QUEUE_DAY_LEARN = -1, 0, 1, 2, 3
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN, REVLOG_FILTERED = 0, 1, 2, 3

CSS = """.card { font-family: -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC",
  "Microsoft YaHei", sans-serif; font-size: 20px; text-align: left; color: black;
  background-color: white; line-height: 1.5; }
.context { color: #777; font-size: 0.8em; margin-bottom: 0.6em; }
.cloze { font-weight: bold; color: #1565c0; }
pre { background: #f5f5f5; padding: 0.5em; overflow-x: auto; }
code { font-family: "SF Mono", Consolas, "Noto Sans Mono CJK SC", monospace; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: 0.2em 0.5em; }
img { max-width: 100%; }
"""

_CONTEXT = '{{#Context}}<div class="context">{{Context}}</div>{{/Context}}'
BASIC_TEMPLATE = {
    "name": "Card 1",
    "qfmt": _CONTEXT + "{{Front}}",
    "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}",
}
CLOZE_TEMPLATE = {
    "name": "Cloze",
    "qfmt": _CONTEXT + "{{cloze:Text}}",
    "afmt": _CONTEXT + "{{cloze:Text}}<br>\n{{Back Extra}}",
}


@dataclass(frozen=True)
class CollectionSettings:
    """What the exported collection says about scheduling (from llmcards' Settings)."""

    crt: int  # unix seconds, on a rollover boundary
    creation_minutes_west: int
    rollover_hour: int
    learning_steps: tuple[timedelta, ...]
    relearning_steps: tuple[timedelta, ...]
    desired_retention: float
    maximum_interval: int
    fsrs_parameters: tuple[float, ...]
    new_per_day: int
    reviews_per_day: int
    leech_threshold: int
    # (new, reviews) a day of each deck that has limits of its own (`deck_limits`)
    deck_limits: dict[str, tuple[int, int]] = field(default_factory=dict)


def create_schema(db: sqlite3.Connection) -> None:
    db.executescript(SCHEMA_SQL)


def create_indexes(db: sqlite3.Connection) -> None:
    db.executescript(INDEXES_SQL)


def write_col_row(
    db: sqlite3.Connection,
    settings: CollectionSettings,
    decks: dict[int, str],
    mod_ms: int,
    anki_models: Sequence[Model] = (),
    *,
    own_models: bool = True,
) -> None:
    """The single `col` row: timing, note types, decks and the deck options.
    `anki_models`: note types of notes that came from Anki, to write as they were;
    `own_models=False` leaves out llmcards' two (a package holding none of their notes)."""
    mod_s = mod_ms // 1000
    models = _models(mod_s) if own_models else {}
    models.update({str(model.id): _anki_model(model) for model in anki_models})
    presets = _presets(settings)
    conf_of = {deck: presets[limits] for deck, limits in settings.deck_limits.items()}
    db.execute(
        "insert into col values (1,?,?,?,?,0,0,0,?,?,?,?,?)",
        (
            settings.crt,
            mod_ms,
            mod_ms,
            SCHEMA_VERSION,
            json.dumps(_conf(settings)),
            json.dumps(models, ensure_ascii=False),
            json.dumps(_decks(decks, mod_s, conf_of), ensure_ascii=False),
            json.dumps(
                {str(i): _deck_config(settings, mod_s, i, limits) for limits, i in presets.items()},
                ensure_ascii=False,
            ),
            "{}",
        ),
    )


def _conf(settings: CollectionSettings) -> dict[str, object]:
    # schedVer 2: with 1 Anki "upgrades" the package on import and turns learning-step
    # Good answers into Easy. creationOffset + rollover make Anki count days by rollover.
    return {
        "schedVer": 2,
        "rollover": settings.rollover_hour,
        "creationOffset": settings.creation_minutes_west,
        "localOffset": settings.creation_minutes_west,
        "activeDecks": [DEFAULT_DECK_ID],
        "curDeck": DEFAULT_DECK_ID,
        "curModel": BASIC_MODEL_ID,
        "newSpread": 0,
        "collapseTime": 1200,
        "timeLim": 0,
        "estTimes": True,
        "dueCounts": True,
        "addToCur": True,
        "nextPos": 1,
        "sortType": "noteFld",
        "sortBackwards": False,
    }


def _model(
    model_id: int,
    name: str,
    kind: int,
    fields: tuple[str, ...],
    template: dict[str, str],
    mod_s: int,
) -> dict[str, object]:
    return {
        "id": model_id,
        "name": name,
        "type": kind,
        "mod": mod_s,
        "usn": -1,
        "sortf": 0,
        "did": DEFAULT_DECK_ID,
        "tmpls": [
            {**template, "ord": 0, "bqfmt": "", "bafmt": "", "did": None, "bfont": "", "bsize": 0}
        ],
        "flds": [
            {
                "name": f,
                "ord": i,
                "sticky": False,
                "rtl": False,
                "font": "Arial",
                "size": 20,
                "media": [],
            }
            for i, f in enumerate(fields)
        ],
        "css": CSS,
        "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n"
        "\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n"
        "\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}",
        "latexsvg": False,
        "req": [[0, "any", [0]]],
        "tags": [],
        "vers": [],
    }


def _models(mod_s: int) -> dict[str, object]:
    return {
        str(BASIC_MODEL_ID): _model(
            BASIC_MODEL_ID,
            BASIC_MODEL_NAME,
            NOTE_TYPE_STANDARD,
            BASIC_FIELDS,
            BASIC_TEMPLATE,
            mod_s,
        ),
        str(CLOZE_MODEL_ID): _model(
            CLOZE_MODEL_ID, CLOZE_MODEL_NAME, NOTE_TYPE_CLOZE, CLOZE_FIELDS, CLOZE_TEMPLATE, mod_s
        ),
    }


def _anki_model(model: Model) -> dict[str, object]:
    """A note type that came from Anki, under its id, field names and template names and
    dated as it was: Anki takes it for the one it has and, this not being newer, keeps
    its own. The templates are llmcards' (`anki_origin`); they show only where Anki does
    not have the note type yet."""
    out = _model(
        model.id,
        model.name,
        NOTE_TYPE_CLOZE if model.cloze else NOTE_TYPE_STANDARD,
        tuple(model.fields),
        {},
        model.mtime,
    )
    names = model.templates[:1] if model.cloze else model.templates
    out["tmpls"] = [
        {
            "name": name,
            **_anki_template(model, index),
            "ord": index,
            "bqfmt": "",
            "bafmt": "",
            "did": None,
            "bfont": "",
            "bsize": 0,
        }
        for index, name in enumerate(names)
    ]
    out["sortf"] = model.sort_field if model.sort_field < len(model.fields) else 0
    out["req"] = []  # Anki works out which fields each template needs
    return out


def _anki_template(model: Model, index: int) -> dict[str, str]:
    """Card `index` as llmcards shows it: the first field asks (the second, on card 2;
    a cloze its text), the next answers, every other field follows, the one named
    Context above."""
    fields = model.fields
    context = next((i for i, name in enumerate(fields) if name.casefold() == "context"), None)
    head = ""
    if context is not None:
        name = fields[context]
        head = f'{{{{#{name}}}}}<div class="context">{{{{{name}}}}}</div>{{{{/{name}}}}}'
    if model.cloze:
        asked, answered = 0, None
        question = f"{head}{{{{cloze:{fields[0]}}}}}"
        answer = question
    else:
        asked = 1 if index == 1 and len(fields) > 1 else 0
        answered = 0 if asked == 1 else (1 if len(fields) > 1 else None)
        question = f"{head}{{{{{fields[asked]}}}}}"
        if index > 1:  # Anki wants each card's front its own
            question += f"<!-- card {index + 1} -->"
        answer = "{{FrontSide}}\n\n<hr id=answer>\n\n"
        if answered is not None:
            answer += f"{{{{{fields[answered]}}}}}"
    for other, name in enumerate(fields):
        if other not in (asked, answered, context):
            answer += f"\n{{{{#{name}}}}}<br><br>{{{{{name}}}}}{{{{/{name}}}}}"
    return {"qfmt": question, "afmt": answer}


def _presets(settings: CollectionSettings) -> dict[tuple[int, int], int]:
    """An options preset for each (new, reviews) limit pair: the settings' own first (id
    DECK_CONFIG_ID), then one per other pair decks have (`deck_limits`), as Anki keeps a
    deck's daily limits in its preset."""
    presets = {(settings.new_per_day, settings.reviews_per_day): DECK_CONFIG_ID}
    for limits in sorted(set(settings.deck_limits.values())):
        presets.setdefault(limits, DECK_CONFIG_ID + len(presets))
    return presets


def _deck(deck_id: int, name: str, mod_s: int, conf: int = DECK_CONFIG_ID) -> dict[str, object]:
    return {
        "id": deck_id,
        "name": name,
        "mod": mod_s,
        "usn": -1,
        "desc": "",
        "dyn": 0,
        "conf": conf,
        "collapsed": False,
        "browserCollapsed": False,
        "extendNew": 0,
        "extendRev": 0,
        "newToday": [0, 0],
        "revToday": [0, 0],
        "lrnToday": [0, 0],
        "timeToday": [0, 0],
    }


def _decks(decks: dict[int, str], mod_s: int, conf_of: dict[str, int]) -> dict[str, object]:
    """`conf_of`: the options preset of each deck that has its own (else the default)."""
    out: dict[str, object] = {str(DEFAULT_DECK_ID): _deck(DEFAULT_DECK_ID, "Default", mod_s)}
    for deck_id, name in decks.items():
        out[str(deck_id)] = _deck(deck_id, name, mod_s, conf_of.get(name, DECK_CONFIG_ID))
    return out


def _minutes(steps: tuple[timedelta, ...]) -> list[float]:
    return [round(step.total_seconds() / 60, 4) for step in steps]


def _deck_config(
    settings: CollectionSettings, mod_s: int, config_id: int, limits: tuple[int, int]
) -> dict[str, object]:
    new, reviews = limits
    default = config_id == DECK_CONFIG_ID
    return {
        "id": config_id,
        "name": "llmcards"
        if default
        else f"llmcards · {new} new, {counted(reviews, 'review')} a day",
        "mod": mod_s,
        "usn": -1,
        "maxTaken": 60,
        "autoplay": True,
        "timer": 0,
        "replayq": True,
        "dyn": False,
        "new": {
            "bury": False,
            "delays": _minutes(settings.learning_steps),
            "initialFactor": 2500,
            "ints": [1, 4, 0],
            "order": 1,
            "perDay": new,
        },
        "lapse": {
            "delays": _minutes(settings.relearning_steps),
            "leechAction": 1,
            "leechFails": settings.leech_threshold or 8,
            "minInt": 1,
            "mult": 0.0,
        },
        "rev": {
            "bury": False,
            "ease4": 1.3,
            "ivlFct": 1.0,
            "maxIvl": settings.maximum_interval,
            "perDay": reviews,
            "hardFactor": 1.2,
        },
        "desiredRetention": settings.desired_retention,
        "fsrsParams6": list(settings.fsrs_parameters),
    }
