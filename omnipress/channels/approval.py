"""Which sources an output is made from, known before it renders, and so its approval state.

The state is printed on the output (each channel's template draws its own draft mark), so it
must be known before the output renders, and rendering once. Each channel says which blocks
it will use (its ``sources`` hook, from the post and the references ``content/resolve.py``
finds); the build records what the render actually read, and a test holds the two equal.
"""

from __future__ import annotations

from dataclasses import replace

from omnipress.channels.base import Job
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


def state_of(project: Project, job: Job) -> ApprovalState | None:
    approvals = project.approvals
    if approvals is None or not approvals.on:
        return None
    return approvals.state_of(output_sources(project, job))


def with_approval(project: Project, job: Job) -> Job:
    """The job with its approval state (unchanged when approvals are off)."""
    state = state_of(project, job)
    return job if state is None else replace(job, approval=state)
