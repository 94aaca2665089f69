"""Each approvable source's review state, role by role, for people: approved (by whom,
when), changed since approval (with the diff of exactly what changed, when ``approve`` kept
the approved text), or never approved. What `approvals`, `where-used` and the preview show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omnipress.content.approval_log import approved_text, changes
from omnipress.content.approvals import Approval, iso
from omnipress.content.model import Project

APPROVED, CHANGED, MISSING = "approved", "changed", "missing"
WORDS = {APPROVED: "approved", CHANGED: "changed since approval", MISSING: "never approved"}


@dataclass(frozen=True)
class RoleStatus:
    role: str
    state: str  # APPROVED, CHANGED or MISSING
    approval: Approval | None  # the one that decides (None: never approved in this role)
    diff: tuple[str, ...] = ()  # CHANGED: the approved text against today's
    text_on_file: bool = True  # CHANGED: False when the approved text was not kept

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "state": self.state,
            "approval": self.approval.to_dict() if self.approval else None,
            "diff": list(self.diff),
            "approved_text_on_file": self.text_on_file,
        }


@dataclass(frozen=True)
class SourceStatus:
    source: str
    path: str  # the file, relative to the folder above content/
    sha256: str  # its text now
    roles: tuple[RoleStatus, ...]

    @property
    def state(self) -> str:
        states = {r.state for r in self.roles}
        return CHANGED if CHANGED in states else MISSING if MISSING in states else APPROVED

    @property
    def summary(self) -> str:
        """'approved', or what is missing: 'changed since approved by legal; not approved by
        medical'."""
        changed = [r.role for r in self.roles if r.state == CHANGED]
        missing = [r.role for r in self.roles if r.state == MISSING]
        parts = (["changed since approved by " + ", ".join(changed)] if changed else []) + (
            ["not approved by " + ", ".join(missing)] if missing else []
        )
        return "; ".join(parts) or APPROVED

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "path": self.path, "sha256": self.sha256,
                "state": self.state, "summary": self.summary,
                "roles": [r.to_dict() for r in self.roles]}  # fmt: skip


def source_status(project: Project, source: str) -> SourceStatus | None:
    """None when approvals are off or ``source`` is not a block or post of the project."""
    approvals = project.approvals
    if approvals is None or not approvals.on or source not in approvals.hashes:
        return None
    kind, _, name = source.partition(":")
    item = project.blocks[name] if kind == "block" else project.posts[name]
    current = approvals.hashes[source]
    roles = []
    for role in approvals.required:
        latest = approvals.book.latest(source, role) if approvals.book else None
        if latest is None:
            roles.append(RoleStatus(role, MISSING, None))
        elif latest.sha256 == current:
            roles.append(RoleStatus(role, APPROVED, latest))
        else:
            roles.append(changed_role(project, source, item.path.read_text("utf-8"), latest))
    where = item.path.resolve().relative_to(project.root.parent)
    return SourceStatus(source, where.as_posix(), current, tuple(roles))


def changed_role(project: Project, source: str, text: str, approval: Approval) -> RoleStatus:
    before = approved_text(project.root, source, approval.sha256)
    if before is None:
        return RoleStatus(approval.role, CHANGED, approval, (), text_on_file=False)
    return RoleStatus(approval.role, CHANGED, approval, tuple(changes(before, text, source)))


def all_statuses(project: Project, sources: list[str] | None = None) -> list[SourceStatus]:
    """Every block and post (or ``sources``), posts first, each kind by name."""
    approvals = project.approvals
    if approvals is None:
        return []
    names = sources if sources is not None else sorted(
        approvals.hashes, key=lambda s: (not s.startswith("post:"), s)
    )  # fmt: skip
    found = (source_status(project, s) for s in names)
    return [status for status in found if status is not None]


def approved_by(approval: Approval) -> str:
    return f"{approval.by}, {iso(approval.at)}"
