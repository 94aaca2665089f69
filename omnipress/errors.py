"""Problems found in content, carried with their place, collected and reported together.

A marketer fixing a build wants every problem at once, each with the file, the line, what is
wrong and how to fix it. So nothing here raises on the first problem: loaders and renderers
append :class:`Problem` objects to a :class:`Problems` list, and the build stops only when the
list holds errors.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

UNPRINTABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
"""What a message must never carry raw: C0 controls (newline and tab included: a message is one
line, and its hint the next only because :meth:`Problem.format` puts it there), DEL, C1, the
Unicode line separators, and the bidirectional marks, overrides and isolates. Content reaches
messages (a YAML key, a file name, text read back from output/), and these characters would
let it move the cursor, recolour or erase a CI log line, or reorder what a reader sees."""

NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """``text`` with every character of :data:`UNPRINTABLE` written as a visible escape
    (``\\x1b``, ``\\u202e``), so a reader sees that it is there and nothing acts on it."""
    if UNPRINTABLE.search(text) is None:  # the usual case costs one scan and no copy
        return text
    return UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return NAMED_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def make_printable(item: Any) -> None:
    """Escape, in place, every text field of a dataclass that carries a message (frozen ones
    too): called from ``__post_init__``, it makes each message type safe where it is made, so
    no printer, JSON writer or preview page can forget it."""
    for spec in dataclasses.fields(item):
        value = getattr(item, spec.name)
        if isinstance(value, str):
            shown: Any = printable(value)
        elif type(value) in (list, tuple) and all(isinstance(v, str) for v in value):
            shown = type(value)(printable(v) for v in value)
        else:
            continue
        if shown != value:
            object.__setattr__(item, spec.name, shown)


class Severity(StrEnum):
    """How bad a problem or a finding is: the one encoding every layer uses. A StrEnum, so
    it prints and serialises to JSON as the word a reader and a script expect."""

    ERROR = "error"
    WARNING = "warning"
    SUGGESTION = "suggestion"  # a house-style nudge: listed by `check`, never counted or failed


@dataclass(frozen=True)
class Finding:
    """One broken rule: its stable name, what is wrong, and how to fix it. What the build
    reports it as (a :class:`Problem`) and what ``check`` reports it as (the same finding
    with the post, channel and file it concerns) both start from this."""

    rule: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    expected: str = ""
    found: str = ""

    def __post_init__(self) -> None:
        # a finding read back from JSON (the check cache) carries its severity as the word
        object.__setattr__(self, "severity", Severity(self.severity))
        make_printable(self)  # the preview shows these as they are, without a Problem


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, where it is, and what to do about it."""

    message: str
    path: Path | None = None
    line: int | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR
    column: int | None = None  # 1-based, where a rule matched words in the file (house style)

    def __post_init__(self) -> None:
        make_printable(self)

    def location(self, root: Path | None = None) -> str:
        if self.path is None:
            return ""
        shown = self.path
        if root is not None:
            try:  # the folder resolved, the name kept: a problem with a link names the link
                resolved = self.path.parent.resolve() / self.path.name
                shown = resolved.relative_to(root.resolve())
            except ValueError:
                shown = self.path
        where = printable(str(shown))  # a file name is content too
        if self.line and self.column:  # path:line:column, as editors and compilers print it
            return f"{where}:{self.line}:{self.column}"
        return f"{where}:{self.line}" if self.line else where

    def format(self, root: Path | None = None) -> str:
        where = self.location(root)
        text = (
            f"{where}: {self.severity.value}: {self.message}"
            if where
            else (f"{self.severity.value}: {self.message}")
        )
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


@dataclass
class Problems:
    """An ordered collection of problems, shared by every stage of one build."""

    items: list[Problem] = field(default_factory=list)

    def error(
        self, message: str, path: Path | None = None, line: int | None = None, hint: str = ""
    ) -> None:
        self.add(Problem(message, path, line, hint, Severity.ERROR))

    def warning(
        self, message: str, path: Path | None = None, line: int | None = None, hint: str = ""
    ) -> None:
        self.add(Problem(message, path, line, hint, Severity.WARNING))

    def add(self, problem: Problem) -> None:
        """Keep ``problem`` unless it is already here: a post's base and campaign outputs, or
        two workers, often find the very same thing, and a marketer should read it once."""
        if problem not in self.items:
            self.items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class ContentError(Exception):
    """Raised when a build cannot go on; carries every problem found so far."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class UsageError(Exception):
    """The command line asked for something that does not exist (exit code 2)."""

    def __init__(self, message: str, hint: str = ""):
        self.message = printable(message)
        self.hint = printable(hint)
        super().__init__(message)


def closest(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The known names most like a mistyped one, for 'did you mean' hints."""
    return difflib.get_close_matches(name, sorted(candidates), n=limit, cutoff=0.5)


def did_you_mean(name: str, candidates: Iterable[str], noun: str = "ids") -> str:
    """A hint for a mistyped name: the close ones, or else the known ones; ``noun`` says what
    they are (ids, fields, keys), since a field is not an id."""
    matches = closest(name, candidates)
    if matches:
        return "did you mean " + " or ".join(repr(m) for m in matches) + "?"
    known = sorted(candidates)
    if not known:
        return ""
    shown = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
    return f"known {noun}: {shown}"


def find_line(path: Path, needle: str) -> int | None:
    """The first line of ``path`` containing ``needle``: a place for errors whose source
    position the YAML loader does not keep (nested front-matter values)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in line:
                return number
    except (OSError, UnicodeDecodeError):
        return None
    return None
