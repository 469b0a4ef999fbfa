"""The single pass over pyromark's events.

Each list item is a `Frame` on a stack; inline events of its head are kept as pieces,
everything after the head only updates the item's content flags. When an item closes,
`Rules.decide` turns it into outputs, which go to the enclosing item (or the document)
so a group can adopt its children's cards. Nothing recurses, so lists nested
hundreds deep are just a deeper list.

Outputs leave in batches as soon as nothing later can change them, so an importer can
store the first cards of a large note while the rest is still being parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pyromark.event import Range

from llmcards.notes import pieces as P
from llmcards.notes.answer import Answers
from llmcards.notes.content import classify_html, classify_text, html_media_flags, pieces_flags
from llmcards.notes.frames import BODY, HEAD, NEW, REST, Frame, ListFrame, Out, Sandwich
from llmcards.notes.headings import Headings
from llmcards.notes.parser import parse_events
from llmcards.notes.rules import Rules
from llmcards.notes.source import Source

_EMPHASIS = frozenset({"Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript"})
_LEVELS = {"H1": 1, "H2": 2, "H3": 3, "H4": 4, "H5": 5, "H6": 6}


def walk(text: str, batch: int = 0) -> Iterator[list[Out]]:
    """The note's outputs in note order: lists of about `batch` (0: one list at the end)."""
    source = Source(text)
    data = source.data
    answers = Answers(source)
    rules = Rules(source, answers)
    root = Frame(0, len(data), (), BODY)
    headings = Headings(answers, root.outs)
    stack: list[Frame] = [root]
    lists: list[ListFrame] = []
    cur = root
    heading: list[P.Piece] | None = None
    heading_start = 0
    link = 0
    image = 0
    released = 0  # root.outs[:released] have left
    TEXT, HAS_TEXT, HAS_LINK, HAS_IMAGE = P.TEXT, P.HAS_TEXT, P.HAS_LINK, P.HAS_IMAGE

    for event, span in parse_events(text):
        if isinstance(event, str):
            if event == "Rule":
                if cur.sandwich is not None:
                    _drop_sandwich(cur)
            elif cur.phase == HEAD:
                cur.phase = REST
            elif heading is not None:
                heading.append((TEXT, " ", 0, 0))
            continue
        ((key, value),) = event.items()

        if key == "Text":
            phase = cur.phase
            if phase <= HEAD:
                if phase == NEW:
                    cur.phase = HEAD
                    cur.para_start = span["start"]
                end = span["end"]
                cur.head.append((TEXT, value, span["start"], end))
                cur.head_end = end
            elif heading is not None:
                heading.append((TEXT, value, 0, 0))
            elif link:
                cur.body |= HAS_LINK
            elif (
                not image
                and not cur.body & HAS_TEXT
                and (cur is not root or root.sandwich is not None)
            ):
                # Once text is seen, more flags change no verdict (see Rules._judged).
                cur.body |= classify_text(value)
            continue

        if key == "Start":
            if value.__class__ is str:
                if value in _EMPHASIS:
                    _inline(cur, heading, P.EMPH, value, span)
                elif value == "Paragraph":
                    if cur.phase == NEW:
                        cur.phase = HEAD
                        cur.para_start = span["start"]
                    elif cur is root:
                        headings.saw_content = True
                elif value == "Item":
                    frame = Frame(span["start"], span["end"], headings.path)
                    if lists and lists[-1].in_answer:
                        frame.in_answer = True
                    stack.append(frame)
                    cur = frame
                elif value == "HtmlBlock":
                    _end_head(cur)
                    if cur is root:
                        headings.saw_content = True
                continue
            ((tag, detail),) = value.items()
            if tag == "Link":
                _inline(cur, heading, P.LINK, detail["dest_url"], span)
                link += 1
                if cur.phase > HEAD:
                    cur.body |= HAS_LINK
            elif tag == "Image":
                _inline(cur, heading, P.IMAGE, detail["dest_url"], span)
                image += 1
                if cur.phase > HEAD:
                    cur.body |= HAS_IMAGE
            elif tag == "List":
                _end_head(cur)
                sandwich = cur.sandwich
                if sandwich is not None and detail is not None:
                    if detail == sandwich.number + 1:
                        _apply_sandwich(cur, rules, span["start"])
                    else:
                        _drop_sandwich(cur)
                in_answer = cur is not root and (cur.in_answer or rules.opens_answer(cur))
                lists.append(ListFrame(detail is not None, in_answer))
                if cur is root:
                    headings.saw_content = True
            elif tag == "Heading":
                if cur is root:
                    if cur.sandwich is not None:
                        _drop_sandwich(cur)
                    heading = []
                    heading_start = span["start"]
                else:
                    _end_head(cur)
                    cur.body |= HAS_TEXT
            else:  # CodeBlock, Table, BlockQuote, FootnoteDefinition, MetadataBlock
                _end_head(cur)
                if tag in ("CodeBlock", "Table"):
                    cur.body |= HAS_TEXT
                if cur is root:
                    headings.saw_content = True
            continue

        if key == "End":
            if value.__class__ is str:
                if value in _EMPHASIS:
                    _inline(cur, heading, P.EMPH_END, value, span)
                elif value == "Paragraph":
                    phase = cur.phase
                    if phase in (HEAD, REST):
                        cur.phase = BODY
                        cur.para_end = span["end"]
                    else:
                        start, end = span["start"], span["end"]
                        if (cur is root and data.find(b"::", start, end) >= 0) or data.find(
                            b"{{c", start, end
                        ) >= 0:
                            cur.outs.extend(
                                _paragraph(rules, cur is root, start, end, headings.path)
                            )
                elif value == "Item":
                    item = stack.pop()
                    cur = stack[-1]
                    if item.phase != BODY:
                        item.para_end = item.end
                    if item.sandwich is not None:
                        _drop_sandwich(item)
                    outs = rules.inside_answer(item) if item.in_answer else rules.decide(item)
                    lst = lists[-1]
                    lst.count += 1
                    lst.all_task = lst.all_task and item.task
                    if not lst.flags & HAS_TEXT and (cur is not root or root.sandwich is not None):
                        # Only an enclosing item (or a pending sandwich) needs to know
                        # what this item's content is made of, and once the list holds
                        # text, more flags change no verdict (see Rules._judged).
                        lst.flags |= pieces_flags(item.head) | item.body
                    lst.last = item
                    lst.last_at = len(cur.outs)
                    lst.last_len = len(outs)
                    cur.outs.extend(outs)
                    if cur is root and batch and lst.last_at - released >= batch:
                        # Final: outputs before the item just closed (a sandwich may
                        # still redo it), before a pending sandwich's tail, and before
                        # the slot of a question heading still gathering its answer.
                        limit = lst.last_at
                        if root.sandwich is not None and root.sandwich.at < limit:
                            limit = root.sandwich.at
                        if headings.pending and headings.pending[0].slot < limit:
                            limit = headings.pending[0].slot
                        if limit > released:
                            yield _finished(root.outs, released, limit, answers.markdown)
                            for gone in range(released, limit):
                                root.outs[gone] = None  # nothing reads them again: free them
                            released = limit
                    if not cur.child_card:
                        for out in outs:
                            if out is not None and out.is_card:
                                cur.child_card = True
                                break
                elif value == "Link":
                    link = max(0, link - 1)
                    _inline(cur, heading, P.LINK_END, "", span)
                elif value == "Image":
                    image = max(0, image - 1)
                    _inline(cur, heading, P.IMAGE_END, "", span)
                continue
            ((tag, detail),) = value.items()
            if tag == "List":
                lst = lists.pop()
                if lst.count and lst.all_task:
                    cur.body |= P.HAS_TODO
                else:
                    cur.body |= lst.flags
                if lst.ordered and lst.last is not None and cur.sandwich is None:
                    number = _item_number(data, lst.last.start)
                    if number is not None:
                        cur.sandwich = Sandwich(
                            lst.last, number, lst.last_at, lst.last_len, cur.body
                        )
                        cur.body = 0
            elif tag == "Heading" and heading is not None:
                headings.heading(
                    _LEVELS[detail],
                    heading,
                    heading_start,
                    span["end"],
                    source.line_of(heading_start),
                )
                heading = None
            continue

        if key == "Code" or key == "InlineMath" or key == "DisplayMath":
            kind = P.CODE if key == "Code" else P.MATH
            if cur.phase <= HEAD or heading is not None:
                _inline(cur, heading, kind, value, span)
            else:
                cur.body |= HAS_TEXT
        elif key == "InlineHtml":
            answers.saw_html(span["start"], span["end"])
            if cur.phase <= HEAD or heading is not None:
                _inline(cur, heading, P.HTML, value, span)
            else:
                low = value[:3].lower()
                if low == "<a " or low == "<a>":
                    link += 1
                    cur.body |= HAS_LINK
                elif low == "</a":
                    link = max(0, link - 1)
                else:
                    cur.body |= html_media_flags(value)
        elif key == "Html":
            answers.saw_html(span["start"], span["end"])
            cur.body |= classify_html(value)
        elif key == "TaskListMarker":
            if cur.phase == NEW:
                cur.task = True
        elif key == "FootnoteReference" and cur.phase > HEAD:
            cur.body |= HAS_TEXT

    while len(stack) > 1:  # pyromark closes everything, but never trust the tail
        stack.pop()
    if root.sandwich is not None:
        _drop_sandwich(root)
    headings.finish(len(data))
    yield _finished(root.outs, released, len(root.outs), answers.markdown)


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


