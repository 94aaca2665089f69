"""The ``pdf:`` section of a post's front matter, declared by the channel that uses it: the
blocks the one-pager shows, when the post chooses them."""

from __future__ import annotations

from typing import Any

from omnipress.content.schema import FieldSpec, Section

PDF_FIELDS = (
    FieldSpec(
        "blocks",
        "list[id]",
        help="block ids shown on the one-pager; without it, the blocks the post includes "
        "(CTA and boilerplate aside), as many as fit",
    ),
)


def blocks(data: dict[str, Any], line: int | None) -> tuple[str, ...]:
    return tuple(data.get("blocks") or ())


SECTION = Section(
    key="pdf",
    fields=PDF_FIELDS,
    required=False,
    help="blocks: the block ids the one-pager shows",
    value=blocks,
    scaffold=lambda site: {"blocks": " []"},
)
