"""The LinkedIn text's one-output rules, as one list: each a function of the text alone (the
rendered bytes in the build, the file in ``check``, the pane's text in the preview), so the
build, ``check`` and the preview cannot disagree about what "too long" means."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from omnipress.channels.output_rules import Expect, OutputRule
from omnipress.content.links import URL_PATTERN
from omnipress.errors import Finding, Severity

NAME = "linkedin"
LINKEDIN_MAX_CHARS = 3000
LINKEDIN_FOLD_CHARS = 210
HASHTAGS_MIN, HASHTAGS_MAX = 3, 5
# Rule names, written once: the findings, the rows below and `check` use these.
LINKEDIN_LENGTH = "linkedin.length"
LINKEDIN_HOOK = "linkedin.hook"
LINKEDIN_MARKUP = "linkedin.markup"
LINKEDIN_UNICODE_BOLD = "linkedin.unicode-bold"
LINKEDIN_HASHTAGS = "linkedin.hashtags"
LINKEDIN_LINKS = "linkedin.links"

HASHTAG_PATTERN = re.compile(r"(?<![\w#])#([^\s#]+)")
CAMEL_CASE = re.compile(r"\A[A-Z0-9][A-Za-z0-9]*\Z")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s*(?:[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*)*$")
MARKDOWN_LEFTOVERS = (
    (re.compile(r"\*\*|__|(?<!\w)\*(?=\S)[^*\n]+\*(?!\w)|(?<!\w)_(?=\S)[^_\n]+_(?!\w)"),
     "emphasis markers"),
    (re.compile(r"^\s{0,3}#{1,6}\s", re.MULTILINE), "a Markdown heading"),
    (re.compile(r"\[[^\]\n]+\]\([^)\n]+\)"), "a Markdown link"),
    (re.compile(r"`"), "a code backtick"),
    (re.compile(r"^\s{0,3}>\s", re.MULTILINE), "a Markdown quote marker"),
    (re.compile(r"^\s*[-*+]\s+\S", re.MULTILINE), "a Markdown list marker (use •)"),
    (re.compile(r"\[\[block:"), "an unexpanded block marker"),
)  # fmt: skip
HTML_LEFTOVERS = re.compile(r"</?[a-zA-Z][^>\n]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")


DRAFT_LINE = re.compile(r"\ADRAFT — [^\n]*\n\n")
"""The first line of a draft (``linkedin/post.txt`` writes it while approvals are on and the
post is not approved): a warning to whoever would paste it, not the hook."""


def linkedin_hook(text: str) -> str:
    """The hook is the first paragraph (after a draft's warning line): what LinkedIn shows
    above '…see more'."""
    return DRAFT_LINE.sub("", text, count=1).split("\n\n", 1)[0].strip()


def is_math_bold(char: str) -> bool:
    return 0x1D400 <= ord(char) <= 0x1D7FF


def check_linkedin_length(text: str) -> list[Finding]:
    count = len(text)
    if count <= LINKEDIN_MAX_CHARS:
        return []
    return [
        Finding(
            LINKEDIN_LENGTH,
            f"the post is {count:,} characters; LinkedIn allows {LINKEDIN_MAX_CHARS:,}",
            f"shorten linkedin.body by {count - LINKEDIN_MAX_CHARS:,} characters",
            expected=f"≤ {LINKEDIN_MAX_CHARS}",
            found=str(count),
        )
    ]


def check_linkedin_hook(text: str) -> list[Finding]:
    hook = linkedin_hook(text)
    findings = []
    if len(hook) > LINKEDIN_FOLD_CHARS:
        findings.append(
            Finding(
                LINKEDIN_HOOK,
                f"the hook is {len(hook)} characters; only {LINKEDIN_FOLD_CHARS} show before "
                "'…see more'",
                "shorten linkedin.hook to one sentence",
                expected=f"≤ {LINKEDIN_FOLD_CHARS}",
                found=str(len(hook)),
            )
        )
    if not SENTENCE_END.search(hook):
        findings.append(
            Finding(
                LINKEDIN_HOOK,
                f"the hook does not end a sentence: …{hook[-40:]!r}",
                "end linkedin.hook with '.', '!' or '?'",
            )
        )
    return findings


def check_linkedin_markup(text: str) -> list[Finding]:
    findings = [
        Finding(LINKEDIN_MARKUP, f"{what} left in the text: {m.group(0)!r}",
                "LinkedIn shows Markdown literally; write plain text")
        for pattern, what in MARKDOWN_LEFTOVERS
        if (m := pattern.search(text))
    ]  # fmt: skip
    if m := HTML_LEFTOVERS.search(text):
        findings.append(
            Finding(LINKEDIN_MARKUP, f"HTML left in the text: {m.group(0)!r}", "remove it")
        )
    bold = [c for c in text if is_math_bold(c)]
    if bold:
        findings.append(
            Finding(
                LINKEDIN_UNICODE_BOLD,
                f"{len(bold)} Unicode 'bold' letters (e.g. {bold[0]!r}, "
                f"{unicodedata.name(bold[0], '?')}); screen readers spell them out",
                "use ordinary letters",
            )
        )
    return findings


def hashtags_in(text: str) -> list[str]:
    return HASHTAG_PATTERN.findall(text)


def check_linkedin_hashtags(text: str) -> list[Finding]:
    tags = hashtags_in(text)
    findings = []
    if not HASHTAGS_MIN <= len(tags) <= HASHTAGS_MAX:
        findings.append(
            Finding(
                LINKEDIN_HASHTAGS,
                f"{len(tags)} hashtags; use {HASHTAGS_MIN} to {HASHTAGS_MAX}",
                "set linkedin.hashtags in the post (or default_hashtags in site.yaml)",
                expected=f"{HASHTAGS_MIN}–{HASHTAGS_MAX}",
                found=str(len(tags)),
            )
        )
    bad = [t for t in tags if not CAMEL_CASE.fullmatch(t)]
    if bad:
        findings.append(
            Finding(
                LINKEDIN_HASHTAGS,
                "hashtags must be CamelCase letters and digits: " + ", ".join("#" + t for t in bad),
                "write e.g. #ClinicalTrials, not #clinical_trials",
            )
        )
    return findings


def check_linkedin_links(text: str, expected_url: str = "") -> list[Finding]:
    """One link, tagged for LinkedIn; to ``expected_url`` when one is given (the post's)."""
    links = URL_PATTERN.findall(text)
    if len(links) != 1:
        return [
            Finding(
                LINKEDIN_LINKS,
                f"{len(links)} links in the post; it must carry exactly one, to the blog post",
                "remove links from linkedin.body and blocks' LinkedIn variants",
                expected="1",
                found=str(len(links)),
            )
        ]
    link = links[0].rstrip(".,;:!?)")
    if "utm_source=linkedin" not in link:
        return [Finding(LINKEDIN_LINKS, f"the link is not tagged utm_source=linkedin: {link}")]
    if expected_url and not link.startswith(expected_url):
        return [
            Finding(
                LINKEDIN_LINKS,
                "the link does not go to the blog post",
                expected=expected_url,
                found=link,
            )
        ]
    return []


def linkedin_rule(check: Callable[[str], list[Finding]]) -> Callable[[Any, Expect], list[Finding]]:
    """A rule of the text alone as a row."""
    return lambda text, expect: check(text)


def linkedin_links(text: Any, expect: Expect) -> list[Finding]:
    return check_linkedin_links(text, expect.canonical)


TEXT = "the text as written (the rendered bytes / the file, decoded)"

RULES: tuple[OutputRule, ...] = (
    OutputRule(LINKEDIN_LENGTH, NAME, Severity.ERROR, NAME, TEXT,
               linkedin_rule(check_linkedin_length)),
    OutputRule(LINKEDIN_HOOK, NAME, Severity.ERROR, NAME, TEXT,
               linkedin_rule(check_linkedin_hook)),
    OutputRule(LINKEDIN_MARKUP, NAME, Severity.ERROR, NAME, TEXT,
               linkedin_rule(check_linkedin_markup)),
    OutputRule(LINKEDIN_HASHTAGS, NAME, Severity.ERROR, NAME, TEXT,
               linkedin_rule(check_linkedin_hashtags)),
    OutputRule(LINKEDIN_LINKS, NAME, Severity.ERROR, NAME, TEXT, linkedin_links),
)  # fmt: skip
"""Hard channel limits (3,000 characters, hook 210, 3–5 hashtags, one link) are errors."""

ANY_ADDRESS = Expect("", "")  # no post to hold the link to: its count and tags only


def check_linkedin(text: str) -> list[Finding]:
    """Every rule of :data:`RULES` on a text with no post to compare its link with (the
    preview's card, a scaffolded post): the same list the build and ``check`` run."""
    return [finding for rule in RULES for finding in rule.check(text, ANY_ADDRESS)]
