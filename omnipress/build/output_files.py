"""Reading files of a previous build, which is an untrusted cache.

Anything may have happened to ``output/`` since the build wrote it: a file edited by hand, a
symbolic link planted where a file was, a manifest whose paths point at ``/etc/passwd`` or
``../../.ssh``. The build reuses files from it and ``check`` reads them back, so both go
through here: a name is only read if it is a plain relative path inside ``output/``, every
folder on the way is a real folder (no symbolic link), and the file itself is a regular file.
Everything else is refused as if the file were not there, so at worst it is built again.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path

FORBIDDEN_IN_NAMES = frozenset("\\\0")


def output_name(relative: object) -> str | None:
    """``relative`` as a clean path inside ``output/`` (``blog/x/index.html``), or None when
    it is not one: absolute, with ``..``, a backslash, a NUL, empty, or not text at all."""
    if not isinstance(relative, str) or not relative or FORBIDDEN_IN_NAMES & set(relative):
        return None
    if relative.startswith("/") or posixpath.normpath(relative) != relative:
        return None
    if relative == "." or ".." in relative.split("/"):
        return None
    return relative


@dataclass(frozen=True)
class OutputFile:
    data: bytes
    device: int
    inode: int
    links: int  # hard links to the file: more than one means it is shared with elsewhere
    info: os.stat_result  # its status as read, for a proof of it (build/file_proofs.py)


class UnsafeOutputPath(OSError):
    """The name leaves ``output/``, passes through a symbolic link, or is not a regular file."""


def read_output_file(output: Path, relative: str) -> OutputFile:
    """The bytes of ``output/relative``, opened without following any symbolic link.

    Raises :class:`UnsafeOutputPath` for a name or file that is not plainly inside
    ``output/``, and ``OSError`` (``FileNotFoundError``…) when it is simply not there.
    """
    with os.fdopen(_open_output_file(output, relative), "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeOutputPath(f"{relative!r} is not a regular file")
        return OutputFile(file.read(), info.st_dev, info.st_ino, info.st_nlink, info)


def proof_status(output: Path, relative: str, folders: set[str]) -> os.stat_result:
    """The status of ``output/relative`` for a proof by status (build/file_proofs.py), with a
    system call per file and one per folder (``folders``: those already found to be real
    folders, kept by the caller for one pass) rather than the eight of opening each folder on
    the way. Raises UnsafeOutputPath for a name outside ``output/``, a folder on the way that
    is a link, or anything but a regular file."""
    name = output_name(relative)
    if name is None:
        raise UnsafeOutputPath(f"{relative!r} is not a path inside the output folder")
    folder = posixpath.dirname(name)
    while folder and folder not in folders:
        if not stat.S_ISDIR(os.lstat(os.path.join(output, folder)).st_mode):
            raise UnsafeOutputPath(f"{relative!r} passes through a symbolic link or a file")
        folders.add(folder)
        folder = posixpath.dirname(folder)
    info = os.lstat(os.path.join(output, name))
    if not stat.S_ISREG(info.st_mode):
        raise UnsafeOutputPath(f"{relative!r} is not a regular file")
    return info


def _open_output_file(output: Path, relative: str) -> int:
    """A read-only descriptor of ``output/relative``, every folder on the way opened with
    O_NOFOLLOW, so no symbolic link is followed."""
    name = output_name(relative)
    if name is None:
        raise UnsafeOutputPath(f"{relative!r} is not a path inside the output folder")
    *folders, filename = name.split("/")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    directory = os.open(output, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        for folder in folders:
            try:
                inner = os.open(folder, flags | getattr(os, "O_DIRECTORY", 0), dir_fd=directory)
            except OSError as error:
                raise _refusal(error, relative) from None
            os.close(directory)
            directory = inner
        try:
            return os.open(filename, flags, dir_fd=directory)
        except OSError as error:
            raise _refusal(error, relative) from None
    finally:
        os.close(directory)


def _refusal(error: OSError, relative: str) -> OSError:
    """O_NOFOLLOW reports a symbolic link as ELOOP, and a file where a folder should be as
    ENOTDIR: neither is a file the build wrote there."""
    if error.errno in (errno.ELOOP, errno.ENOTDIR):
        return UnsafeOutputPath(f"{relative!r} passes through a symbolic link or a file")
    return error
