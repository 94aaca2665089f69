"""Writing ``output/`` so that a failed or killed build never loses the previous good one.

Files are written into a staging directory beside ``output/``; only a fully successful build
swaps it in, by two renames. A build killed between those renames leaves ``output.previous``
behind, which the next run puts back before doing anything else. A lock file stops two builds
from interleaving.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from omnipress.errors import ContentError, Problem


def previous_dir(output: Path) -> Path:
    return output.with_name(output.name + ".previous")


def recover_interrupted_swap(output: Path) -> None:
    """Undo a swap that was killed half-way, so the last good output is where users look."""
    previous = previous_dir(output)
    if previous.is_dir() and not output.exists():
        previous.rename(output)
    elif previous.is_dir():
        shutil.rmtree(previous, ignore_errors=True)
    for stale in output.parent.glob(f".{output.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)


@contextlib.contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock for the whole build; refuse at once if another build has it."""
    output.parent.mkdir(parents=True, exist_ok=True)
    lock_path = output.with_name(f".{output.name}.lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise ContentError(
                [
                    Problem(
                        f"another build is writing {output} (process {holder})",
                        hint="wait for it to finish, then run the build again",
                    )
                ]
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


class StagedOutput:
    """A staging directory that becomes ``output/`` on :meth:`commit`, or vanishes."""

    def __init__(self, output: Path):
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))
        self.directories: set[Path] = set()

    def target(self, relative: str) -> Path:
        """Where ``relative`` goes in the staging directory, its folder made; never outside.
        (Checked on the name: nothing in the fresh staging directory is a symbolic link.)"""
        name = posixpath.normpath(relative.replace("\\", "/"))
        if name.startswith(("/", "../")) or name in ("..", "."):
            raise ValueError(f"refusing to write outside the output directory: {relative}")
        target = self.root / name
        if target.parent not in self.directories:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.directories.add(target.parent)
        return target

    def write(self, relative: str, data: bytes) -> Path:
        target = self.target(relative)
        target.write_bytes(data)
        return target

    def link(self, relative: str, source: Path, inode: tuple[int, int]) -> bool:
        """Put an unchanged file of the previous output in place without copying it: a hard
        link (the old tree is deleted after the swap, and nothing writes files in place).
        False, and nothing staged, unless the link is to the very file ``inode`` (device,
        inode) that the caller read and verified."""
        target = self.target(relative)
        try:
            os.link(source, target)
            stat = target.stat()
        except OSError:
            return False
        if (stat.st_dev, stat.st_ino) != inode:
            target.unlink()
            return False
        return True

    def copy(self, relative: str, source: Path) -> None:
        self.write(relative, source.read_bytes())

    def commit(self) -> None:
        for directory in sorted(p for p in self.root.rglob("*") if p.is_dir()):
            os.chmod(directory, 0o755)
        os.chmod(self.root, 0o755)
        previous = previous_dir(self.output)
        if self.output.exists():
            self.output.rename(previous)
        self.root.rename(self.output)
        shutil.rmtree(previous, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
