"""Which files of ``content/images/`` (and the logo) may be published, judged by what they are.

Everything here is copied byte for byte to ``output/blog/assets/`` and served beside the blog,
so a file is published only when it is an image we can vouch for: its first bytes are those of
a PNG, JPEG, GIF or WebP named as such, or it is an SVG that :mod:`content.svg` parses as a
plain drawing. The name alone proves nothing (an ``.html`` page or an ``id_rsa`` renamed
``.png``); nor does a folder: a symbolic link anywhere under ``images/`` is refused, since it
can point anywhere on the disk. Sizes are read from the open file's ``fstat`` before a byte
is read, so a forgotten 1 GB export is refused at once instead of filling memory and output.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from omnipress.content.sources import LINK_HINT, LINK_REFUSED
from omnipress.content.svg import MAX_FINDINGS, svg_findings
from omnipress.errors import Problems

MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""Per image. A blog image or a logo is well under a megabyte once exported for the web; a
photo straight from a camera is a few megabytes; past ten it is a mistake (a print master, a
video renamed), and WeasyPrint would spend seconds on it in every one-pager."""
MAX_IMAGES_BYTES = 100 * 1024 * 1024
"""All of ``content/images/`` together: every image is copied into every build's output."""

IMAGE_HINT = "export it for the web as PNG, JPEG, GIF, WebP or SVG, or remove it from content/"
SVG_HINT = (
    "export it again as a plain drawing (e.g. with SVGO or Inkscape's 'Plain SVG'), or use a PNG"
)


@dataclass(frozen=True)
class ImageType:
    """A raster format, known by its first bytes (its signature) and by the names it goes by."""

    name: str
    suffixes: tuple[str, ...]
    signature: Callable[[bytes], bool]


RASTER_TYPES = (
    ImageType("PNG", (".png",), lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ImageType("JPEG", (".jpg", ".jpeg"), lambda head: head.startswith(b"\xff\xd8\xff")),
    ImageType("GIF", (".gif",), lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ImageType("WebP", (".webp",), lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
)
SVG_SUFFIX = ".svg"
SIGNATURE_BYTES = 16
"""Enough of a raster file to know its type; the rest is never read here."""
IMAGE_SUFFIXES = (*(s for t in RASTER_TYPES for s in t.suffixes), SVG_SUFFIX)


def megabytes(size: int) -> str:
    return f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.1f} MB"


@dataclass(frozen=True)
class Refusal:
    """Why one file is not published: what is wrong, where in it, and what to do."""

    message: str
    line: int | None = None
    hint: str = IMAGE_HINT


def image_refusals(path: Path) -> list[Refusal]:
    """Empty when ``path`` is an image we can publish; otherwise every reason it is not."""
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        return [Refusal(f"not an image: only {', '.join(IMAGE_SUFFIXES)} files are published")]
    svg = suffix == SVG_SUFFIX
    data = read_bounded(path, MAX_IMAGE_BYTES + 1 if svg else SIGNATURE_BYTES)
    if isinstance(data, Refusal):
        return [data]
    if svg:
        return svg_refusals(data)
    expected = next(t for t in RASTER_TYPES if suffix in t.suffixes)
    if expected.signature(data):
        return []
    actual = next((t for t in RASTER_TYPES if t.signature(data)), None)
    if actual is not None:
        return [
            Refusal(
                f"this is a {actual.name} image named {suffix}",
                hint=f"rename it to {actual.suffixes[0]} (browsers trust the name)",
            )
        ]
    return [
        Refusal(f"named {suffix} but not a {expected.name} image (its content is something else)")
    ]


def read_bounded(path: Path, count: int) -> bytes | Refusal:
    """The first ``count`` bytes of the file, opened without following a link, and only once
    its size is known to be within the limit."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        return Refusal(f"cannot read the image: {exc.strerror}")
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return Refusal("not a regular file")
        if info.st_size > MAX_IMAGE_BYTES:
            return Refusal(
                f"the image is {megabytes(info.st_size)}; images may be at most "
                f"{megabytes(MAX_IMAGE_BYTES)}",
                hint="export a smaller version for the web (a blog image needs well under 1 MB)",
            )
        data = file.read(count)  # bounded even if the file grows after fstat
    if len(data) > MAX_IMAGE_BYTES:
        return Refusal(f"the image grew past {megabytes(MAX_IMAGE_BYTES)} while it was read")
    return data


def svg_refusals(data: bytes) -> list[Refusal]:
    findings = svg_findings(data)
    refusals = [Refusal(f.message, f.line, SVG_HINT) for f in findings[:MAX_FINDINGS]]
    if len(findings) > MAX_FINDINGS:
        more = len(findings) - MAX_FINDINGS
        refusals.append(
            Refusal(f"the SVG image contains {more} more such thing(s)", None, SVG_HINT)
        )
    return refusals


def report(path: Path, refusals: list[Refusal], problems: Problems) -> bool:
    """True when there was nothing to report."""
    for refusal in refusals:
        problems.error(refusal.message, path, refusal.line, refusal.hint)
    return not refusals


def vet_image(path: Path, problems: Problems) -> bool:
    """True for a publishable image; otherwise False, after saying why, against the file."""
    return report(path, image_refusals(path), problems)


def collect_images(root: Path, problems: Problems) -> dict[str, Path]:
    """The publishable images under ``root/images``, by name (``images/chart.png``).

    Hidden files (``.DS_Store``) are skipped, as elsewhere in ``content/``. Every other file
    that is not a publishable image is an error, not a silent skip: the marketer put it there
    to be published and should learn why it was not.
    """
    folder = root / "images"
    if folder.is_symlink():
        problems.error(LINK_REFUSED, folder, hint=LINK_HINT)
        return {}
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    total = 0
    for path in walk(folder, problems):
        if not path.resolve().is_relative_to(root):  # no link was followed; say it anyway
            problems.error("this file is outside content/", path, hint=LINK_HINT)
        elif vet_image(path, problems):
            total += path.stat().st_size
            found[path.relative_to(root).as_posix()] = path
    if total > MAX_IMAGES_BYTES:
        problems.error(
            f"content/images/ holds {megabytes(total)} of images; the limit is "
            f"{megabytes(MAX_IMAGES_BYTES)}",
            folder,
            hint="remove images no post uses, or export smaller versions for the web",
        )
    return found


def walk(folder: Path, problems: Problems) -> list[Path]:
    """Every file under ``folder``, sorted, never through a symbolic link (to a file or a
    folder: either may point outside ``content/``)."""
    files: list[Path] = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            path = Path(entry.path)
            if entry.name.startswith(".") or entry.name.endswith("~"):
                continue
            if entry.is_symlink():
                problems.error(LINK_REFUSED, path, hint=LINK_HINT)
            elif entry.is_dir(follow_symlinks=False):
                files += walk(path, problems)
            else:
                files.append(path)
    return files
