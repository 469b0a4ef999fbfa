"""User settings: a TOML file in the platformdirs config folder (or `LLMCARDS_CONFIG`).

Every key is declared once here: its type, its default, a docstring (shown by
`llmcards config`) and the check its value must pass. Reading the file validates all of
it, nested tables included, so a wrong value is one line naming the key and the file
instead of a traceback later, deep in py-fsrs or the queue. A key llmcards does not
know is an error too: a typo must not be ignored silently.

The settings are plain dataclasses: the study app's first card must not wait for
pydantic (~80 ms), which checks the types of a config file only when there is one
(`validate`). Changing one key from the command line lives in `config_edit`.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from llmcards.errors import UserError
from llmcards.wording import counted

MAX_CONFIG_BYTES = 1024 * 1024
# Upper bounds a real collection never reaches; past them numbers overflow SQLite's
# 64-bit integers or dates past year 9999.
MAX_DAILY = 1_000_000
MAX_INTERVAL_DAYS = 36500  # Anki's own maximum: 100 years
MAX_LEECH = 1000

_STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_step(text: str) -> timedelta:
    match = _STEP.match(str(text))
    if not match:
        raise UserError(f"learning step {text!r} is not a duration; write e.g. 1m, 10m, 1h or 1d")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


# -- the checks a key's value must pass: None when fine, else why not ("is …")

Check = Callable[[Any], str | None]


def between(low: int, high: int) -> Check:
    """A whole number in low..high; None (unset) passes."""

    def check(value: int | None) -> str | None:
        if value is None or low <= value <= high:
            return None
        return f"is below {low}" if value < low else f"is more than {high:,}"

    return check


def _retention(value: float) -> str | None:
    return None if 0.7 <= value <= 0.99 else "is outside 0.70–0.99"


def _hour(value: int) -> str | None:
    return None if 0 <= value <= 23 else "is not an hour 0–23"


def _steps(steps: list[str]) -> str | None:
    for step in steps:
        if not _STEP.match(step):
            return f"has {step!r}, which is not a duration; write e.g. 1m, 10m, 1h or 1d"
    return None


def _fsrs_parameters(values: list[float]) -> str | None:
    """Empty, or the 21 numbers of FSRS-6 within the bounds py-fsrs itself enforces."""
    if not values:
        return None
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    if len(values) != len(LOWER_BOUNDS_PARAMETERS):
        return (
            f"has {counted(len(values), 'number')}, not {len(LOWER_BOUNDS_PARAMETERS)} (FSRS-6); "
            "run `llmcards optimize`, or set it to '' for the defaults"
        )
    bounds = zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    for index, (value, low, high) in enumerate(bounds):
        if not math.isfinite(value):
            return f"number {index + 1} ({value}) is not a finite number"
        if not low <= value <= high:
            return f"number {index + 1} ({value}) is outside {low}–{high}"
    return None


# Every key binding of the app, by id, with its default key(s) as Textual writes them, so
# that `[keys]` is checked without importing Textual: a mistyped id, or a key that another
# binding on the same screen already has (tests/tui/test_pieces.py holds this table equal
# to the app's own Bindings). The id's first part says where a binding works: "app" on
# every screen but the modal dialogs (help, import), which keep the app's keys from
# reaching anything; any other, on its own screen ("home" is the deck list).
DEFAULT_KEYS: dict[str, str] = {
    "app.help": "question_mark",
    "app.quit": "q",
    "home.study": "enter",
    "home.toggle": "space",
    "home.expand": "right,l",
    "home.collapse": "left,h",
    "home.stats": "t",
    "home.import": "i",
    "home.browse": "slash",
    "home.sync": "y",
    "home.undo": "u",
    "study.reveal": "space,enter",
    "study.again": "1",
    "study.hard": "2",
    "study.good": "3",
    "study.easy": "4",
    "study.answer_good": "space,enter",
    "study.done": "space,enter",
    "study.undo": "u",
    "study.edit": "e",
    "study.suspend": "s",
    "study.bury": "b",
    "study.open_link": "o",
    "study.stats": "t",
    "study.back": "escape",
    "browse.back": "escape",
    "browse.search": "slash",
    "browse.answer": "enter",
    "browse.list": "down",
    "browse.suspend": "s",
    "browse.edit": "e",
    "browse.first": "home",
    "browse.last": "end",
    "stats.back": "escape,t",
    "stats.toggle_all": "a",
    "stats.reload": "r",
    "help.close": "escape,question_mark,q",
    "import.cancel": "escape",
}
BINDING_IDS = frozenset(DEFAULT_KEYS)
MODAL_SCREENS = frozenset({"help", "import"})
# Bindings that share keys by design, never enabled at the same time (StudyScreen's
# check_action): Space and Enter show the answer, then rate Good, then leave the summary.
TAKE_TURNS = frozenset({"study.reveal", "study.answer_good", "study.done"})

# Textual's names for keys typed as characters ("?" is question_mark) and its aliases
# (Ctrl+I is Tab), so that two spellings of one key are seen as one.
_KEY_NAMES = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
    "ctrl+i": "tab",
    "ctrl+m": "enter",
    "ctrl+left_square_brace": "escape",
    "ctrl+space": "ctrl+at",
    "newline": "ctrl+j",
}


def key_names(keys: str) -> list[str]:
    """The keys of a binding's text ("?, j") as Textual names them (question_mark, j)."""
    import unicodedata

    names = []
    for text in keys.split(","):
        name = text.strip()
        if len(name) == 1 and not name.isalnum():
            try:
                name = unicodedata.name(name).lower().replace("-", "_").replace(" ", "_")
            except ValueError:
                pass
        if name:
            names.append(_KEY_NAMES.get(name, name))
    return names


