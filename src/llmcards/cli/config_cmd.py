"""`llmcards config [KEY [VALUE]]`: show or change settings (a TOML file)."""

from __future__ import annotations

from typing import Annotated, Any

import typer


def config(
    key: Annotated[
        str | None,
        typer.Argument(help="A setting's name; omit to show them all.", show_default=False),
    ] = None,
    value: Annotated[
        str | None,
        typer.Argument(help="New value (lists: space or comma separated).", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
) -> None:
    """Show all settings, one setting, or set one: `llmcards config new_per_day 30`."""
    from dataclasses import asdict

    from llmcards.config import load_settings, save_setting
    from llmcards.errors import UserError
    from llmcards.paths import config_path

    path = config_path()
    if value is not None:
        assert key is not None
        settings = save_setting(key, value, path)
    else:
        settings = load_settings(path)
    values = asdict(settings)
    if key is not None and key not in values:
        raise UserError(f"unknown setting {key!r}; run `llmcards config` to see them all")
    if as_json:
        from llmcards.cli.output import print_json

        print_json({"path": str(path), "settings": values} if key is None else {key: values[key]})
        return
    if key is not None:
        print(f"{key} = {format_value(values[key])}")
        return
    print(f"# {path}{'' if path.exists() else ' (not created yet: all defaults)'}")
    for name, current in values.items():
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
