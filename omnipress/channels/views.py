"""The facts templates print, decided once in Python for every channel.

Templates hold markup and Python holds decisions: the date format, the tagged CTA link and
the reading time are computed here (a fact of one channel, LinkedIn's hashtags, in its
package), so the blog, the PDF and the LinkedIn post cannot drift apart by formatting the
same fact two ways.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from omnipress.channels.base import Job
from omnipress.content.links import with_utm
from omnipress.content.model import Block, Project
from omnipress.content.resolve import effective_cta

WORDS_PER_MINUTE = 220


@dataclass(frozen=True)
class CtaView:
    id: str
    label: str
    url: str  # tagged for the channel it appears in
    text: str  # Markdown body for the channel, may be empty


@dataclass(frozen=True)
class AuthorView:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class PostView:
    slug: str
    title: str
    summary: str
    description: str
    date_iso: str
    date_display: str
    author_id: str
    tags: tuple[str, ...]
    keywords: str
    canonical_url: str
    reading_minutes: int
    campaign: str | None
    blocks: Mapping[str, Block] = field(repr=False, compare=False)
    draft: bool = False  # approvals on and not approved: each template draws its draft mark

    @property
    def document_title(self) -> str:
        """The title of a document (the PDF's, the carousel's): a draft says so first."""
        return draft_title(self.title) if self.draft else self.title

    @property
    def author(self) -> AuthorView:
        """Looked up only when a template prints it, so an output that never shows the author
        (the LinkedIn post) does not depend on the bio block and is not rebuilt when it changes."""
        return author_view(self.blocks[self.author_id])


def display_date(value: object) -> str:
    """'1 October 2025': unambiguous to British and American readers alike."""
    from datetime import date

    assert isinstance(value, date)
    return f"{value.day} {value:%B %Y}"


@functools.lru_cache(maxsize=64)
def reading_minutes(markdown_text: str) -> int:
    """Counted once per text: each of a post's outputs prints it."""
    words = len(re.findall(r"\w+", markdown_text))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def author_view(block: Block) -> AuthorView:
    return AuthorView(block.id, block.field("name"), block.field("role"))


def cta_view(project: Project, job: Job) -> CtaView:
    block = effective_cta(project, job.post, job.campaign)
    campaign = job.campaign.utm_campaign if job.campaign else project.site.utm_campaign
    extra = job.campaign.utm if job.campaign else {}
    url = with_utm(
        block.field("url"), job.channel.utm_source, job.channel.utm_medium, campaign, extra
    )
    return CtaView(block.id, block.field("label"), url, block.body_for(job.channel.name))


def post_view(project: Project, job: Job) -> PostView:
    post = job.post
    return PostView(
        slug=post.slug,
        title=post.title,
        summary=post.summary,
        description=post.description,
        date_iso=post.date.isoformat(),
        date_display=display_date(post.date),
        author_id=post.author,
        tags=post.tags,
        keywords=", ".join(post.tags),
        canonical_url=project.site.post_url(post.slug),
        reading_minutes=reading_minutes(post.body),
        campaign=job.campaign.name if job.campaign else None,
        blocks=project.blocks,
        draft=is_draft(job),
    )


DRAFT_TITLE = "Draft — {title}"
"""A draft document's title, as a PDF reader lists it: ``check`` holds a draft's title to it."""


def draft_title(title: str) -> str:
    return DRAFT_TITLE.format(title=title)


def is_draft(job: Job) -> bool:
    return job.approval is not None and job.approval.draft


CARD_WIDTH, CARD_HEIGHT = 1200, 627  # LinkedIn's and Open Graph's large link image, in px
CARD_FILE = "card.png"  # beside the blog page: blog/<slug>/card.png


@dataclass(frozen=True)
class CardImage:
    """The social card as the blog page's head announces it (og:image): shared here because
    the blog page prints it and the card channel draws it, and the two must not disagree."""

    url: str
    width: int
    height: int
    alt: str


def card_image(project: Project, slug: str, title: str) -> CardImage:
    """The card's absolute address and text alternative. The alt names what the card always
    shows (the brand and the title), so the blog page does not depend on the stat block."""
    site = project.site
    return CardImage(
        site.post_url(slug) + CARD_FILE, CARD_WIDTH, CARD_HEIGHT, f"{site.name}: {title}"
    )
