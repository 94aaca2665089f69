"""House style rules (Vale's existence, substitution and occurrence) matched in one text.

Pure text work: a text and its rules in, the places each rule matched out, with the message
filled in as Vale fills it. Where the text sits in which file is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from omnipress.content.styles import StyleRule
from omnipress.text.prose import readable


@dataclass(frozen=True)
class Hit:
    """One match of one rule: offsets into the text, what matched, what to write instead."""

    rule: StyleRule
    start: int
    end: int
    matched: str
    replacement: str
    message: str


def fill(message: str, *values: str) -> str:
    """Vale's message: each ``%s`` takes the next value, in order."""
    parts = message.split("%s")
    filled = parts[0]
    for index, part in enumerate(parts[1:]):
        filled += (values[index] if index < len(values) else "") + part
    return filled


def _existence(rule: StyleRule, text: str) -> Iterator[Hit]:
    for match in rule.pattern.finditer(text):
        found = match.group()
        yield Hit(rule, match.start(), match.end(), found, "", fill(rule.message, found))


def _substitution(rule: StyleRule, text: str) -> Iterator[Hit]:
    for match in rule.pattern.finditer(text):
        found = match.group()
        replacement = next((r for key, r in rule.swaps if key.fullmatch(found)), "")
        if found == replacement:  # Vale too: the right word found by an ignorecase pattern
            continue
        message = fill(rule.message, replacement, found)
        yield Hit(rule, match.start(), match.end(), found, replacement, message)


def _occurrence(rule: StyleRule, text: str) -> Iterator[Hit]:
    """One hit, at the first match past ``max``: the text has too many, not each one."""
    for count, match in enumerate(rule.pattern.finditer(text), 1):
        if count > rule.max:
            found = match.group()
            yield Hit(rule, match.start(), match.end(), found, "",
                      fill(rule.message, str(rule.max), found))  # fmt: skip
            return


MATCHERS: dict[str, Callable[[StyleRule, str], Iterator[Hit]]] = {
    "existence": _existence,
    "substitution": _substitution,
    "occurrence": _occurrence,
}


def style_hits(
    text: str, rules: tuple[StyleRule, ...], readable_text: str | None = None
) -> list[Hit]:
    """Every hit of ``rules`` in the Markdown ``text``, in the order of the text. Line breaks
    read as spaces (a brand name wrapped over two lines is still the brand name), and a
    ``scope: text`` rule (the default) sees only :func:`readable`'s words (``readable_text``,
    when the caller has made it already)."""
    if not rules:
        return []
    words = None if readable_text is None else readable_text.replace("\n", " ")
    views: dict[bool, str | None] = {False: words, True: None}
    hits: list[Hit] = []
    for rule in rules:
        view = views[rule.raw]
        if view is None:
            view = views[rule.raw] = (text if rule.raw else readable(text)).replace("\n", " ")
        hits.extend(MATCHERS[rule.extends](rule, view))
    return sorted(hits, key=lambda hit: (hit.start, hit.rule.name))
