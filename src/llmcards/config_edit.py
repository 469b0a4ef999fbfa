"""`llmcards config KEY VALUE`: one key, nested ones included, from command-line text.

A key is written as in TOML (`deck_limits."LLM::NLP".new_per_day`, `keys.study.good`); its
type comes from the declaration in `config.Settings`, so the text is read as that type,
the whole file is validated with the change, and only then is the file replaced.
"""

from __future__ import annotations

import re
import types
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from llmcards.config import (
    BINDING_IDS,
    Check,
    Settings,
    binding_problem,
    dotted,
    key_clash,
    problem_text,
    read_raw,
    unknown_binding,
    validate,
)
from llmcards.errors import UserError


def split_key(key: str) -> list[str]:
    """`a."b.c".d` → [a, b.c, d]; an unquoted deck name may contain `::` (`LLM::NLP`)."""
    import tomllib

    try:
        parsed: Any = tomllib.loads(f"{key} = 0")
    except tomllib.TOMLDecodeError:
        parts = key.split(".")
        if len(parts) >= 3 and parts[0] == "deck_limits":  # deck_limits.LLM::NLP.new_per_day
            return [parts[0], ".".join(parts[1:-1]), parts[-1]]
        raise UserError(f"{key!r} is not a setting's name; run `llmcards config`") from None
    parts = []
    while isinstance(parsed, dict):
        (name, parsed), *_ = parsed.items()
        parts.append(name)
    return parts


def resolve(key: str) -> tuple[list[str], Any, Check | None]:
    """The key's path (binding ids kept whole), the type its value must have, and the
    check it must pass."""
    parts = split_key(key)
    annotation: Any = Settings
    check: Check | None = None
    path: list[str] = []
    while parts:
        if is_dataclass(annotation):
            spec = next((f for f in fields(annotation) if f.name == parts[0]), None)
            if spec is None:
                raise _unknown(path + parts[:1])
            annotation = get_type_hints(annotation)[spec.name]
            check = spec.metadata.get("check")
            path.append(parts.pop(0))
        elif get_origin(annotation) is dict:
            value_type = get_args(annotation)[1]
            # A binding id has dots of its own: `keys.study.good` is keys["study.good"].
            name = ".".join(parts) if value_type is str else parts[0]
            path.append(name)
            parts = [] if value_type is str else parts[1:]
            annotation, check = value_type, None
        else:
            raise _unknown(path + parts)
    if len(path) == 2 and path[0] == "keys" and path[1] not in BINDING_IDS:
        # Never "fix it with `llmcards config keys.<the same wrong id>`".
        raise UserError(
            f"{dotted(path)} {unknown_binding(path[1])}; `llmcards config keys` lists them all"
        )
    return path, annotation, check


def _unknown(path: list[str]) -> UserError:
    return UserError(f"unknown setting {dotted(path)}; run `llmcards config` to see them all")


def lookup(values: dict[str, Any], path: list[str]) -> Any:
    """The value at `path` in `Settings.shown()`; an unknown key is an error."""
    current: Any = values
    for name in path:
        if not isinstance(current, dict) or name not in current:
            return None
        current = current[name]
    return current


def _nullable(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation)


def parse_value(path: list[str], annotation: Any, check: Check | None, text: str) -> Any:
    """`text` read as the key's type and checked; lists are space or comma separated."""
    from pydantic import TypeAdapter, ValidationError

    candidate: Any = text
    if get_origin(annotation) is list:
        candidate = [t for t in re.split(r"[,\s]+", text.strip()) if t]
    try:
        value = TypeAdapter(annotation).validate_python(candidate, strict=False)
    except ValidationError as exc:
        wrong = problem_text(exc.errors()[0])
        raise UserError(f"{dotted(path)}: {text!r} {wrong}; nothing was changed") from None
    why = check(value) if check else None
    if why:
        raise UserError(f"{dotted(path)}: {text!r} {why}; nothing was changed")
    return value


def save_setting(key: str, text: str, path: Path | None = None) -> Settings:
    """Set one key from its command-line text; the file is replaced atomically.

    An empty text removes a per-deck limit or a key binding (back to the default)."""
    from llmcards.paths import config_path

    path = path or config_path()
    names, annotation, check = resolve(key)
    if get_origin(annotation) is dict or is_dataclass(annotation):
        raise UserError(
            f"{dotted(names)} is a table; set one of its keys, e.g. {_EXAMPLES[names[0]]}"
        )
    raw = read_raw(path)
    table = raw
    for name in names[:-1]:
        table = table.setdefault(name, {})
        if not isinstance(table, dict):
            raise UserError(f"{path}: {dotted(names[:-1])} is not a table; fix it in the file")
    removing = text == "" and (_nullable(annotation) or annotation is str)
    if removing:
        table.pop(names[-1], None)
        _prune(raw, names[:-1])
    else:
        table[names[-1]] = parse_value(names, annotation, check, text)
    if names[0] == "keys":
        if not removing:
            _refuse_a_key_that_cannot_work(names, text)
        _refuse_a_taken_key(names, raw.get("keys", {}), removing)
    settings = validate(raw, str(path))
    _write(raw, path)
    return settings


def _refuse_a_key_that_cannot_work(names: list[str], text: str) -> None:
    """The keys given for a binding must be keys at all: said of the value given, before
    `validate` would say it of the file, where it is not."""
    why = binding_problem(names[1], text)
    if why:
        what = why if why.startswith("'") else f"{text!r} {why}"  # it names a key already
        raise UserError(f"{dotted(names)}: {what}; nothing was changed")


def _refuse_a_taken_key(names: list[str], remapped: Any, removing: bool) -> None:
    """The binding being set must not take a key another binding has on its screen (the
    whole file's own clashes are `validate`'s)."""
    if not isinstance(remapped, dict) or not all(isinstance(v, str) for v in remapped.values()):
        return  # a wrong type in the file, which `validate` reports
    clash = key_clash(names[1], remapped)
    if clash:
        other, shared, where = clash
        what = f"its default key {shared!r}" if removing else repr(shared)
        raise UserError(
            f"{dotted(names)}: {what} is already {other}'s key ({where});"
            f" give {other} another key first"
            f" (`llmcards config keys.{other} KEY`) or choose another"
        )


_EXAMPLES = {"deck_limits": 'deck_limits."LLM::NLP".new_per_day', "keys": "keys.study.good"}


def _prune(raw: dict[str, Any], names: list[str]) -> None:
    """Drop tables left empty by a removal, innermost first."""
    for depth in range(len(names), 0, -1):
        parent = lookup(raw, names[: depth - 1]) if depth > 1 else raw
        if isinstance(parent, dict) and parent.get(names[depth - 1]) == {}:
            del parent[names[depth - 1]]


def _write(raw: dict[str, Any], path: Path) -> None:
    import os
    import tempfile

    import tomli_w

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
        with os.fdopen(fd, "wb") as handle:
            tomli_w.dump(raw, handle)
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(
            f"cannot write {path} ({exc.strerror}); check the folder's permissions"
        ) from None
