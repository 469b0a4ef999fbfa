"""Bindings as the user sees them: with the keys from `Settings.keys` applied.

Every Binding in the app has an id (`study.again`, `home.study`, …); the config file maps
ids to keys (`[keys] "study.again" = "j"`), applied through Textual's keymap. The help
screen, the command palette and the button labels read the keys from here, so they
always show what really works.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode


@dataclass(frozen=True, slots=True)
class KeyHelp:
    binding_id: str
    keys: str  # as displayed, e.g. "space / enter"
    description: str
    tooltip: str
    action: str


def bindings_of(node_class: type[DOMNode]) -> list[Binding]:
    return [b for b in node_class.BINDINGS if isinstance(b, Binding) and b.id]


def effective_key(app: App[Any], binding: Binding) -> str:
    keymap = getattr(app, "settings", None)
    overrides = keymap.keys if keymap is not None else {}
    return overrides.get(binding.id or "", binding.key)


def _display(app: App[Any], key: str) -> str:
    shown = app.get_key_display(Binding(key.strip(), ""))
    return {"space": "Space", "enter": "Enter", "escape": "Esc"}.get(shown.lower(), shown)


def key_display(app: App[Any], node_class: type[DOMNode], binding_id: str) -> str | None:
    """The first key bound to `binding_id`, for labels such as "1 Again"."""
    keys = bound_keys(app, node_class, binding_id)
    return _display(app, keys[0]) if keys else None


def bound_keys(app: App[Any], node_class: type[DOMNode], binding_id: str) -> list[str]:
    """Every key bound to `binding_id` now (remapped or not), as Textual names them."""
    for binding in bindings_of(node_class):
        if binding.id == binding_id:
            return effective_key(app, binding).split(",")
    return []


def key_help(app: App[Any], node_classes: Iterable[type[DOMNode]]) -> list[KeyHelp]:
    rows: list[KeyHelp] = []
    for node_class in node_classes:
        for binding in bindings_of(node_class):
            keys = " / ".join(_display(app, k) for k in effective_key(app, binding).split(","))
            rows.append(
                KeyHelp(
                    binding.id or "", keys, binding.description, binding.tooltip, binding.action
                )
            )
    return rows
