"""The words of a Markdown text that a reader reads, at the places they are written.

House style and the claims rule judge prose, not code, addresses or markup: a style that bans
"cure" must not flag ``curve.py`` in a code span, nor a figure in a link's target. Rather than
render and lose the positions, :func:`readable` blanks what is not prose with spaces, keeping
every other character (and every line break) where it was: a match in the view is at the same
offset in the source, so its line and column are the file's.
"""

from __future__ import annotations

import re

from omnipress.content.links import URL_PATTERN
from omnipress.content.resolve import INLINE_MARKER, code_ranges

NOT_PROSE = (  # (a text that holds none of these characters cannot match it, the pattern)
    ("<!--", re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)),  # HTML comments
    ("<", re.compile(r"</?[A-Za-z][^<>\n]*>")),  # HTML tags with their attributes; autolinks
    ("](", re.compile(r"(?<=\])\([^()\s]*(?:\s+\"[^\"\n]*\")?\)")),  # a link's target
    ("]:", re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)),  # references
    ("[^", re.compile(r"\[\^[^\]\s]+\]")),  # footnote references and labels
    ("[[", INLINE_MARKER),  # [[block:ID]]
    ("://", URL_PATTERN),
    ("www.", URL_PATTERN),
    ("WWW.", URL_PATTERN),
    ("@", re.compile(r"\b[\w.%+-]+@[\w-]+(?:\.[\w-]+)+\b")),  # e-mail addresses
)
"""Most texts hold none of these characters, and a test for a few characters costs far less
than a regular expression tried at every position (a build runs them over every post)."""


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span's characters turned into spaces, its line breaks kept."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


def readable(markdown: str) -> str:
    """``markdown`` as long as it is, with code (fenced and spans), HTML tags, link targets,
    web and e-mail addresses, footnote labels and block markers blanked."""
    spans = code_ranges(markdown) if "`" in markdown or "~~~" in markdown else []
    for needle, pattern in NOT_PROSE:
        if needle in markdown:
            spans.extend(m.span() for m in pattern.finditer(markdown))
    return blank(markdown, spans)


def position(text: str, offset: int) -> tuple[int, int]:
    """(line within ``text``, 0-based; column, 1-based) of ``offset``."""
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
