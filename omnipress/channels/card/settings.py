"""The ``card:`` section of a post's front matter: the one stat its social card shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omnipress.content.model import Post
from omnipress.content.schema import FieldSpec, Section

CARD_FIELDS = (
    FieldSpec(
        "stat",
        "id",
        help="a stat block shown on the social card (og:image) beside the title; "
        "without it the card shows the brand and the title only",
    ),
)


@dataclass(frozen=True)
class CardSettings:
    """A post's ``card:`` section. ``stat`` is a tuple of none or one id, so the content layer,
    which reads a section's block fields as lists, sees it as a use of the block."""

    stat: tuple[str, ...] = ()


NO_CARD = CardSettings()


def card_of(post: Post) -> CardSettings:
    found = post.settings.get(SECTION.key)
    return found if isinstance(found, CardSettings) else NO_CARD


def settings(data: dict[str, Any], line: int | None) -> CardSettings:
    stat = data.get("stat")
    return CardSettings((stat,) if stat else ())


SECTION = Section(
    key="card",
    fields=CARD_FIELDS,
    required=False,
    help="stat: the stat block the social card (og:image) shows",
    value=settings,
    scaffold=lambda site: {},
    blocks=("stat",),
)
