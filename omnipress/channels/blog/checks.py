"""The blog channel's rules, read from the page as built: HTML5 structure, one <h1>, title
and description lengths, images (alt text, local files), no scripts from content; and the
page's title, author, date, CTA and block words against the post's reference."""

from __future__ import annotations

import posixpath
from typing import Any

from omnipress.channels.blog.readback import BlogFacts
from omnipress.channels.checking import OutputFile as OutputRecord
from omnipress.channels.checking import PostChecker as PostCheck
from omnipress.channels.checking import clip, difference
from omnipress.channels.readback import comparable
from omnipress.channels.rules import REBUILD
from omnipress.content.links import url_parts
from omnipress.content.model import Block


def check_blog(pc: PostCheck, record: OutputRecord, facts: Any) -> None:
    """The page's rules beyond its one-output rules (which ``check`` runs for every channel)."""
    page: BlogFacts = facts
    check_images(pc, record, page)
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
            block = pc.project.blocks.get(block_id)
            if block is not None and block.type != "cta":
                check_blog_block(pc, record, page, block)


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
            if not pc.is_output_file(target):
                pc.add(
                    record,
                    "blog.images",
                    f"line {image.line}: image {image.src!r} is not in output/ ({target})",
                    hint=REBUILD,
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
    expected = pc.block_text(block.id, record.channel)
    shown = page.blocks.get(block.id, [])
    if not shown:
        pc.add(
            record,
            pc.block_rule(block, record.channel),
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
                pc.block_rule(block, record.channel),
                pc.block_message(block),
                expected=want,
                found=got,
                hint=pc.block_hint(block),
            )
