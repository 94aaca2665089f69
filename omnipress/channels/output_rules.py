"""What the rules one output is held to on its own are: rows that the build and ``check`` run.

A build that succeeds must never fail ``check`` on an untouched tree, and a warning ``check``
gives must not be news to whoever built the files. So each rule is one function of a
channel's *facts* (what its read-back reads from the bytes) and of what the post
expects (its title, its address). The build calls it on the bytes it has just rendered,
before anything is written; ``check`` on the file read back. Same function, same rule name,
same message, same severity.

Where reading the bytes back would cost the build real time (a PDF), the build passes the
facts WeasyPrint has already computed, and only those that are exactly what ``check`` reads
(``reads`` in the table says which). Rules that need several files (one post's channels
agreeing) are not rows: they are ``consistency``'s.

Each channel's rows are in its package (``channels/<name>/rules.py``, its ``Channel.rules``);
the registry assembles them into ``omnipress.channels.OUTPUT_RULES``. This module, below the
channels, holds only what a row is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from omnipress.errors import Finding, Severity


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
