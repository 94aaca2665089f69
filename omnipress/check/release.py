"""``check --release``: nothing goes out as a draft. Which sources hold outputs back, what
each lacks (a role that never approved it, or an approval of another text), and which
outputs it reaches, from today's content: the outputs a release would publish."""

from __future__ import annotations

from dataclasses import dataclass, field

from omnipress.check.checkmodel import CheckContext
from omnipress.content.approvals import Holding
from omnipress.errors import Severity

RELEASE_DRAFT = "release.draft"
RELEASE_OFF = "release.approvals-off"
APPROVALS_HINT = (
    "have it reviewed, then `python build.py approve ID --by NAME --role ROLE` and rebuild; "
    "`python build.py approvals ID` shows what changed since it was approved"
)


@dataclass
class Drafts:
    """Every source holding an output back, with the outputs it reaches."""

    holding: dict[str, Holding] = field(default_factory=dict)
    reaches: dict[str, list[str]] = field(default_factory=dict)  # source -> output paths
    outputs: set[str] = field(default_factory=set)


def find_drafts(ctx: CheckContext) -> Drafts | None:
    """None when approvals are off."""
    approvals = ctx.project.approvals
    if approvals is None or not approvals.on:
        return None
    drafts = Drafts()
    for job in ctx.planned_jobs():
        if job.approval is None or not job.approval.draft:
            continue
        drafts.outputs.add(job.path)
        for held in job.approval.holding:
            drafts.holding[held.source] = held
            drafts.reaches.setdefault(held.source, []).append(job.path)
    return drafts


def check_release(ctx: CheckContext, drafts: Drafts | None) -> None:
    """One error per source that keeps anything a draft."""
    if drafts is None:
        ctx.add(
            RELEASE_OFF,
            "approvals are off (site.yaml has no approvals.required): nothing was held to "
            "an approval",
            hint="add approvals: {required: [medical, legal]} to site.yaml",
            severity=Severity.WARNING,
        )
        return
    for source in sorted(drafts.holding):
        reached = sorted(drafts.reaches[source])
        shown = ", ".join(reached[:6]) + (f" and {len(reached) - 6} more" if len(reached) > 6
                                         else "")  # fmt: skip
        ctx.add(
            RELEASE_DRAFT,
            f"{source} is {drafts.holding[source].reason()}: {len(reached)} output(s) would "
            "be published as drafts",
            expected="approved by "
            + ", ".join(ctx.project.approvals.required)  # type: ignore[union-attr]
            + " as it reads now",
            found=shown,
            hint=APPROVALS_HINT,
        )
