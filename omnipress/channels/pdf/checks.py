"""The one-pager's rules, read from the PDF itself: one page, document properties and tags,
embedded fonts, title, CTA and links (clickable, to the right places), date and author."""

from __future__ import annotations

from typing import Any

from omnipress.channels.checking import OutputFile as OutputRecord
from omnipress.channels.checking import PostChecker as PostCheck
from omnipress.channels.checking import clip
from omnipress.channels.pdf.glyphs import glyphs_finding, onepager_sources
from omnipress.channels.pdf.readback import PdfFacts
from omnipress.channels.readback import contains, words
from omnipress.channels.rules import REBUILD
from omnipress.channels.views import draft_title
from omnipress.content.links import URL_PATTERN, url_parts, without_utm
from omnipress.errors import Finding, Severity
from omnipress.text.figures import DATES


def unreadable(facts: Any) -> Finding | None:
    """The PDF could not be read: then no other rule can judge it."""
    pdf: PdfFacts = facts
    if not pdf.error:
        return None
    return Finding("pdf.readable", f"the PDF cannot be read: {pdf.error}", REBUILD)


def check_pdf(pc: PostCheck, record: OutputRecord, facts: Any) -> None:
    """The one-pager's rules beyond its one-output rules (which ``check`` runs for every
    channel), once it could be read."""
    pdf: PdfFacts = facts
    ref = pc.ref
    if pdf.unembedded_fonts:
        pc.add(
            record,
            "pdf.fonts",
            "fonts not embedded: " + ", ".join(pdf.unembedded_fonts),
            hint="use fonts WeasyPrint can embed (installed or @font-face)",
        )
    if pdf.boxes:  # the content's fields that hold them, while the content is the built one
        sources = onepager_sources(pc.project, pc.post, record.blocks)
        current = pc.checks_content(record)
        pc.add_finding(record, glyphs_finding(pdf.boxes, sources if current else None)[0])
    if not contains(pdf.text, ref.title):
        pc.add(
            record,
            "pdf.title",
            "the title is not in the PDF's text",
            expected=ref.title,
            found=clip(words(pdf.text), 120),
            hint=REBUILD,
        )
    if pdf.metadata["title"] and pdf.metadata["title"] not in (ref.title, draft_title(ref.title)):
        pc.add(
            record,
            "consistency.title",
            f"the PDF's Title property differs from {ref.source}",
            expected=ref.title,
            found=pdf.metadata["title"],
            hint=REBUILD,
        )
    if pdf.metadata["author"] and pdf.metadata["author"] != ref.author:
        pc.add(
            record,
            "consistency.author",
            f"the PDF's Author property differs from {ref.source}",
            expected=ref.author,
            found=pdf.metadata["author"],
            hint=REBUILD,
        )
    elif not contains(pdf.text, ref.author):
        pc.add(
            record,
            "consistency.author",
            "the author is not named in the PDF's text",
            expected=ref.author,
            found="missing",
            hint=REBUILD,
        )
    check_pdf_date(pc, record, pdf)
    check_pdf_links(pc, record, pdf)
    if pc.checks_content(record):
        for block_id in record.blocks:
            block = pc.project.blocks.get(block_id)
            if block is not None and block.type != "cta":
                pc.check_text_block(record, pdf.text, block)
        pc.check_figures(record, pdf.text)


def check_pdf_date(pc: PostCheck, record: OutputRecord, pdf: PdfFacts) -> None:
    ref = pc.ref
    stamp = pdf.metadata["creation_date"].removeprefix("D:")[:8]
    if stamp and stamp != ref.date_iso.replace("-", ""):
        pc.add(
            record,
            "consistency.date",
            "the PDF's creation date differs from the post date",
            expected=ref.date_iso,
            found=pdf.metadata["creation_date"],
            hint=REBUILD,
        )
    if not contains(pdf.text, ref.date_display):
        shown = DATES.findall(words(pdf.text))
        pc.add(
            record,
            "consistency.date",
            f"the PDF's date differs from {ref.source}",
            expected=ref.date_display,
            found=", ".join(shown) or "no date",
            hint=REBUILD,
        )


def check_pdf_links(pc: PostCheck, record: OutputRecord, pdf: PdfFacts) -> None:
    ref = pc.ref
    links = list(pdf.links)
    if not links:
        pc.add(record, "pdf.links", "the PDF has no clickable links", hint=REBUILD)
    for link in links:
        if url_parts(link).scheme not in {"http", "https", "mailto", "tel"}:
            pc.add(record, "pdf.links", f"link target {link!r} is not a web address")
    if links and not any(without_utm(link) == ref.canonical for link in links):
        pc.add(
            record,
            "pdf.links",
            "the link to the blog post is missing or not clickable",
            expected=ref.canonical,
            found=", ".join(links),
            hint=REBUILD,
        )
    for printed in URL_PATTERN.findall(words(pdf.text)):
        printed = printed.rstrip(".,;:!?)")
        if not any(link.startswith(printed) or printed.startswith(link) for link in links):
            pc.add(record, "pdf.links", f"{printed} is printed but not clickable", hint=REBUILD)
    if pdf.other_annotations:
        pc.add(
            record,
            "pdf.links",
            f"{pdf.other_annotations} link(s) go nowhere",
            severity=Severity.WARNING,
            hint=REBUILD,
        )
    cta = pc.cta_reference(record.campaign)
    if cta is None:
        return
    if not contains(pdf.text, cta.label):
        pc.add(
            record,
            "pdf.cta",
            f"the call to action {cta.label!r} is not in the PDF's text",
            expected=cta.label,
            found="missing",
            hint=REBUILD,
        )
    buttons = [link for link in links if without_utm(link) != ref.canonical]
    if not buttons:
        pc.add(
            record,
            "pdf.cta",
            "the PDF has no clickable call to action",
            expected=cta.url,
            found="no link besides the blog post",
            hint=REBUILD,
        )
    elif not any(without_utm(link) == cta.url for link in buttons):
        pc.add(
            record,
            "consistency.cta-url",
            f"the PDF's call to action goes somewhere else than {cta.source}",
            expected=cta.url + " (UTM tags aside)",
            found=", ".join(buttons),
            hint="the URL lives in the cta block; " + REBUILD,
        )
