"""Which folder the build may replace: only one it can prove is its own.

A build ends by swapping a fresh output folder in for the old one and deleting the old one.
Pointed at the wrong folder (``--output content``, a slip for ``--content``; ``--output .``),
that swap would delete a team's work, so before anything is locked, created or moved, the
target must be absent, empty, or recognisably a previous build: its ``manifest.json`` reads
as one of ours and lists every file in it. The content and templates folders, the folder the
command runs in, and any folder holding one of them are refused by name, even when empty
(the next build would delete whatever is put there later). Every reason is a usage error
with a hint; nothing on disk changes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from omnipress.build.manifest import MANIFEST_NAME, read_manifest
from omnipress.errors import UsageError

GENERATOR_PREFIX = "omnipress"
SHOWN_FILES = 5


@dataclass(frozen=True)
class Protected:
    """A folder the build must never replace: what it is and what to say, for the message."""

    path: Path
    what: str
    hint: str
    may_hold_output: bool  # whether --output may be a folder inside it


def protected_folders(content: Path, templates: Path) -> list[Protected]:
    own_folder = "give the build a folder of its own, e.g. --output output"
    return [
        Protected(content.resolve(), "the content folder", f"{own_folder} (did you mean "
                  "--content?)", may_hold_output=False),
        Protected(templates.resolve(), "the templates folder", f"{own_folder} (did you mean "
                  "--templates?)", may_hold_output=False),
        Protected(Path.cwd().resolve(), "the folder this command runs in", own_folder,
                  may_hold_output=True),
    ]  # fmt: skip


def refuse_unsafe_output(output: Path, content: Path, templates: Path) -> None:
    """Raise UsageError unless replacing ``output`` can only ever lose a previous build."""
    target = output.resolve()
    shown = output.as_posix().rstrip("/") or "."
    folders = protected_folders(content, templates)
    for folder in folders:
        if target == folder.path:
            raise UsageError(
                f"--output {shown} is {folder.what} ({folder.path}): a build replaces its "
                "output folder whole, so it would delete it",
                folder.hint,
            )
    for folder in folders:
        if target in folder.path.parents:
            raise UsageError(
                f"--output {shown} contains {folder.what} ({folder.path}): a build replaces "
                "its output folder whole, so it would delete it",
                folder.hint,
            )
        if not folder.may_hold_output and folder.path in target.parents:
            raise UsageError(
                f"--output {shown} is inside {folder.what} ({folder.path})",
                "keep built files out of the sources: e.g. --output output",
            )
    if not target.exists() and not target.is_symlink():
        return
    if not target.is_dir():
        raise UsageError(
            f"--output {shown} is a file, not a folder",
            "give the build a folder of its own, e.g. --output output",
        )
    foreign = foreign_files(target)
    if foreign is None:
        raise UsageError(
            f"{shown}/ holds files but no {MANIFEST_NAME} of a previous build, so the build "
            "cannot tell they are its own and will not replace them",
            f"give the build an empty or new folder, or, if {shown}/ only holds old built "
            "files, delete it yourself and build again",
        )
    if foreign:
        listed = ", ".join(foreign[:SHOWN_FILES]) + (", …" if len(foreign) > SHOWN_FILES else "")
        raise UsageError(
            f"{shown}/ holds {len(foreign)} file(s) no build wrote ({listed}); the build "
            "replaces the folder whole and will not delete them",
            f"move those files out of {shown}/ (or delete them), then build again",
        )


def foreign_files(folder: Path) -> list[str] | None:
    """Files in ``folder`` that its manifest does not list (sorted), or None when the folder is
    not empty and has no readable manifest of ours: it cannot be proved to be a build's."""
    present = sorted(files_under(folder))
    if not present:
        return []
    manifest = read_manifest(folder)
    if manifest is None or not manifest.generator.startswith(GENERATOR_PREFIX):
        return None
    listed = {MANIFEST_NAME, *manifest.files, *(r.path for r in manifest.outputs)}
    return [name for name in present if name not in listed]


def is_build_output(folder: Path) -> bool:
    """A folder the build may delete: a previous build's, with nothing else in it."""
    return folder.is_dir() and not folder.is_symlink() and foreign_files(folder) == []


def files_under(folder: Path) -> Iterator[str]:
    """Every entry but a folder (files, links, sockets…), as a path relative to ``folder``.
    Symbolic links are listed, never followed."""
    top = os.fspath(folder)
    for directory, folders, names in os.walk(top):
        linked = [name for name in folders if os.path.islink(os.path.join(directory, name))]
        # os.walk gives each directory as top + sep + relative: cut, not os.path.relpath
        # (which resolves both paths again: a tenth of a second at 2,500 files, every build)
        inside = directory[len(top) + 1 :].replace(os.sep, "/")
        prefix = f"{inside}/" if inside else ""
        for name in [*names, *linked]:
            yield prefix + name
