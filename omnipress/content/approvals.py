"""Review and approval: ``content/approvals.yaml``, the roles ``site.yaml`` requires, and
whether a set of sources (blocks and posts) is approved as it reads now.

An approval covers exactly the text a reviewer read, so it names the sha256 of the source
file's text. Only what no reader can see is forgiven (see :func:`normalized_text`); anything
else, even a blank line that splits a paragraph, voids it. Approvals are never removed: one for
an old hash is history, and the newest entry for a (source, role) decides.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from omnipress.content.sources import SAFE_LOADER, parse_yaml, read_text
from omnipress.errors import Problems, did_you_mean

APPROVALS_FILE = "approvals.yaml"
SOURCE_KINDS = ("block", "post")
"""What can be approved: a block (by its id) and a post (by its slug)."""
ROLE = re.compile(r"\A[a-z][a-z0-9-]{0,39}\Z")
SHA256 = re.compile(r"\A[0-9a-f]{64}\Z")
ENTRY_KEYS = ("source", "sha256", "role", "by", "at", "note")
REQUIRED_KEYS = ENTRY_KEYS[:-1]
SETTINGS_KEYS = ("required",)

TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
HARD_BREAK = "  "
"""Markdown's hard line break: two spaces at the end of a line. It changes what a reader
sees, so however many spaces end a line, two or more count as one hard break, fewer as none."""

ENTRY_HINT = (
    "each entry is '- source: block:ID' (or post:SLUG) followed by sha256, role, by and at "
    "lines, indented by two spaces (see README: Review and approval)"
)


def normalized_text(text: str) -> str:
    """The text an approval covers: line endings as LF, spaces and tabs at the end of each
    line dropped (a Markdown hard break kept as two spaces), blank lines at the very end
    dropped. An editor's invisible habits are not changes; everything a reader can see is."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = TRAILING.sub(lambda m: HARD_BREAK if m.group().endswith(HARD_BREAK) else "", text)
    return text.rstrip("\n")


def source_sha256(text: str) -> str:
    return hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Approval:
    """One line of the approval log: who approved which text of a source, in which role."""

    source: str  # "block:cta-rfi" or "post:cro-or-cdmo"
    sha256: str
    role: str
    by: str
    at: datetime
    note: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "sha256": self.sha256, "role": self.role,
                "by": self.by, "at": iso(self.at), "note": self.note}  # fmt: skip


