"""What ``check`` finds and how it is handed around: one finding per broken rule (the same
:class:`omnipress.errors.Finding` the build judges by), with the post, channel and file it
concerns."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any, TypedDict

from omnipress.build.builder import plan_jobs
from omnipress.build.file_proofs import FileProofs
from omnipress.build.manifest import Manifest, OutputRecord
from omnipress.channels.base import Channel, Job
from omnipress.content.model import Project
from omnipress.errors import Finding, Severity


@dataclass(frozen=True, kw_only=True)
class CheckFinding(Finding):
    """A finding in a file: the rule's finding, plus where ``check`` found it."""

    post: str | None  # slug, or None for site-wide findings
    channel: str | None  # a channel's name, or None
    file: str | None  # relative to output/
    # a finding in what a marketer wrote (house style, claims): the content file, e.g.
    # "content/posts/x.md", and the 1-based line and column of the words it is about
    source: str | None = None
    line: int | None = None
    column: int | None = None

    @classmethod
    def at(
        cls, finding: Finding, post: str | None, channel: str | None, file: str | None
    ) -> CheckFinding:
        shared = {spec.name: getattr(finding, spec.name) for spec in fields(Finding)}
        return cls(**shared, post=post, channel=channel, file=file)

    def with_source(self, source: str, line: int | None, column: int | None) -> CheckFinding:
        return replace(self, source=source, line=line, column=column)

    def to_dict(self) -> dict[str, Any]:
        """The finding in :data:`JSON_FIELDS`' order; a finding in a source adds where it is
        (``source``, ``line``, ``column``) after ``file``, and only such a finding does."""
        names = JSON_FIELDS if self.source is None else SOURCE_JSON_FIELDS
        return {name: getattr(self, name) for name in names}


class Place(TypedDict):
    """Where a finding about one output is (its post, channel and file), as keyword
    arguments to :meth:`CheckContext.add`."""

    post: str
    channel: str
    file: str


JSON_FIELDS = (
    "rule",
    "severity",
    "post",
    "channel",
    "file",
    "message",
    "expected",
    "found",
    "hint",
)
"""The order of a finding's keys in ``check --format json`` (and the cache): the where before
the what, as scripts reading it have always seen it."""
SOURCE_JSON_FIELDS = (*JSON_FIELDS[:5], "source", "line", "column", *JSON_FIELDS[5:])


