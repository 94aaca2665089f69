"""What a build prints: a progress bar on a terminal once it takes over a second, and one
summary line whether or not anyone is watching."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from omnipress.build.progress import BuildProgress
from omnipress.cli import main


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    sink = io.StringIO()
    return Console(file=sink, force_terminal=terminal, width=100), sink


def test_a_bar_appears_on_a_terminal_only_after_a_second() -> None:
    clock = Clock()
    screen, sink = console(terminal=True)
    with BuildProgress(screen, clock) as progress:
        progress(1, 40, "blog/a/index.html")
        clock.now += 0.5
        progress(2, 40, "pdf/a.pdf")
        assert sink.getvalue() == ""  # a quick build shows no bar
        clock.now += 0.6
        progress(3, 40, "pdf/b.pdf")
        shown = sink.getvalue()
    assert "3/40" in shown and "pdf/b.pdf" in shown


def test_no_bar_when_not_on_a_terminal() -> None:
    clock = Clock()
    screen, sink = console(terminal=False)
    with BuildProgress(screen, clock) as progress:
        for done in range(1, 11):
            clock.now += 1
            progress(done, 10, f"pdf/{done}.pdf")
    assert sink.getvalue() == ""


def test_ci_sees_one_summary_line(
    project_copy: Path, example_output: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(example_output, project_copy / "output")
    root = str(project_copy)
    code = main(["build", "--content", f"{root}/content", "--templates", f"{root}/templates",
                 "--output", f"{root}/output"])  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    lines = [line for line in (captured.out + captured.err).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert re.fullmatch(r"0 built, 27 reused, \d+\.\d s → .*/output/", lines[0])
