"""The ``pdf:`` section of a post's front matter, declared by the channel that uses it: the
blocks the one-pager shows, when the post chooses them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omnipress.content.model import Post
from omnipress.content.schema import FieldSpec, Section

PDF_FIELDS = (
    FieldSpec(
        "blocks",
        "list[id]",
        help="block ids shown on the one-pager; without it, the blocks the post includes "
        "(CTA and boilerplate aside), as many as fit",
    ),
)


@dataclass(frozen=True)
class PdfSettings:
    """A post's ``pdf:`` section (``post.settings["pdf"]``)."""

    blocks: tuple[str, ...] = ()


def settings(data: dict[str, Any], line: int | None) -> PdfSettings:
    return PdfSettings(tuple(data.get("blocks") or ()))


def chosen_blocks(post: Post) -> tuple[str, ...]:
    """The blocks the post's ``pdf.blocks`` lists for its one-pager (none: the build chooses)."""
    found = post.settings.get(SECTION.key)
    return found.blocks if isinstance(found, PdfSettings) else ()


SECTION = Section(
    key="pdf",
    fields=PDF_FIELDS,
    required=False,
    help="blocks: the block ids the one-pager shows",
    value=settings,
    scaffold=lambda site: {"blocks": " []"},
    blocks=("blocks",),
)
