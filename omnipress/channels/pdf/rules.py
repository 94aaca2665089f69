"""The one-pager's one-output rules: each a function of the PDF's facts (WeasyPrint's in the
build, the file read back in ``check``) and of what the post expects (see
:mod:`omnipress.channels.output_rules`)."""

from __future__ import annotations

from typing import Any

from omnipress.channels.output_rules import Expect, OutputRule
from omnipress.channels.rules import REBUILD
from omnipress.errors import Finding, Severity

NAME = "pdf"

# Rule names, written once: the findings below, their rows and whoever adds to a finding.
PDF_ONE_PAGE = "pdf.one-page"
PDF_METADATA = "pdf.metadata"


def pdf_one_page(pdf: Any, expect: Expect) -> list[Finding]:
    if pdf.pages == 1:
        return []
    return [
        Finding(
            PDF_ONE_PAGE,
            f"the one-pager runs onto {pdf.pages} pages",
            "show fewer blocks in pdf.blocks, or shorten the summary or those blocks",
            expected="1",
            found=str(pdf.pages),
        )
    ]


def pdf_metadata(pdf: Any, expect: Expect) -> list[Finding]:
    findings = []
    missing = [k for k in ("title", "author", "subject", "keywords") if not pdf.metadata[k]]
    if missing:
        findings.append(
            Finding(
                PDF_METADATA,
                "document properties missing: " + ", ".join(missing),
                "set them in the post (title, author, summary, tags); the one-pager template "
                "prints them as <title> and <meta> tags",
            )
        )
    if not pdf.lang or not pdf.tagged:
        findings.append(
            Finding(
                PDF_METADATA,
                "the PDF is not tagged for accessibility "
                f"(language {pdf.lang or 'missing'}, tagged {pdf.tagged})",
                "the one-pager template must set <html lang=…> (site.yaml's language), then "
                + REBUILD,
            )
        )
    return findings


PDF_PAGES = "the page count: WeasyPrint's layout in the build, the PDF read back in check"
PDF_PROPERTIES = (
    "title, author, subject, keywords, language, tags: WeasyPrint's document metadata in the "
    "build (what it writes to the PDF's Info and catalog), the PDF read back in check"
)

RULES: tuple[OutputRule, ...] = (
    OutputRule(PDF_ONE_PAGE, NAME, Severity.ERROR, "pdf.blocks", PDF_PAGES, pdf_one_page),
    OutputRule(PDF_METADATA, NAME, Severity.ERROR, None, PDF_PROPERTIES, pdf_metadata),
)
