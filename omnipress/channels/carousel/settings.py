"""The ``carousel:`` section of a post's front matter: the blocks its LinkedIn document shows,
one slide each. A post without the section has no carousel (the channel's ``applies``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omnipress.content.model import Post
from omnipress.content.schema import FieldSpec, Section

CAROUSEL_FIELDS = (
    FieldSpec(
        "slides",
        "list[id]",
        help="block ids, one slide each (stat, definition, quote, takeaways), between the cover "
        "and the call to action",
    ),
)


@dataclass(frozen=True)
class CarouselSettings:
    """A post's ``carousel:`` section (``post.settings["carousel"]``)."""

    slides: tuple[str, ...] = ()


def settings(data: dict[str, Any], line: int | None) -> CarouselSettings:
    return CarouselSettings(tuple(data.get("slides") or ()))


def carousel_of(post: Post) -> CarouselSettings | None:
    """The post's ``carousel:`` section, or None when it has none (then no carousel)."""
    found = post.settings.get(SECTION.key)
    return found if isinstance(found, CarouselSettings) else None


def has_carousel(post: Post) -> bool:
    """A carousel needs slides: ``new post`` writes ``slides: []`` for the writer to fill, and
    until then the post has no carousel (rather than a cover and a CTA with nothing between)."""
    found = carousel_of(post)
    return found is not None and bool(found.slides)


SECTION = Section(
    key="carousel",
    fields=CAROUSEL_FIELDS,
    required=False,
    help="slides: the block ids the LinkedIn document shows, one slide each",
    value=settings,
    scaffold=lambda site: {"slides": " []"},
    blocks=("slides",),
)
