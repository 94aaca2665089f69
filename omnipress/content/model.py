"""The content model: what a site, a block, a post and a campaign are once loaded.

Everything is a frozen dataclass so a typo in a field name is an AttributeError in tests, not a
silent ``None`` in a template, and so loaded content can be hashed and shared between worker
processes without surprises.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omnipress.errors import Severity

if TYPE_CHECKING:
    from omnipress.content.approvals import Approvals
    from omnipress.content.styles import StyleRule


@dataclass(frozen=True)
class Brand:
    colors: dict[str, str]
    fonts: dict[str, str]


@dataclass(frozen=True)
class Site:
    name: str
    base_url: str
    blog_path: str
    language: str
    default_cta: str
    boilerplate: str | None
    default_hashtags: tuple[str, ...]
    utm_campaign: str
    legal: str
    tagline: str
    logo: str | None
    brand: Brand
    page_size: str
    path: Path
    digest: str
    # how severe an unsourced figure is; not in ``digest``, since no output shows it
    claims: Severity = Severity.WARNING
    # the roles that must approve every source before an output is published; () = off
    approvals: tuple[str, ...] = ()

    def post_url(self, slug: str) -> str:
        """The canonical address of a post on the blog; the one link every channel points to."""
        section = self.blog_path.strip("/")
        prefix = f"/{section}/" if section else "/"
        return f"{self.base_url.rstrip('/')}{prefix}{slug}/"


@dataclass(frozen=True)
class Block:
    """A reusable piece of content: a CTA, a statistic, a definition…

    ``fields`` holds the structured fields of its type (validated against the type's schema);
    ``variants`` maps a channel name to a body that replaces ``body`` in that channel.
    """

    id: str
    type: str
    fields: dict[str, Any]
    body: str
    variants: dict[str, str]
    path: Path
    body_line: int
    digest: str
    # sha256 of the file's text as an approval covers it (content/approvals.py)
    text_sha256: str = field(default="", compare=False, repr=False)

    def body_for(self, channel: str) -> str:
        return self.variants.get(channel, self.body)

    def field(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    date: date
    author: str
    summary: str
    tags: tuple[str, ...]
    cta: str | None
    description: str
    # each channel's front-matter section, as the channel's Section made it, by its key
    settings: dict[str, Any]
    body: str
    path: Path
    body_line: int
    digest: str
    # the line of each front-matter key, nested ones dotted ("linkedin.hashtags"): a problem
    # found while rendering points at the field it is about
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    text_sha256: str = field(default="", compare=False, repr=False)  # as for a Block

    def line_of(self, key: str, fallback: str = "") -> int | None:
        return self.key_lines.get(key) or self.key_lines.get(fallback)


@dataclass(frozen=True)
class Campaign:
    name: str
    title: str
    description: str
    posts: tuple[str, ...]
    utm: dict[str, str]
    cta: str | None
    hashtags: tuple[str, ...] | None
    path: Path
    digest: str

    @property
    def utm_campaign(self) -> str:
        return self.utm.get("campaign", self.name)


@dataclass(frozen=True)
class Project:
    """All content of one ``content/`` directory, validated and cross-checked."""

    root: Path
    site: Site
    blocks: dict[str, Block]
    posts: dict[str, Post]
    campaigns: dict[str, Campaign]
    assets: dict[str, Path] = field(default_factory=dict)
    unreadable: frozenset[str] = frozenset()
    """Ids and slugs of files that failed to load: already reported, so references to them
    are not reported again as 'unknown'."""
    styles: tuple[StyleRule, ...] = ()
    """The house style (content/styles/): checked on the sources, never part of an output."""
    approvals: Approvals | None = None  # the roles required, the log, each source's hash

    def campaigns_of(self, slug: str) -> list[Campaign]:
        return [c for c in self.campaigns.values() if slug in c.posts]


def digest_of(*parts: Any) -> str:
    """A short stable content hash, used in the manifest and for freshness checks."""
    payload = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
