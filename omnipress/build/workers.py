"""Rendering in a pool of worker processes, each with its own warm render environment.

WeasyPrint is single-threaded and slow to start, so each worker imports it once, on its first
PDF, and keeps the parsed one-pager stylesheet and the font configuration for every later PDF.
The parent process hands out jobs by name, writes the files and reports the problems in job
order, so the output is the same byte for byte whatever the number of workers.

On Linux the workers are forked: they start with the loaded project and the imported modules
already in memory. Elsewhere they are spawned and receive the project once, when they start.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path

from omnipress.build.allocator import keep_freed_memory, keeping_freed_memory
from omnipress.build.dependencies import Inputs, Outcome, render_recorded
from omnipress.channels import Job, RenderEnvironment, WarmRenderers, registered
from omnipress.channels.approval import with_approval
from omnipress.content.model import Project
from omnipress.errors import ContentError

JobName = tuple[str, str | None, str]
"""(post slug, campaign name or None, channel name): a job as sent to a worker."""

_worker: tuple[RenderEnvironment, Inputs] | None = None

RENDERING_GC_THRESHOLD = 20_000
"""Allocations between two young-generation collections while outputs render (Python's
default is 700). WeasyPrint allocates hundreds of thousands of short-lived objects per one-pager,
so at the default the collector runs about ten times per PDF and takes ~6% of a build's CPU
time, most of it finding nothing to free; at 20,000 it takes about half that, for ~10 MB more
peak memory per process (measured on the benchmark corpus, 150 posts)."""


def default_jobs() -> int:
    """The number of cores this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def job_name(job: Job) -> JobName:
    return job.post.slug, job.campaign.name if job.campaign else None, job.channel.name


def job_named(project: Project, name: JobName) -> Job:
    slug, campaign, channel = name
    channels = {c.name: c for c in registered()}
    job = Job(
        project.posts[slug],
        project.campaigns[campaign] if campaign is not None else None,
        channels[channel],
    )
    return with_approval(project, job)


def collect_less_often() -> tuple[int, int, int]:
    """Raise the young generation's threshold for rendering; returns the previous thresholds."""
    previous: tuple[int, int, int] = gc.get_threshold()
    gc.set_threshold(max(previous[0], RENDERING_GC_THRESHOLD), *previous[1:])
    return previous


@contextlib.contextmanager
def rendering_gc() -> Iterator[None]:
    """Collect garbage less often while outputs render, and as before afterwards: the same
    process may be a long-lived preview server, whose other work keeps Python's defaults."""
    previous = collect_less_often()
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@contextlib.contextmanager
def rendering() -> Iterator[None]:
    """The process tuned for rendering while outputs render, as it was afterwards: fewer
    garbage collections, freed memory kept for the next output (``allocator``)."""
    with rendering_gc(), keeping_freed_memory():
        yield


def start_worker(
    parent: int,
    project: Project,
    templates: Path,
    keep_facts: bool = False,
    warm: WarmRenderers | None = None,
) -> None:
    """Runs once in each worker: build its render environment. Ctrl+C is the parent's job.
    A worker only ever renders, so it keeps the rendering collection threshold and the
    allocator's rendering settings for life.
    ``warm``: the parent's warm renderers, inherited by a forked worker (the preview's), so
    it starts rendering at once rather than starting WeasyPrint again."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with(parent)
    collect_less_often()
    keep_freed_memory()
    _worker = (RenderEnvironment(project, templates, keep_facts=keep_facts, warm=warm),
               Inputs(project, templates))  # fmt: skip


PR_SET_PDEATHSIG = 1


def die_with(parent: int) -> None:
    """A worker whose build is killed (SIGKILL, SIGTERM, out of memory) must not linger:
    it would hold a processor, and the build lock it inherited, for nothing."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


@contextlib.contextmanager
def no_interrupt_while_forking() -> Iterator[None]:
    """Workers start with Ctrl+C ignored, so an interrupt never prints their tracebacks; the
    parent stops them itself. (Only the main thread may change signal handlers.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def render_named(name: JobName) -> Outcome:
    assert _worker is not None, "start_worker did not run"
    env, inputs = _worker
    job = job_named(env.project, name)
    try:
        return render_recorded(job, env, inputs)
    except ContentError as exc:  # not picklable as it stands: send its problems instead
        return Outcome(b"", "", {}, {}, problems=list(exc.problems))


def pool_context() -> multiprocessing.context.BaseContext:
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def render_in_pool(
    project: Project,
    templates: Path,
    jobs: Sequence[Job],
    workers: int,
    done: Callable[[int, Outcome], None],
    keep_facts: bool = False,
    warm: WarmRenderers | None = None,
) -> None:
    """Render ``jobs`` in ``workers`` processes; ``done(index, outcome)`` runs in this process
    as each finishes. A failure in a worker is raised here, and stops the jobs not started.
    ``warm`` renderers are handed only to forked workers (they are not sent to a spawned one)."""
    context = pool_context()
    inherited = warm if context.get_start_method() == "fork" else None
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=start_worker,
        initargs=(os.getpid(), project, templates, keep_facts, inherited),
    )
    try:
        with no_interrupt_while_forking():  # the first submit forks the workers
            futures: dict[Future[Outcome], int] = {
                pool.submit(render_named, job_name(job)): index for index, job in enumerate(jobs)
            }
        for future in as_completed(futures):
            done(futures[future], future.result())
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
