"""Figures as claims: numbers, percentages, money and years that a reader could quote back.

Reviewers sign off a LinkedIn post or a one-pager on the strength of its figures, so `check`
insists that each one was written in the post or in a block the post uses, and reads there
exactly as it does in the channel. What is not a claim is left out: dates (the byline),
URLs, and numbers glued to letters (guideline names such as ICH E6(R3), product codes).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from omnipress.content.links import URL_PATTERN
from omnipress.text.prose import blank

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATES = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\s+\d{{4}}\b"
    rf"|\b(?:{MONTHS})\s+\d{{1,2}},\s+\d{{4}}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
)
FIGURE = re.compile(
    r"""
    (?<![^\W\d_])                      # not glued to a letter before it: E6, R3, B2B
    (?<![\d.,])                        # the start of the number, not its middle
    (?:[£$€¥]\s?)?
    \d+(?:[.,]\d+)*
    (?:\s?(?:%|per\ cent|percent))?
    (?:\s?(?:k|m|bn|million|billion|thousand)\b)?
    """,
    re.VERBOSE,
)
NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True)
class Figure:
    value: str  # as written, whitespace collapsed
    context: str  # the words around it, for the report


def without_phrases(text: str, phrases: Iterable[str]) -> str:
    """``text`` with each phrase cut out even where a line break split it anywhere: a PDF's
    text layer gives a long address wrapped on a slide as ``…/post- 0008/``, which would
    otherwise leave ``0008`` behind as a figure."""
    for phrase in phrases:
        whole = "".join(phrase.split())
        if whole:
            text = _cut_out(text, whole)
    return text


def _cut_out(text: str, whole: str) -> str:
    """``text`` without each copy of ``whole`` (which has no whitespace), whatever whitespace
    falls inside it: found in the text without its whitespace, cut from the text itself.
    (A pattern allowing a break between any two characters did the same, but costs ~1.5 ms
    to compile for an address, and every post prints its own.)"""
    squeezed = "".join(text.split())
    start = squeezed.find(whole)
    if start < 0:
        return text
    spans = [match.span() for match in NON_SPACE.finditer(text)]
    ends = list(itertools.accumulate(end - begin for begin, end in spans))  # in ``squeezed``

    def in_text(index: int) -> int:  # where ``squeezed[index]`` is in ``text``
        word = bisect.bisect_right(ends, index)
        begin, end = spans[word]
        return begin + index - (ends[word] - (end - begin))

    pieces, last = [], 0
    while start >= 0:
        end = start + len(whole)
        pieces += [text[last : in_text(start)], " "]
        last = in_text(end - 1) + 1
        start = squeezed.find(whole, end)
    return "".join(pieces) + text[last:]


def _claims(text: str, ignore: Iterable[str]) -> str:
    """The text where figures are looked for: whitespace collapsed, without dates, URLs and
    the ``ignore`` phrases (a legal line, the addresses an output prints), wherever line
    breaks fall in them."""
    flat = " ".join(without_phrases(text, ignore).split())
    return DATES.sub(" ", URL_PATTERN.sub(" ", flat))


def figures_in(text: str, ignore: Iterable[str] = ()) -> list[Figure]:
    """Every figure in ``text``, minus dates, URLs and the ``ignore`` phrases."""
    flat = _claims(text, ignore)
    return [_figure(flat, match) for match in FIGURE.finditer(flat)]


def figures_outside(text: str, allowed: Container[str], ignore: Iterable[str] = ()) -> list[Figure]:
    """The figures of ``text`` (as :func:`figures_in`) whose value is not ``allowed``. Only
    those get their context, the words around them: a check of a whole library finds tens of
    thousands of figures, nearly all allowed, and the context costs more than the search."""
    flat = _claims(text, ignore)
    return [
        _figure(flat, match)
        for match in FIGURE.finditer(flat)
        if " ".join(match.group(0).split()) not in allowed
    ]


def _figure(flat: str, match: re.Match[str]) -> Figure:
    before = flat[: match.start()].rsplit(None, 5)[-5:]  # the last five words
    after = flat[match.end() :].split()[:5]
    glued = after.pop(0) if after and not flat[match.end() : match.end() + 1].isspace() else ""
    context = " ".join([*before, match.group(0) + glued, *after])
    return Figure(" ".join(match.group(0).split()), "…" + context + "…")


def figure_matches(text: str) -> Iterator[re.Match[str]]:
    """:data:`FIGURE`'s matches in ``text`` at the places they are written, dates left out:
    for a rule that must say where a figure is (:func:`figures_in` flattens the text)."""
    return FIGURE.finditer(blank(text, [m.span() for m in DATES.finditer(text)]))


def strings_in(value: Any) -> Iterator[str]:
    """Every string inside front-matter values (lists and mappings included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)


def figure_values(texts: Iterable[str]) -> set[str]:
    """The figures of all ``texts``: what a channel's figures may be."""
    return {value for text in texts for value in _values_in(text)}


@functools.lru_cache(maxsize=4096)
def _values_in(text: str) -> frozenset[str]:
    """The figures of one text, without their context: a post's body and its blocks are the
    sources of each of its outputs' figures, and a block's of every post that uses it."""
    flat = _claims(text, ())
    return frozenset(" ".join(match.group(0).split()) for match in FIGURE.finditer(flat))
