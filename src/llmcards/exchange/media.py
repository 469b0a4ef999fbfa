"""Images stored beside the notes, packed into an .apkg as Anki media.

In the notes, `![结构](picture/arch.png)` points at a file next to the notes file; in
Anki an `<img>` names a file in the collection's media folder, which is flat. So every
local image a rendered field shows is added once under a flat name, and its `src` is
rewritten to that name. Links (http:, https:, …) stay as they are, and so does an image
whose file is not there: Anki then shows it missing, as the notes would.

An export is shared, so only files that are clearly the notes' own images are packed:
regular files under MAX_IMAGE_BYTES whose real path (symlinks followed) lies in the notes
file's folder or below it, or in the database's media folder (`paths.media_dir`, where
imported images live). `![k](/etc/shadow)`, `../../.ssh/id_rsa`, a symlink out of the
notes, `/proc/self/environ` or an `<img>` in an imported package's field stay links
(Anki finds no such file) and are counted in `refused` by reason, for the summary.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import stat
from collections import Counter
from pathlib import Path

from llmcards.paths import file_beside_notes

MAX_IMAGE_BYTES = 20 * 1024 * 1024
OUTSIDE = "outside the notes' folder"
NOT_REGULAR = "not a regular file"
TOO_LARGE = f"larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MB"

# Only the renderer's own <img> tags: raw HTML in notes is neutralized before rendering.
_IMG_SRC = re.compile(r'(<img src=")([^"]*)(")')


class MediaPacker:
    def __init__(self, media_root: Path | None = None) -> None:
        """`media_root`: the database's media folder, whose files may be packed too."""
        self.files: dict[str, Path] = {}  # media name -> file, in the order first seen
        self.refused: Counter[str] = Counter()  # reason -> images left as links
        self._names: dict[Path, str] = {}
        self._media_root = media_root.resolve() if media_root is not None else None

    def localize(self, rendered: str, source_path: str) -> str:
        """`rendered` HTML (of a card from `source_path`) with its local images renamed to
        media names (and collected)."""
        if "<img" not in rendered:
            return rendered
        source = Path(source_path)
        notes_dir = source.parent.resolve() if source.is_absolute() else None  # "anki:…"

        def rename(match: re.Match[str]) -> str:
            name = self._add(html.unescape(match[2]), notes_dir)
            return match[0] if name is None else f"{match[1]}{html.escape(name)}{match[3]}"

        return _IMG_SRC.sub(rename, rendered)

    def _add(self, src: str, notes_dir: Path | None) -> str | None:
        path = self._find(src, notes_dir)
        if path is None:
            return None
        if path in self._names:
            return self._names[path]
        reason = refusal(path)
        if reason is not None:
            self.refused[reason] += 1
            return None
        name = path.name
        if name in self.files:  # another folder's file of the same name
            digest = hashlib.sha256(str(path).encode()).hexdigest()[:8]
            name = f"{path.stem}-{digest}{path.suffix}"
        self.files[name] = path
        self._names[path] = name
        return name

    def _find(self, src: str, notes_dir: Path | None) -> Path | None:
        """The image's real path if it is one of the notes' (or the media folder's) files;
        None for a URL or a missing file. An existing file elsewhere is counted as refused."""
        roots = [root for root in (notes_dir, self._media_root) if root is not None]
        elsewhere = False
        for root in roots or [Path("/")]:  # no notes folder: an absolute path still counts
            path = file_beside_notes(src, root)
            if path is None:
                continue
            if roots and path.is_relative_to(root):
                return path
            elsewhere = True
        if elsewhere:
            self.refused[OUTSIDE] += 1
        return None


def refusal(target: Path | int) -> str | None:
    """Why the file at `target` (a path, or an open file's descriptor) may not be packed
    (None: it may)."""
    try:
        info = os.stat(target)
    except OSError:
        return NOT_REGULAR
    if not stat.S_ISREG(info.st_mode):
        return NOT_REGULAR
    if info.st_size > MAX_IMAGE_BYTES:
        return TOO_LARGE
    return None
