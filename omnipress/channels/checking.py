"""What a channel's check-side rules are handed, so they live in the channel's package and
never import ``check``: the file (a manifest record), the facts its read-back returned, and a
:class:`PostChecker`, the post's reference and the comparisons every channel shares.

``check.postcheck.PostCheck`` is the one implementation; the Protocols here are the contract
between the layers (a channel package is below ``check`` and may only know this shape).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from omnipress.channels.readback import comparable, words
from omnipress.content.model import Block, Post, Project
from omnipress.errors import Finding, Severity


class OutputFile(Protocol):
    """One built file as the manifest lists it."""

    @property
    def path(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def campaign(self) -> str | None: ...
    @property
    def blocks(self) -> Mapping[str, str]: ...  # shown whole: id -> hash

    def block_hashes(self) -> dict[str, str]: ...


class Reference(Protocol):
    """What every channel of a post must say: from the content, or from its reference page."""

    @property
    def title(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def date_iso(self) -> str: ...
    @property
    def date_display(self) -> str: ...
    @property
    def canonical(self) -> str: ...
    @property
    def source(self) -> str: ...


class CtaReference(Protocol):
    @property
    def label(self) -> str: ...
    @property
    def url(self) -> str: ...  # without UTM tags: channels may differ only in those
    @property
    def source(self) -> str: ...


class PostChecker(Protocol):
    """One post being checked: its reference, where findings go, and the shared comparisons."""

    @property
    def ref(self) -> Reference: ...
    @property
    def project(self) -> Project: ...
    @property
    def post(self) -> Post: ...

    def add(
        self,
        record: OutputFile,
        rule: str,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        **details: str,
    ) -> None: ...
    def add_finding(self, record: OutputFile, finding: Finding) -> None: ...
    def checks_content(self, record: OutputFile) -> bool: ...
    def cta_reference(self, campaign_name: str | None) -> CtaReference | None: ...
    def compare_cta(self, record: OutputFile, cta: CtaReference, label: str, url: str) -> None: ...
    def check_text_block(self, record: OutputFile, text: str, block: Block) -> None: ...
    def check_figures(
        self, record: OutputFile, text: str, printed: Iterable[str] = ()
    ) -> None: ...  # printed: addresses the output prints as text, not figures
    def block_text(self, block_id: str, channel: str) -> str: ...
    def block_rule(self, block: Block, channel: str) -> str: ...
    def block_message(self, block: Block) -> str: ...
    def block_hint(self, block: Block) -> str: ...
    def is_output_file(self, relative: str) -> bool: ...


ChannelChecks = Callable[[PostChecker, OutputFile, Any], None]
"""A channel's check-side rules: the checker, the file, and the facts its read-back gave."""


def difference(expected: str, found: str, margin: int = 4) -> tuple[str, str]:
    """The first stretch where two texts' words differ, with a little context around it."""
    a, b = words(expected).split(" "), words(found).split(" ")
    key_a, key_b = [comparable(w) for w in a], [comparable(w) for w in b]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, key_a, key_b, autojunk=False
    ).get_opcodes():
        if tag != "equal":
            start_a, start_b = max(0, i1 - margin), max(0, j1 - margin)
            want = " ".join(a[start_a : i2 + margin])
            got = " ".join(b[start_b : j2 + margin]) if b != [""] else "missing"
            return _ellipsis(want, start_a, i2 + margin, len(a)), _ellipsis(
                got, start_b, j2 + margin, len(b)
            )
    return clip(words(expected)), clip(words(found))


def closest_passage(text: str, expected: str) -> str:
    """The stretch of ``text`` most like ``expected``: what the reader sees instead.

    Anchored on the longest run of words the two share, so a changed figure at the start of
    a block still shows up in the passage.
    """
    haystack, needle = words(text).split(" "), words(expected).split(" ")
    matcher = difflib.SequenceMatcher(
        None, [comparable(w) for w in needle], [comparable(w) for w in haystack], autojunk=False
    )
    anchor = max(matcher.get_matching_blocks(), key=lambda m: m.size)
    if anchor.size == 0:
        return ""
    start = max(0, anchor.b - anchor.a)
    return " ".join(haystack[start : start + len(needle) + 2])


def _ellipsis(text: str, start: int, end: int, total: int) -> str:
    return ("…" if start > 0 else "") + text + ("…" if end < total else "")


def clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
