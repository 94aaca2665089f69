"""The rules one output is held to on its own, as one table that the build and ``check`` run.

A build that succeeds must never fail ``check`` on an untouched tree, and a warning ``check``
gives must not be news to whoever built the files. So each rule here is one function of a
channel's *facts* (what :mod:`omnipress.readback` reads from the bytes) and of what the post
expects (its title, its address). The build calls it on the bytes it has just rendered,
before anything is written; ``check`` on the file read back. Same function, same rule name,
same message, same severity.

Where reading the bytes back would cost the build real time (a PDF), the build passes the
facts WeasyPrint has already computed, and only those that are exactly what ``check`` reads
(``reads`` in the table says which). Rules that need several files (one post's channels
agreeing) are not here: they are ``consistency``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from omnipress.channels import rules
from omnipress.channels.rules import REBUILD
from omnipress.errors import Finding, Severity

# Rule names, written once: the findings below, their rows and whoever adds to a finding.
BLOG_HTML = "blog.html"
BLOG_H1 = "blog.h1"
BLOG_TITLE_LENGTH = "blog.title-length"
BLOG_META_DESCRIPTION = "blog.meta-description"
BLOG_CANONICAL = "blog.canonical"
BLOG_SCRIPTS = "blog.scripts"
PDF_ONE_PAGE = "pdf.one-page"
PDF_METADATA = "pdf.metadata"


@dataclass(frozen=True)
class Expect:
    """What the post says an output must show; ``source`` names where that comes from."""

    title: str
    canonical: str
    source: str = "the post"


@dataclass(frozen=True)
class OutputRule:
    name: str
    channel: str
    severity: Severity  # the worst it reports: a warning rule never fails a build or a check
    field: str | None  # the front-matter key a build problem points at; None: a template's
    reads: str  # the facts it judges, in the build and in check
    check: Callable[[Any, Expect], list[Finding]]


# -- blog ------------------------------------------------------------------------------


def blog_structure(page: Any, expect: Expect) -> list[Finding]:
    structure = list(page.document.problems)
    if (page.document.doctype or "").lower() != "html":
        structure.insert(0, "no <!DOCTYPE html> declaration")
    if not page.lang:
        structure.append("<html> has no lang attribute")
    if not page.has_charset:
        structure.append('no <meta charset="utf-8">')
    if page.title is None:
        structure.append("no <title>")
    return [
        Finding(
            BLOG_HTML,
            f"invalid HTML5 structure: {problem}",
            "fix the blog templates, then " + REBUILD,
        )
        for problem in structure[:5]
    ]


def blog_h1(page: Any, expect: Expect) -> list[Finding]:
    if len(page.h1s) != 1:
        return [
            Finding(
                BLOG_H1,
                f"the page has {len(page.h1s)} <h1> headings; it needs exactly one, the post title",
                "use ## (an <h2>) for headings inside the post body",
                expected=f"1 <h1>: {expect.title}",
                found="; ".join(page.h1s) or "none",
            )
        ]
    if page.h1s[0] != expect.title:
        return [
            Finding(
                BLOG_H1,
                f"the <h1> is not the post title (from {expect.source})",
                expected=expect.title,
                found=page.h1s[0],
            )
        ]
    return []


def blog_title_length(page: Any, expect: Expect) -> list[Finding]:
    if not page.title or len(page.title) <= rules.BLOG_TITLE_MAX:
        return []
    return [
        Finding(
            BLOG_TITLE_LENGTH,
            f"<title> is {len(page.title)} characters; search results cut it at about "
            f"{rules.BLOG_TITLE_MAX}",
            "shorten the post title",
            severity=Severity.WARNING,
            expected=f"≤ {rules.BLOG_TITLE_MAX}",
            found=str(len(page.title)),
        )
    ]


def blog_meta_description(page: Any, expect: Expect) -> list[Finding]:
    description = page.description
    if not description or not description.strip():
        return [
            Finding(
                BLOG_META_DESCRIPTION,
                "the page has no meta description",
                "set description (or summary) in the post's front matter",
            )
        ]
    if len(description) > rules.META_DESCRIPTION_MAX:
        return [
            Finding(
                BLOG_META_DESCRIPTION,
                f"the meta description is {len(description)} characters; search results cut "
                f"it at about {rules.META_DESCRIPTION_MAX}",
                "shorten description (or summary) in the post's front matter",
                severity=Severity.WARNING,
                expected=f"≤ {rules.META_DESCRIPTION_MAX}",
                found=str(len(description)),
            )
        ]
    return []


def blog_canonical(page: Any, expect: Expect) -> list[Finding]:
    if page.canonical == expect.canonical:
        return []
    return [
        Finding(
            BLOG_CANONICAL,
            "the canonical URL is not the post's address",
            expected=expect.canonical,
            found=page.canonical or "none",
        )
    ]


def blog_scripts(page: Any, expect: Expect) -> list[Finding]:
    findings = []
    for script in page.scripts:
        if script.type == "application/ld+json" and script.in_head and not script.src:
            continue  # the page's own structured data
        what = f"src={script.src!r}" if script.src else f"type={script.type or 'text/javascript'!r}"
        findings.append(
            Finding(
                BLOG_SCRIPTS,
                f"line {script.line}: a <script {what}> is on the page",
                "content may not run scripts; remove it from the post or template",
            )
        )
    findings += [
        Finding(
            BLOG_SCRIPTS,
            f"active content on the page: {handler}",
            "content may not run scripts",
        )
        for handler in page.handlers
    ]
    return findings


# -- PDF -------------------------------------------------------------------------------


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


# -- LinkedIn --------------------------------------------------------------------------


def linkedin_rule(check: Callable[[str], list[Finding]]) -> Callable[[Any, Expect], list[Finding]]:
    """A LinkedIn rule of :mod:`omnipress.rules` (a function of the text alone) as a row."""
    return lambda text, expect: check(text)


def linkedin_links(text: Any, expect: Expect) -> list[Finding]:
    return rules.check_linkedin_links(text, expect.canonical)


BLOG_PAGE = "the page's HTML, parsed (readback.read_blog on the rendered bytes / the file)"
PDF_PAGES = "the page count: WeasyPrint's layout in the build, the PDF read back in check"
PDF_PROPERTIES = (
    "title, author, subject, keywords, language, tags: WeasyPrint's document metadata in the "
    "build (what it writes to the PDF's Info and catalog), the PDF read back in check"
)
TEXT = "the text as written (the rendered bytes / the file, decoded)"

OUTPUT_RULES: tuple[OutputRule, ...] = (
    OutputRule(BLOG_HTML, "blog", Severity.ERROR, None, BLOG_PAGE, blog_structure),
    OutputRule(BLOG_H1, "blog", Severity.ERROR, "title", BLOG_PAGE, blog_h1),
    OutputRule(BLOG_TITLE_LENGTH, "blog", Severity.WARNING, "title", BLOG_PAGE,
               blog_title_length),
    OutputRule(BLOG_META_DESCRIPTION, "blog", Severity.ERROR, "summary", BLOG_PAGE,
               blog_meta_description),
    OutputRule(BLOG_CANONICAL, "blog", Severity.ERROR, None, BLOG_PAGE, blog_canonical),
    OutputRule(BLOG_SCRIPTS, "blog", Severity.ERROR, "body", BLOG_PAGE, blog_scripts),
    OutputRule(PDF_ONE_PAGE, "pdf", Severity.ERROR, "pdf.blocks", PDF_PAGES, pdf_one_page),
    OutputRule(PDF_METADATA, "pdf", Severity.ERROR, None, PDF_PROPERTIES, pdf_metadata),
    OutputRule(rules.LINKEDIN_LENGTH, "linkedin", Severity.ERROR, "linkedin", TEXT,
               linkedin_rule(rules.check_linkedin_length)),
    OutputRule(rules.LINKEDIN_HOOK, "linkedin", Severity.ERROR, "linkedin", TEXT,
               linkedin_rule(rules.check_linkedin_hook)),
    OutputRule(rules.LINKEDIN_MARKUP, "linkedin", Severity.ERROR, "linkedin", TEXT,
               linkedin_rule(rules.check_linkedin_markup)),
    OutputRule(rules.LINKEDIN_HASHTAGS, "linkedin", Severity.ERROR, "linkedin", TEXT,
               linkedin_rule(rules.check_linkedin_hashtags)),
    OutputRule(rules.LINKEDIN_LINKS, "linkedin", Severity.ERROR, "linkedin", TEXT, linkedin_links),
)  # fmt: skip
"""Severities as a user reads them: search-result length guidance (title ≈ 60, description
≈ 160) is a warning, whatever the row says for the rule's other findings (a page with no
description at all is an error); hard channel limits (one page, 3,000 characters, hook 210,
3–5 hashtags, one link) are errors. Each finding carries its own severity."""


def rules_for(channel: str) -> tuple[OutputRule, ...]:
    return tuple(rule for rule in OUTPUT_RULES if rule.channel == channel)
