"""One post's files and the reference they are held to, shared by every channel's checks.

Each channel's check-side rules (``channels/<name>/checks.py``) are handed a
:class:`PostCheck` as the :class:`omnipress.channels.checking.PostChecker` they know, and use
its reference, its ``add`` and the text comparisons below; ``consistency`` runs them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from omnipress.build.manifest import OutputRecord
from omnipress.build.output_files import output_name
from omnipress.channels import Channel, by_name, registered
from omnipress.channels.checking import OutputFile, clip, closest_passage, difference
from omnipress.channels.readback import contains
from omnipress.channels.rules import REBUILD
from omnipress.channels.views import display_date
from omnipress.check.checkmodel import CheckContext
from omnipress.content.links import without_utm
from omnipress.content.model import Block, Post, Project
from omnipress.content.resolve import effective_cta
from omnipress.content.schema import section_texts
from omnipress.errors import Finding, Severity
from omnipress.text.figures import figure_values, figures_outside, strings_in

__all__ = ["REBUILD", "PostCheck", "clip", "closest_passage", "difference"]


@dataclass(frozen=True)
class Reference:
    """What every channel of a post must say: from the content, or from its blog page."""

    title: str
    author: str
    date_iso: str
    date_display: str
    canonical: str
    source: str  # "the post" or "the blog page"


@dataclass(frozen=True)
class CtaReference:
    label: str
    url: str  # without UTM tags: channels may differ only in those
    source: str


def block_users(ctx: CheckContext, block_id: str) -> set[str]:
    return {r.post for r in ctx.manifest.outputs if block_id in r.blocks}


class PostCheck:
    def __init__(self, ctx: CheckContext, post: Post, records: list[OutputRecord]):
        self.ctx = ctx
        self.post = post
        self.slug = post.slug
        self.fresh = post.slug not in ctx.stale_posts
        self.records = sorted(records, key=lambda r: (r.campaign or "", r.path))
        # the reference channel's own file, read back once: what the others are held to when
        # the content changed since the build
        self.reference_record: OutputRecord | None = None
        self.blog: Any = None
        for channel in registered():
            if channel.reference:
                found = next(
                    (r for r in records if r.channel == channel.name and r.campaign is None), None
                )
                if found is not None and found.path in ctx.known:
                    self.reference_record, self.blog = found, ctx.known[found.path]
                elif found is not None and (data := self.read(found)) is not None:
                    self.reference_record, self.blog = found, ctx.read_back(channel, data)
                break
        self.ref = self.reference()

    @property
    def project(self) -> Project:
        return self.ctx.project

    def channel_of(self, record: OutputRecord) -> Channel | None:
        return by_name(record.channel)

    def block_text(self, block_id: str, channel: str) -> str:
        return self.ctx.block_text(block_id, channel)

    def is_output_file(self, relative: str) -> bool:
        """A path a build may write, and there in output/ now."""
        return output_name(relative) is not None and self.ctx.output_has(relative)

    def read(self, record: OutputRecord) -> bytes | None:
        try:
            return (self.ctx.output / record.path).read_bytes()
        except OSError:
            return None  # reported by manifest.missing

    def checks_content(self, record: OutputFile) -> bool:
        """Compare this file with today's content (block words, figures)? Only when nothing
        it was built from has changed; otherwise freshness has already said to rebuild."""
        return self.fresh and record.path not in self.ctx.stale_outputs

    def add(
        self,
        record: OutputFile,
        rule: str,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        **details: str,
    ) -> None:
        self.ctx.add(
            rule,
            message,
            post=self.slug,
            channel=record.channel,
            file=record.path,
            severity=severity,
            **details,
        )

    def add_finding(self, record: OutputFile, finding: Finding) -> None:
        self.ctx.add_rule_findings([finding], self.slug, record.channel, record.path)

    # -- references ---------------------------------------------------------------------

    def reference(self) -> Reference:
        project, post = self.ctx.project, self.post
        from_content = Reference(
            title=post.title,
            author=project.blocks[post.author].field("name"),
            date_iso=post.date.isoformat(),
            date_display=display_date(post.date),
            canonical=project.site.post_url(post.slug),
            source="the post",
        )
        blog = self.blog
        if self.fresh or blog is None:
            return from_content
        return Reference(
            title=blog.h1s[0] if blog.h1s else blog.title or post.title,
            author=blog.author or from_content.author,
            date_iso=blog.date_iso or from_content.date_iso,
            date_display=blog.date_text or from_content.date_display,
            canonical=blog.canonical or from_content.canonical,
            source="the blog page",
        )

    def cta_reference(self, campaign_name: str | None) -> CtaReference | None:
        project = self.ctx.project
        campaign = project.campaigns.get(campaign_name) if campaign_name else None
        if campaign_name and campaign is None:
            return None
        if campaign is None and not self.fresh and self.blog and self.blog.ctas:
            cta = self.blog.ctas[0]
            return CtaReference(cta.label, without_utm(cta.url), "the blog page")
        block = effective_cta(project, self.post, campaign)
        if campaign is not None and not self.fresh and self._built_from_older(block.id):
            return None  # freshness has said so: one change is reported once
        where = f"campaign {campaign.name!r}" if campaign else "the post"
        return CtaReference(
            block.field("label"), without_utm(block.field("url")), f"{where} (block {block.id})"
        )

    def _built_from_older(self, block_id: str) -> bool:
        """Was any of this post's files built from another version of the block than today's?"""
        block = self.ctx.project.blocks.get(block_id)
        current = block.digest if block else None
        return any(r.block_hash(block_id) not in (None, current) for r in self.records)

    # -- the checks -----------------------------------------------------------------------

    def compare_cta(self, record: OutputFile, cta: Any, label: str, url: str) -> None:
        channel = record.channel
        if label != cta.label:
            self.add(
                record,
                "consistency.cta-label",
                f"the {channel} CTA label differs from {cta.source}",
                expected=cta.label,
                found=label,
                hint=REBUILD,
            )
        if without_utm(url) != cta.url:
            self.add(
                record,
                "consistency.cta-url",
                f"the {channel} CTA goes somewhere else than {cta.source}",
                expected=cta.url + " (UTM tags aside)",
                found=url,
                hint="the URL lives in the cta block; " + REBUILD,
            )

    def check_text_block(self, record: OutputFile, text: str, block: Block) -> None:
        """A block's words must appear, in order, in a PDF's or a LinkedIn post's text."""
        expected = self.ctx.block_text(block.id, record.channel)
        if contains(text, expected):
            return
        want, got = difference(expected, closest_passage(text, expected))
        rule = self.block_rule(block, record.channel)
        self.add(
            record,
            rule,
            self.block_message(block),
            expected=want,
            found=got,
            hint=self.block_hint(block),
        )

    def check_figures(self, record: OutputFile, text: str, printed: Iterable[str] = ()) -> None:
        project = self.ctx.project
        post, site = self.post, project.site
        sources = [
            post.title,
            post.summary,
            post.description,
            post.body,
            *section_texts(post),
            *post.tags,
            site.name,
            site.tagline,
        ]
        for block_id in record.block_hashes():  # shown whole, or read in part (a byline)
            block = project.blocks.get(block_id)
            if block is not None:
                sources += [block.body, *block.variants.values(), *strings_in(block.fields)]
        allowed = figure_values(sources)
        for figure in figures_outside(text, allowed, ignore=[site.legal, *printed]):
            self.add(
                record,
                "consistency.figures",
                f"the figure {figure.value!r} is not in the post or any block it uses",
                expected="one of: " + (", ".join(sorted(allowed)) or "no figures"),
                found=figure.context,
                hint="figures come from the content: fix it in the post or its stat block, "
                "then " + REBUILD,
            )

    # -- naming -------------------------------------------------------------------------

    def block_rule(self, block: Block, channel: str) -> str:
        if block.type == "stat":
            return "consistency.stat"
        if block.type == "quote":
            return "consistency.quote"
        listed = getattr(by_name(channel), "listed_blocks", None)  # None: no such channel
        if listed is not None and block.id in listed(self.ctx.project, self.post):
            return f"{channel}.blocks"  # the post's list for the channel, or the build's choice
        if len(block_users(self.ctx, block.id)) > 1:
            return "consistency.reused-block"
        return "consistency.block-text"

    def block_message(self, block: Block) -> str:
        others = sorted(block_users(self.ctx, block.id) - {self.slug})
        shared = f" (also used by {', '.join(others)})" if others else ""
        return f"{block.type} block {block.id!r} does not read as it is written{shared}"

    def block_hint(self, block: Block) -> str:
        return f"the words live in {block.path.name}: edit them there, then {REBUILD}"
