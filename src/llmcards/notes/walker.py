"""The state of the single pass and the handlers of inline and list events.

Each list item is a `Frame` on a stack; inline events of its head are kept as pieces,
everything after the head only updates the item's content flags. When an item closes,
`Rules.decide` turns it into outputs, which go to the enclosing item (or the document)
so a group can adopt its children's cards. Nothing recurses, so lists nested
hundreds deep are just a deeper list. Block handlers (paragraphs, headings, quotes,
tables) are in blocks.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyromark.event import Range

from llmcards.notes.answer import Answers
from llmcards.notes.blocks import BlockHandlers
from llmcards.notes.content import classify_html, classify_text, html_media_flags, pieces_flags
from llmcards.notes.frames import (
    BODY,
    HEAD,
    NEW,
    REST,
    Frame,
    ListFrame,
    Out,
    end_head,
    with_context,
)
from llmcards.notes.glue import Glued, next_number_at
from llmcards.notes.headings import Headings
from llmcards.notes.paragraphs import leadin_text
from llmcards.notes.pieces import (
    CODE,
    EMPH,
    EMPH_END,
    HAS_IMAGE,
    HAS_LINK,
    HAS_TEXT,
    HAS_TODO,
    HTML,
    IMAGE,
    IMAGE_END,
    LINK,
    LINK_END,
    MATH,
    TEXT,
    Piece,
)
from llmcards.notes.rules import Rules
from llmcards.notes.sandwich import apply_sandwich, drop_sandwich, open_sandwich
from llmcards.notes.source import Source
from llmcards.notes.tables import Table

_EMPHASIS = ("Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript")
_LEVELS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}
_OTHER_BLOCKS = ("FootnoteDefinition", "MetadataBlock")

Span = Range  # {"start": byte, "end": byte}
Handler = Callable[[Any, Span], None]


class Walker(BlockHandlers):
    """State of the pass and one handler per kind of event."""

    __slots__ = (
        "answers",
        "batch",
        "data",
        "end_named",
        "end_tagged",
        "headings",
        "image",
        "link",
        "links",
        "lists",
        "ready",
        "released",
        "root",
        "rules",
        "source",
        "stack",
        "stacks",
        "start_named",
        "start_tagged",
    )

    def __init__(
        self, text: str, batch: int, added: list[int] | None = None, source: Source | None = None
    ) -> None:
        """`source`: the note's `Source` when several walkers share it (sections.py)."""
        self.source = source = Source(text, added) if source is None else source
        self.quotes = 0  # depth of open block quotes
        # per open block quote: (frame, title start) when it is a titled callout
        self.callouts: list[tuple[Frame, int] | None] = []
        self.table: Table | None = None  # a table outside list items (rule 9)
        # (frame, start, end) of the last paragraph that may lead in a list (rule 7)
        self.leadin: tuple[Frame, int, int] | None = None
        self.data = source.data
        self.answers = answers = Answers(source)
        self.rules = Rules(source, answers)
        self.root = root = Frame(0, len(self.data), (), BODY)
        self.headings = Headings(answers, root.outs)
        # byte offset of each heading read as a deck, and of each item of a list in no
        # other item -> the deck path's headings before it (for notes.sections)
        self.stacks: dict[int, tuple[tuple[int, str], ...]] = {}
        self.stack: list[Frame] = [root]
        self.lists: list[ListFrame] = []
        self.cur = root
        self.collect: list[Piece] | None = None  # inline pieces of an open heading
        self.heading_start = 0
        self.link = 0  # depth of open links
        self.links: list[bool] = []  # open links, True for a wikilink (text, not a link)
        self.image = 0
        self.batch = batch
        self.released = 0  # root.outs[:released] have left
        self.ready: list[list[Out]] = []  # a batch waiting to leave
        self.start_named: dict[str, Handler] = {
            "Paragraph": self.start_paragraph,
            "Item": self.start_item,
            "HtmlBlock": self.start_html_block,
        }
        self.start_tagged: dict[str, Handler] = {
            "Link": self.start_link,
            "Image": self.start_image,
            "List": self.start_list,
            "Heading": self.start_heading,
        }
        self.end_named: dict[str, Handler] = {
            "Paragraph": self.end_paragraph,
            "Item": self.end_item,
            "Link": self.end_link,
            "Image": self.end_image,
        }
        self.end_tagged: dict[str, Handler] = {
            "List": self.end_list,
            "Heading": self.end_heading,
            "BlockQuote": self.end_quote,
        }
        self.start_tagged["BlockQuote"] = self.start_quote
        for name in _EMPHASIS:
            self.start_named[name] = self.start_emphasis
            self.end_named[name] = self.end_emphasis
        for name in _OTHER_BLOCKS:
            self.start_tagged[name] = self.start_block
        self.start_tagged["CodeBlock"] = self.start_text_block
        self.start_tagged["Table"] = self.start_table
        self.start_named["TableRow"] = self.start_table_row
        self.start_named["TableCell"] = self.start_table_cell
        self.end_named["TableCell"] = self.end_table_cell
        self.end_named["Table"] = self.end_table

    # -- text and breaks ---------------------------------------------------------

    def on_break(self, event: str, span: Span) -> None:
        """SoftBreak, HardBreak or Rule: a head ends at the first line break."""
        cur = self.cur
        if event == "Rule":
            if cur.sandwich is not None:
                drop_sandwich(cur)
        elif cur.phase == HEAD:
            cur.phase = REST
        elif self.collect is not None:
            self.collect.append((TEXT, " ", 0, 0))
        elif (
            event == "SoftBreak"
            and cur.sandwich is not None
            and not self.quotes
            and next_number_at(self.data, span["end"], cur.sandwich.number + 1)
        ):
            # A paragraph right after an ordered list whose next line is the list's
            # next item, glued to it (see glue.py).
            raise Glued(span["end"])

    def text(self, value: str, span: Span) -> None:
        cur = self.cur
        phase = cur.phase
        if phase <= HEAD:
            if phase == NEW:
                cur.phase = HEAD
                cur.para_start = span["start"]
            end = span["end"]
            cur.head.append((TEXT, value, span["start"], end))
            cur.head_end = end
        elif self.collect is not None:
            self.collect.append((TEXT, value, 0, 0))
        elif self.link:
            cur.body |= HAS_LINK
        elif (
            not self.image
            and not cur.body & HAS_TEXT
            and (cur is not self.root or cur.sandwich is not None)
        ):
            # Once text is seen, more flags change no verdict (see Rules._judged).
            cur.body |= classify_text(value)

    def code(self, value: str, span: Span) -> None:
        self._code_like(CODE, value, span)

    def math(self, value: str, span: Span) -> None:
        cur = self.cur
        if cur.phase <= HEAD or self.collect is not None:  # kept as written: `$x$`, `$$x$$`
            value = self.source.text(span["start"], span["end"])
        self._code_like(MATH, value, span)

    def _code_like(self, kind: int, value: str, span: Span) -> None:
        cur = self.cur
        if cur.phase <= HEAD or self.collect is not None:
            self._inline(kind, value, span)
        else:
            cur.body |= HAS_TEXT

    def inline_html(self, value: str, span: Span) -> None:
        self.answers.saw_html(span["start"], span["end"])
        cur = self.cur
        if cur.phase <= HEAD or self.collect is not None:
            self._inline(HTML, value, span)
            return
        low = value[:3].lower()
        if low == "<a " or low == "<a>":
            self.link += 1
            cur.body |= HAS_LINK
        elif low == "</a":
            self.link = max(0, self.link - 1)
        else:
            cur.body |= html_media_flags(value)

    def html(self, value: str, span: Span) -> None:
        self.answers.saw_html(span["start"], span["end"])
        self.cur.body |= classify_html(value)

    def task_marker(self, value: bool, span: Span) -> None:
        cur = self.cur
        # In a loose list the marker comes right after the item's paragraph opened.
        if cur.phase == NEW or (cur.phase == HEAD and not cur.head):
            cur.task = True

    def footnote_reference(self, value: str, span: Span) -> None:
        if self.cur.phase > HEAD:
            self.cur.body |= HAS_TEXT

    def _inline(self, kind: int, value: str, span: Span) -> None:
        """An inline piece of the open head, or of the open heading."""
        cur = self.cur
        phase = cur.phase
        if phase <= HEAD:
            if phase == NEW:
                if kind in (EMPH_END, LINK_END, IMAGE_END):
                    return
                cur.phase = HEAD
                cur.para_start = span["start"]
            cur.head.append((kind, value, span["start"], span["end"]))
            if span["end"] > cur.head_end:
                cur.head_end = span["end"]
        elif self.collect is not None:
            self.collect.append((kind, value, 0, 0))

    # -- inline containers ---------------------------------------------------------

    def start_emphasis(self, name: str, span: Span) -> None:
        self._inline(EMPH, name, span)

    def end_emphasis(self, name: str, span: Span) -> None:
        self._inline(EMPH_END, name, span)

    def start_link(self, detail: dict[str, Any], span: Span) -> None:
        if detail["link_type"].__class__ is dict:  # {"WikiLink": …}: Obsidian's, read as text
            self.links.append(True)
            return
        self.links.append(False)
        self._inline(LINK, detail["dest_url"], span)
        self.link += 1
        if self.cur.phase > HEAD:
            self.cur.body |= HAS_LINK

    def end_link(self, name: str, span: Span) -> None:
        if self.links and self.links.pop():
            return
        self.link = max(0, self.link - 1)
        self._inline(LINK_END, "", span)

    def start_image(self, detail: dict[str, str], span: Span) -> None:
        self._inline(IMAGE, detail["dest_url"], span)
        self.image += 1
        if self.cur.phase > HEAD:
            self.cur.body |= HAS_IMAGE

    def end_image(self, name: str, span: Span) -> None:
        self.image = max(0, self.image - 1)
        self._inline(IMAGE_END, "", span)

    # -- lists -------------------------------------------------------------------

    def start_list(self, first_number: int | None, span: Span) -> None:
        cur = self.cur
        end_head(cur)
        leadin, self.leadin = self.leadin, None
        sandwich = cur.sandwich
        if sandwich is not None and first_number is not None:
            if first_number == sandwich.number + 1:
                apply_sandwich(cur, self.rules, span["start"])
                leadin = None  # the paragraph went into the item before
            else:
                drop_sandwich(cur)
        root = self.root
        in_answer = cur is not root and (cur.in_answer or self.rules.opens_answer(cur))
        lst = ListFrame(first_number is not None, in_answer)
        if (
            leadin is not None
            and leadin[0] is cur
            and not self.data[leadin[2] : span["start"]].strip(b" \t\n>")
        ):
            lst.context = leadin_text(self.source, leadin[1], leadin[2]) or ""
        self.lists.append(lst)
        if cur is root:
            self.headings.saw_content = True

    def end_list(self, ordered: bool, span: Span) -> None:
        cur = self.cur
        lst = self.lists.pop()
        if lst.count and lst.all_task:
            cur.body |= HAS_TODO
        else:
            cur.body |= lst.flags
        if lst.ordered and lst.last is not None and cur.sandwich is None:
            open_sandwich(cur, lst, self.data)

    def start_item(self, name: str, span: Span) -> None:
        frame = Frame(span["start"], span["end"], self.headings.path)
        if self.cur is self.root:
            self.stacks[span["start"]] = self.headings.frozen
        lists = self.lists
        if lists and lists[-1].in_answer:
            frame.in_answer = True
        self.stack.append(frame)
        self.cur = frame

    def _closed(self, item: Frame) -> list[Out | None]:
        """The outputs of a list item (or titled callout) that just closed."""
        if item.phase != BODY:
            item.para_end = item.end
        if item.sandwich is not None:
            drop_sandwich(item)
        return self.rules.inside_answer(item) if item.in_answer else self.rules.decide(item)

    def end_item(self, name: str, span: Span) -> None:
        stack = self.stack
        item = stack.pop()
        self.cur = cur = stack[-1]
        # `_closed`, inlined: this runs for every item of the note.
        if item.phase != BODY:
            item.para_end = item.end
        if item.sandwich is not None:
            drop_sandwich(item)
        outs = self.rules.inside_answer(item) if item.in_answer else self.rules.decide(item)
        lst = self.lists[-1]
        if lst.context:
            with_context(outs, lst.context)
        lst.count += 1
        lst.all_task = lst.all_task and item.task
        root = self.root
        if not lst.flags & HAS_TEXT and (cur is not root or root.sandwich is not None):
            # Only an enclosing item (or a pending sandwich) needs to know what this
            # item's content is made of, and once the list holds text, more flags
            # change no verdict (see Rules._judged).
            lst.flags |= pieces_flags(item.head) | item.body
        lst.last = item
        lst.last_at = len(cur.outs)
        lst.last_len = len(outs)
        cur.outs.extend(outs)
        if cur is root and self.batch and lst.last_at - self.released >= self.batch:
            self._release(lst.last_at)
        if not cur.child_card:
            for out in outs:
                if out is not None and out.is_card:
                    cur.child_card = True
                    break

    def _release(self, limit: int) -> None:
        """Hand out the document's outputs that nothing later can change: those before
        the item just closed (a sandwich may still redo it), before a pending
        sandwich's tail, and before the slot of a question heading still gathering
        its answer."""
        root = self.root
        if root.sandwich is not None and root.sandwich.at < limit:
            limit = root.sandwich.at
        pending = self.headings.pending
        if pending and pending[0].slot < limit:
            limit = pending[0].slot
        released = self.released
        if limit <= released:
            return
        self.ready.append(_finished(root.outs, released, limit, self.answers.markdown))
        outs = root.outs
        for gone in range(released, limit):
            outs[gone] = None  # nothing reads them again: free them
        self.released = limit

    def finish(self, end: int | None = None) -> list[Out]:
        """The outputs still held once every event is seen; `end`: where the walked part
        of the note ends (a section's walk, sections.py), else at the end of the note."""
        del self.stack[1:]  # pyromark closes everything, but never trust the tail
        root = self.root
        self.cur = root
        if root.sandwich is not None:
            drop_sandwich(root)
        self.headings.finish(len(self.data) if end is None else end)
        return _finished(root.outs, self.released, len(root.outs), self.answers.markdown)


def _finished(
    outs: list[Out | None], start: int, end: int, markdown: Callable[..., str]
) -> list[Out]:
    """outs[start:end] without empty slots, answers sliced (every byte of them walked)."""
    done: list[Out] = []
    for out in outs[start:end]:
        if out is not None:
            if out.back_span is not None:
                out.back = markdown(*out.back_span)
            done.append(out)
    return done
