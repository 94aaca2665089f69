"""Which sources an output is made from, known before it renders, and so its approval state.

The state is printed on the output (each channel's template draws its own draft mark), so it
must be known before the output renders, and rendering once. Each channel says which blocks
it will use (its ``sources`` hook, from the post and the references ``content/resolve.py``
finds); the build records what the render actually read, and a test holds the two equal.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from omnipress.channels.base import Job
from omnipress.channels.recording import Recording
from omnipress.content.approvals import ApprovalState, source_name
from omnipress.content.model import Project
from omnipress.content.resolve import closure, effective_cta, post_texts, references_in
from omnipress.content.schema import section_blocks


def output_sources(project: Project, job: Job) -> tuple[str, ...]:
    """``post:SLUG`` and ``block:ID`` for everything the output will be made from."""
    hook = job.channel.sources
    blocks = hook(project, job) if hook is not None else everything_named(project, job)
    names = [source_name("post", job.post.slug)]
    names += [source_name("block", b) for b in dict.fromkeys(blocks) if b in project.blocks]
    return tuple(names)


def everything_named(project: Project, job: Job) -> tuple[str, ...]:
    """For a channel that does not say: every block the post names anywhere, its CTA and the
    site's boilerplate, with what they include (more than it uses, never less)."""
    post = job.post
    roots = [r.block_id for text, _ in post_texts(post) for r in references_in(text)]
    roots += [block_id for _, block_id in section_blocks(post)]
    roots += [post.author, effective_cta(project, post, job.campaign).id]
    if project.site.boilerplate:
        roots.append(project.site.boilerplate)
    return tuple(closure(project, roots, job.channel.name))


class ApprovalPlans:
    """Each output's approval state, planned again on every save of a preview (the sources of
    2,500 outputs, each found from its post's references: a twentieth of a second) although a
    save changes few of them. The state of an output is that of its sources: the same post
    object, the same block objects (a source file read again is another object), under the
    same roles, approvals log and site, have the same state. So a job whose post, campaign
    and every block source are the very objects of the last plan keeps that plan's state;
    any other change (a block added or removed, another log, another site) plans afresh."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.project: Project | None = None
        self.jobs: dict[str, tuple[Job, tuple[str, ...]]] = {}
        self.previous: dict[str, tuple[Job, tuple[str, ...]]] = {}

    def plan(self, project: Project, jobs: list[Job]) -> list[Job]:
        """The jobs of one plan of the whole project, with their states; one plan at a time
        (the preview's pages plan in other threads: they plan without this memo)."""
        with self.lock:
            self.start(project)
            return [self.approved(project, job) for job in jobs]

    def start(self, project: Project) -> None:
        last, self.project = self.project, project
        self.previous, self.jobs = self.jobs, {}
        if last is None or not comparable(last, project):
            self.previous = {}
        self.last = last

    def approved(self, project: Project, job: Job) -> Job:
        """The job with its approval state (unchanged when approvals are off)."""
        approvals = project.approvals
        if approvals is None or not approvals.on:
            return job
        kept = self.previous.get(job.path)
        if kept is not None and self.same_sources(kept, job):
            self.jobs[job.path] = kept
            return kept[0]
        # every block id looked up or tested: the blocks of its closure and those passed over
        consulted = Recording(project.blocks)
        sources = output_sources(replace(project, blocks=consulted), job)
        planned = replace(job, approval=approvals.state_of(sources))
        self.jobs[job.path] = (planned, consulted.seen())
        return planned

    def same_sources(self, kept: tuple[Job, tuple[str, ...]], job: Job) -> bool:
        """Whether the job is the kept one's, made from the very blocks it looked at."""
        old, consulted = kept
        if old.post is not job.post or old.campaign is not job.campaign:
            return False
        if old.channel is not job.channel or self.last is None or self.project is None:
            return False
        before, now = self.last.blocks, self.project.blocks
        return all(before.get(bid) is now.get(bid) for bid in consulted)


def comparable(last: Project, project: Project) -> bool:
    """Whether one plan's states can stand for the next's: the same site, the same block
    ids (a lookup that iterates them is not noted), the same roles and log."""
    if last.root != project.root or last.site is not project.site:
        return False
    if last.blocks.keys() != project.blocks.keys():
        return False
    before, now = last.approvals, project.approvals
    if before is None or now is None:
        return before is now
    books = before.book, now.book
    logs = tuple(None if b is None else b.entries for b in books)
    return before.required == now.required and logs[0] == logs[1]


PLANS = ApprovalPlans()


def state_of(project: Project, job: Job) -> ApprovalState | None:
    approvals = project.approvals
    if approvals is None or not approvals.on:
        return None
    return approvals.state_of(output_sources(project, job))


def with_approval(project: Project, job: Job) -> Job:
    """The job with its approval state (unchanged when approvals are off)."""
    state = state_of(project, job)
    return job if state is None else replace(job, approval=state)
