"""``check``'s memory of its last verdicts, so an unchanged post is not read back again.

The unit is one post (all its outputs, base and campaign variants), because the consistency
rules compare a post's channels with each other. A post's findings are reused only when
everything they were made from is the same as when they were made: the sha256 of each of its
files, the manifest's record of each (what it was built from), today's hash of every one of
those inputs (the build's own test for reuse), the blocks the post names now, which other
posts share its blocks (the messages name them), site.yaml, the templates, and the checker
itself (this package's code, its libraries, the fonts). The key is a hash of all of that, so
a change to any of it simply misses.

A file's sha256 is proved without reading it by its status (``build/file_proofs.py``).

The cache lives beside ``output/`` (``.output.check-cache.json``), never inside it: the build
replaces ``output/`` whole, and ``output/`` is an untrusted cache anyone may have written. A
missing, damaged or foreign cache file is an empty cache: ``check`` is then slower, never
wrong, and never fails for it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omnipress.build.file_proofs import FileProofs, Stat
from omnipress.check.checkmodel import CheckFinding

FORMAT = 2  # 2: a file's status without its change time, the files found fresh
CHECK_LIBRARIES = ("pypdf", "pypdfium2", "beautifulsoup4")
"""Libraries that read the files back: a new version may read them differently."""


def cache_path(output: Path) -> Path:
    """Beside output/, like the build's lock: ``<parent>/.<output name>.check-cache.json``."""
    return output.with_name(f".{output.name}.check-cache.json")


@functools.cache
def checker_digest() -> str:
    """The checker: this package's code, the build's toolchain and the reading libraries."""
    from omnipress.build.dependencies import toolchain_digest

    versions = [toolchain_digest()]
    for name in CHECK_LIBRARIES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return hashlib.sha256("\n".join(versions).encode()).hexdigest()


def key_of(*parts: Any) -> str:
    """A full sha256 of JSON-able parts: two verdict keys are equal only if every part is."""
    payload = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class PostVerdict:
    """One post's findings, and what its check looked up in output/ besides its own files
    (a blog page's images: whether each is there)."""

    key: str
    findings: list[CheckFinding]
    probes: dict[str, bool] = field(default_factory=dict)
    verified: dict[str, str] = field(default_factory=dict)  # CheckContext.verified

    def fresh(self, path: str, token: str) -> bool:
        """Was ``path`` found to be what its content renders to, as the same bytes built
        from the same inputs (``token``)?"""
        return self.verified.get(path) == token


@dataclass
class CheckCache(FileProofs):
    checker: str
    files: dict[str, tuple[str, Stat]] = field(default_factory=dict)  # path -> (sha256, stat)
    posts: dict[str, PostVerdict] = field(default_factory=dict)
    report: dict[str, Any] | None = None  # the last whole report and its fingerprint (replay.py)

    # -- posts ---------------------------------------------------------------------------

    def verdict(self, slug: str, key: str, output: Path) -> PostVerdict | None:
        """The post's cached findings if made under the same key, and every lookup they made
        in output/ still answers the same."""
        cached = self.posts.get(slug)
        if cached is None or cached.key != key:
            return None
        if any((output / path).is_file() != there for path, there in cached.probes.items()):
            return None
        return cached

    # -- the file ------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path, checker: str) -> CheckCache:
        """The cache at ``path``, or an empty one when it is missing, damaged or not ours."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("checker") != checker:
                return cls(checker)
            files = {
                str(p): (str(sha), _stat(status)) for p, (sha, status) in data["files"].items()
            }
            posts = {
                str(slug): PostVerdict(
                    str(entry["key"]),
                    [CheckFinding(**finding) for finding in entry["findings"]],
                    {str(p): bool(there) for p, there in entry["probes"].items()},
                    {str(p): str(token) for p, token in entry["verified"].items()},
                )
                for slug, entry in data["posts"].items()
            }
            report = data.get("report")
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls(checker)
        return cls(checker, files, posts, report if isinstance(report, dict) else None)

    def save(self, path: Path) -> None:
        """Write atomically (a temporary file renamed over the old one); a cache that cannot
        be written only makes the next check slower."""
        data = {
            "format": FORMAT,
            "checker": self.checker,
            "files": {p: [sha, list(status)] for p, (sha, status) in sorted(self.files.items())},
            "posts": {
                slug: {
                    "key": v.key,
                    "findings": [f.to_dict() for f in v.findings],
                    "probes": v.probes,
                    "verified": v.verified,
                }
                for slug, v in sorted(self.posts.items())
            },
            "report": self.report,
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with contextlib.suppress(OSError):
            handle, temporary = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    file.write(text)
                os.replace(temporary, path)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def _stat(value: Any) -> Stat:
    device, inode, size, mtime = (int(v) for v in value)
    return device, inode, size, mtime


def inputs_now(inputs: Any, blocks: Mapping[str, str], depends: Mapping[str, str]) -> list[Any]:
    """Today's hash of every input a record names, as the build's reuse test computes it."""
    if inputs.unchanged(blocks, depends):  # the common case, answered from a memo
        return ["as recorded"]  # the record, part of every key, holds them already
    return [
        sorted((b, inputs.current(f"block:{b}", d)) for b, d in blocks.items()),
        sorted((name, inputs.current_in(name, d, blocks, depends)) for name, d in depends.items()),
    ]
