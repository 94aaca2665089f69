"""While outputs render, freed memory stays in the process for the next output (glibc only).

Each social card is a page bitmap of a few megabytes, decoded into an image for its PNG.
glibc's allocator gives the top of its heap back to the kernel whenever more than a few
megabytes lie free there, so the next card takes the same memory back one page fault at a
time: 1.67 million faults in a 500-post 1-job build, against 0.68 million with the heap kept
(~1.7 s of kernel time in a ~98 s build). Whether it is given back depends on where
long-lived objects happened to land: the bare libraries doing the same work faulted for
every card at 150 posts and for none at 500. The thresholds below take that luck away:
buffers up to 32 MiB come from the heap and are reused, and the heap is trimmed only past
64 MiB free.

The process gets glibc's defaults back afterwards, and the free memory is returned at once,
so a preview server idles at its usual size between saves. glibc has no getter for these
settings, so what was in force before cannot be read: the defaults are what is put back.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from collections.abc import Iterator
from typing import Any

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
"""mallopt's parameter numbers (malloc.h)."""

RENDERING = {M_MMAP_THRESHOLD: 32 * 1024 * 1024, M_TRIM_THRESHOLD: 64 * 1024 * 1024}
"""32 MiB is the largest mmap threshold glibc accepts on a 64-bit system."""

DEFAULTS = {M_MMAP_THRESHOLD: 128 * 1024, M_TRIM_THRESHOLD: 128 * 1024}

_lock = threading.Lock()
_depth = 0


def glibc() -> Any | None:
    """The C library, if it is glibc (musl and others have no such settings)."""
    try:
        if not os.confstr("CS_GNU_LIBC_VERSION"):
            return None
        libc = ctypes.CDLL(None)
    except (AttributeError, ValueError, OSError):
        return None
    if not all(hasattr(libc, name) for name in ("mallopt", "malloc_trim")):
        return None
    return libc


_libc = glibc()
AVAILABLE = _libc is not None


def rendering_depth() -> int:
    """How many ``keeping_freed_memory`` blocks the process is in (0: glibc's defaults)."""
    return _depth


def apply(settings: dict[int, int]) -> None:
    if _libc is not None:
        for parameter, value in settings.items():
            _libc.mallopt(parameter, value)


def keep_freed_memory() -> None:
    """For a process that only ever renders (a pool's worker): for the rest of its life."""
    apply(RENDERING)


@contextlib.contextmanager
def keeping_freed_memory() -> Iterator[None]:
    """Keep freed memory for reuse inside; nested uses end with the outermost one."""
    global _depth
    with _lock:
        _depth += 1
        if _depth == 1:
            apply(RENDERING)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                apply(DEFAULTS)
                if _libc is not None:
                    _libc.malloc_trim(0)
