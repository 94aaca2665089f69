"""Proving an output file unchanged by its status, without reading it, as make and git do.

Reading and hashing every file of a large library costs half a second (2,500 files), and a
build reuses, and ``check`` verifies, every one of them each time. A file whose status is the
one recorded together with its sha256 still holds those bytes: the status is the device, the
inode, the size and the modification time in nanoseconds. The change time is left out (as
git's ``core.trustctime=false`` does): the build hard-links each unchanged file into the new
output and deletes the old tree, and both change the change time of every file it kept.

A status recorded within :data:`RACY_NS` of the file's modification time is not trusted: a
later write in the same clock tick would leave it equal (git's "racily clean" entries).
Forging a proof takes a deliberate same-size edit with the modification time set back to the
nanosecond; ``check`` never trusts an output because of its status alone anyway: the status
stands only for the sha256, which the manifest and the rules still judge.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

RACY_NS = 2_000_000_000
"""A status this close to its file's modification time is not a proof: the coarsest clock a
file system keeps (FAT's two seconds) could give a later write the same."""

Stat = tuple[int, int, int, int]
"""(st_dev, st_ino, st_size, st_mtime_ns)."""


def status_of(info: os.stat_result) -> Stat:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


class FileProofs:
    """path -> (sha256, status) in ``self.files``, for the build and ``check`` alike."""

    files: dict[str, tuple[str, Stat]]

    def proven_sha(self, path: str, info: os.stat_result) -> str | None:
        """The sha256 recorded for ``path`` if its status proves it unchanged, else None."""
        entry = self.files.get(path)
        if entry is None or entry[1] != status_of(info):
            return None
        return entry[0]

    def remember_file(self, path: str, sha: str, info: os.stat_result, now_ns: int) -> None:
        """Record the sha256 of a file with its status, unless the status is racy."""
        if info.st_mtime_ns + RACY_NS < now_ns:
            self.files[path] = (sha, status_of(info))
        else:
            self.files.pop(path, None)


@dataclass
class MemoryProofs(FileProofs):
    """Proofs kept by one process only (a test's, a benchmark's)."""

    files: dict[str, tuple[str, Stat]] = field(default_factory=dict)