# Punctuation as Textual names it ("?" is question_mark), written either way in a binding.
_PUNCTUATION = frozenset(key_names(",".join(c for c in string.punctuation if c != ",")))
_PUNCTUATION |= frozenset({"comma"})


def screen_of(binding_id: str) -> str:
    return binding_id.partition(".")[0]


def _active_together(one: str, other: str) -> bool:
    """Whether a key press could be meant for either binding: both work on one screen."""
    if one == other or {one, other} <= TAKE_TURNS:
        return False
    mine, theirs = screen_of(one), screen_of(other)
    if mine == theirs:
        return True
    if "app" in (mine, theirs):
        return (theirs if mine == "app" else mine) not in MODAL_SCREENS
    return False


def key_clash(binding_id: str, remapped: dict[str, str]) -> tuple[str, str, str] | None:
    """(other binding, the key both have, where) when `binding_id`, with the keys in
    effect under `remapped`, shares a key with a binding that works on the same screen."""
    if binding_id not in DEFAULT_KEYS:
        return None  # no binding at all: `binding_problem` says so
    mine = key_names(remapped.get(binding_id, DEFAULT_KEYS[binding_id]))
    for other, default in DEFAULT_KEYS.items():
        if not _active_together(binding_id, other):
            continue
        theirs = key_names(remapped.get(other, default))
        shared = next((name for name in mine if name in theirs), None)
        if shared is not None:
            screen = screen_of(other)
            where = "on every screen" if screen == "app" else f"on the {screen} screen"
            return other, shared, where
    return None


def near_binding_ids(binding_id: str) -> list[str]:
    """Real ids a mistyped one may have meant: the same action elsewhere, then look-alikes."""
    from difflib import get_close_matches

    action = binding_id.rpartition(".")[2].lower()
    same = [b for b in DEFAULT_KEYS if b.rpartition(".")[2] == action]
    near = get_close_matches(binding_id.lower(), list(DEFAULT_KEYS), n=2, cutoff=0.75)
    if not same and not near:
        near = get_close_matches(binding_id.lower(), list(DEFAULT_KEYS), n=1)
    return list(dict.fromkeys([*same, *near]))[:3]


def unknown_binding(binding_id: str) -> str:
    """Why `binding_id` is no binding, with the ids it may have meant."""
    near = [repr(b) for b in near_binding_ids(binding_id)]
    if not near:
        return 'names no binding (ids are like "study.good")'
    hint = near[0] if len(near) == 1 else f"{', '.join(near[:-1])} or {near[-1]}"
    return f"names no binding (did you mean {hint}?)"


