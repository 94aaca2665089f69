"""Characters the one-pager's fonts lack: caught while WeasyPrint draws, named by their source.

When no installed font (nor any ``@font-face``) has a character, an emoji or a CJK ideograph,
WeasyPrint draws an empty box (``.notdef``) and the PDF goes out looking broken. Pango has
already tried every font fontconfig knows by then, so WeasyPrint's own report of each box is
the exact list, for free; computing font coverage ourselves would only approximate Pango's
fallback. The build turns that list into warnings that name the post or block and the field
the characters come from, because that is where a marketer can remove them; ``check``
gives the same warning from the PDF's fonts (:func:`glyphs_finding`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from omnipress.content.model import Post, Project
from omnipress.errors import Finding, Problems, Severity, find_line
from omnipress.text.figures import strings_in

GLYPHS = "pdf.glyphs"
WEASYPRINT_LOGGER = "weasyprint"
NOTDEF_MESSAGE = ".notdef glyph"  # how WeasyPrint (≥ 61) starts its warning for each box
HINT = (
    "no font the one-pager can use has them: remove or replace them in the content, or "
    "install a font that has them (then the build uses it by itself), and build again"
)


def describe(chars: Iterable[str]) -> str:
    """'🚀 U+1F680, 中 U+4E2D': the character and its code point, which survives any terminal."""
    return ", ".join(f"{c} U+{ord(c):04X}" for c in chars)


class _Boxes(logging.Handler):
    """Collects the characters of WeasyPrint's '.notdef glyph rendered' warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.chars: dict[str, None] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if not str(record.msg).startswith(NOTDEF_MESSAGE):
            return
        for arg in record.args if isinstance(record.args, tuple) else ():
            if isinstance(arg, int) and not isinstance(arg, bool) and 0 <= arg <= 0x10FFFF:
                self.chars[chr(arg)] = None


@contextmanager
def boxes_drawn() -> Iterator[dict[str, None]]:
    """While the block runs, the characters WeasyPrint draws as empty boxes, in order."""
    handler = _Boxes()
    logger = logging.getLogger(WEASYPRINT_LOGGER)
    logger.addHandler(handler)
    try:
        yield handler.chars
    finally:
        logger.removeHandler(handler)


def boxes_reported() -> bool:
    """Whether :func:`boxes_drawn` hears every box WeasyPrint draws: not when its logger has
    been silenced or filtered (by an application embedding the build)."""
    logger = logging.getLogger(WEASYPRINT_LOGGER)
    return logger.isEnabledFor(logging.WARNING) and not logger.filters


@dataclass(frozen=True)
class Source:
    """One piece of content that reaches the one-pager: where it is written and as what."""

    path: Path
    line: int | None
    what: str  # "post 'x', field 'summary'"
    text: str


def onepager_sources(project: Project, post: Post, blocks: Iterable[str]) -> Iterator[Source]:
    """Everything the one-pager prints that comes from content/, field by field."""
    for name, value in (("title", post.title), ("summary", post.summary), ("tags", post.tags)):
        text = " ".join(strings_in(value))
        yield Source(post.path, post.line_of(name), f"post {post.slug!r}, field {name!r}", text)
    for block_id in dict.fromkeys([*blocks, post.author]):
        block = project.blocks.get(block_id)
        if block is None:
            continue
        fields = [(name, " ".join(strings_in(value))) for name, value in block.fields.items()]
        for name, text in [*fields, ("body", block.body_for("pdf"))]:
            yield Source(block.path, None, f"{block.type} block {block.id!r}, field {name!r}", text)
    site = project.site
    for name, text in (("name", site.name), ("tagline", site.tagline), ("legal", site.legal)):
        yield Source(site.path, None, f"site.yaml, field {name!r}", text)


@dataclass(frozen=True)
class MissingGlyphs:
    """A warning to give: these characters of this source print as empty boxes."""

    source: Source
    chars: tuple[str, ...]

    @property
    def message(self) -> str:
        return (
            f"{self.source.what}: {len(self.chars)} character(s) print as empty boxes in the "
            f"PDF one-pager: {describe(self.chars)}"
        )

    @property
    def line(self) -> int | None:
        return self.source.line or find_line(self.source.path, self.chars[0])


def attribute(boxes: Iterable[str], sources: Iterable[Source]) -> list[MissingGlyphs]:
    """The sources that hold the boxed characters, each with the ones it holds."""
    wanted = set(boxes)
    found = []
    for source in sources:
        chars = tuple(c for c in dict.fromkeys(source.text) if c in wanted)
        if chars:
            found.append(MissingGlyphs(source, chars))
    return found


def unplaced(boxes: Iterable[str], found: Iterable[MissingGlyphs]) -> tuple[str, ...]:
    """Boxed characters no content field holds (the templates print them)."""
    placed = {c for item in found for c in item.chars}
    return tuple(c for c in dict.fromkeys(boxes) if c not in placed)


def glyphs_finding(
    boxes: Iterable[str], sources: Iterable[Source] | None
) -> tuple[Finding, MissingGlyphs | None]:
    """The one ``pdf.glyphs`` warning of a one-pager, word for word the same in the build and
    in ``check``, so a verdict the build seeds equals one read back: the characters in
    code-point order (the build learns them as WeasyPrint draws, ``check`` from the file's
    fonts: the same set, in another order), then the fields of ``sources`` that hold them
    (None: the content has changed since the build, so no field can be named). Also the
    first of those fields, where the build points."""
    chars = tuple(sorted(set(boxes)))
    message = f"{len(chars)} character(s) print as empty boxes in the PDF one-pager: "
    message += describe(chars)
    if sources is None:
        return Finding(GLYPHS, message, HINT, Severity.WARNING), None
    found = attribute(chars, sources)
    where = [item.source.what for item in found]
    if unplaced(chars, found):
        where.append("the one-pager's design")
    message += f" (in {'; '.join(where)})"
    return Finding(GLYPHS, message, HINT, Severity.WARNING), found[0] if found else None


def warn_boxes(
    problems: Problems, subject: str, project: Project, post: Post, blocks: Iterable[str],
    boxes: Iterable[str], design: Path,
) -> None:  # fmt: skip
    """The build's ``pdf.glyphs`` warning, as ``check`` gives it, pointing at the first field
    that holds such characters (or at the design, when only the templates print them)."""
    finding, first = glyphs_finding(boxes, onepager_sources(project, post, blocks))
    if first is not None:
        path, line = first.source.path, first.line
    else:
        path, line = design, find_line(design, min(boxes))
    problems.warning(f"{subject}: {finding.message} [{finding.rule}]", path, line,
                     hint=finding.hint)  # fmt: skip
