"""``output/manifest.json``: what every output file is, and exactly what it was built from.

`check` uses it to prove outputs are fresh and untouched; `where-used` uses it to answer
"what changes if I edit this block?"; incremental builds use its keys to skip work.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1
MISSING = "missing"
"""The recorded hash of an input that was looked for and not found."""
EXISTS = "exists"
"""The recorded hash of an input whose presence mattered, not its content (an image the blog
links to but never reads)."""


@dataclass(frozen=True)
class OutputRecord:
    path: str  # relative to output/
    sha256: str
    channel: str
    post: str
    campaign: str | None  # the campaign this variant is for; None for the base output
    campaigns: tuple[str, ...]  # every campaign the post belongs to
    blocks: dict[str, str]  # block id -> content hash of the block when built
    post_digest: str
    templates_digest: str
    key: str  # hash of everything the output depends on
    # every other input it was made from, "kind:name" -> hash (see omnipress.build.dependencies):
    # other blocks it looked up, templates, images, the stylesheet
    depends: dict[str, str] = field(default_factory=dict)
    # what rendering it reported, repeated by a build that reuses it instead of rendering
    warnings: list[dict[str, Any]] = field(default_factory=list)
    cleaning: dict[str, list[str]] = field(default_factory=dict)  # file -> what was removed
    # approvals on: {"state": "draft" | "approved", "holding": [{source, missing, changed}]}
    approval: dict[str, Any] | None = None

    def block_hash(self, block_id: str) -> str | None:
        """The hash of ``block_id`` this output was built from, or None if it does not use it.

        A block the output shows whole is in ``blocks``; one it only reads fields of (the
        author's name and role in a byline) is in ``depends``. Both are uses: editing either
        changes the file.
        """
        return self.block_hashes().get(block_id)

    def block_hashes(self) -> dict[str, str]:
        """Every block this output was built from, shown whole or read in part: id -> hash.

        Blocks whose presence alone was tested (``EXISTS``/``MISSING``) are not uses.
        """
        read = {
            name.removeprefix("block:"): value
            for name, value in self.depends.items()
            if name.startswith("block:") and value not in (EXISTS, MISSING)
        }
        return {**read, **self.blocks}


@dataclass
class Manifest:
    generator: str
    site_digest: str
    outputs: list[OutputRecord] = field(default_factory=list)
    blocks: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {digest, path, type}
    posts: dict[str, dict[str, str]] = field(default_factory=dict)  # slug -> {digest, path}
    campaigns: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # other files (assets): path -> sha256

    def to_json(self) -> str:
        """One output, block, post or campaign per line: a reviewer can read and diff it, and
        every line is written by json's C encoder (``indent=2`` runs the pure-Python one,
        a quarter of a second at 2,500 outputs, paid by every save in the preview)."""

        def line(value: Any) -> str:
            return json.dumps(value, ensure_ascii=False)

        def record_line(record: OutputRecord) -> str:
            known = lines.get(id(record))
            if known is not None and known[0] is record:  # the very object: frozen, so same
                return known[1]
            return line(_record(record))

        lines = _record_lines
        ordered = sorted(self.outputs, key=lambda r: r.path)
        written = [record_line(r) for r in ordered]
        lines.clear()  # only this manifest's: a record dropped from it is let go
        lines.update((id(r), (r, text)) for r, text in zip(ordered, written, strict=True))

        def block(opening: str, closing: str, lines: list[str]) -> str:
            if not lines:
                return opening + closing
            return f"{opening}\n" + ",\n".join(f"    {text}" for text in lines) + f"\n  {closing}"

        def mapping(values: dict[str, Any]) -> str:
            return block("{", "}", [f"{line(key)}: {line(values[key])}" for key in sorted(values)])

        fields = {
            "format": line(FORMAT_VERSION),
            "generator": line(self.generator),
            "site_digest": line(self.site_digest),
            "outputs": block("[", "]", written),
            "blocks": mapping(self.blocks),
            "posts": mapping(self.posts),
            "campaigns": mapping(self.campaigns),
            "files": mapping(self.files),
        }
        return "{\n" + ",\n".join(f"  {line(k)}: {v}" for k, v in fields.items()) + "\n}\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """A manifest of its own (its lists and mappings may be changed by the caller); the
        same text is parsed once: a preview's save reads it in the build, its output guard
        and ``check``, each a tenth of a second at 2,500 outputs."""
        return _copy(_written.get(text) or _parsed(text))

    @classmethod
    def parse(cls, text: str) -> Manifest:
        data = json.loads(text)
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported manifest format {data.get('format')!r}")
        outputs = [
            OutputRecord(**{**r, "campaigns": tuple(r["campaigns"])}) for r in data["outputs"]
        ]
        files = data.get("files", {})
        # paths are what a reader of output/ looks up: anything but text is no manifest of ours
        if not all(isinstance(r.path, str) for r in outputs) or not all(
            isinstance(p, str) and isinstance(h, str) for p, h in files.items()
        ):
            raise ValueError("a path in the manifest is not text")
        return cls(
            generator=data["generator"],
            site_digest=data["site_digest"],
            outputs=outputs,
            blocks=data["blocks"],
            posts=data["posts"],
            campaigns=data["campaigns"],
            files=files,
        )

    def by_path(self) -> dict[str, OutputRecord]:
        return {r.path: r for r in self.outputs}


_record_lines: dict[int, tuple[OutputRecord, str]] = {}
"""id -> (record, its JSON line) of the last manifest written: a preview's save writes the
same records again but the few it rendered (the record is kept, so its id is not reused)."""

_written: dict[str, Manifest] = {}
"""The last manifest this process wrote, by its text (:func:`remember_written`)."""


def remember_written(text: str, manifest: Manifest) -> None:
    """The manifest whose JSON is ``text``, written by this process: the next reader of that
    very text (the ``check`` after a preview's save, the next save's build) gets its records
    without parsing 2,500 of them again, and the same record objects, which the build and
    ``check`` use to recognise what they have already worked out (by identity: a record is
    frozen). The text, compared whole, is the proof: any other byte parses afresh."""
    _written.clear()
    _written[text] = _copy(manifest)


def _copy(manifest: Manifest) -> Manifest:
    """The same records (frozen, shared) in lists and mappings of its own."""
    return replace(manifest, outputs=list(manifest.outputs), blocks=dict(manifest.blocks),
                   posts=dict(manifest.posts), campaigns=dict(manifest.campaigns),
                   files=dict(manifest.files))  # fmt: skip


@functools.lru_cache(maxsize=2)
def _parsed(text: str) -> Manifest:
    """Never handed out as is (see :meth:`Manifest.from_json`). Its records are frozen, and
    the mappings inside them are never changed once read."""
    return Manifest.parse(text)


def _record(record: OutputRecord) -> dict[str, Any]:
    """A record as JSON holds it (fast: ``vars``); without ``approval`` while approvals are
    off, so turning nothing on changes no byte of the manifest."""
    data = vars(record)
    if record.approval is None:
        data = {k: v for k, v in data.items() if k != "approval"}
    return data


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(output: Path) -> Manifest | None:
    """The manifest of a previous build, or None when there is none or it is unreadable."""
    try:
        return Manifest.from_json((output / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