# Keys Textual itself answers in every app, before any screen's binding sees them.
TEXTUAL_KEYS = {
    "ctrl+q": "quits the app",
    "ctrl+c": "copies or quits",
    "ctrl+p": "opens the command palette",
    "tab": "moves the focus",
    "shift+tab": "moves the focus",
}


# The keys Textual names by a word (tests/tui/test_pieces.py holds these among its own).
NAMED_KEYS = frozenset(
    {"escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end"}
    | {"pageup", "pagedown", "up", "down", "left", "right"}
    | {f"f{n}" for n in range(1, 25)}
)
_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_SAID_OTHERWISE = {"return": "enter", "esc": "escape", "del": "delete", "spacebar": "space"}
_SAID_OTHERWISE |= {"pgup": "pageup", "pgdn": "pagedown", "ins": "insert", "bksp": "backspace"}


def unknown_key(name: str) -> str | None:
    """Why `name` (one key of a binding, as `key_names` gives it) is no key Textual
    would ever send, or None. A binding to such a name is never triggered: a remapped
    `Enter` (Textual says `enter`) left the study screen with no key to show the answer."""
    *modifiers, base = name.split("+")
    if any(m not in _MODIFIERS for m in modifiers):
        return f"{name!r} is no key ({'+'.join(modifiers)} is no modifier: ctrl, shift, alt)"
    if len(base) == 1 or base in NAMED_KEYS or base in _PUNCTUATION:
        return None
    meant = _SAID_OTHERWISE.get(base.lower(), base.lower())
    if meant in NAMED_KEYS:
        return f"{name!r} is no key name; write {'+'.join([*modifiers, meant])!r}"
    return f"{name!r} is no key name (keys are like j, 3, enter, space, escape, f5, ctrl+k)"


def binding_problem(binding_id: str, keys: str) -> str | None:
    """Why `[keys] "binding_id" = keys` cannot work on its own, or None (a key another
    binding has is `key_clash`)."""
    if binding_id not in BINDING_IDS:
        return unknown_binding(binding_id)
    if not keys.strip(" ,"):
        return "gives it no key"
    wrong = next((why for why in map(unknown_key, key_names(keys)) if why), None)
    if wrong is not None:
        return wrong
    taken = next((name for name in key_names(keys) if name in TEXTUAL_KEYS), None)
    if taken is not None:
        return f"is Textual's own key ({taken!r} {TEXTUAL_KEYS[taken]} on every screen)"
    return None


def about(doc: str, check: Check | None = None) -> dict[str, Any]:
    """A setting's field metadata: what it does, and the check its value must pass."""
    return {"doc": doc, "check": check}


def key(default: Any, doc: str, check: Check | None = None) -> Any:
    """A setting with an immutable default (lists and tables use `field(default_factory=…,
    metadata=about(…))`)."""
    return field(default=default, metadata=about(doc, check))


def doc_of(cls: type, name: str) -> str:
    return str(next(f for f in fields(cls) if f.name == name).metadata["doc"])


# A plain dict, read by pydantic when it validates these dataclasses.
_STRICT = {"extra": "forbid"}


@dataclass(frozen=True)
class DeckLimits:
    """Daily limits of one deck (and its sub-decks); unset ones are new_per_day and
    reviews_per_day, which every deck has by default."""

    __pydantic_config__ = _STRICT

    new_per_day: int | None = key(None, "New cards a day from this deck.", between(0, MAX_DAILY))
    reviews_per_day: int | None = key(None, "Reviews a day from this deck.", between(0, MAX_DAILY))