@dataclass
class CheckReport:
    findings: list[CheckFinding] = field(default_factory=list)
    files_checked: int = 0
    posts_checked: int = 0
    seconds: float = 0.0
    posts_read: list[str] = field(default_factory=list)  # checked afresh, not from the cache
    drafts: int | None = None  # outputs not approved (None: approvals are off)

    @property
    def errors(self) -> list[CheckFinding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[CheckFinding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def suggestions(self) -> list[CheckFinding]:
        return [f for f in self.findings if f.severity is Severity.SUGGESTION]

    @property
    def ok(self) -> bool:
        return not self.errors

    def by_post(self) -> dict[str | None, list[CheckFinding]]:
        """Findings grouped by post (sorted, site-wide ``None`` first), then by channel."""
        groups: dict[str | None, list[CheckFinding]] = {}
        for finding in sorted(self.findings, key=_order):
            groups.setdefault(finding.post, []).append(finding)
        return groups

    def strict(self) -> CheckReport:
        """The same report with every warning counted as an error (``--strict``); a
        suggestion stays one: it is the house style's advice, never a failure."""
        return replace(self, findings=[
            replace(f, severity=Severity.ERROR) if f.severity is Severity.WARNING else f
            for f in self.findings
        ])  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "suggestions": len(self.suggestions),
            "files_checked": self.files_checked,
            "posts_checked": self.posts_checked,
            **({} if self.drafts is None else {"drafts": self.drafts}),
            "findings": [f.to_dict() for f in sorted(self.findings, key=_order)],
        }


def _order(finding: CheckFinding) -> tuple[str, str, str, str, str, int, int]:
    return (finding.post or "", finding.channel or "", finding.file or "", finding.source or "",
            finding.rule if finding.source is None else "", finding.line or 0,
            finding.column or 0)  # fmt: skip


@dataclass
class CheckContext:
    """Everything one ``check`` run reads, and the findings it collects."""

    output: Path
    manifest: Manifest
    project: Project
    templates: Path
    findings: list[CheckFinding] = field(default_factory=list)
    stale_posts: set[str] = field(default_factory=set)  # content they were built from changed
    stale_outputs: set[str] = field(default_factory=set)  # any input changed
    # the sha256 of each listed file as found (None: missing or refused), for the verdict cache
    file_shas: dict[str, str | None] = field(default_factory=dict)
    # what the post being checked looked up in output/ besides its files: path -> is a file
    probes: dict[str, bool] = field(default_factory=dict)
    # the post being checked: its files found to be what the content renders to now, as
    # path -> "sha256 key" (kept with its verdict, so the next check of the post need not
    # render them again while neither changes: rendered.py)
    verified: dict[str, str] = field(default_factory=dict)
    cache: FileProofs | None = None  # what the last check found, see check.checkcache
    # the facts of the files the build has just rendered, by path (check.seed): used instead
    # of reading those files back; empty in a ``check`` run, which reads every file it judges
    known: dict[str, Any] = field(default_factory=dict)
    # what each channel read from bytes it was given before, by (channel, the bytes' sha256):
    # kept by a long-lived caller (the preview) so that a post re-checked because one of its
    # files changed does not read its other files back again (None: nothing kept)
    facts_memo: dict[tuple[str, str], Any] | None = None
    facts_read: dict[tuple[str, str], Any] = field(default_factory=dict)  # new in this run
    real_folders: set[str] = field(default_factory=set)  # in output/, found to be no link
    _block_texts: dict[tuple[str, str], str] = field(default_factory=dict)
    _jobs: list[Job] | None = None
    _records: tuple[list[OutputRecord], dict[str, list[OutputRecord]]] | None = None

    def records_of(self, slug: str) -> list[OutputRecord]:
        """The manifest's records of one post, in manifest order, from an index made once
        (a library of 500 posts has 2,500 records), and again if the list is replaced (the
        file check drops records it may not read)."""
        outputs = self.manifest.outputs
        if self._records is None or self._records[0] is not outputs:
            index: dict[str, list[OutputRecord]] = {}
            for record in outputs:
                index.setdefault(record.post, []).append(record)
            self._records = (outputs, index)
        return self._records[1].get(slug, [])

    def read_back(self, channel: Channel, data: bytes) -> Any:
        """What ``channel`` reads from ``data``, from :attr:`facts_memo` when the same bytes
        were read or rendered before: a read-back is a function of the bytes alone (a
        one-pager's costs ~30 ms, mostly pypdf parsing its structure)."""
        assert channel.read_back is not None, f"channel {channel.name!r} reads nothing back"
        if self.facts_memo is None:
            return channel.read_back(data)
        key = (channel.name, hashlib.sha256(data).hexdigest())
        facts = self.facts_memo.get(key)
        if facts is None:
            facts = channel.read_back(data)
            self.facts_memo[key] = self.facts_read[key] = facts
        return facts

    def planned_jobs(self) -> list[Job]:
        """Every output the content asks for, with its approval state, planned once per run:
        the unbuilt-output rule and the drafts count both need them (0.2 s at 2,500 outputs,
        most of it each output's approval state)."""
        if self._jobs is None:
            self._jobs = plan_jobs(self.project, None)
        return self._jobs

    def add(
        self,
        rule: str,
        message: str,
        *,
        post: str | None = None,
        channel: str | None = None,
        file: str | None = None,
        expected: str = "",
        found: str = "",
        hint: str = "",
        severity: Severity = Severity.ERROR,
    ) -> None:
        finding = Finding(rule, message, hint, severity, expected, found)
        self.findings.append(CheckFinding.at(finding, post, channel, file))

    def add_rule_findings(
        self, findings: list[Finding], post: str | None, channel: str | None, file: str | None
    ) -> None:
        self.findings.extend(CheckFinding.at(f, post, channel, file) for f in findings)

    def output_has(self, relative: str) -> bool:
        """Is ``output/relative`` a file? Noted, so a cached verdict that relied on the answer
        is reused only while the answer is the same."""
        there = (self.output / relative).is_file()
        self.probes[relative] = there
        return there

    @cached_property
    def inputs(self) -> Any:
        """The current hash of every input, computed once: the build's own test for reuse."""
        from omnipress.build.dependencies import Inputs

        return Inputs(self.project, self.templates)

    @cached_property
    def render_env(self) -> Any:
        from omnipress.channels.base import RenderEnvironment

        return RenderEnvironment(self.project, self.templates.resolve())

    def block_text(self, block_id: str, channel: str) -> str:
        """The words a block renders to in a channel today (nested blocks included)."""
        key = (block_id, channel)
        if key not in self._block_texts:
            self._block_texts[key] = self._render_block(block_id, channel)
        return self._block_texts[key]

    def _render_block(self, block_id: str, channel: str) -> str:
        from omnipress.channels import by_name

        found = by_name(channel)
        assert found is not None, f"no channel {channel!r} is registered"
        return found.block_text(self.render_env, block_id)