def iso(moment: datetime) -> str:
    """As the approve command writes it: UTC, to the second, with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ApprovalBook:
    """Every approval in ``content/approvals.yaml``, in file order."""

    path: Path
    entries: tuple[Approval, ...]

    def latest(self, source: str, role: str) -> Approval | None:
        """The approval that decides: the newest for this source and role (the later line
        when two are as new)."""
        return self.deciding.get((source, role))

    @cached_property
    def deciding(self) -> dict[tuple[str, str], Approval]:
        """(source, role) -> the newest approval, found once: every output asks."""
        found: dict[tuple[str, str], Approval] = {}
        for entry in self.entries:
            key = (entry.source, entry.role)
            if key not in found or (entry.at, entry.line) >= (found[key].at, found[key].line):
                found[key] = entry
        return found

    def history(self, source: str) -> list[Approval]:
        return [a for a in self.entries if a.source == source]


@dataclass(frozen=True)
class Holding:
    """A source that keeps an output a draft: the roles that never approved it, and those
    whose approval was of another text (changed since)."""

    source: str
    missing: tuple[str, ...]
    changed: tuple[str, ...]

    def reason(self) -> str:
        parts = []
        if self.changed:
            parts.append("changed since approved by " + ", ".join(self.changed))
        if self.missing:
            parts.append("not approved by " + ", ".join(self.missing))
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "missing": list(self.missing),
                "changed": list(self.changed)}  # fmt: skip


@dataclass(frozen=True)
class ApprovalState:
    """Whether an output may be published: approved when nothing holds it back."""

    holding: tuple[Holding, ...]

    @property
    def draft(self) -> bool:
        return bool(self.holding)

    @property
    def word(self) -> str:
        return "draft" if self.draft else "approved"

    def digest(self) -> str:
        """What the output's bytes and its manifest record depend on: its state and the
        sources holding it back (an input of the output, so an approval re-renders it)."""
        payload = "|".join(f"{h.source}:{','.join(h.missing)}:{','.join(h.changed)}"
                           for h in self.holding)  # fmt: skip
        return hashlib.sha256(f"{self.word}|{payload}".encode()).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.word, "holding": [h.to_dict() for h in self.holding]}


@dataclass(frozen=True)
class Approvals:
    """What a project knows about review: the roles its site requires (none: approvals are
    off), the log, and the current hash of every approvable source."""

    required: tuple[str, ...]
    book: ApprovalBook | None
    hashes: Mapping[str, str]  # "block:ID" / "post:SLUG" -> sha256 of its text now

    @property
    def on(self) -> bool:
        return bool(self.required)

    def holding(self, source: str) -> Holding | None:
        """What keeps ``source`` from being approved now (None: nothing), worked out once per
        source: a build asks for every output."""
        if source not in self._holding:
            self._holding[source] = self._hold(source)
        return self._holding[source]

    @cached_property
    def _holding(self) -> dict[str, Holding | None]:
        return {}

    def _hold(self, source: str) -> Holding | None:
        current = self.hashes.get(source)
        missing: list[str] = []
        changed: list[str] = []
        for role in self.required:
            approval = self.book.latest(source, role) if self.book else None
            if approval is None:
                missing.append(role)
            elif approval.sha256 != current:
                changed.append(role)
        if not missing and not changed:
            return None
        return Holding(source, tuple(missing), tuple(changed))

    def state_of(self, sources: Iterable[str]) -> ApprovalState | None:
        """The state of an output made from ``sources``; None when approvals are off."""
        if not self.on:
            return None
        held = (self.holding(source) for source in sorted(set(sources)))
        return ApprovalState(tuple(h for h in held if h is not None))


def source_name(kind: str, name: str) -> str:
    return f"{kind}:{name}"


def read_settings(
    value: Any, path: Path, lines: dict[str, int], problems: Problems
) -> tuple[str, ...] | None:
    """``approvals: {required: [medical, legal]}`` in site.yaml: the roles, or None after
    saying what is wrong (an empty tuple: the key is absent, approvals are off)."""
    if value is None:
        return ()
    line = lines.get("approvals")
    hint = "write approvals: {required: [medical, legal]} (the roles that must approve)"
    if not isinstance(value, dict):
        problems.error("site approvals must be a mapping with 'required:'", path, line, hint=hint)
        return None
    ok = True
    for key in value:
        if key not in SETTINGS_KEYS:
            problems.error(f"site approvals: unknown key {key!r}", path,
                           lines.get(f"approvals.{key}", line), hint=hint)  # fmt: skip
            ok = False
    roles = value.get("required")
    line = lines.get("approvals.required", line)
    if not isinstance(roles, list) or not roles:
        problems.error("site approvals: 'required' must list at least one role", path, line,
                       hint=hint)  # fmt: skip
        return None
    for role in roles:
        if not isinstance(role, str) or not ROLE.fullmatch(role):
            problems.error(f"site approvals: role {role!r} must be a lowercase word", path,
                           line, hint="letters, digits and dashes, e.g. medical, legal, "
                           "regulatory")  # fmt: skip
            ok = False
    for role in sorted({r for r in roles if isinstance(r, str) and roles.count(r) > 1}):
        problems.error(f"site approvals: role {role!r} is listed twice", path, line,
                       hint="list each role once")  # fmt: skip
        ok = False
    return tuple(roles) if ok else None


def load_book(
    root: Path,
    known: Mapping[str, str],
    unreadable: Iterable[str],
    required: tuple[str, ...],
    problems: Problems,
) -> ApprovalBook | None:
    """``content/approvals.yaml`` checked entry by entry, every problem reported with its
    line; None when there is no such file. ``known``: every approvable source; ``required``:
    the site's roles (when approvals are off, any role is accepted: the file is only kept)."""
    path = root / APPROVALS_FILE
    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_symlink() and path.is_file() and path.stat().st_size == 0:
        return ApprovalBook(path, ())  # an empty log: nothing approved yet
    text = read_text(path, problems)
    if text is None:
        return ApprovalBook(path, ())
    return read_book(text, path, known, unreadable, required, problems)


_parsed: dict[str, tuple[list[Any], list[yaml.Node]]] = {}
"""The last log text parsed as YAML, with its nodes: the preview reads the log again after
every save (a saved source changes what is approved), and parsing a library's log twice (for
values, then for lines) is 0.3 s of a save at 1,000 entries. Only the parse is remembered;
every entry is checked again against the sources as they are now."""


