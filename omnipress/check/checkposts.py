"""The per-post rules of ``check``, run only for the posts whose verdict is not cached, in
worker processes when more than one needs them.

Each post is checked on its own (its findings collected apart from everyone else's), so a
post's findings are the same whether they come from this run, a worker or the cache, and
they are reported in post order whatever the number of workers.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from omnipress.build.dependencies import file_digest
from omnipress.build.manifest import OutputRecord
from omnipress.check.checkcache import CheckCache, PostVerdict, inputs_now, key_of
from omnipress.check.checkmodel import CheckContext, CheckFinding
from omnipress.content.model import Post, Project
from omnipress.content.resolve import children_of, post_texts, references_in
from omnipress.content.schema import section_blocks

PostResult = tuple[list[CheckFinding], dict[str, bool], dict[str, str], dict[tuple[str, str], Any]]
"""A post's findings, what it looked up in output/, its files found fresh, and what it read
back that the caller's memo did not hold (``CheckContext.facts_memo``; sent back from a worker
only when there is a memo to keep it)."""

_context: CheckContext | None = None
"""The check a forked worker serves: inherited from the parent, never sent."""


def check_posts(ctx: CheckContext, cache: CheckCache, jobs: int) -> tuple[int, list[str]]:
    """Add every post's findings to ``ctx`` in post order, reused from ``cache`` where the
    post's key still matches, and leave ``cache`` holding exactly this run's verdicts.
    Returns (posts checked, slugs whose files were read back)."""
    records: dict[str, list[OutputRecord]] = defaultdict(list)
    for record in ctx.manifest.outputs:
        records[record.post].append(record)
    users = users_of_blocks(ctx)
    slugs = [slug for slug in sorted(records) if slug in ctx.project.posts]
    templates = templates_key(ctx.templates)
    keys = {
        slug: post_key(ctx, slug, records[slug], users, templates, cache.checker) for slug in slugs
    }
    RECORDS.next_check()
    verdicts: dict[str, PostVerdict] = {}
    for slug in slugs:
        cached = cache.verdict(slug, keys[slug], ctx.output)
        if cached is not None:
            verdicts[slug] = cached
    todo = [slug for slug in slugs if slug not in verdicts]
    for slug, (findings, probes, verified, read) in zip(
        todo, run_posts(ctx, todo, jobs), strict=True
    ):
        verdicts[slug] = PostVerdict(keys[slug], findings, probes, verified)
        if ctx.facts_memo is not None:
            ctx.facts_memo.update(read)
    for slug in slugs:
        ctx.findings.extend(verdicts[slug].findings)
    cache.posts = verdicts
    return len(slugs), todo


def check_one(ctx: CheckContext, slug: str) -> PostResult:
    """One post's findings and what it looked up in output/, collected apart."""
    from omnipress.check.consistency import ConsistencyCheck

    records = ctx.records_of(slug)
    saved = ctx.findings, ctx.probes, ctx.verified, ctx.facts_read
    ctx.findings, ctx.probes, ctx.verified, ctx.facts_read = [], {}, {}, {}
    try:
        ConsistencyCheck(ctx, ctx.project.posts[slug], records).run()
        return ctx.findings, ctx.probes, ctx.verified, ctx.facts_read
    finally:
        ctx.findings, ctx.probes, ctx.verified, ctx.facts_read = saved


def run_posts(ctx: CheckContext, slugs: list[str], jobs: int) -> Iterator[PostResult]:
    """Each post's result, in the order of ``slugs``; a pool only when it can help, and only
    where workers are forked: they inherit the check's state rather than receive it."""
    from omnipress.build.workers import no_interrupt_while_forking, pool_context

    if jobs <= 1 or len(slugs) <= 1 or pool_context().get_start_method() != "fork":
        for slug in slugs:
            yield check_one(ctx, slug)
        return

    global _context
    _context = ctx
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(slugs)),
        mp_context=pool_context(),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    try:
        with no_interrupt_while_forking():  # the first submit forks the workers
            futures = [pool.submit(_check_in_worker, slug) for slug in slugs]
        for future in futures:
            yield future.result()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        _context = None
    pool.shutdown(wait=True)


def _start_worker(parent: int) -> None:
    import signal

    from omnipress.build.workers import die_with

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with(parent)


def _check_in_worker(slug: str) -> PostResult:
    assert _context is not None, "the worker was not forked from a check"
    return check_one(_context, slug)


# -- what a post's verdict depends on ----------------------------------------------------------


def post_key(
    ctx: CheckContext,
    slug: str,
    records: list[OutputRecord],
    users: dict[str, str],
    templates_key: str,
    checker: str,
) -> str:
    """Everything a post's findings are made from, hashed: a change to any part re-checks it."""
    project = ctx.project
    post = project.posts[slug]
    outputs = [
        [
            RECORDS.digest(record),
            ctx.file_shas.get(record.path),  # the file as found: edited, missing, intact
            record.path in ctx.stale_outputs,
            inputs_now(ctx.inputs, record.blocks, record.depends),
        ]
        for record in sorted(records, key=lambda r: r.path)
    ]
    shared = {bid: users.get(bid, "") for r in records for bid in r.block_hashes()}
    named = {bid: project.blocks[bid].digest for bid in named_blocks(project, post)}
    return key_of(
        slug,
        post.digest,
        slug in ctx.stale_posts,
        outputs,
        shared,
        named,
        project.site.digest,
        templates_key,
        checker,
    )


class RecordDigests:
    """The hash of each manifest record as a whole, for the posts' keys. A record is frozen:
    the same object hashes the same, and a preview's ``check`` gets the very records its
    build wrote (``manifest.remember_written``), all but the few a save rendered; hashing
    each again (its JSON) was most of the posts' keys. Kept for the last check's records."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[OutputRecord, str]] = {}
        self._next: dict[int, tuple[OutputRecord, str]] = {}

    def digest(self, record: OutputRecord) -> str:
        known = self._known.get(id(record))
        if known is None or known[0] is not record:
            known = (record, key_of(vars(record)))
        self._next[id(record)] = known
        return known[1]

    def next_check(self) -> None:
        self._known, self._next = self._next, {}


RECORDS = RecordDigests()


def users_of_blocks(ctx: CheckContext) -> dict[str, str]:
    """Block id -> a hash of the posts whose outputs use it: a finding about a shared block
    names them, so a post's verdict depends on the list. Hashed once per block: a block on
    every post would otherwise put the whole library's slugs into every post's key."""
    users: dict[str, set[str]] = defaultdict(set)
    for record in ctx.manifest.outputs:
        for bid in record.blocks:
            users[bid].add(record.post)
    return {bid: key_of(sorted(posts)) for bid, posts in users.items()}


def named_blocks(project: Project, post: Post) -> list[str]:
    """The blocks the post names today, and those they include: the rules read them even when
    the files were built before the post named them (its author, its CTA, its includes)."""
    roots = [post.author, post.cta, project.site.default_cta]
    roots += [block_id for _, block_id in section_blocks(post)]
    roots += [c.cta for c in project.campaigns_of(post.slug)]
    roots += [r.block_id for text, _ in post_texts(post) for r in references_in(text)]
    seen: list[str] = []
    stack = [bid for bid in roots if bid]
    while stack:
        bid = stack.pop()
        if bid in seen or bid not in project.blocks:
            continue
        seen.append(bid)
        stack.extend(children_of(project.blocks[bid]))
    return sorted(seen)


def templates_key(root: Path) -> str:
    """Every file under templates/ with its hash: the checker renders with any of them."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    return key_of([(p.relative_to(root).as_posix(), file_digest(p)) for p in files])
