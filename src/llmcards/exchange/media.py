"""Images stored beside the notes, packed into an .apkg as Anki media.

In the notes, `![结构](picture/arch.png)` points at a file next to the notes file; in
Anki an `<img>` names a file in the collection's media folder, which is flat. So every
local image a rendered field shows is added once under a flat name, and its `src` is
rewritten to that name. Links (http:, https:, data:, …) stay as they are, and so does an
image whose file is not there: Anki then shows it missing, as the notes would.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from llmcards.paths import file_beside_notes

# Only the renderer's own <img> tags: raw HTML in notes is neutralized before rendering.
_IMG_SRC = re.compile(r'(<img src=")([^"]*)(")')


class MediaPacker:
    def __init__(self) -> None:
        self.files: dict[str, Path] = {}  # media name -> file, in the order first seen
        self._names: dict[Path, str] = {}

    def localize(self, rendered: str, notes_dir: Path) -> str:
        """`rendered` HTML with its local images renamed to media names (and collected)."""
        if "<img" not in rendered:
            return rendered

        def rename(match: re.Match[str]) -> str:
            name = self._add(html.unescape(match[2]), notes_dir)
            return match[0] if name is None else f"{match[1]}{html.escape(name)}{match[3]}"

        return _IMG_SRC.sub(rename, rendered)

    def _add(self, src: str, notes_dir: Path) -> str | None:
        path = file_beside_notes(src, notes_dir)
        if path is None:
            return None  # a URL (left for Anki to fetch) or a missing file
        if path in self._names:
            return self._names[path]
        name = path.name
        if name in self.files:  # another folder's file of the same name
            digest = hashlib.sha256(str(path).encode()).hexdigest()[:8]
            name = f"{path.stem}-{digest}{path.suffix}"
        self.files[name] = path
        self._names[path] = name
        return name