def read_book(
    text: str,
    path: Path,
    known: Mapping[str, str],
    unreadable: Iterable[str],
    required: tuple[str, ...],
    problems: Problems,
) -> ApprovalBook:
    """The log in ``text``; with no entries when any is wrong (all of them reported)."""
    before = len(problems.errors)
    remembered = _parsed.get(text)
    if remembered is None:
        parsed = parse_yaml(text, path, problems)
        if parsed is None or parsed[0] is None:
            return ApprovalBook(path, ())
        data = parsed[0]
        if not isinstance(data, list):
            problems.error("approvals.yaml must be a list of approvals, one '- source: …' each",
                           path, 1, hint=ENTRY_HINT)  # fmt: skip
            return ApprovalBook(path, ())
        node = yaml.compose(text, Loader=SAFE_LOADER)  # refused already if unsafe: for lines
        items = node.value if isinstance(node, yaml.SequenceNode) else []
        _parsed.clear()
        _parsed[text] = (data, items)
    else:
        data, items = remembered
    entries: list[Approval] = []
    skip = set(unreadable)
    for raw, item in zip(data, items, strict=False):
        entry = read_entry(raw, item, path, known, skip, required, problems)
        if entry is not None:
            entries.append(entry)
    seen: dict[tuple[str, str, str], int] = {}
    for entry in entries:
        key = (entry.source, entry.role, entry.sha256)
        if key in seen:
            problems.error(
                f"{entry.source} is approved twice by {entry.role} at the same text "
                f"(first on line {seen[key]})",
                path,
                entry.line,
                hint="delete one of the two entries",
            )
        seen.setdefault(key, entry.line)
    if len(problems.errors) > before:
        return ApprovalBook(path, ())
    return ApprovalBook(path, tuple(entries))


def read_entry(
    raw: Any,
    node: yaml.Node,
    path: Path,
    known: Mapping[str, str],
    unreadable: set[str],
    required: tuple[str, ...],
    problems: Problems,
) -> Approval | None:
    """One entry, or None after reporting every field that is wrong in it."""
    line = node.start_mark.line + 1
    if not isinstance(raw, dict) or not isinstance(node, yaml.MappingNode):
        problems.error("an approval must be 'key: value' lines (source, sha256, role, by, at)",
                       path, line, hint=ENTRY_HINT)  # fmt: skip
        return None
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    ok = True

    def bad(message: str, key: str, hint: str) -> None:
        nonlocal ok
        ok = False
        problems.error(f"approval: {message}", path, lines.get(key, line), hint=hint)

    for key in raw:
        if key not in ENTRY_KEYS:
            bad(f"unknown field {key!r}", key, did_you_mean(str(key), ENTRY_KEYS, "fields"))
    for key in REQUIRED_KEYS:
        if raw.get(key) in (None, ""):
            bad(f"required field '{key}' is missing", key, "each entry has source, sha256, "
                "role, by and at (note is optional)")  # fmt: skip
    source, sha, role, by = (raw.get(k) for k in ("source", "sha256", "role", "by"))
    if isinstance(source, str) and source:
        kind, _, name = source.partition(":")
        if kind not in SOURCE_KINDS or not name:
            bad(f"source {source!r} must be block:ID or post:SLUG", "source",
                "e.g. source: block:cta-rfi")  # fmt: skip
        elif source not in known and name not in unreadable:
            bad(f"source {source!r} is not a {kind} in content/", "source",
                did_you_mean(source, known, "sources"))  # fmt: skip
    elif source not in (None, ""):
        bad(f"source must be text like block:cta-rfi, got {source!r}", "source", "")
    if sha not in (None, "") and not isinstance(sha, str):
        bad("sha256 must be written in quotes", "sha256",
            'YAML reads a hash of digits alone as a number: write sha256: "…"')  # fmt: skip
    elif sha not in (None, "") and not SHA256.fullmatch(sha):
        bad(f"sha256 {str(sha)[:70]!r} is not 64 lowercase hex digits", "sha256",
            "copy it from `python build.py approvals`, or record the approval with "
            "`python build.py approve`")  # fmt: skip
    if role not in (None, ""):
        if not isinstance(role, str) or not ROLE.fullmatch(role):
            bad(f"role {role!r} must be a lowercase word", "role", "e.g. medical or legal")
        elif required and role not in required:
            bad(f"role {role!r} is not one the site requires", "role",
                "site.yaml approvals.required lists: " + ", ".join(required))  # fmt: skip
    if by not in (None, "") and not isinstance(by, str):
        bad(f"'by' must be a name, got {by!r}", "by", "e.g. by: Dr Jane Roe")
    note = raw.get("note")
    if note is not None and not isinstance(note, str):
        bad("'note' must be text", "note", 'quote it: note: "…"')
    at = moment(raw.get("at"))
    if raw.get("at") not in (None, "") and at is None:
        bad(f"'at' {str(raw.get('at'))[:40]!r} is not a date and time with its time zone",
            "at", "write it as 2026-12-01T22:00:00Z (UTC)")  # fmt: skip
    if not ok or at is None:
        return None
    return Approval(str(source), str(sha), str(role), str(by), at, note or "", line)


def moment(value: Any) -> datetime | None:
    """A timestamp with its time zone (YAML reads an unquoted one itself), or None: without
    a zone the moment is not known, and a date alone does not order two approvals of a day."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    return value
