"""Sourced claims: the figures in a text that a reader would take as a claim.

In regulated marketing a figure a reader sees must have a source on file, and the place for a
figure with its source is a ``stat`` block. A figure written straight into prose has none, so
the rule ``claims.unsourced-figure`` reports it. What counts (the README says the same):

- a percentage: ``40%``, ``40 %``, ``12.5 per cent``, ``forty per cent``;
- a multiplier: ``3×``, ``3x``, ``3-fold``, ``threefold``, ``three times more`` (or faster,
  as, the …), ``twice as``, ``twice the``;
- a count with a unit: a number in digits followed by a plural noun, with at most two words
  between (``120 studies``, ``3,000 enrolled patients``, ``12 weeks``, ``40 CROs``).

What does not: dates and years (1900–2100 on their own), trial phases (``phase 3``,
``Phase II``), numbered labels (``Part 11``, ``Annex 11``, ``ISO 9001``, ``Section 4``, ``Top
10``), guideline and product names glued to letters (``ICH E9``, ``E6(R3)``, ``COVID-19``),
version numbers, list and heading numbering, footnote numbers, ratios such as ``24/7``,
numbers in words other than the percentages and multipliers above (``one of the``, ``three
questions``), money, and anything in code, a link's target or an address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from omnipress.text.figures import MONTHS, figure_matches
from omnipress.text.prose import readable

NUMBER_WORD = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|a\ hundred|one\ hundred|hundred)"
)
COMPARATIVE = (
    r"(?:as|the|more|less|fewer|greater|higher|lower|faster|slower|quicker|larger|smaller"
    r"|bigger|better|cheaper|longer|shorter|likelier|likely|often|many|much)"
)
WORD_ANCHOR = re.compile(r"per\s+cent|percent|fold\b|times|twice", re.IGNORECASE)
WORD_ANCHORS = ("cent", "fold", "times", "twice")
NUMBER_BEFORE = re.compile(rf"\b{NUMBER_WORD}[\s-]*\Z", re.IGNORECASE)
COMPARATIVE_AFTER = re.compile(rf"\s+{COMPARATIVE}\b", re.IGNORECASE)
"""The claims written in words, found from their rare anchor ("per cent", "fold", "times",
"twice") rather than from every word that could be a number, which is ten times slower: a
percentage or multiplier in words (a count in words, "three questions", reads as prose)."""

MULTIPLIER_AFTER = re.compile(rf"\s?(?:×|x\b|-?fold\b)|\s+times\s+{COMPARATIVE}\b", re.IGNORECASE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS = _words(
    "a an the of in on at to for from by with and or but as is was are were be been has have "
    "had its this that these those than then per our your their his her we you they it "
    "all each every both either some any no not more less most least over under into onto "
    "within between across about around after before since until during via"
)
NOT_NOUNS = _words(
    "is was has its this thus yes us as his hers ours yours theirs various previous "
    "plus less unless across whereas always perhaps besides towards afterwards sometimes "
    "nevertheless regardless"
)
IRREGULAR_PLURALS = _words("people staff children men women personnel")
COUNT_AFTER = re.compile(r"((?:\s+[A-Za-z][\w-]*){1,3})")
PLURAL = re.compile(r"[a-z][a-z-]*[a-z]s|[A-Z]{2,}s")

NOT_CLAIMS = (
    re.compile(r"^[ \t]*\d+[.)](?=[ \t])", re.MULTILINE),  # list numbering
    re.compile(r"^#{1,6}[ \t]+(?:\w+[ \t]+)?\d+(?:\.\d+)*[.):]?", re.MULTILINE),  # headings'
    re.compile(
        rf"\b(?:{MONTHS})\s+\d{{4}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})\b"
        rf"|\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    ),
    re.compile(r"(?<![\d,.])(?:19\d\d|20\d\d|2100)(?![\d,.]\d)(?:s\b)?"),  # years, 1990s
    re.compile(
        r"\b(?:phases?|parts?|annex(?:es)?|sections?|articles?|chapters?|steps?|levels?|"
        r"figures?|fig\.|tables?|appendix|appendices|modules?|pages?|pp?\.|no\.|nos\.|"
        r"numbers?|tiers?|grades?|stages?|class|schedules?|title|items?|rules?|questions?|"
        r"weeks?|days?|visits?|cycles?|cohorts?|arms?|studies|study|protocols?|amendments?|"
        r"versions?|releases?|v|iso|iec|cfr|ich|top|room|floor|suite|unit|box|route)"
        r"\.?[ \t]*(?:[IVX]+\b|\d+[A-Za-z]?)"
        r"(?:[ \t]*(?:/|-|–|to|and|or|,)[ \t]*(?:[IVX]+\b|\d+[A-Za-z]?))*",
        re.IGNORECASE,
    ),
    re.compile(r"\d+(?:\.\d+){2,}"),  # version numbers: 1.2.3
    re.compile(r"\d+\s?/\s?\d+"),  # 24/7, ratios
    re.compile(r"(?<=[A-Za-z]-)\d+|#\d+"),  # COVID-19, #1
)


@dataclass(frozen=True)
class Claim:
    """A figure written in prose: where in the text, as written, and its number alone (to
    find the stat block that holds it)."""

    start: int
    end: int
    figure: str
    number: str


DIGIT = re.compile(r"\d")
CONTEXT = 80
"""How far before a figure a label or a date may start ("Registered in England and Wales
No."): the non-claims are looked for around each figure, not across the whole text, since
figures are rare and most of those patterns would otherwise be tried at every word."""


def claims_in(markdown: str) -> list[Claim]:
    """Every figure in ``markdown`` that counts as a claim (the module's definition)."""
    return claims_in_view(readable(markdown))


def claims_in_view(view: str) -> list[Claim]:
    """:func:`claims_in` of a text already made :func:`~omnipress.text.prose.readable`."""
    found: list[Claim] = []
    if DIGIT.search(view) is not None:
        for match in figure_matches(view):
            if not _not_a_claim(view, match.start()):
                claim = _classify(view, match.start(), match.end())
                if claim is not None:
                    found.append(claim)
    lower = view.lower()
    if any(anchor in lower for anchor in WORD_ANCHORS):
        found.extend(_in_words(view))
    return sorted(found, key=lambda claim: claim.start)


def _not_a_claim(view: str, start: int) -> bool:
    """Does a date, a label, numbering or a name cover the figure starting at ``start``?"""
    low, high = max(0, start - CONTEXT), min(len(view), start + CONTEXT)
    return any(
        m.start() <= start < m.end()
        for pattern in NOT_CLAIMS
        for m in pattern.finditer(view, low, high)
    )


def _in_words(view: str) -> list[Claim]:
    found = []
    for anchor in WORD_ANCHOR.finditer(view):
        start, end = anchor.span()
        word = anchor.group().lower()
        if word != "twice":
            number = NUMBER_BEFORE.search(view, max(0, start - 30), start)
            if number is None:
                continue
            start = number.start()
        if word in ("times", "twice"):
            comparative = COMPARATIVE_AFTER.match(view, end)
            if comparative is None:
                continue
            end = comparative.end()
        found.append(Claim(start, end, " ".join(view[start:end].split()), ""))
    return found


def _classify(view: str, start: int, end: int) -> Claim | None:
    figure = view[start:end]
    number = re.sub(r"[^\d.,]", "", figure).replace(",", "")
    if figure.rstrip().endswith(("%", "cent")):
        return Claim(start, end, " ".join(figure.split()), number)
    multiplier = MULTIPLIER_AFTER.match(view, end)
    if multiplier:
        stop = multiplier.end()
        return Claim(start, stop, " ".join(view[start:stop].split()), number)
    unit = _unit_end(view, end)
    if unit is not None:
        return Claim(start, unit, " ".join(view[start:unit].split()), number)
    return None


def _unit_end(view: str, end: int) -> int | None:
    """Where the plural noun after a number ends ("7 biometrics disciplines"), if one follows
    within three words and before any function word ("3 of the studies" counts no studies)."""
    words = COUNT_AFTER.match(view, end)
    if words is None or "\n\n" in words.group():
        return None
    found = None
    for word in re.finditer(r"\S+", words.group(1)):
        text = word.group()
        lower = text.lower()
        if lower in FUNCTION_WORDS:
            break
        if lower in IRREGULAR_PLURALS or (PLURAL.fullmatch(text) and lower not in NOT_NOUNS):
            found = end + word.end()
    return found
