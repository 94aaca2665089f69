"""The carousel's one-output rules (LinkedIn's document post limits and the house's), each a
function of the carousel's facts: the build runs them on the facts of the layout it has just
written, ``check`` on the file read back (the same facts: ``render.laid_out_facts``)."""

from __future__ import annotations

from typing import Any

from omnipress.channels.output_rules import Expect, OutputRule
from omnipress.channels.rules import REBUILD
from omnipress.errors import Finding, Severity

NAME = "carousel"
SLIDE_PT = (810.0, 1012.5)  # 1080 × 1350 px (4:5) at 96 px per inch
PAGES_ALLOWED = (3, 300)  # what LinkedIn accepts
PAGES_ADVISED = (5, 12)  # what a reader swipes through
MAX_BYTES = 100 * 1024 * 1024
ADVISED_BYTES = 10 * 1024 * 1024
MIN_TEXT_PX = 28.0  # legible on a phone: px at 1080 px slide width

CAROUSEL_PAGES = "carousel.pages"
CAROUSEL_PAGE_SIZE = "carousel.page-size"
CAROUSEL_FILE_SIZE = "carousel.file-size"
CAROUSEL_TEXT_SIZE = "carousel.text-size"
CAROUSEL_METADATA = "carousel.metadata"

SLIDES_HINT = "list fewer or more blocks in carousel.slides"


def pages(facts: Any, expect: Expect) -> list[Finding]:
    low, high = PAGES_ALLOWED
    if not low <= facts.pages <= high:
        return [
            Finding(
                CAROUSEL_PAGES,
                f"the carousel has {facts.pages} slides; LinkedIn takes {low} to {high}",
                SLIDES_HINT,
                expected=f"{low}–{high}",
                found=str(facts.pages),
            )
        ]
    low, high = PAGES_ADVISED
    if not low <= facts.pages <= high:
        return [
            Finding(
                CAROUSEL_PAGES,
                f"the carousel has {facts.pages} slides; {low} to {high} read best",
                SLIDES_HINT,
                expected=f"{low}–{high}",
                found=str(facts.pages),
                severity=Severity.WARNING,
            )
        ]
    return []


def page_size(facts: Any, expect: Expect) -> list[Finding]:
    wrong = sorted({size for size in facts.sizes if size != SLIDE_PT})
    if not wrong:
        return []
    return [
        Finding(
            CAROUSEL_PAGE_SIZE,
            "slides must all be 1080 × 1350 px (810 × 1012.5 pt)",
            "the @page size in templates/carousel/carousel.css; " + REBUILD,
            expected="810 × 1012.5 pt",
            found=", ".join(f"{w} × {h} pt" for w, h in wrong),
        )
    ]


def file_size(facts: Any, expect: Expect) -> list[Finding]:
    mb = facts.size_bytes / 1024 / 1024
    if facts.size_bytes > MAX_BYTES:
        return [
            Finding(
                CAROUSEL_FILE_SIZE,
                f"the carousel is {mb:.1f} MB; LinkedIn takes 100 MB at most",
                "use smaller images",
                found=f"{mb:.1f} MB",
            )
        ]
    if facts.size_bytes > ADVISED_BYTES:
        return [
            Finding(
                CAROUSEL_FILE_SIZE,
                f"the carousel is {mb:.1f} MB; over 10 MB loads slowly on a phone",
                "use smaller images",
                found=f"{mb:.1f} MB",
                severity=Severity.WARNING,
            )
        ]
    return []


def text_size(facts: Any, expect: Expect) -> list[Finding]:
    if facts.smallest_px == 0.0 or facts.smallest_px >= MIN_TEXT_PX - 0.01:
        return []
    return [
        Finding(
            CAROUSEL_TEXT_SIZE,
            f"text as small as {facts.smallest_px:.1f} px is drawn; "
            f"below {MIN_TEXT_PX:.0f} px at 1080 px width a phone reader cannot read it",
            "raise the font-size in templates/carousel/carousel.css; " + REBUILD,
            expected=f"≥ {MIN_TEXT_PX:.0f} px",
            found=f"{facts.smallest_px:.1f} px",
        )
    ]


def metadata(facts: Any, expect: Expect) -> list[Finding]:
    missing = [
        name for name, value in (("title", facts.title), ("language", facts.lang)) if not value
    ]
    if not missing:
        return []
    return [
        Finding(
            CAROUSEL_METADATA,
            "document properties missing: " + ", ".join(missing),
            "the carousel template sets <title> and <html lang>; " + REBUILD,
        )
    ]


READS = ("the carousel's layout in the build (page sizes, text boxes' sizes, properties); "
         "the PDF read back (PDFium and pypdf) in check")  # fmt: skip

RULES: tuple[OutputRule, ...] = (
    OutputRule(CAROUSEL_PAGES, NAME, Severity.ERROR, "carousel.slides", READS, pages),
    OutputRule(CAROUSEL_PAGE_SIZE, NAME, Severity.ERROR, None, READS, page_size),
    OutputRule(CAROUSEL_FILE_SIZE, NAME, Severity.ERROR, None, READS, file_size),
    OutputRule(CAROUSEL_TEXT_SIZE, NAME, Severity.ERROR, None, READS, text_size),
    OutputRule(CAROUSEL_METADATA, NAME, Severity.ERROR, None, READS, metadata),
)
