"""What every command shares: the path options, how problems are printed, the exit codes.

Commands import this module, never the package's ``__init__`` (which imports every command).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from omnipress.errors import Problem, Severity

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
"""Ctrl+C: 128 + SIGINT, what a shell reports for a command the signal stopped."""


def add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="where the posts, blocks and campaigns are (default: content)",
    )
    parser.add_argument(
        "--templates",
        type=Path,
        default=Path("templates"),
        metavar="DIR",
        help="where the page designs are (default: templates)",
    )
    parser.add_argument("--output", type=Path, default=Path("output"), metavar="DIR",
                        help="where the finished files go (default: output)")  # fmt: skip
    parser.add_argument("--debug", action="store_true",
                        help="show Python tracebacks (for developers)")  # fmt: skip


def print_problems(console: Console, problems: Sequence[Problem], root: Path | None) -> None:
    for problem in problems:
        style = "red" if problem.severity is Severity.ERROR else "yellow"
        where = escape(problem.location(root))
        head = f"[bold]{where}[/bold]: " if where else ""
        console.print(
            f"{head}[{style}]{problem.severity.value}[/{style}]: {escape(problem.message)}",
            highlight=False,
            soft_wrap=True,
        )
        if problem.hint:
            console.print(f"    hint: {escape(problem.hint)}", highlight=False, soft_wrap=True)
