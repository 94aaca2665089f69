"""What ``check`` finds and how it is handed around: one finding per broken rule, with the
post, channel and file it concerns, what was expected, what was found and how to fix it."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

from omnipress.build.manifest import Manifest
from omnipress.channels.rules import Finding
from omnipress.content.model import Project
from omnipress.errors import make_printable

ERROR, WARNING = "error", "warning"


class FileProofs(Protocol):
    """What a check may know of a file without reading it (the verdict cache,
    :class:`omnipress.check.checkcache.CheckCache`): its sha256 when its status is unchanged."""

    def proven_sha(self, path: str, info: os.stat_result) -> str | None: ...

    def remember_file(self, path: str, sha: str, info: os.stat_result, now_ns: int) -> None: ...


@dataclass(frozen=True)
class CheckFinding:
    rule: str  # stable name, e.g. "consistency.cta-url"
    severity: str  # "error" | "warning"
    post: str | None  # slug, or None for site-wide findings
    channel: str | None  # a registered channel's name, or None
    file: str | None  # relative to output/
    message: str
    expected: str = ""
    found: str = ""
    hint: str = ""

    def __post_init__(self) -> None:
        make_printable(self)  # found/expected are read back from output/, names from content/

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckReport:
    findings: list[CheckFinding] = field(default_factory=list)
    files_checked: int = 0
    posts_checked: int = 0
    seconds: float = 0.0
    posts_read: list[str] = field(default_factory=list)  # checked afresh, not from the cache

    @property
    def errors(self) -> list[CheckFinding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[CheckFinding]:
        return [f for f in self.findings if f.severity == WARNING]

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
        """The same report with every warning counted as an error (``--strict``)."""
        return replace(self, findings=[replace(f, severity=ERROR) for f in self.findings])

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "files_checked": self.files_checked,
            "posts_checked": self.posts_checked,
            "findings": [f.to_dict() for f in sorted(self.findings, key=_order)],
        }


def _order(finding: CheckFinding) -> tuple[str, str, str, str]:
    return (finding.post or "", finding.channel or "", finding.file or "", finding.rule)


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
    cache: FileProofs | None = None  # what the last check found, see check.checkcache
    _block_texts: dict[tuple[str, str], str] = field(default_factory=dict)

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
        severity: str = ERROR,
    ) -> None:
        self.findings.append(
            CheckFinding(rule, severity, post, channel, file, message, expected, found, hint)
        )

    def add_rule_findings(
        self, findings: list[Finding], post: str | None, channel: str | None, file: str | None
    ) -> None:
        for f in findings:
            self.add(
                f.rule,
                f.message,
                post=post,
                channel=channel,
                file=file,
                expected=f.expected,
                found=f.found,
                hint=f.hint,
                severity=f.severity,
            )

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
