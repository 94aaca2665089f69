"""While outputs render, Python's collector runs less often (WeasyPrint's short-lived objects
made it ~6% of a build's CPU time), and the process gets its own thresholds back afterwards:
the same process may be a preview server that builds on every save, or a test run.

Thresholds are read from inside the renderer, in this process (one job) and in the pool's
forked workers (several jobs); the files themselves are compared elsewhere (1 vs N jobs)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import omnipress.build.builder
import omnipress.build.workers
from omnipress.build.builder import load_and_validate, plan_jobs
from omnipress.build.dependencies import Outcome
from omnipress.build.workers import RENDERING_GC_THRESHOLD, render_in_pool
from omnipress.errors import Problems
from tests.conftest import CONTENT, TEMPLATES, build_copy


@pytest.fixture
def own_thresholds() -> Iterator[tuple[int, int, int]]:
    """Thresholds of the caller's own choosing (not Python's defaults), put back after."""
    saved = gc.get_threshold()
    chosen = (900, 11, 12)
    gc.set_threshold(*chosen)
    try:
        yield chosen
    finally:
        gc.set_threshold(*saved)


def spy_on_rendering(
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    fail_at: int | None = None,
    probe: Callable[[], Any] = gc.get_threshold,
) -> list[Any]:
    """Record what ``probe`` says inside each render (the collector's thresholds unless
    told otherwise); optionally interrupt the build at one render."""
    seen: list[Any] = []
    real = module.render_recorded

    def spy(*args: Any) -> Outcome:
        seen.append(probe())
        if fail_at is not None and len(seen) == fail_at:
            raise KeyboardInterrupt
        outcome: Outcome = real(*args)
        return outcome

    monkeypatch.setattr(module, "render_recorded", spy)
    return seen


def test_one_job_renders_with_fewer_collections_and_restores_the_thresholds(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, own_thresholds: tuple[int, int, int]
) -> None:
    seen = spy_on_rendering(monkeypatch, omnipress.build.builder)
    report = build_copy(project_copy, jobs=1)
    assert len(seen) == len(report.built) > 1
    assert {threshold[0] for threshold in seen} == {RENDERING_GC_THRESHOLD}
    assert {threshold[1:] for threshold in seen} == {own_thresholds[1:]}  # older generations kept
    assert gc.get_threshold() == own_thresholds


@pytest.mark.parametrize("fail_at", [1, 3])
def test_thresholds_come_back_when_a_build_is_interrupted(
    project_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    own_thresholds: tuple[int, int, int],
    fail_at: int,
) -> None:
    seen = spy_on_rendering(monkeypatch, omnipress.build.builder, fail_at=fail_at)
    with pytest.raises(KeyboardInterrupt):
        build_copy(project_copy, jobs=1)
    assert seen[-1][0] == RENDERING_GC_THRESHOLD
    assert gc.get_threshold() == own_thresholds
    assert not (project_copy / "output").exists()  # nothing was published either


def test_a_higher_threshold_of_the_callers_own_is_kept(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = gc.get_threshold()
    gc.set_threshold(RENDERING_GC_THRESHOLD * 3, 10, 10)
    try:
        seen = spy_on_rendering(monkeypatch, omnipress.build.builder)
        build_copy(project_copy, jobs=1)
        assert {threshold[0] for threshold in seen} == {RENDERING_GC_THRESHOLD * 3}
    finally:
        gc.set_threshold(*saved)


@pytest.mark.parametrize("workers", [2, 3])
def test_pool_workers_render_with_fewer_collections(
    monkeypatch: pytest.MonkeyPatch, own_thresholds: tuple[int, int, int], workers: int
) -> None:
    """The workers are forked from this process (with its thresholds): each must raise its own."""
    real = omnipress.build.workers.render_recorded

    def report_threshold(*args: Any) -> Outcome:
        outcome: Outcome = real(*args)
        outcome.data = repr(gc.get_threshold()).encode()  # carried back to the parent
        return outcome

    monkeypatch.setattr(omnipress.build.workers, "render_recorded", report_threshold)
    project = load_and_validate(CONTENT, Problems())
    jobs = [job for job in plan_jobs(project, None) if job.channel.name != "pdf"]
    seen: dict[int, bytes] = {}
    render_in_pool(project, TEMPLATES, jobs, workers, lambda i, o: seen.__setitem__(i, o.data))
    expected = repr((RENDERING_GC_THRESHOLD, *own_thresholds[1:])).encode()
    assert sorted(seen) == list(range(len(jobs)))
    assert set(seen.values()) == {expected}
    assert gc.get_threshold() == own_thresholds  # the parent's own are untouched
