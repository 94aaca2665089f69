"""What a build shows while it runs: a progress bar on a terminal, once the build has taken
more than a second; nothing in CI or a pipe. Either way it ends with one summary line."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column

from omnipress.errors import printable

DELAY = 1.0  # seconds before a bar appears: quick builds print only their summary
REFRESH = 0.1  # seconds between redraws


class BuildProgress:
    """The ``progress`` callback of :func:`omnipress.build.builder.build`, drawing a rich bar.

    The bar is redrawn from the callback, never from a background thread, so worker processes
    are never forked while a thread holds a lock.
    """

    def __init__(self, console: Console, clock: Callable[[], float] = time.perf_counter):
        self.console = console
        self.clock = clock
        self.started = clock()
        self.drawn = 0.0
        self.bar: Progress | None = None
        self.task = TaskID(0)

    def __call__(self, done: int, total: int, path: str) -> None:
        if not self.console.is_terminal:
            return
        now = self.clock()
        if self.bar is None:
            if now - self.started < DELAY or done >= total:
                return
            self.bar = Progress(
                TextColumn("building"),
                BarColumn(bar_width=24),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                # the file being made gives way first on a narrow terminal, never the count
                TextColumn(
                    "[dim]{task.description}",
                    table_column=Column(no_wrap=True, overflow="ellipsis", max_width=36),
                ),
                console=self.console,
                auto_refresh=False,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("", total=total)
        self.bar.update(self.task, completed=done, total=total, description=escape(printable(path)))
        if now - self.drawn >= REFRESH or done >= total:
            self.drawn = now
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def summary(built: int, reused: int, seconds: float) -> str:
    """The line every build ends with, on a terminal or not."""
    return f"{built} built, {reused} reused, {seconds:.1f} s"
