"""Recording approvals: naming a source on the command line, appending entries to
``content/approvals.yaml`` without touching a byte of what is there, keeping the approved text
where a later diff can find it, and that diff.

The log is reviewed in pull requests, so entries are appended as text (a re-dumped YAML file
would lose the reviewers' comments and reorder their lines), and every file is written whole
or not at all (a temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from omnipress.content.approvals import (
    APPROVALS_FILE,
    SOURCE_KINDS,
    Approval,
    iso,
    normalized_text,
    source_name,
)
from omnipress.content.model import Project
from omnipress.errors import UsageError, did_you_mean

APPROVED_DIR = "approved"
"""``content/approved/<kind>/<id>.<first 12 hex of the hash>.md``: each approved text, kept by
``approve`` so ``approvals`` can show exactly what changed since."""
HEADER = (
    "# Approvals of blocks and posts: one entry per approval, newest last.\n"
    "# Written by `python build.py approve`; reviewed in pull requests like any content.\n"
)


def resolve_source(project: Project, given: str) -> str:
    """``block:ID``, ``post:SLUG`` or a bare id that is one of them (never both)."""
    kind, colon, name = given.partition(":")
    collections: dict[str, Iterable[str]] = {"block": project.blocks, "post": project.posts}
    if colon:
        if kind not in SOURCE_KINDS:
            raise UsageError(
                f"{given!r}: {kind!r} is not something that can be approved",
                "name a block or a post: block:ID or post:SLUG (or the bare id)",
            )
        if name in collections[kind]:
            return source_name(kind, name)
        raise UsageError(
            f"there is no {kind} {name!r} in content/",
            did_you_mean(name, collections[kind], f"{kind}s"),
        )
    matches = [k for k in SOURCE_KINDS if given in collections[k]]
    if len(matches) == 2:
        raise UsageError(
            f"{given!r} is both a block and a post",
            f"write block:{given} or post:{given}",
        )
    if matches:
        return source_name(matches[0], given)
    known = [*project.blocks, *project.posts]
    raise UsageError(f"{given!r} is neither a block id nor a post slug", did_you_mean(given, known))


def source_path(project: Project, source: str) -> Path:
    kind, _, name = source.partition(":")
    item = project.blocks[name] if kind == "block" else project.posts[name]
    return item.path


def entry_text(approval: Approval) -> str:
    """One entry as YAML text. Names and notes are written as JSON strings, which YAML reads
    as they are (quotes, colons and '#' included); the hash is quoted, since a hash of digits
    alone would read as a number."""
    lines = [
        f"- source: {approval.source}",
        f'  sha256: "{approval.sha256}"',
        f"  role: {approval.role}",
        f"  by: {json.dumps(approval.by, ensure_ascii=False)}",
        f"  at: {iso(approval.at)}",
    ]
    if approval.note:
        lines.append(f"  note: {json.dumps(approval.note, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def appended(existing: str | None, approvals: Iterable[Approval]) -> str:
    """The log with the entries added at its end, everything already there kept as written."""
    text = existing if existing else HEADER
    if not text.endswith("\n"):
        text += "\n"
    return text + "".join(entry_text(a) for a in approvals)


def write_atomically(path: Path, text: str) -> None:
    """``path`` holds the new text or, if anything fails, exactly what it held before."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(name, path.stat().st_mode & 0o7777)
        else:
            os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def approved_text_path(root: Path, source: str, sha256: str) -> Path:
    kind, _, name = source.partition(":")
    return root / APPROVED_DIR / kind / f"{name}.{sha256[:12]}.md"


def approved_text(root: Path, source: str, sha256: str) -> str | None:
    """The text an approval covered, if ``approve`` kept it (and it is that text)."""
    from omnipress.content.approvals import source_sha256

    path = approved_text_path(root, source, sha256)
    try:
        if path.is_symlink() or not path.is_file():
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if source_sha256(text) == sha256 else None


def store_approved_text(root: Path, source: str, text: str, sha256: str) -> None:
    path = approved_text_path(root, source, sha256)
    if approved_text(root, source, sha256) is None:
        write_atomically(path, normalized_text(text) + "\n")


def changes(approved: str, current: str, name: str) -> list[str]:
    """A unified diff of the approved text against today's, as the normalised texts read
    (so it shows nothing an approval forgives)."""
    return list(
        difflib.unified_diff(
            normalized_text(approved).split("\n"),
            normalized_text(current).split("\n"),
            f"{name} (approved)",
            f"{name} (now)",
            lineterm="",
        )
    )


def now() -> datetime:

    return datetime.now(UTC).replace(microsecond=0)


def log_path(root: Path) -> Path:
    return root / APPROVALS_FILE
