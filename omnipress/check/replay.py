"""A ``check`` of a tree nothing has touched since the last one gives the last one's report.

``check`` after a no-op build is the common case (CI's second step, a marketer checking again)
and its verdicts are all cached, yet loading and validating a library's content (YAML, the
references, the house style over every text) costs most of a second at 500 posts before a
verdict is even looked up. So the last report is kept in the verdict cache with a fingerprint
of everything it was made from: the checker (its code, libraries, fonts), whether it was a
``--release`` check, and the status of every file under content/, templates/ and output/
(name, device, inode, size, modification time: the proof ``build/file_proofs.py`` explains).
The same fingerprint gives the same report without reading a file; any difference, a file
added, removed, touched or replaced, runs the whole check. A file written within a clock
tick of the fingerprint is not trusted (it could change again in the same tick): no
fingerprint is kept then, and the next check runs in full.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from omnipress.build.file_proofs import RACY_NS
from omnipress.check.checkmodel import CheckFinding, CheckReport

SUBSECOND_MARGIN_NS = 50_000_000
"""How recent a write may be and still be proved by its status on a file system that keeps
times below the second (ext4, XFS, Btrfs, APFS, NTFS, tmpfs; exFAT's 10 ms): the kernel
stamps files from a clock that ticks every few milliseconds. A file system that keeps whole
seconds (FAT's two, HFS+) gets :data:`~omnipress.build.file_proofs.RACY_NS`."""


def fingerprint(roots: dict[str, Path], *parts: str) -> str | None:
    """A hash of ``parts`` and the status of every file under each root, taken now; None when
    a file changed too recently to be proved by its status (within a clock tick of now, as
    git's "racily clean" entries), or cannot be read."""
    now = time.time_ns()
    digest = hashlib.sha256("\0".join(parts).encode())
    newest, whole_seconds = 0, True
    for label, root in sorted(roots.items()):
        top = os.fspath(root.resolve())
        digest.update(f"\1{label}\0{top}".encode())
        if not os.path.isdir(top):
            continue
        for directory, folders, names in os.walk(top):
            folders.sort()
            inside = directory[len(top) + 1 :]
            linked = [f for f in folders if os.path.islink(os.path.join(directory, f))]
            for name in sorted([*names, *linked]):
                try:
                    info = os.stat(os.path.join(directory, name))  # a link: what it points at
                except OSError:
                    return None  # a dangling link: the full check says what it is
                newest = max(newest, info.st_mtime_ns)
                whole_seconds = whole_seconds and info.st_mtime_ns % 1_000_000_000 == 0
                digest.update(f"\1{inside}/{name}\0{info.st_dev}\0{info.st_ino}\0"
                              f"{info.st_size}\0{info.st_mtime_ns}".encode())  # fmt: skip
    margin = RACY_NS if whole_seconds else SUBSECOND_MARGIN_NS
    return None if newest + margin >= now else digest.hexdigest()


def stored(report: CheckReport, key: str) -> dict[str, Any]:
    return {
        "fingerprint": key,
        "findings": [f.to_dict() for f in report.findings],
        "files_checked": report.files_checked,
        "posts_checked": report.posts_checked,
        "drafts": report.drafts,
    }


def replayed(entry: dict[str, Any] | None, key: str | None, started: float) -> CheckReport | None:
    """The stored report if it was made under ``key``, else None."""
    if key is None or not entry or entry.get("fingerprint") != key:
        return None
    try:
        findings = [CheckFinding(**finding) for finding in entry["findings"]]
        drafts = entry["drafts"]
        return CheckReport(findings, int(entry["files_checked"]), int(entry["posts_checked"]),
                           time.perf_counter() - started, [],
                           None if drafts is None else int(drafts))  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None
