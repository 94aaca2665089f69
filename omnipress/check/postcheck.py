"""One post's files and the reference they are held to, shared by every channel's checks.

``checks_blog``, ``checks_pdf`` and ``rendered`` are handed a :class:`PostCheck` and use its
reference, its ``add`` and the text comparisons below; ``consistency`` runs them. Keeping
this apart from ``consistency`` means the per-channel checks never import the module that
calls them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from omnipress.build.manifest import OutputRecord
from omnipress.channels import rules
from omnipress.channels.pdf.onepager import onepager_blocks
from omnipress.channels.readback import (
    BlogFacts,
    comparable,
    contains,
    read_blog,
    words,
)
from omnipress.channels.views import display_date
from omnipress.check.checkmodel import CheckContext
from omnipress.content.links import without_utm
from omnipress.content.model import Block, Post
from omnipress.content.resolve import effective_cta
from omnipress.text.figures import figure_values, figures_in, strings_in

REBUILD = rules.REBUILD


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
        self.blog: BlogFacts | None = None
        blog_record = next((r for r in records if r.channel == "blog" and r.campaign is None), None)
        if blog_record is not None and (data := self.read(blog_record)) is not None:
            self.blog = read_blog(data)
        self.ref = self.reference()

    def read(self, record: OutputRecord) -> bytes | None:
        try:
            return (self.ctx.output / record.path).read_bytes()
        except OSError:
            return None  # reported by manifest.missing

    def checks_content(self, record: OutputRecord) -> bool:
        """Compare this file with today's content (block words, figures)? Only when nothing
        it was built from has changed; otherwise freshness has already said to rebuild."""
        return self.fresh and record.path not in self.ctx.stale_outputs

    def add(self, record: OutputRecord, rule: str, message: str, **details: str) -> None:
        self.ctx.add(
            rule, message, post=self.slug, channel=record.channel, file=record.path, **details
        )

    def add_finding(self, record: OutputRecord, finding: rules.Finding) -> None:
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

    def compare_cta(self, record: OutputRecord, cta: CtaReference, label: str, url: str) -> None:
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

    def check_text_block(self, record: OutputRecord, text: str, block: Block) -> None:
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

    def check_figures(self, record: OutputRecord, text: str) -> None:
        project = self.ctx.project
        post, site = self.post, project.site
        sources = [
            post.title,
            post.summary,
            post.description,
            post.body,
            post.linkedin.hook,
            post.linkedin.body,
            *post.tags,
            site.name,
            site.tagline,
        ]
        for block_id in record.block_hashes():  # shown whole, or read in part (a byline)
            block = project.blocks.get(block_id)
            if block is not None:
                sources += [block.body, *block.variants.values(), *strings_in(block.fields)]
        allowed = figure_values(sources)
        for figure in figures_in(text, ignore=[site.legal]):
            if figure.value not in allowed:
                self.add(
                    record,
                    "consistency.figures",
                    f"the figure {figure.value!r} is not in the post or any block it uses",
                    expected="one of: " + (", ".join(sorted(allowed)) or "no figures"),
                    found=figure.context,
                    hint="figures come from the content: fix it in the post or its stat "
                    "block, then " + REBUILD,
                )

    # -- naming -------------------------------------------------------------------------

    def block_rule(self, block: Block, channel: str) -> str:
        if block.type == "stat":
            return "consistency.stat"
        if block.type == "quote":
            return "consistency.quote"
        if channel == "pdf" and block.id in onepager_blocks(self.ctx.project, self.post)[0]:
            return "pdf.blocks"  # the post's pdf.blocks, or the blocks the build chose for it
        if len(block_users(self.ctx, block.id)) > 1:
            return "consistency.reused-block"
        return "consistency.block-text"

    def block_message(self, block: Block) -> str:
        others = sorted(block_users(self.ctx, block.id) - {self.slug})
        shared = f" (also used by {', '.join(others)})" if others else ""
        return f"{block.type} block {block.id!r} does not read as it is written{shared}"

    def block_hint(self, block: Block) -> str:
        return f"the words live in {block.path.name}: edit them there, then {REBUILD}"


def difference(expected: str, found: str, margin: int = 4) -> tuple[str, str]:
    """The first stretch where two texts' words differ, with a little context around it."""
    a, b = words(expected).split(" "), words(found).split(" ")
    key_a, key_b = [comparable(w) for w in a], [comparable(w) for w in b]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, key_a, key_b, autojunk=False
    ).get_opcodes():
        if tag != "equal":
            start_a, start_b = max(0, i1 - margin), max(0, j1 - margin)
            want = " ".join(a[start_a : i2 + margin])
            got = " ".join(b[start_b : j2 + margin]) if b != [""] else "missing"
            return _ellipsis(want, start_a, i2 + margin, len(a)), _ellipsis(
                got, start_b, j2 + margin, len(b)
            )
    return clip(words(expected)), clip(words(found))


def closest_passage(text: str, expected: str) -> str:
    """The stretch of ``text`` most like ``expected``: what the reader sees instead.

    Anchored on the longest run of words the two share, so a changed figure at the start of
    a block still shows up in the passage.
    """
    haystack, needle = words(text).split(" "), words(expected).split(" ")
    matcher = difflib.SequenceMatcher(
        None, [comparable(w) for w in needle], [comparable(w) for w in haystack], autojunk=False
    )
    anchor = max(matcher.get_matching_blocks(), key=lambda m: m.size)
    if anchor.size == 0:
        return ""
    start = max(0, anchor.b - anchor.a)
    return " ".join(haystack[start : start + len(needle) + 2])


def _ellipsis(text: str, start: int, end: int, total: int) -> str:
    return ("…" if start > 0 else "") + text + ("…" if end < total else "")


def clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
