"""`llmcards config [KEY [VALUE]]`: show or change settings (a TOML file)."""

from __future__ import annotations

from typing import Annotated, Any

import typer


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
        if as_json:
            from llmcards.cli.output import print_json

            print_json({dotted(names): current})
        else:
            print(f"{dotted(names)} = {'(not set)' if current is None else format_value(current)}")
        return
    if as_json:
        from llmcards.cli.output import print_json

        print_json({"path": str(path), "settings": values})
        return
    print(f"# {path}{'' if path.exists() else ' (not created yet: all defaults)'}")
    for name, current in values.items():
        print(f"\n# {doc_of(Settings, name)}")
        print(f"{name} = {format_value(current)}")


def format_value(value: Any) -> str:
    """A value as it would be written in the TOML file."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, str)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def register(app: typer.Typer) -> None:
    app.command("config")(config)
