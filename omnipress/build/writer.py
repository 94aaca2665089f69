"""Writing ``output/`` so that a failed or killed build never loses the previous good one.

Files are written into a staging directory beside ``output/``; only a fully successful build
swaps it in, by two renames. Which folder may be replaced at all is decided before, by
:mod:`omnipress.build.output_guard`. A build killed between those renames leaves ``output.previous``
behind, which the next run puts back before doing anything else. A lock file stops two builds
from interleaving.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import posixpath
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from omnipress.build.manifest import MANIFEST_NAME
from omnipress.build.output_files import output_name, proof_status, read_output_file
from omnipress.build.output_guard import is_build_output
from omnipress.errors import ContentError, Problem, UsageError

STAGING_MARK = ".omnipress-staging"
"""Put in every staging folder when it is made: a staging folder left by a killed build is
deleted by the next one only if it holds this mark."""
JOURNAL = ".omnipress-journal"
"""In an update in place's staging folder (:class:`InPlaceOutput`), once every file is staged:
the files to move into ``output/``, the manifest last. A build killed while it moved them is
finished by the next (:func:`finish_update`): output/ holds the old build or the new one."""
TRASH_MARK = ".omnipress-trash"
"""Put in a replaced output once it is renamed aside for deletion, for the same reason."""

_deleting: list[threading.Thread] = []
"""Replaced outputs being deleted in the background (the preview's builds): the next build
waits for them before it touches anything, so no two builds' file trees ever overlap."""


def previous_dir(output: Path) -> Path:
    return output.with_name(output.name + ".previous")


def needs_recovery(output: Path) -> bool:
    """Whether a killed build left its old output aside, or a staging or trash folder."""
    return (
        previous_dir(output).exists() or any(staging_folders(output)) or any(trash_folders(output))
    )


def staging_folders(output: Path) -> Iterator[Path]:
    return output.parent.glob(f".{output.name}.staging-*")


def trash_folders(output: Path) -> Iterator[Path]:
    return output.parent.glob(f".{output.name}.trash-*")


def wait_for_deletions() -> None:
    """Let the background deletions of replaced outputs finish (see :data:`_deleting`)."""
    while _deleting:
        _deleting.pop().join()


def recover_interrupted_swap(output: Path) -> None:
    """Undo a swap that was killed half-way, so the last good output is where users look.

    Only folders proved to be the build's own are moved or deleted: ``output.previous`` when
    it is a previous build (its manifest lists everything in it), a staging folder when it
    holds the mark the build put in it. A foreign ``output.previous`` stops the build, since
    the next swap would need its name."""
    previous = previous_dir(output)
    if previous.is_dir() and not previous.is_symlink() and is_build_output(previous):
        if output.exists() or output.is_symlink():
            shutil.rmtree(previous, ignore_errors=True)
        else:
            previous.rename(output)
    elif previous.exists() or previous.is_symlink():
        raise UsageError(
            f"{previous} is in the way: the build moves the old output there while it swaps "
            "in the new one, and this one is not a previous build's",
            f"move or rename {previous.name}, then build again",
        )
    for stale in staging_folders(output):
        if stale.is_dir() and not stale.is_symlink() and (stale / STAGING_MARK).is_file():
            if (stale / JOURNAL).is_file():  # an update in place killed while it moved files
                finish_update(output, stale)
            shutil.rmtree(stale, ignore_errors=True)
    for trash in trash_folders(output):  # a replaced output whose deletion was cut short
        ours = (trash / TRASH_MARK).is_file() or is_build_output(trash)  # marked, or empty
        if trash.is_dir() and not trash.is_symlink() and ours:
            shutil.rmtree(trash, ignore_errors=True)


class BuildLocked(ContentError):
    """Another build holds the lock: this one never started (the preview waits and retries)."""


def lock_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.lock")


@contextlib.contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock for the whole build; refuse at once if another build has it.

    The lock file exists only while a build runs: it is removed while still locked, and a
    build that locked a file just removed by another (same name, another inode) counts the
    lock as taken, since the other build's successor may hold the new file."""
    output.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(output)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if not same_file(path, handle.fileno()):
                raise BlockingIOError
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildLocked(
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
            with contextlib.suppress(OSError):
                path.unlink()
            fcntl.flock(handle, fcntl.LOCK_UN)


def same_file(path: Path, descriptor: int) -> bool:
    try:
        named, opened = os.stat(path), os.fstat(descriptor)
    except OSError:
        return False
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


class StagedOutput:
    """A staging directory that becomes ``output/`` on :meth:`commit`, or vanishes."""

    def __init__(self, output: Path):
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))
        (self.root / STAGING_MARK).touch()  # so a later build may delete it if this one dies
        self.directories: set[Path] = set()
        self._made: set[str] = set()  # the same folders, by relative name

    def target(self, relative: str) -> Path:
        """Where ``relative`` goes in the staging directory, its folder made; never outside.
        (Checked on the name: nothing in the fresh staging directory is a symbolic link.)"""
        name = posixpath.normpath(relative.replace("\\", "/"))
        if name.startswith(("/", "../")) or name in ("..", "."):
            raise ValueError(f"refusing to write outside the output directory: {relative}")
        folder_name = posixpath.dirname(name)
        if folder_name and folder_name not in self._made:  # by name: a Path per file is slow
            folder = self.root / folder_name
            folder.mkdir(parents=True, exist_ok=True)
            self._made.add(folder_name)
            while folder != self.root and folder not in self.directories:
                self.directories.add(folder)  # every folder made, for commit's permissions
                folder = folder.parent
        return self.root / name

    def write(self, relative: str, data: bytes) -> Path:
        target = self.target(relative)
        try:
            target.write_bytes(data)
        except OSError as error:  # a full disk names no file by itself: say which one
            if error.filename is None:
                raise OSError(error.errno, error.strerror, str(target)) from error
            raise
        return target

    def link(self, relative: str, source: str, inode: tuple[int, int]) -> bool:
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

    def commit(self, delete_in_background: bool = False) -> None:
        """Swap the staging folder in. The replaced output is then renamed aside and deleted:
        at once, or, for the preview (``delete_in_background``), by a thread while the new
        state is already served: deleting a library's worth of folders takes most of a
        second on some file systems, and a save should not wait for it."""
        (self.root / STAGING_MARK).unlink()
        for directory in sorted(self.directories):
            os.chmod(directory, 0o755)
        os.chmod(self.root, 0o755)
        previous = previous_dir(self.output)
        if self.output.exists():
            self.output.rename(previous)
        self.root.rename(self.output)
        if not previous.exists():
            return
        trash = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.trash-", dir=self.output.parent))
        (trash / TRASH_MARK).touch()  # before the move: killed at any point, it is ours
        previous.rename(trash / "output")
        if delete_in_background:
            thread = threading.Thread(
                target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True}, daemon=True
            )
            _deleting.append(thread)
            thread.start()
        else:
            shutil.rmtree(trash, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class NotInPlace(Exception):
    """A file cannot be put in place without following a link or replacing a folder: the
    build stages a whole new tree instead."""


class InPlaceOutput(StagedOutput):
    """An update of ``output/`` in place, for a build that renders a few outputs of many (a
    preview's save): linking 2,500 unchanged files into a new tree and deleting the old one
    costs more than the save's rendering. The files it writes are staged as in
    :class:`StagedOutput` (nothing in ``output/`` changes until the build has succeeded);
    the unchanged files stay where they are, proved to be the very files the build verified;
    then each staged file is moved over its old self with a rename, the manifest last, after
    a journal of the moves is written, so a build killed half-way is finished by the next.
    Only the named files are ever replaced, each through real folders (no symbolic link is
    followed, none replaced): anything else raises :class:`NotInPlace` before any move."""

    def __init__(self, output: Path):
        super().__init__(output)
        self.pending: dict[str, None] = {}
        self.folders: set[str] = set()  # in output/, found to be real folders

    def write(self, relative: str, data: bytes) -> Path:
        name = posixpath.normpath(relative.replace("\\", "/"))
        self.check_target(name)
        target = super().write(name, data)
        self.pending[name] = None
        return target

    def check_target(self, name: str) -> None:
        """Raise NotInPlace unless ``output/name`` can be replaced: every folder on the way
        a real folder (each looked at without following it, from the top) or absent, and
        the name itself anything but a folder."""
        if output_name(name) is None:
            raise NotInPlace(name)
        parts = name.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder in self.folders:
                continue
            try:
                info = os.lstat(self.output / folder)
            except FileNotFoundError:
                return  # made when the file is moved in, with what it holds
            if not stat.S_ISDIR(info.st_mode):
                raise NotInPlace(name)
            self.folders.add(folder)
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISDIR(os.lstat(self.output / name).st_mode):
                raise NotInPlace(name)

    def link(self, relative: str, source: str, inode: tuple[int, int]) -> bool:
        """The previous file stays in place: True if ``output/relative`` still is the very
        file ``inode`` (device, inode) the caller verified, linked nowhere else."""
        try:
            info = proof_status(self.output, relative, self.folders)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) == inode and info.st_nlink == 1

    def commit(self, delete_in_background: bool = False) -> None:
        """Move the staged files into output/ (those whose bytes are already there stay
        unmoved, so their status, which proofs and ``check``'s replay read, is kept)."""
        moves = []
        for name in self.pending:
            if name == MANIFEST_NAME:
                continue
            try:
                same = read_output_file(self.output, name).data == (self.root / name).read_bytes()
            except OSError:
                same = False
            if not same:
                moves.append(name)
        moves.append(MANIFEST_NAME)
        journal = self.root / (JOURNAL + ".partial")
        journal.write_text("\n".join(moves) + "\n", encoding="utf-8")
        journal.rename(self.root / JOURNAL)  # whole or not there
        finish_update(self.output, self.root, strict=True)
        shutil.rmtree(self.root, ignore_errors=True)


def finish_update(output: Path, staging: Path, strict: bool = False) -> None:
    """Move into ``output/`` each file the journal of ``staging`` names that is still staged,
    in the journal's order (the manifest last). A name whose folder in output/ is not a real
    folder, or that is a folder, is left: nothing is ever written through a link. ``strict``
    (the build itself, not a later recovery): such a file raises, so the build fails rather
    than report files it did not write."""
    try:
        names = (staging / JOURNAL).read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    for name in names:
        source = staging / name
        if not name or not source.is_file():
            continue
        *folders, filename = name.split("/")
        flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0)
        try:
            directory = os.open(output, flags)
        except OSError:
            if strict:
                raise
            return
        try:
            for folder in folders:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(folder, 0o755, dir_fd=directory)
                inner = os.open(folder, flags, dir_fd=directory)
                os.close(directory)
                directory = inner
            os.replace(source, filename, dst_dir_fd=directory)
        except OSError:
            if strict:
                raise
            continue
        finally:
            os.close(directory)
