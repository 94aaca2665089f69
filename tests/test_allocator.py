"""While outputs render, a freed buffer of a card's size is reused without the kernel handing
its pages over again; afterwards the process is back to glibc's defaults, so its free memory
goes back to the system. Measured by the page faults the process takes (glibc only)."""

from __future__ import annotations

import resource
from collections.abc import Callable
from pathlib import Path

import pytest

import omnipress.build.builder
from omnipress.build import allocator
from omnipress.build.allocator import keeping_freed_memory
from omnipress.build.dependencies import Outcome
from tests.conftest import build_copy

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
    seen: list[int] = []
    real: Callable[..., Outcome] = omnipress.build.builder.render_recorded

    def spy(*args: object) -> Outcome:
        seen.append(allocator.rendering_depth())
        return real(*args)

    monkeypatch.setattr(omnipress.build.builder, "render_recorded", spy)
    build_copy(project_copy, jobs=1)
    assert seen and set(seen) == {1}
    assert allocator.rendering_depth() == 0
    assert faults_over(20) > 10 * PAGES
