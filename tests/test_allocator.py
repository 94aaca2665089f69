"""While outputs render, a freed buffer of a card's size is reused without the kernel handing
its pages over again; afterwards the process is back to glibc's defaults, so its free memory
goes back to the system. Measured by the page faults the process takes (glibc only)."""

from __future__ import annotations

import resource
from pathlib import Path
from typing import Any

import pytest

import omnipress.build.builder
import omnipress.build.workers
from omnipress.build import allocator
from omnipress.build.allocator import keeping_freed_memory, rendering_depth
from omnipress.build.builder import load_and_validate, plan_jobs
from omnipress.build.dependencies import Outcome
from omnipress.build.workers import render_in_pool
from omnipress.errors import Problems
from tests.conftest import CONTENT, TEMPLATES, build_copy
from tests.test_rendering_gc import spy_on_rendering

pytestmark = pytest.mark.skipif(not allocator.AVAILABLE, reason="glibc's allocator only")

CARD_BUFFER = 1200 * 627 * 4
"""A social card's page bitmap, in bytes."""
PAGES = CARD_BUFFER // 4096


def faults_over(rounds: int) -> int:
    """Page faults taken while a card-sized buffer is filled and freed ``rounds`` times."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(rounds):
        buffer = bytearray(b"\xff") * CARD_BUFFER  # every page written, as a bitmap is
        del buffer
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_a_freed_buffer_is_reused_while_rendering_and_returned_afterwards() -> None:
    with keeping_freed_memory():
        faults_over(1)  # the heap grows once
        kept = faults_over(20)
    returned = faults_over(20)
    assert kept < PAGES // 2, "inside, 20 buffers took less than half of one buffer's pages"
    assert returned > 10 * PAGES, "afterwards, each buffer's pages come from the kernel again"


def test_nested_uses_keep_the_setting_until_the_outermost_ends() -> None:
    with keeping_freed_memory():
        with keeping_freed_memory():
            faults_over(1)
        assert faults_over(20) < PAGES // 2
    assert faults_over(20) > 10 * PAGES


def test_a_build_renders_with_freed_memory_kept(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's own renders run inside the setting (seen from inside a render)."""
    seen = spy_on_rendering(monkeypatch, omnipress.build.builder, probe=rendering_depth)
    build_copy(project_copy, jobs=1)
    assert seen and set(seen) == {1}
    assert rendering_depth() == 0
    assert faults_over(20) > 10 * PAGES


def test_the_defaults_come_back_when_a_build_is_interrupted(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = spy_on_rendering(monkeypatch, omnipress.build.builder, fail_at=2, probe=rendering_depth)
    with pytest.raises(KeyboardInterrupt):
        build_copy(project_copy, jobs=1)
    assert seen == [1, 1]
    assert rendering_depth() == 0
    assert faults_over(20) > 10 * PAGES


def test_pool_workers_keep_freed_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers are forked from this process, outside the setting: each must take it."""
    real = omnipress.build.workers.render_recorded

    def report_faults(*args: Any) -> Outcome:
        outcome: Outcome = real(*args)
        faults_over(1)
        outcome.data = str(faults_over(20)).encode()  # carried back to the parent
        return outcome

    monkeypatch.setattr(omnipress.build.workers, "render_recorded", report_faults)
    project = load_and_validate(CONTENT, Problems())
    jobs = [job for job in plan_jobs(project, None) if job.channel.name == "linkedin"]
    seen: dict[int, bytes] = {}
    render_in_pool(project, TEMPLATES, jobs, 2, lambda i, o: seen.__setitem__(i, o.data))
    assert sorted(seen) == list(range(len(jobs))) and jobs
    assert all(int(faults) < PAGES // 2 for faults in seen.values()), seen
    assert faults_over(20) > 10 * PAGES  # this process is untouched
