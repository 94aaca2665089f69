"""The channel rules and the consistency rules, applied to one post's files read back.

The reference a channel is held to is the content the files were built from. When the
manifest proves that content unchanged since the build, each file is compared with it, so a
finding names the one channel that differs. When the content has changed (``freshness``
already says so), the files are compared with each other, the blog page being the reference,
and checks that need today's content (block words, where figures come from) wait for a
rebuild.
"""

from __future__ import annotations

import difflib
import posixpath
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from omnipress import rules
from omnipress.checkmodel import WARNING, CheckContext
from omnipress.figures import DATES, figure_values, figures_in, strings_in
from omnipress.links import utm_params, without_utm
from omnipress.manifest import OutputRecord
from omnipress.model import Block, Post
from omnipress.readback import (
    BlogFacts,
    PdfFacts,
    comparable,
    contains,
    read_blog,
    read_pdf,
    read_text,
    words,
)
from omnipress.resolve import effective_cta
from omnipress.views import display_date

REBUILD = "run `python build.py`, then check again"


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


def check_posts(ctx: CheckContext) -> int:
    """Run every per-post rule; returns how many posts were checked."""
    records: dict[str, list[OutputRecord]] = defaultdict(list)
    for record in ctx.manifest.outputs:
        records[record.post].append(record)
    checked = 0
    for slug, post_records in sorted(records.items()):
        post = ctx.project.posts.get(slug)
        if post is not None:
            PostCheck(ctx, post, post_records).run()
            checked += 1
    return checked


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

    def add(self, record: OutputRecord, rule: str, message: str, **details: str) -> None:
        self.ctx.add(
            rule, message, post=self.slug, channel=record.channel, file=record.path, **details
        )

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
        where = f"campaign {campaign.name!r}" if campaign else "the post"
        return CtaReference(
            block.field("label"), without_utm(block.field("url")), f"{where} (block {block.id})"
        )

    # -- the checks -----------------------------------------------------------------------

    def run(self) -> None:
        for record in self.records:
            data = self.read(record)
            if data is None:
                continue
            if record.channel == "blog" and self.blog is not None and record.campaign is None:
                self.check_blog(record, self.blog)
            elif record.channel == "pdf":
                self.check_pdf(record, read_pdf(data))
            elif record.channel == "linkedin":
                text, problem = read_text(data)
                if problem:
                    self.add(
                        record,
                        "linkedin.encoding",
                        f"the text is {problem}",
                        hint="save it as UTF-8, or " + REBUILD,
                    )
                self.check_linkedin(record, text)

    def check_blog(self, record: OutputRecord, page: BlogFacts) -> None:
        ref = self.ref
        structure = list(page.document.problems)
        if (page.document.doctype or "").lower() != "html":
            structure.insert(0, "no <!DOCTYPE html> declaration")
        if not page.lang:
            structure.append("<html> has no lang attribute")
        if not page.has_charset:
            structure.append('no <meta charset="utf-8">')
        if page.title is None:
            structure.append("no <title>")
        for problem in structure[:5]:
            self.add(
                record,
                "blog.html",
                f"invalid HTML5 structure: {problem}",
                hint="fix the blog templates, then " + REBUILD,
            )
        if len(page.h1s) != 1:
            self.add(
                record,
                "blog.h1",
                f"the page has {len(page.h1s)} <h1> headings; it needs exactly one, the post title",
                expected=f"1 <h1>: {ref.title}",
                found="; ".join(page.h1s) or "none",
                hint="use ## (an <h2>) for headings inside the post body",
            )
        elif page.h1s[0] != ref.title:
            self.add(
                record,
                "blog.h1",
                f"the <h1> is not the post title (from {ref.source})",
                expected=ref.title,
                found=page.h1s[0],
            )
        if page.title and len(page.title) > rules.BLOG_TITLE_MAX:
            self.add(
                record,
                "blog.title-length",
                f"<title> is {len(page.title)} characters; search results cut it at about "
                f"{rules.BLOG_TITLE_MAX}",
                expected=f"≤ {rules.BLOG_TITLE_MAX}",
                found=str(len(page.title)),
                severity=WARNING,
                hint="shorten the post title",
            )
        self.check_description(record, page)
        if page.canonical != ref.canonical:
            self.add(
                record,
                "blog.canonical",
                "the canonical URL is not the post's address",
                expected=ref.canonical,
                found=page.canonical or "none",
            )
        self.check_images(record, page)
        self.check_scripts(record, page)
        self.check_blog_facts(record, page)
        cta = self.cta_reference(None)
        if cta is not None:
            if not page.ctas:
                self.add(
                    record,
                    "consistency.cta-label",
                    "the page has no call to action",
                    expected=cta.label,
                    found="none",
                    hint=REBUILD,
                )
            else:
                self.compare_cta(record, cta, page.ctas[0].label, page.ctas[0].url)
        if self.fresh:
            for block_id in record.blocks:
                block = self.ctx.project.blocks.get(block_id)
                if block is not None and block.type != "cta":
                    self.check_blog_block(record, page, block)

    def check_description(self, record: OutputRecord, page: BlogFacts) -> None:
        description = page.description
        if not description or not description.strip():
            self.add(
                record,
                "blog.meta-description",
                "the page has no meta description",
                hint="set description (or summary) in the post's front matter",
            )
        elif len(description) > rules.META_DESCRIPTION_MAX:
            self.add(
                record,
                "blog.meta-description",
                f"the meta description is {len(description)} characters",
                expected=f"≤ {rules.META_DESCRIPTION_MAX}",
                found=str(len(description)),
                hint="shorten description (or summary) in the post's front matter",
            )

    def check_images(self, record: OutputRecord, page: BlogFacts) -> None:
        folder = posixpath.dirname(record.path)
        for image in page.images:
            if image.alt is None or not image.alt.strip():
                self.add(
                    record,
                    "blog.images",
                    f"line {image.line}: image {image.src!r} has no alt text",
                    hint="describe the image: ![what it shows](images/NAME)",
                )
            parts = urlsplit(image.src)
            if parts.scheme in {"http", "https"} or image.src.startswith("//"):
                self.add(
                    record,
                    "blog.images",
                    f"line {image.line}: image {image.src!r} is remote",
                    hint="put it in content/images/ and use images/NAME",
                )
            elif parts.scheme == "data":
                continue
            elif parts.scheme or not image.src:
                self.add(
                    record,
                    "blog.images",
                    f"line {image.line}: image source {image.src!r} is not a local file",
                )
            else:
                target = posixpath.normpath(posixpath.join(folder, parts.path))
                if target.startswith("../") or not (self.ctx.output / target).is_file():
                    self.add(
                        record,
                        "blog.images",
                        f"line {image.line}: image {image.src!r} is not in output/ ({target})",
                        hint=REBUILD,
                    )

    def check_scripts(self, record: OutputRecord, page: BlogFacts) -> None:
        for script in page.scripts:
            if script.type == "application/ld+json" and script.in_head and not script.src:
                continue  # the page's own structured data
            what = (
                f"src={script.src!r}"
                if script.src
                else f"type={script.type or 'text/javascript'!r}"
            )
            self.add(
                record,
                "blog.scripts",
                f"line {script.line}: a <script {what}> is on the page",
                hint="content may not run scripts; remove it from the post or template",
            )
        for handler in page.handlers:
            self.add(
                record,
                "blog.scripts",
                f"active content on the page: {handler}",
                hint="content may not run scripts",
            )

    def check_blog_facts(self, record: OutputRecord, page: BlogFacts) -> None:
        ref, ld = self.ref, page.json_ld or {}
        author = ld.get("author")
        places = {
            "consistency.title": (
                ref.title,
                [
                    ("<title>", page.title),
                    ("og:title", page.meta.get("og:title")),
                    ("JSON-LD headline", ld.get("headline")),
                ],
            ),
            "consistency.author": (
                ref.author,
                [
                    ("byline", page.author),
                    ("meta author", page.meta.get("author")),
                    ("JSON-LD author", author.get("name") if isinstance(author, dict) else None),
                ],
            ),
            "consistency.date": (
                ref.date_iso,
                [
                    ("<time datetime>", page.date_iso),
                    ("article:published_time", page.meta.get("article:published_time")),
                    ("JSON-LD datePublished", ld.get("datePublished")),
                ],
            ),
        }
        for rule, (expected, found) in places.items():
            for where, value in found:
                if value is not None and value != expected:
                    self.add(
                        record,
                        rule,
                        f"the blog's {where} differs from {ref.source}",
                        expected=expected,
                        found=value,
                        hint=REBUILD,
                    )
        if page.date_text is not None and page.date_text != ref.date_display:
            self.add(
                record,
                "consistency.date",
                f"the blog's byline date differs from {ref.source}",
                expected=ref.date_display,
                found=page.date_text,
                hint=REBUILD,
            )

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

    def check_blog_block(self, record: OutputRecord, page: BlogFacts, block: Block) -> None:
        expected = self.ctx.block_text(block.id, "blog")
        shown = page.blocks.get(block.id, [])
        if not shown:
            self.add(
                record,
                self.block_rule(block, "blog"),
                f"block {block.id!r} is not on the page (no data-block={block.id!r})",
                expected=_clip(expected),
                found="missing",
                hint=REBUILD,
            )
        for text in shown:
            if comparable(text) != comparable(expected):
                want, got = difference(expected, text)
                self.add(
                    record,
                    self.block_rule(block, "blog"),
                    self.block_message(block),
                    expected=want,
                    found=got,
                    hint=self.block_hint(block),
                )

    def check_pdf(self, record: OutputRecord, pdf: PdfFacts) -> None:
        ref = self.ref
        if pdf.error:
            self.add(record, "pdf.readable", f"the PDF cannot be read: {pdf.error}", hint=REBUILD)
            return
        if pdf.pages != 1:
            self.add(
                record,
                "pdf.one-page",
                f"the one-pager has {pdf.pages} pages",
                expected="1",
                found=str(pdf.pages),
                hint="show fewer blocks in pdf.blocks, or shorten the summary",
            )
        missing = [k for k in ("title", "author", "subject", "keywords") if not pdf.metadata[k]]
        if missing:
            self.add(
                record,
                "pdf.metadata",
                "document properties missing: " + ", ".join(missing),
                hint="set them in the post (title, author, summary, tags)",
            )
        if not pdf.lang or not pdf.tagged:
            self.add(
                record,
                "pdf.metadata",
                "the PDF is not tagged for accessibility "
                f"(language {pdf.lang or 'missing'}, tagged {pdf.tagged})",
                hint=REBUILD,
            )
        if pdf.unembedded_fonts:
            self.add(
                record,
                "pdf.fonts",
                "fonts not embedded: " + ", ".join(pdf.unembedded_fonts),
                hint="use fonts WeasyPrint can embed (installed or @font-face)",
            )
        if not contains(pdf.text, ref.title):
            self.add(
                record,
                "pdf.title",
                "the title is not in the PDF's text",
                expected=ref.title,
                found=_clip(words(pdf.text), 120),
                hint=REBUILD,
            )
        if pdf.metadata["title"] and pdf.metadata["title"] != ref.title:
            self.add(
                record,
                "consistency.title",
                f"the PDF's Title property differs from {ref.source}",
                expected=ref.title,
                found=pdf.metadata["title"],
                hint=REBUILD,
            )
        if pdf.metadata["author"] and pdf.metadata["author"] != ref.author:
            self.add(
                record,
                "consistency.author",
                f"the PDF's Author property differs from {ref.source}",
                expected=ref.author,
                found=pdf.metadata["author"],
                hint=REBUILD,
            )
        elif not contains(pdf.text, ref.author):
            self.add(
                record,
                "consistency.author",
                "the author is not named in the PDF's text",
                expected=ref.author,
                found="missing",
                hint=REBUILD,
            )
        self.check_pdf_date(record, pdf)
        self.check_pdf_links(record, pdf)
        if self.fresh:
            for block_id in record.blocks:
                block = self.ctx.project.blocks.get(block_id)
                if block is not None and block.type != "cta":
                    self.check_text_block(record, pdf.text, block)
            self.check_figures(record, pdf.text)

    def check_pdf_date(self, record: OutputRecord, pdf: PdfFacts) -> None:
        ref = self.ref
        stamp = pdf.metadata["creation_date"].removeprefix("D:")[:8]
        if stamp and stamp != ref.date_iso.replace("-", ""):
            self.add(
                record,
                "consistency.date",
                "the PDF's creation date differs from the post date",
                expected=ref.date_iso,
                found=pdf.metadata["creation_date"],
                hint=REBUILD,
            )
        if not contains(pdf.text, ref.date_display):
            shown = DATES.findall(words(pdf.text))
            self.add(
                record,
                "consistency.date",
                f"the PDF's date differs from {ref.source}",
                expected=ref.date_display,
                found=", ".join(shown) or "no date",
                hint=REBUILD,
            )

    def check_pdf_links(self, record: OutputRecord, pdf: PdfFacts) -> None:
        ref = self.ref
        links = list(pdf.links)
        if not links:
            self.add(record, "pdf.links", "the PDF has no clickable links", hint=REBUILD)
        for link in links:
            if urlsplit(link).scheme not in {"http", "https", "mailto", "tel"}:
                self.add(record, "pdf.links", f"link target {link!r} is not a web address")
        if links and not any(without_utm(link) == ref.canonical for link in links):
            self.add(
                record,
                "pdf.links",
                "the link to the blog post is missing or not clickable",
                expected=ref.canonical,
                found=", ".join(links),
                hint=REBUILD,
            )
        for printed in rules.URL_PATTERN.findall(words(pdf.text)):
            printed = printed.rstrip(".,;:!?)")
            if not any(link.startswith(printed) or printed.startswith(link) for link in links):
                self.add(
                    record, "pdf.links", f"{printed} is printed but not clickable", hint=REBUILD
                )
        if pdf.other_annotations:
            self.add(
                record,
                "pdf.links",
                f"{pdf.other_annotations} link(s) go nowhere",
                severity=WARNING,
                hint=REBUILD,
            )
        cta = self.cta_reference(record.campaign)
        if cta is None:
            return
        if not contains(pdf.text, cta.label):
            self.add(
                record,
                "pdf.cta",
                f"the call to action {cta.label!r} is not in the PDF's text",
                expected=cta.label,
                found="missing",
                hint=REBUILD,
            )
        buttons = [link for link in links if without_utm(link) != ref.canonical]
        if not buttons:
            self.add(
                record,
                "pdf.cta",
                "the PDF has no clickable call to action",
                expected=cta.url,
                found="no link besides the blog post",
                hint=REBUILD,
            )
        elif not any(without_utm(link) == cta.url for link in buttons):
            self.add(
                record,
                "consistency.cta-url",
                f"the PDF's call to action goes somewhere else than {cta.source}",
                expected=cta.url + " (UTM tags aside)",
                found=", ".join(buttons),
                hint="the URL lives in the cta block; " + REBUILD,
            )

    def check_linkedin(self, record: OutputRecord, text: str) -> None:
        ref, project = self.ref, self.ctx.project
        findings = [f for rule in rules.LINKEDIN_RULES[:-1] for f in rule(text)]
        findings += rules.check_linkedin_links(text, ref.canonical)
        self.ctx.add_rule_findings(findings, self.slug, record.channel, record.path)
        links = rules.URL_PATTERN.findall(text)
        campaign = project.campaigns.get(record.campaign) if record.campaign else None
        wanted = campaign.utm_campaign if campaign else project.site.utm_campaign
        if len(links) == 1 and (record.campaign is None or campaign is not None):
            tagged = utm_params(links[0].rstrip(".,;:!?)")).get("utm_campaign")
            if tagged != wanted:
                self.add(
                    record,
                    "linkedin.links",
                    "the link carries the wrong utm_campaign",
                    expected=wanted,
                    found=tagged or "none",
                    hint=REBUILD,
                )
        cta = self.cta_reference(record.campaign)
        if cta is not None and not contains(text, cta.label):
            self.add(
                record,
                "consistency.cta-label",
                f"the post does not carry the CTA label of {cta.source}",
                expected=cta.label,
                found="missing",
                hint=REBUILD,
            )
        if self.fresh:
            for block_id in record.blocks:
                block = project.blocks.get(block_id)
                if block is not None and block.type != "cta":
                    self.check_text_block(record, text, block)
            self.check_figures(record, text)

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
        for block_id in record.blocks:
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
        if channel == "pdf" and block.id in self.post.pdf_blocks:
            return "pdf.blocks"
        if len(block_users(self.ctx, block.id)) > 1:
            return "consistency.reused-block"
        return "consistency.block-text"

    def block_message(self, block: Block) -> str:
        others = sorted(block_users(self.ctx, block.id) - {self.slug})
        shared = f"; posts {', '.join(others)} use it too" if others else ""
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
    return _clip(words(expected)), _clip(words(found))


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


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
