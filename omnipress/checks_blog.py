"""The blog channel's rules, read from the page as built: HTML5 structure, one <h1>, title
and description lengths, images (alt text, local files), no scripts from content; and the
page's title, author, date, CTA and block words against the post's reference."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from omnipress import rules
from omnipress.checkmodel import WARNING
from omnipress.consistency import REBUILD, clip, difference
from omnipress.links import url_parts
from omnipress.manifest import OutputRecord
from omnipress.model import Block
from omnipress.output_files import output_name
from omnipress.readback import BlogFacts, comparable

if TYPE_CHECKING:
    from omnipress.consistency import PostCheck


def check_blog(pc: PostCheck, record: OutputRecord, page: BlogFacts) -> None:
    ref = pc.ref
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
        pc.add(
            record,
            "blog.html",
            f"invalid HTML5 structure: {problem}",
            hint="fix the blog templates, then " + REBUILD,
        )
    if len(page.h1s) != 1:
        pc.add(
            record,
            "blog.h1",
            f"the page has {len(page.h1s)} <h1> headings; it needs exactly one, the post title",
            expected=f"1 <h1>: {ref.title}",
            found="; ".join(page.h1s) or "none",
            hint="use ## (an <h2>) for headings inside the post body",
        )
    elif page.h1s[0] != ref.title:
        pc.add(
            record,
            "blog.h1",
            f"the <h1> is not the post title (from {ref.source})",
            expected=ref.title,
            found=page.h1s[0],
        )
    if page.title and len(page.title) > rules.BLOG_TITLE_MAX:
        pc.add(
            record,
            "blog.title-length",
            f"<title> is {len(page.title)} characters; search results cut it at about "
            f"{rules.BLOG_TITLE_MAX}",
            expected=f"≤ {rules.BLOG_TITLE_MAX}",
            found=str(len(page.title)),
            severity=WARNING,
            hint="shorten the post title",
        )
    check_description(pc, record, page)
    if page.canonical != ref.canonical:
        pc.add(
            record,
            "blog.canonical",
            "the canonical URL is not the post's address",
            expected=ref.canonical,
            found=page.canonical or "none",
        )
    check_images(pc, record, page)
    check_scripts(pc, record, page)
    check_blog_facts(pc, record, page)
    cta = pc.cta_reference(None)
    if cta is not None:
        if not page.ctas:
            pc.add(
                record,
                "consistency.cta-label",
                "the page has no call to action",
                expected=cta.label,
                found="none",
                hint=REBUILD,
            )
        else:
            pc.compare_cta(record, cta, page.ctas[0].label, page.ctas[0].url)
    if pc.checks_content(record):
        pc.check_figures(record, page.article_text)
        for block_id in record.blocks:
            block = pc.ctx.project.blocks.get(block_id)
            if block is not None and block.type != "cta":
                check_blog_block(pc, record, page, block)


def check_description(pc: PostCheck, record: OutputRecord, page: BlogFacts) -> None:
    description = page.description
    if not description or not description.strip():
        pc.add(
            record,
            "blog.meta-description",
            "the page has no meta description",
            hint="set description (or summary) in the post's front matter",
        )
    elif len(description) > rules.META_DESCRIPTION_MAX:
        pc.add(
            record,
            "blog.meta-description",
            f"the meta description is {len(description)} characters",
            expected=f"≤ {rules.META_DESCRIPTION_MAX}",
            found=str(len(description)),
            hint="shorten description (or summary) in the post's front matter",
        )


def check_images(pc: PostCheck, record: OutputRecord, page: BlogFacts) -> None:
    folder = posixpath.dirname(record.path)
    for image in page.images:
        if image.alt is None or not image.alt.strip():
            pc.add(
                record,
                "blog.images",
                f"line {image.line}: image {image.src!r} has no alt text",
                hint="describe the image: ![what it shows](images/NAME)",
            )
        parts = url_parts(image.src)
        if parts.scheme in {"http", "https"} or image.src.startswith("//"):
            pc.add(
                record,
                "blog.images",
                f"line {image.line}: image {image.src!r} is remote",
                hint="put it in content/images/ and use images/NAME",
            )
        elif parts.scheme == "data":
            continue
        elif parts.scheme or not image.src:
            pc.add(
                record,
                "blog.images",
                f"line {image.line}: image source {image.src!r} is not a local file",
            )
        else:
            target = posixpath.normpath(posixpath.join(folder, parts.path))
            if output_name(target) is None or not pc.ctx.output_has(target):
                pc.add(
                    record,
                    "blog.images",
                    f"line {image.line}: image {image.src!r} is not in output/ ({target})",
                    hint=REBUILD,
                )


def check_scripts(pc: PostCheck, record: OutputRecord, page: BlogFacts) -> None:
    for script in page.scripts:
        if script.type == "application/ld+json" and script.in_head and not script.src:
            continue  # the page's own structured data
        what = f"src={script.src!r}" if script.src else f"type={script.type or 'text/javascript'!r}"
        pc.add(
            record,
            "blog.scripts",
            f"line {script.line}: a <script {what}> is on the page",
            hint="content may not run scripts; remove it from the post or template",
        )
    for handler in page.handlers:
        pc.add(
            record,
            "blog.scripts",
            f"active content on the page: {handler}",
            hint="content may not run scripts",
        )


def check_blog_facts(pc: PostCheck, record: OutputRecord, page: BlogFacts) -> None:
    ref, ld = pc.ref, page.json_ld or {}
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
                pc.add(
                    record,
                    rule,
                    f"the blog's {where} differs from {ref.source}",
                    expected=expected,
                    found=value,
                    hint=REBUILD,
                )
    if page.date_text is not None and page.date_text != ref.date_display:
        pc.add(
            record,
            "consistency.date",
            f"the blog's byline date differs from {ref.source}",
            expected=ref.date_display,
            found=page.date_text,
            hint=REBUILD,
        )


def check_blog_block(pc: PostCheck, record: OutputRecord, page: BlogFacts, block: Block) -> None:
    expected = pc.ctx.block_text(block.id, "blog")
    shown = page.blocks.get(block.id, [])
    if not shown:
        pc.add(
            record,
            pc.block_rule(block, "blog"),
            f"block {block.id!r} is not on the page (no data-block={block.id!r})",
            expected=clip(expected),
            found="missing",
            hint=REBUILD,
        )
    for text in shown:
        if comparable(text) != comparable(expected):
            want, got = difference(expected, text)
            pc.add(
                record,
                pc.block_rule(block, "blog"),
                pc.block_message(block),
                expected=want,
                found=got,
                hint=pc.block_hint(block),
            )
