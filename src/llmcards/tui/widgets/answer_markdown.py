"""The Markdown of an answer (study screen and browse preview), with code that wraps.

Textual's code fence is as wide as its longest line and scrolls sideways with no
scrollbar and no key that reaches it: a long line (`x = torch.randn(3, 4)  # 一个很长的
注释…`) was cut at the pane's edge with nothing to say so. In a flashcard the whole
answer should be read at a glance, so here a code line longer than the pane is wrapped
instead (at a space or between CJK characters where it can, anywhere if it must), and
its continuation is set off as editors do it: at the line's own indentation, after a
dim `↪` (vim's `showbreak`), so it never reads as a line of its own.
"""

from __future__ import annotations

from rich._wrap import divide_line
from rich.cells import chop_cells
from textual.app import ComposeResult
from textual.content import Content
from textual.css.styles import RulesMap
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual, VisualType
from textual.widgets import Label, Markdown
from textual.widgets.markdown import MarkdownBlock, MarkdownFence

CONTINUED = "↪ "
TAB_SIZE = 4


def wrap_code(code: Content, width: int) -> Content:
    """`code` with every line longer than `width` cells broken into lines that fit, each
    continuation at its line's indentation after a dim `↪ `."""
    if width <= 0:
        return code
    lines: list[Content] = []
    for line in code.split("\n", allow_blank=True):
        line = line.expand_tabs(TAB_SIZE)
        if line.cell_length <= width:
            lines.append(line)
            continue
        plain = line.plain
        # The continuation's mark takes at most half the width (none below 4 cells).
        indent = min(len(plain) - len(plain.lstrip(" ")), width // 2 - len(CONTINUED))
        prefix = Content(" " * max(indent, 0)) + Content.styled(CONTINUED, "dim")
        if prefix.cell_length > width // 2:
            prefix = Content("")
        room, rest = width, line
        pieces: list[Content] = []
        while rest.cell_length > room:
            offsets = divide_line(rest.plain, room, fold=True)
            cut = offsets[0] if offsets else 0
            if cut <= 0:  # no break the wrapper takes: cut where the cells run out
                cut = len(chop_cells(rest.plain, room)[0]) or 1
            pieces.append(rest[:cut].rstrip())
            rest = rest[cut:]
            room = width - prefix.cell_length
        lines.append(pieces[0])
        lines.extend(prefix + piece for piece in [*pieces[1:], rest])
    return Content("\n").join(lines)


class WrappedCode(Visual):
    """Highlighted code, wrapped by `wrap_code` at the width it is drawn at."""

    def __init__(self, code: Content) -> None:
        self.code = code
        self._wrapped: tuple[int, Content] | None = None

    @property
    def shown(self) -> Content:
        """The code as last drawn."""
        return self.code if self._wrapped is None else self._wrapped[1]

    def _at(self, width: int) -> Content:
        if self._wrapped is None or self._wrapped[0] != width:
            self._wrapped = (width, wrap_code(self.code, width))
        return self._wrapped[1]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self._at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.code.get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._at(width).get_height(rules, width)


class CodeLabel(Label):
    """The fence's label (Textual updates it by its id and class): its code wraps."""

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        if isinstance(content, Content):
            content = WrappedCode(content)
        super().update(content, layout=layout)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        # Selection is in the lines as shown (wrapped): copy those.
        visual = self.visual
        if isinstance(visual, WrappedCode):
            return selection.extract(visual.shown.plain), "\n"
        return super().get_selection(selection)


class WrappedFence(MarkdownFence):
    DEFAULT_CSS = """
    WrappedFence {
        overflow: hidden hidden;
        & > CodeLabel { width: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        yield CodeLabel(WrappedCode(self._highlighted_code), id="code-content", expand=True)


class AnswerMarkdown(Markdown):
    BLOCKS: dict[str, type[MarkdownBlock]] = {
        **Markdown.BLOCKS,
        "fence": WrappedFence,
        "code_block": WrappedFence,
    }