def _inline(cur: Frame, heading: list[P.Piece] | None, kind: int, value: str, span: Range) -> None:
    phase = cur.phase
    if phase <= HEAD:
        if phase == NEW:
            if kind in (P.EMPH_END, P.LINK_END, P.IMAGE_END):
                return
            cur.phase = HEAD
            cur.para_start = span["start"]
        cur.head.append((kind, value, span["start"], span["end"]))
        if span["end"] > cur.head_end:
            cur.head_end = span["end"]
    elif heading is not None:
        heading.append((kind, value, 0, 0))


def _end_head(cur: Frame) -> None:
    phase = cur.phase
    if phase != BODY:
        if phase != NEW and cur.para_end < 0:
            cur.para_end = cur.head_end
        cur.phase = BODY


def _paragraph(
    rules: Rules, top_level: bool, start: int, end: int, path: tuple[str, ...]
) -> list[Out | None]:
    if top_level:
        return rules.paragraph(start, end, path)
    # Inside an item only clozes count ("anywhere, also inside another card's answer").
    line = rules.source.line_of(start)
    return rules.cloze_outs(start, end, start, path, line)


def _item_number(data: bytes, start: int) -> int | None:
    pos = start
    while pos < len(data) and data[pos] in b" \t":
        pos += 1
    end = pos
    while end < len(data) and end - pos < 10 and 48 <= data[end] <= 57:
        end += 1
    return int(data[pos:end]) if end > pos else None


def _apply_sandwich(container: Frame, rules: Rules, resume: int) -> None:
    sandwich = container.sandwich
    assert sandwich is not None
    container.sandwich = None
    extra = container.body
    container.body = sandwich.saved_body | extra
    tail = sandwich.tail
    if tail.decision != "rule":
        return
    tail.end = resume
    tail.body |= extra
    between = container.outs[sandwich.at + sandwich.tail_len :]
    redone = rules.decide(tail)
    container.outs[sandwich.at :] = redone + [
        o for o in between if o is not None and o.kind == "cloze"
    ]


def _drop_sandwich(container: Frame) -> None:
    sandwich = container.sandwich
    assert sandwich is not None
    container.sandwich = None
    container.body |= sandwich.saved_body
