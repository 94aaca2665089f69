"""The LinkedIn post as LinkedIn shows it, for the preview's pane: where it folds for
'…see more', its counts against the channel's limits, which words are hashtags and links.
Decided here, with the channel's own rules, so the pane's template only lays it out."""

from __future__ import annotations

from dataclasses import dataclass

from omnipress.channels.linkedin.rules import (
    HASHTAG_PATTERN,
    HASHTAGS_MAX,
    HASHTAGS_MIN,
    LINKEDIN_FOLD_CHARS,
    LINKEDIN_MAX_CHARS,
    check_linkedin,
    linkedin_hook,
)
from omnipress.content.links import URL_PATTERN, url_parts, utm_params


@dataclass(frozen=True)
class Span:
    """A run of the LinkedIn text: plain text, a hashtag or a link (LinkedIn colours both)."""

    kind: str  # "text", "hashtag" or "link"
    text: str
    href: str = ""


@dataclass(frozen=True)
class Measure:
    """A count against a limit, e.g. characters against 3,000."""

    count: int
    limit: str
    ok: bool

    @property
    def shown(self) -> str:
        return f"{self.count:,}"


@dataclass(frozen=True)
class LinkedInCard:
    """A LinkedIn post as LinkedIn shows it: the text above the '…see more' fold, the rest,
    and the facts the channel rules are about."""

    above_fold: tuple[Span, ...]
    below_fold: tuple[Span, ...]
    characters: Measure
    hook: Measure
    hashtags: tuple[str, ...]
    hashtag_count: Measure
    link: str
    link_domain: str
    link_utm: tuple[tuple[str, str], ...]
    links: int
    problems: tuple[str, ...]  # the LinkedIn rules this text breaks


def fold_position(text: str) -> int:
    """Where LinkedIn cuts the post for '…see more': after the hook (its first paragraph)
    when that fits in the first ~210 characters, else at the last space before them."""
    hook = linkedin_hook(text)
    start = text.find(hook) if hook else 0
    end = max(start, 0) + len(hook)
    if len(hook) <= LINKEDIN_FOLD_CHARS:
        return end
    cut = text.rfind(" ", 0, LINKEDIN_FOLD_CHARS)
    return cut if cut > 0 else LINKEDIN_FOLD_CHARS


def spans(text: str) -> tuple[Span, ...]:
    """Split text into plain runs, links and hashtags, in order."""
    marks: list[tuple[int, int, str]] = []
    for match in URL_PATTERN.finditer(text):
        end = match.start() + len(match.group(0).rstrip(".,;:!?)"))
        marks.append((match.start(), end, "link"))
    for match in HASHTAG_PATTERN.finditer(text):
        if not any(s <= match.start() < e for s, e, _ in marks):
            marks.append((match.start(), match.end(), "hashtag"))
    result: list[Span] = []
    position = 0
    for start, end, kind in sorted(marks):
        if start > position:
            result.append(Span("text", text[position:start]))
        piece = text[start:end]
        result.append(Span(kind, piece, piece if kind == "link" else ""))
        position = end
    if position < len(text):
        result.append(Span("text", text[position:]))
    return tuple(result)


def linkedin_card(text: str) -> LinkedInCard:
    text = text.rstrip("\n")
    fold = fold_position(text)
    hook = linkedin_hook(text)
    tags = tuple("#" + tag for tag in HASHTAG_PATTERN.findall(text))
    links = [m.rstrip(".,;:!?)") for m in URL_PATTERN.findall(text)]
    link = links[0] if links else ""
    return LinkedInCard(
        above_fold=spans(text[:fold]),
        below_fold=spans(text[fold:].lstrip("\n")),
        characters=Measure(len(text), f"{LINKEDIN_MAX_CHARS:,}", len(text) <= LINKEDIN_MAX_CHARS),
        hook=Measure(len(hook), str(LINKEDIN_FOLD_CHARS), len(hook) <= LINKEDIN_FOLD_CHARS),
        hashtags=tags,
        hashtag_count=Measure(
            len(tags), f"{HASHTAGS_MIN}–{HASHTAGS_MAX}", HASHTAGS_MIN <= len(tags) <= HASHTAGS_MAX
        ),
        link=link,
        link_domain=url_parts(link).netloc,
        link_utm=tuple(sorted(utm_params(link).items())),
        links=len(links),
        problems=tuple(f"{f.message} [{f.rule}]" for f in check_linkedin(text + "\n")),
    )