@dataclass(frozen=True)
class Settings:
    """Everything a user can set; the defaults are what a fresh install uses."""

    __pydantic_config__ = _STRICT

    desired_retention: float = key(
        0.9,
        "The chance of remembering a card when it comes due (0.70–0.99); higher, more reviews.",
        _retention,
    )
    learning_steps: list[str] = field(
        default_factory=lambda: ["1m", "10m"],
        metadata=about("Waits between the first reviews of a new card (s, m, h or d).", _steps),
    )
    relearning_steps: list[str] = field(
        default_factory=lambda: ["10m"],
        metadata=about("Waits between reviews of a forgotten card until it graduates.", _steps),
    )
    maximum_interval: int = key(
        MAX_INTERVAL_DAYS,
        "The longest wait between two reviews, in days.",
        between(1, MAX_INTERVAL_DAYS),
    )
    fuzz: bool = key(True, "Spread due dates a little, so cards learned together drift apart.")
    rollover_hour: int = key(
        4, "The hour (0–23, local time) at which a new study day starts.", _hour
    )
    new_per_day: int = key(
        20,
        "New cards a day from each deck, unless deck_limits sets its own (as in Anki).",
        between(0, MAX_DAILY),
    )
    reviews_per_day: int = key(
        200,
        "Reviews a day from each deck, unless deck_limits sets its own (as in Anki).",
        between(0, MAX_DAILY),
    )
    leech_threshold: int = key(
        8,
        "Lapses after which a card is a leech and is suspended (0: never).",
        between(0, MAX_LEECH),
    )
    fsrs_parameters: list[float] = field(
        default_factory=list,
        metadata=about(
            "21 FSRS-6 parameters of your own, for databases with none fitted by"
            " `llmcards optimize` (used instead of FSRS's defaults).",
            _fsrs_parameters,
        ),
    )
    keys: dict[str, str] = field(
        default_factory=dict,
        metadata=about(
            'Key bindings: binding id (listed below) to key(s), e.g. "study.good" = "j";'
            " a key another binding of the same screen has is refused."
        ),
    )
    deck_limits: dict[str, DeckLimits] = field(
        default_factory=dict,
        metadata=about("A deck's own daily limits, by full name: new_per_day and reviews_per_day."),
    )

    def learning_deltas(self) -> tuple[timedelta, ...]:
        return tuple(parse_step(s) for s in self.learning_steps)

    def relearning_deltas(self) -> tuple[timedelta, ...]:
        return tuple(parse_step(s) for s in self.relearning_steps)

    def limits_for(self, deck: str) -> tuple[int, int]:
        """(new, reviews) a day for `deck`: its own limits, else new_per_day and reviews_per_day."""
        own = self.deck_limits.get(deck, DeckLimits())
        new = self.new_per_day if own.new_per_day is None else own.new_per_day
        reviews = self.reviews_per_day if own.reviews_per_day is None else own.reviews_per_day
        return new, reviews

    def shown(self) -> dict[str, Any]:
        """The settings as the TOML file would hold them (unset deck limits left out)."""
        values = asdict(self)
        values["deck_limits"] = {
            deck: {k: v for k, v in limits.items() if v is not None}
            for deck, limits in values["deck_limits"].items()
        }
        return values


def dotted(path: tuple[str | int, ...] | list[str]) -> str:
    """A key path as TOML writes it: `deck_limits."LLM::NLP".new_per_day`."""
    return ".".join(str(p) if re.fullmatch(r"[A-Za-z0-9_-]+", str(p)) else f'"{p}"' for p in path)


_PHRASES = {
    "int_type": "is not a whole number",
    "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "float_type": "is not a number",
    "float_parsing": "is not a number",
    "finite_number": "is not a number",
    "bool_type": "is not true or false",
    "bool_parsing": "is not true or false",
    "string_type": "is not text (quote it)",
    "list_type": "is not a list",
    "dict_type": "is not a table",
    "dataclass_type": "is not a table",
}


def problem_text(problem: Any) -> str:
    """Why pydantic rejected a value, in the words of this app's other errors."""
    phrase = _PHRASES.get(problem["type"])
    if phrase:
        return phrase
    return str(problem["msg"]).removeprefix("Value error, ")


