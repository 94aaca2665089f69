"""Reading ``output/`` for the preview while builds replace it underneath.

The preview serves the files of ``output/`` while the watcher rebuilds them. A build swaps its
staging folder in with two renames (``output`` → ``output.previous``, staging → ``output``), so
for a moment there is no ``output/`` at all, and a request landing then would answer 404 for a
file that exists before and after. Here a file missing from ``output/`` is looked for in
``output.previous`` (the tree being replaced, still whole), and while a swap is visibly under
way the lookup is retried for a moment. A file that is simply not there is still a 404 at once.

Files are also written by hand or by other tools, so text shown from them is decoded with
replacement characters: one stray byte must not cost the marketer the whole page.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import quote, unquote

from omnipress.build.writer import previous_dir

SWAP_WAIT_SECONDS = 2.0
"""How long a request waits for a swap in progress: far longer than two renames take."""
SWAP_POLL_SECONDS = 0.02


def output_file(root: Path, url_path: str) -> Path | None:
    """The file under ``root`` that a URL path names, or None.

    The path is decoded once; any '.' or '..' segment, backslash or NUL refuses it outright
    (whether it came literally or %-encoded), and the resolved file must still be inside
    ``root``, so neither traversal nor a symlink can leave the output directory.
    """
    decoded = unquote(url_path)
    parts = decoded.split("/")
    if any(p in {".", ".."} or "\\" in p or "\x00" in p for p in parts):
        return None
    root = root.resolve()
    candidate = root.joinpath(*[p for p in parts if p]).resolve()
    if not candidate.is_relative_to(root):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def swap_in_progress(root: Path) -> bool:
    """True between a build's two renames (no ``output/``) or while the old tree is removed."""
    return not root.is_dir() or previous_dir(root).is_dir()


def read_output(
    root: Path, url_path: str, wait: float = SWAP_WAIT_SECONDS
) -> tuple[Path, bytes] | None:
    """(file, bytes) of the output file a URL path names, from ``output/`` or, during a swap,
    from the tree being replaced; None when it is in neither once no swap is under way."""
    deadline = time.monotonic() + wait
    while True:
        for tree in (root, previous_dir(root)):
            file = output_file(tree, url_path)
            if file is None:
                continue
            try:
                return file, file.read_bytes()
            except OSError:  # removed between the lookup and the read: look again
                continue
        if not swap_in_progress(root) or time.monotonic() >= deadline:
            return None
        time.sleep(SWAP_POLL_SECONDS)


def read_output_text(root: Path, relative: str) -> str | None:
    """An output file as text for a preview page; bytes that are not UTF-8 show as '�'."""
    found = read_output(root, quote(relative))
    return None if found is None else found[1].decode("utf-8", errors="replace")
