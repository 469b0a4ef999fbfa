"""`llmcards config [KEY [VALUE]]`: show or change settings (a TOML file).

The file's `fsrs_parameters` are only a fallback: a database scheduled with parameters
fitted to its own reviews ignores them. So the listing also says which parameters are in
effect for the database in use (--db) and where they come from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmcards.wording import counted

if TYPE_CHECKING:
    from llmcards.config import Settings
    from llmcards.store.parameters import InEffect

FSRS_KEY = "fsrs_parameters"
KEYS_KEY = "keys"


def config(
    key: Annotated[
        str | None,
        typer.Argument(
            help='A setting\'s name, nested ones as in TOML (deck_limits."LLM::NLP".new_per_day, '
            "keys.study.good); omit to show them all.",
            show_default=False,
        ),
    ] = None,
    value: Annotated[
        str | None,
        typer.Argument(
            help="New value (lists: space or comma separated; '' removes a deck limit or key).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
) -> None:
    """Show all settings, one setting, or set one: `llmcards config new_per_day 30`."""
    from llmcards.config import Settings, doc_of, dotted, load_settings
    from llmcards.config_edit import lookup, resolve, save_setting
    from llmcards.paths import config_path

    path = config_path()
    if key is not None and value is not None:
        settings = save_setting(key, value, path)
    else:
        settings = load_settings(path)
    values = settings.shown()
    if key is not None:
        names, _, _ = resolve(key)
        current = lookup(values, names)
        if as_json:  # the file's value, one shape for every key (`config --json` has more)
            from llmcards.cli.output import print_json

            print_json({dotted(names): current})
            return
        print(f"{dotted(names)} = {'(not set)' if current is None else format_value(current)}")
        if names == [FSRS_KEY]:
            print("\n".join(_effect_lines(_in_effect(settings), settings)))
        if names == [KEYS_KEY]:
            print("\n".join(binding_lines(settings)))
        return
    effect = _in_effect(settings)
    if as_json:
        from llmcards.cli.output import print_json

        print_json({"path": str(path), "settings": values, **_effect_json(effect, settings)})
        return
    print(f"# {path}{'' if path.exists() else ' (not created yet: all defaults)'}")
    for name, current in values.items():
        print(f"\n# {doc_of(Settings, name)}")
        print(f"{name} = {format_value(current)}")
        if name == FSRS_KEY:
            print("\n".join(_effect_lines(effect, settings)))
        if name == KEYS_KEY:
            print("\n".join(binding_lines(settings)))


def binding_lines(settings: Settings) -> list[str]:
    """Every binding id with the keys it has now, as comments (the listing stays a valid
    settings file): the ids are what `keys.<id>` takes."""
    from llmcards.config import DEFAULT_KEYS

    width = max(map(len, DEFAULT_KEYS))
    lines = ["# Binding ids and their keys now; remap one with `llmcards config keys.<id> KEY`:"]
    for binding_id, default in DEFAULT_KEYS.items():
        keys = settings.keys.get(binding_id)
        now = default if keys is None else f"{keys}  (default {default})"
        lines.append(f"#   {binding_id:<{width}}  {now}")
    return lines


def _in_effect(settings: Settings) -> InEffect:
    from llmcards.cli.state import STATE
    from llmcards.store.parameters import in_effect

    return in_effect(STATE.db_path, settings.fsrs_parameters)


def _numbers(effect: InEffect, settings: Settings) -> list[float]:
    from dataclasses import replace

    from llmcards.stats.optimize import current_parameters

    return current_parameters(replace(settings, fsrs_parameters=effect.parameters))


def _origin(effect: InEffect) -> str:
    """Where the parameters in effect come from, in words."""
    fitted = effect.fitted
    if fitted is not None:
        when = "" if fitted.at is None else f" on {fitted.at.astimezone():%Y-%m-%d}"
        count = "" if fitted.reviews is None else f" from {counted(fitted.reviews, 'review')}"
        return f"fitted to this database's reviews{when}{count} (llmcards optimize)"
    if effect.source == "settings file":
        return "this settings file's fsrs_parameters (none fitted for this database)"
    return "FSRS-6 defaults (none fitted yet: llmcards optimize fits them to your reviews)"


def _effect_lines(effect: InEffect, settings: Settings) -> list[str]:
    from llmcards.cli.state import STATE

    # Comments, so that the listing stays a valid settings file.
    return [
        f"# In effect for {STATE.db_path}: {_origin(effect)}",
        f"#   {format_value(_numbers(effect, settings))}",
    ]


def _effect_json(effect: InEffect, settings: Settings) -> dict[str, Any]:
    from llmcards.cli.state import STATE

    fitted = effect.fitted
    return {
        "fsrs_parameters_in_effect": {
            "database": str(STATE.db_path),
            "source": effect.source,
            "fitted_at": None if fitted is None or fitted.at is None else fitted.at.isoformat(),
            "fitted_reviews": None if fitted is None else fitted.reviews,
            "parameters": _numbers(effect, settings),
        }
    }


def format_value(value: Any) -> str:
    """A value as it would be written in the TOML file."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, str)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def register(app: typer.Typer) -> None:
    # A negative VALUE (`config new_per_day -3`) is a value to check, not an unknown option.
    app.command("config", context_settings={"ignore_unknown_options": True})(config)