def _error(
    where: str, loc: tuple[Any, ...], value: Any, why: str, fix: str | None = None
) -> UserError:
    # A list item is named by its position in words, not as a key nobody could type.
    item = next((i for i, part in enumerate(loc) if isinstance(part, int)), len(loc))
    name = dotted(loc[:item])
    shown = repr(value)
    what = name if len(shown) > 40 else f"{name} = {shown}"
    if item < len(loc):
        what = f"{name}: item {int(loc[item]) + 1} ({value!r})"
    fix = fix or f"fix it with `llmcards config {name} VALUE` or edit the file"
    return UserError(f"{where}: {what} {why}; {fix}")


def check_values(settings: Settings, where: str) -> Settings:
    """Each key's own check (bounds, formats), as one line naming the key and `where`."""
    tables: list[tuple[tuple[str, ...], Any]] = [((), settings)]
    tables += [(("deck_limits", deck), limits) for deck, limits in settings.deck_limits.items()]
    for prefix, table in tables:
        for spec in fields(table):
            check = spec.metadata.get("check")
            value = getattr(table, spec.name)
            why = check(value) if check else None
            if why:
                raise _error(where, (*prefix, spec.name), value, why)
    for binding_id, keys in settings.keys.items():
        why = binding_problem(binding_id, keys)
        if why:
            # A wrong id is no key `llmcards config` can set: it is fixed in the file.
            fix = "rename or remove it in the file" if binding_id not in BINDING_IDS else None
            raise _error(where, ("keys", binding_id), keys, why, fix)
    for binding_id, keys in settings.keys.items():
        clash = key_clash(binding_id, settings.keys)
        if clash:
            other, shared, screen = clash
            raise _error(
                where,
                ("keys", binding_id),
                keys,
                f"shares {shared!r} with {other} ({screen})",
                f"give one of them another key (`llmcards config keys.{other} KEY`)"
                " or edit the file",
            )
    return settings


def validate(raw: dict[str, Any], where: str) -> Settings:
    """Settings from a parsed TOML file: types by pydantic (strict), then each key's check."""
    if not raw:
        return Settings()
    import json

    from pydantic import TypeAdapter, ValidationError

    try:
        # Strict, from JSON: a table may stand for a dataclass, but "30" is no number and
        # 1 is no `true` (a TOML date becomes its text, which no setting accepts).
        text = json.dumps(raw, default=str)
        settings = TypeAdapter(Settings).validate_json(text, strict=True)
    except ValidationError as exc:
        problem = exc.errors()[0]
        loc = tuple(problem["loc"])
        if problem["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
            raise UserError(
                f"{where}: unknown setting {dotted(loc)}; run `llmcards config` to see them all"
            ) from None
        raise _error(where, loc, problem["input"], problem_text(problem)) from None
    return check_values(settings, where)


def load_settings(path: Path | None = None) -> Settings:
    from llmcards.paths import config_path

    path = path or config_path()
    return validate(read_raw(path), str(path))


def read_raw(path: Path) -> dict[str, Any]:
    """The file's TOML table; {} when there is no file. Only a regular file is read: a
    FIFO or a device named by LLMCARDS_CONFIG would block or never end."""
    import os
    import stat
    import tomllib

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except IsADirectoryError:
        raise _a_folder(path) from None
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):  # Linux opens a folder read-only; reading it fails
            raise _a_folder(path)
        if not stat.S_ISREG(mode):
            raise UserError(f"{path}: not a regular file; point LLMCARDS_CONFIG at a TOML file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise UserError(f"{path}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_CONFIG_BYTES:
        raise UserError(f"{path}: larger than {MAX_CONFIG_BYTES // 1024} KB, not a settings file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(
            f"{path}: not UTF-8 text (TOML must be UTF-8); save it as UTF-8 and run again"
        ) from None
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{path}: not valid TOML ({exc}); fix or delete the file") from None


def _a_folder(path: Path) -> UserError:
    import os

    from llmcards.paths import ENV_CONFIG

    if os.environ.get(ENV_CONFIG):
        fix = f"point {ENV_CONFIG} at a TOML file"
    else:
        fix = "move or rename that folder: llmcards keeps its settings in a file of that name"
    return UserError(f"{path} is a folder, not a settings file; {fix}")
