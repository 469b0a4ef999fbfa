"""Options a user may put before or after the command name.

`--db` belongs to the top-level command (one database for the whole run) and `--json` to
each command that can print JSON, but users type both anywhere — `llmcards import notes.md
--db x.db`, `llmcards --json decks` — as the README promises. Rather than repeat `--db` in
every command's signature, the top-level group moves the words to where Click expects them
before parsing: `--db PATH` to the front, a leading `--json` to the end of the command's
words. Everything after `--` is left alone (it may be a file literally named `--db`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from typer.core import TyperGroup

if TYPE_CHECKING:
    # Typer vendors Click; its Context is the one `parse_args` is declared with.
    from typer._click.core import Context

DB = "--db"
JSON = "--json"


def hoist(args: list[str]) -> list[str]:
    """`args` with `--db PATH` first and a `--json` typed before the command after it."""
    end = args.index("--") if "--" in args else len(args)
    words, tail = args[:end], args[end:]
    front: list[str] = []
    rest: list[str] = []
    seen_command = False
    json_early = False
    i = 0
    while i < len(words):
        word = words[i]
        if word == DB and i + 1 < len(words):
            front += words[i : i + 2]
            i += 2
            continue
        if word.startswith(DB + "="):
            front.append(word)
        elif word == JSON and not seen_command:
            json_early = True
        else:
            if not word.startswith("-"):
                seen_command = True
            rest.append(word)
        i += 1
    if json_early:
        rest.append(JSON)
    return front + rest + tail


class AnywhereGroup(TyperGroup):
    """The top-level group: `--db` and `--json` are accepted before or after the command."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist(list(args)))
