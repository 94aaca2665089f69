"""Listing pages: ``output/index.html`` and each campaign's ``index.html``.

They are navigation for people handing files around (sales opening a campaign folder), not a
channel: they list what the channels produced, in the order of the channel table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from omnipress.channels import registered
from omnipress.channels.base import RenderEnvironment
from omnipress.channels.views import display_date
from omnipress.content.model import Campaign, Post

Links = dict[tuple[str, str], str]
"""(channel name, slug) -> href of that output, relative to the listing page."""


@dataclass(frozen=True)
class FileLink:
    label: str
    href: str


@dataclass(frozen=True)
class PostEntry:
    slug: str
    title: str
    date: str
    summary: str
    files: tuple[FileLink, ...]


def entries(posts: Iterable[Post], links: Links) -> list[PostEntry]:
    return [
        PostEntry(
            post.slug,
            post.title,
            display_date(post.date),
            post.summary,
            tuple(
                FileLink(channel.label, links[(channel.name, post.slug)])
                for channel in registered()
                if (channel.name, post.slug) in links
            ),
        )
        for post in posts
    ]


def campaign_index(env: RenderEnvironment, campaign: Campaign, links: Links) -> bytes:
    posts = [env.project.posts[slug] for slug in campaign.posts]
    html = env.jinja.get_template("pages/campaign.html").render(
        site=env.project.site, campaign=campaign, entries=entries(posts, links)
    )
    return html.encode("utf-8")


def site_index(env: RenderEnvironment, links: Links) -> bytes:
    posts = sorted(env.project.posts.values(), key=lambda p: (p.date, p.slug), reverse=True)
    campaigns = sorted(env.project.campaigns.values(), key=lambda c: c.name)
    html = env.jinja.get_template("pages/index.html").render(
        site=env.project.site, entries=entries(posts, links), campaigns=campaigns
    )
    return html.encode("utf-8")
