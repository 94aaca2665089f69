"""The blog page's one-output rules: each a function of the page read back (``read_blog``)
and of what the post expects, run by the build on the bytes it renders and by ``check`` on
the file (see :mod:`omnipress.channels.output_rules`)."""

from __future__ import annotations

from typing import Any

from omnipress.channels.output_rules import Expect, OutputRule
from omnipress.channels.rules import REBUILD
from omnipress.errors import Finding, Severity

NAME = "blog"
BLOG_TITLE_MAX = 60
META_DESCRIPTION_MAX = 160

# Rule names, written once: the findings below, their rows and whoever adds to a finding.
BLOG_HTML = "blog.html"
BLOG_H1 = "blog.h1"
BLOG_TITLE_LENGTH = "blog.title-length"
BLOG_META_DESCRIPTION = "blog.meta-description"
BLOG_CANONICAL = "blog.canonical"
BLOG_SCRIPTS = "blog.scripts"


def blog_structure(page: Any, expect: Expect) -> list[Finding]:
    structure = list(page.structure)
    if (page.doctype or "").lower() != "html":
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
    if not page.title or len(page.title) <= BLOG_TITLE_MAX:
        return []
    return [
        Finding(
            BLOG_TITLE_LENGTH,
            f"<title> is {len(page.title)} characters; search results cut it at about "
            f"{BLOG_TITLE_MAX}",
            "shorten the post title",
            severity=Severity.WARNING,
            expected=f"≤ {BLOG_TITLE_MAX}",
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
    if len(description) > META_DESCRIPTION_MAX:
        return [
            Finding(
                BLOG_META_DESCRIPTION,
                f"the meta description is {len(description)} characters; search results cut "
                f"it at about {META_DESCRIPTION_MAX}",
                "shorten description (or summary) in the post's front matter",
                severity=Severity.WARNING,
                expected=f"≤ {META_DESCRIPTION_MAX}",
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


BLOG_PAGE = "the page's HTML, parsed (read_blog on the rendered bytes / the file)"

RULES: tuple[OutputRule, ...] = (
    OutputRule(BLOG_HTML, NAME, Severity.ERROR, None, BLOG_PAGE, blog_structure),
    OutputRule(BLOG_H1, NAME, Severity.ERROR, "title", BLOG_PAGE, blog_h1),
    OutputRule(BLOG_TITLE_LENGTH, NAME, Severity.WARNING, "title", BLOG_PAGE,
               blog_title_length),
    OutputRule(BLOG_META_DESCRIPTION, NAME, Severity.ERROR, "summary", BLOG_PAGE,
               blog_meta_description),
    OutputRule(BLOG_CANONICAL, NAME, Severity.ERROR, None, BLOG_PAGE, blog_canonical),
    OutputRule(BLOG_SCRIPTS, NAME, Severity.ERROR, "body", BLOG_PAGE, blog_scripts),
)  # fmt: skip
"""Search-result length guidance (title ≈ 60, description ≈ 160) is a warning, whatever the
row says for the rule's other findings (a page with no description at all is an error)."""
