"""The carousel against its post and the other channels, read back from the PDF: the title,
every block it shows (a stat's figure exactly as the block has it), the CTA label the other
channels print, and the CTA's address printed with its LinkedIn document tags."""

from __future__ import annotations

from typing import Any

from omnipress.channels.base import Job
from omnipress.channels.carousel.readback import CarouselFacts
from omnipress.channels.checking import CtaReference, OutputFile, PostChecker, clip
from omnipress.channels.readback import contains, words
from omnipress.channels.rules import REBUILD
from omnipress.channels.views import cta_view, post_view
from omnipress.errors import Finding

UTM = ("utm_source=linkedin", "utm_medium=document")


def unreadable(facts: Any) -> Finding | None:
    carousel: CarouselFacts = facts
    if not carousel.error:
        return None
    return Finding("carousel.readable", f"the carousel cannot be read: {carousel.error}", REBUILD)


def check_carousel(pc: PostChecker, record: OutputFile, facts: Any) -> None:
    carousel: CarouselFacts = facts
    text = carousel.text
    if carousel.unembedded_fonts:  # only the file can tell: check's alone, as the one-pager's
        pc.add(
            record,
            "carousel.fonts",
            "fonts not embedded: " + ", ".join(carousel.unembedded_fonts),
            hint="use fonts WeasyPrint can embed (installed or @font-face)",
        )
    if not contains(text, pc.ref.title):
        cover = carousel.texts[0] if carousel.texts else ""
        pc.add(
            record,
            "carousel.title",
            "the title is not on the cover",
            expected=pc.ref.title,
            found=clip(words(cover), 120),
            hint=REBUILD,
        )
    cta = pc.cta_reference(record.campaign)
    if cta is not None:
        check_cta(pc, record, carousel.texts[-1] if carousel.texts else "", cta)
    if pc.checks_content(record):
        for block_id in record.blocks:
            block = pc.project.blocks.get(block_id)
            if block is None or block.type == "cta":
                continue
            if block.type == "takeaways":  # spread over slides: each item read on its own
                check_items(pc, record, carousel, block)
            else:
                pc.check_text_block(record, text, block)
        pc.check_figures(record, text, printed=printed_addresses(pc, record))


def printed_addresses(pc: PostChecker, record: OutputFile) -> tuple[str, str]:
    """The two addresses the closing slide prints as text, exactly as the renderer makes them
    (tags included): a slug or campaign name in them is not a figure."""
    from omnipress.channels import by_name  # the registry imports this package

    campaign = pc.project.campaigns.get(record.campaign) if record.campaign else None
    channel = by_name(record.channel)
    assert channel is not None
    job = Job(pc.post, campaign, channel)
    return cta_view(pc.project, job).url, post_view(pc.project, job).canonical_url


def check_cta(pc: PostChecker, record: OutputFile, last: str, cta: CtaReference) -> None:
    """The closing slide: the label every channel prints, and the address as text (a
    document post has no clickable links) with the LinkedIn document tags."""
    if not contains(last, cta.label):
        pc.add(
            record,
            "consistency.cta-label",
            f"the closing slide does not say {cta.label!r}, as {cta.source} does",
            expected=cta.label,
            found=clip(words(last), 120),
            hint="the label lives in the cta block; " + REBUILD,
        )
    joined = "".join(last.split())  # a long address wraps over lines on the slide
    if cta.url.split("?")[0] not in joined or not all(tag in joined for tag in UTM):
        pc.add(
            record,
            "carousel.cta-url",
            "the closing slide does not print the call to action's address with "
            "utm_source=linkedin&utm_medium=document",
            expected=cta.url,
            found=clip(words(last), 160),
            hint=REBUILD,
        )


def check_items(pc: PostChecker, record: OutputFile, carousel: CarouselFacts, block: Any) -> None:
    """A takeaways block may be spread over several slides, so its words are not one run of
    text: each item must read on one slide exactly as the block has it."""
    for item in block.field("items") or ():
        if not any(contains(page, str(item)) for page in carousel.texts):
            pc.add(
                record,
                "consistency.block-text",
                f"takeaways block {block.id!r}: an item does not read as it is written",
                expected=clip(str(item), 120),
                found="missing",
                hint=pc.block_hint(block),
            )
