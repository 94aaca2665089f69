"""Problems found in content, carried with their place, collected and reported together.

A marketer fixing a build wants every problem at once, each with the file, the line, what is
wrong and how to fix it. So nothing here raises on the first problem: loaders and renderers
append :class:`Problem` objects to a :class:`Problems` list, and the build stops only when the
list holds errors.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, where it is, and what to do about it."""

    message: str
    path: Path | None = None
    line: int | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR

    def location(self, root: Path | None = None) -> str:
        if self.path is None:
            return ""
        shown = self.path
        if root is not None:
            try:  # the folder resolved, the name kept: a problem with a link names the link
                where = self.path.parent.resolve() / self.path.name
                shown = where.relative_to(root.resolve())
            except ValueError:
                shown = self.path
        return f"{shown}:{self.line}" if self.line else str(shown)

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
        self.message = message
        self.hint = hint
        super().__init__(message)


def closest(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The known names most like a mistyped one, for 'did you mean' hints."""
    return difflib.get_close_matches(name, sorted(candidates), n=limit, cutoff=0.5)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    matches = closest(name, candidates)
    if matches:
        return "did you mean " + " or ".join(repr(m) for m in matches) + "?"
    known = sorted(candidates)
    if not known:
        return ""
    shown = ", ".join(known[:8]) + (", …" if len(known) > 8 else "")
    return f"known ids: {shown}"


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
