"""What each output was made from, recorded while it renders, so the next build can reuse it.

Nothing is declared by hand, so nothing can be forgotten. While a job renders, the project's
blocks, posts, campaigns and images are looked up through recording mappings, Jinja notes every
template it loads (``extends`` and ``include`` too), and the PDF engine lists the files
WeasyPrint read (its stylesheet, the images). Every input goes into the manifest with its hash.
The next build reuses the previous file only if each of those inputs still hashes the same, the
site and the toolchain (this package's code, the libraries, the installed fonts) are unchanged,
and the file itself is intact; anything else is rendered again.

Input names are ``kind:name``: ``block:cta-rfi``, ``post:cro-or-cdmo``, ``campaign:launch``,
``templates:blog/post.html``, ``content:images/logo.svg``, or ``all:blocks`` when a renderer
looked at a whole collection.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.metadata
import itertools
import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omnipress import __version__
from omnipress.build.manifest import EXISTS, MISSING
from omnipress.channels.recording import Recording, RecordingEnvironment
from omnipress.content.model import Project, digest_of
from omnipress.errors import Problem, Problems
from omnipress.text.markup import Cleaning

if TYPE_CHECKING:
    from omnipress.channels.base import Job, Rendered, RenderEnvironment


LIBRARIES = ("jinja2", "markdown", "nh3", "pyyaml", "python-frontmatter", "weasyprint", "pydyf",
             "fonttools", "tinycss2", "cssselect2", "tinyhtml5", "pillow")  # fmt: skip
"""Libraries whose version changes the bytes of an output."""
HARFBUZZ_SUBSET = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib",
                   "libharfbuzz-subset-0.dll", "harfbuzz-subset")  # fmt: skip
"""The names WeasyPrint tries; whether one loads changes how fonts are subset in PDFs."""
FONT_DIRECTORIES = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts",
                    "~/.fonts", "/Library/Fonts", "/System/Library/Fonts",
                    "~/Library/Fonts")  # fmt: skip


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return None


class Inputs:
    """The current hash of every input an output can depend on, each computed at most once."""

    def __init__(self, project: Project, templates: Path):
        self.project = project
        self.content = project.root.resolve()
        self.templates = templates.resolve()
        self._files: dict[tuple[Path, str], str | None] = {}
        # each asked once per output that names it: thousands of times in a large library
        self._digests: dict[str, str | None] = {}
        self._approval_states: dict[tuple[str, ...], str] = {}
        self._answers: dict[tuple[str, str], bool] = {}
        self._names: dict[Path, str] = {}  # every output names the same few templates

    def file(self, root: Path, relative: str) -> str | None:
        key = (root, relative)
        if key not in self._files:
            path = (root / relative).resolve()
            inside = path.is_relative_to(root) and path.is_file()
            self._files[key] = file_digest(path) if inside else None
        return self._files[key]

    def name_of(self, path: Path) -> str:
        """``content:images/logo.svg`` or ``templates:pdf/onepager.css`` for a file read.
        Resolved once per build: resolving asks the file system about every folder on the
        way, for each of the files each of thousands of outputs reads."""
        if path not in self._names:
            self._names[path] = self._name_of(path.resolve())
        return self._names[path]

    def _name_of(self, path: Path) -> str:
        for kind, root in (("templates", self.templates), ("content", self.content)):
            if path.is_relative_to(root):
                return f"{kind}:{path.relative_to(root).as_posix()}"
        return f"file:{path}"

    def digest(self, name: str) -> str | None:
        """The input's hash now, or None when it does not exist."""
        if name not in self._digests:
            self._digests[name] = self._digest(name)
        return self._digests[name]

    def _digest(self, name: str) -> str | None:
        kind, _, key = name.partition(":")
        project = self.project
        if kind == "block":
            block = project.blocks.get(key)
            return block.digest if block else None
        if kind == "post":
            post = project.posts.get(key)
            return post.digest if post else None
        if kind == "campaign":
            campaign = project.campaigns.get(key)
            return campaign.digest if campaign else None
        if kind == "content":
            return self.file(self.content, key)
        if kind == "templates":
            return self.file(self.templates, key)
        if kind == "all":
            return self.collection(key)
        if kind == "file":  # outside both roots: hashed where it is
            path = Path(key)
            return file_digest(path) if path.is_file() else None
        return None

    def collection(self, kind: str) -> str | None:
        project = self.project
        items: dict[str, str | None]
        if kind == "blocks":
            items = {k: b.digest for k, b in project.blocks.items()}
        elif kind == "posts":
            items = {k: p.digest for k, p in project.posts.items()}
        elif kind == "campaigns":
            items = {k: c.digest for k, c in project.campaigns.items()}
        elif kind == "assets":
            items = {k: self.file(self.content, k) for k in project.assets}
        else:
            return None
        return digest_of(sorted(items.items()))

    def current(self, name: str, recorded: str) -> str:
        """What the recorded hash of ``name`` would be now."""
        value = self.digest(name)
        if value is None:
            return MISSING
        return EXISTS if recorded == EXISTS else value

    def unchanged(self, blocks: Mapping[str, str], depends: Mapping[str, str]) -> bool:
        """Does every input of a record still hash as recorded? Asked for every output of
        the library by every build and ``check``, with the same (name, hash) pairs over and
        over (a shared block, the templates): each pair is answered once, and a record found
        unchanged by an earlier build or check of this process stays so until one of its
        inputs changes (:class:`UnchangedRecords`)."""
        with UNCHANGED.lock:
            if UNCHANGED.knows(self, blocks, depends):
                return True
            answer = self._unchanged(blocks, depends)
            if answer:
                UNCHANGED.remember(self, blocks, depends)
            return answer

    def _unchanged(self, blocks: Mapping[str, str], depends: Mapping[str, str]) -> bool:
        answers = self._answers
        for name, recorded in itertools.chain(
            ((f"block:{b}", d) for b, d in blocks.items()), depends.items()
        ):
            if name.startswith(APPROVAL):  # the state of the record's own sources
                if self.current_in(name, recorded, blocks, depends) != recorded:
                    return False
                continue
            answer = answers.get((name, recorded))
            if answer is None:
                answer = answers[(name, recorded)] = self.current(name, recorded) == recorded
            if not answer:
                return False
        return True

    def current_in(
        self, name: str, recorded: str, blocks: Mapping[str, str], depends: Mapping[str, str]
    ) -> str:
        """:meth:`current`, for an input of the record (``blocks``, ``depends``): an approval
        state is that of the sources the record names."""
        if not name.startswith(APPROVAL):
            return self.current(name, recorded)
        sources = tuple(record_sources(blocks, depends))
        if sources not in self._approval_states:
            approvals = self.project.approvals
            state = approvals.state_of(sources) if approvals else None
            self._approval_states[sources] = MISSING if state is None else state.digest()
        return self._approval_states[sources]


FILE_KINDS = ("content:", "templates:", "file:")
"""Inputs read from the disk: their hashes are taken again, not looked up in the project."""


@dataclass
class Basis:
    """The inputs' values that :class:`UnchangedRecords`' answers were given against."""

    content: Path
    templates: Path
    items: dict[str, dict[str, str]]  # "block:" / "post:" / "campaign:" -> name -> digest
    assets: str | None
    files: dict[str, str | None]  # each file input a remembered record names -> its hash
    approvals: Any  # (required roles, log entries), or None when approvals are off
    approval_hashes: Mapping[str, str]


class UnchangedRecords:
    """Which records were found unchanged (every input hashing as recorded), kept between
    the builds and checks of one long-lived process (the preview), with an inverted index
    from each input's name to the records that name it.

    A save changes a post or a block; the 2,500 records whose inputs it did not touch were
    unchanged before and still are. So each :class:`Inputs` first works out which input
    names changed since the values the answers were given against (its project's posts,
    blocks and campaigns compared by hash; every file input hashed again; the approvals'
    roles, log and sources' hashes), forgets the records that name any of them (through the
    index), and answers the others at once. Anything it cannot compare (another content or
    templates folder, other roles or another approvals log) forgets everything. Records are
    known by identity (the very ``blocks`` and ``depends`` mappings, which a frozen record
    never changes), so an equal but distinct record is simply worked out again."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.basis: Basis | None = None
        self.synced: Inputs | None = None  # the Inputs the answers hold for now
        self.records: dict[int, tuple[Mapping[str, str], Mapping[str, str]]] = {}
        self.index: dict[str, set[int]] = {}

    def knows(self, inputs: Inputs, blocks: Mapping[str, str], depends: Mapping[str, str]) -> bool:
        if self.synced is not inputs:
            self.sync(inputs)
        known = self.records.get(id(depends))
        return known is not None and known[0] is blocks and known[1] is depends

    def remember(
        self, inputs: Inputs, blocks: Mapping[str, str], depends: Mapping[str, str]
    ) -> None:
        basis = self.basis
        assert basis is not None and self.synced is inputs
        names = [*(f"block:{b}" for b in blocks), *depends]
        for name in names:
            if name.startswith(FILE_KINDS) and name not in basis.files:
                basis.files[name] = inputs.digest(name)
            self.index.setdefault(name, set()).add(id(depends))
        self.records[id(depends)] = (blocks, depends)

    def forget(self) -> None:
        self.basis, self.records, self.index = None, {}, {}

    def sync(self, inputs: Inputs) -> None:
        """Bring the answers to ``inputs``' values: forget what any changed input names."""
        new = basis_of(inputs)
        old = self.basis
        self.synced = inputs
        if old is None or (old.content, old.templates, old.approvals) != (
            new.content,
            new.templates,
            new.approvals,
        ):
            self.forget()
            self.basis = new
            return
        changed: set[str] = set()
        for prefix, now in new.items.items():
            before = old.items[prefix]
            moved = {k for k in before.keys() | now.keys() if before.get(k) != now.get(k)}
            changed.update(prefix + k for k in moved)
            if moved:
                changed.add("all:" + prefix.rstrip(":") + "s")
        if old.assets != new.assets:
            changed.add("all:assets")
        for name, digest in old.files.items():
            now_digest = inputs.digest(name)
            new.files[name] = now_digest
            if now_digest != digest:
                changed.add(name)
        hashes = old.approval_hashes, new.approval_hashes
        changed.update(k for k in hashes[0].keys() | hashes[1].keys()
                       if hashes[0].get(k) != hashes[1].get(k))  # fmt: skip
        for name in changed:
            for gone in self.index.pop(name, ()):
                self.drop(gone)
        self.basis = new

    def drop(self, key: int) -> None:
        """Forget one record, and its id under every other input it names, so the index
        holds only records still known however long the preview runs."""
        record = self.records.pop(key, None)
        if record is None:
            return
        blocks, depends = record
        for name in (*(f"block:{b}" for b in blocks), *depends):
            ids = self.index.get(name)
            if ids is not None:
                ids.discard(key)
                if not ids:
                    del self.index[name]


def basis_of(inputs: Inputs) -> Basis:
    project = inputs.project
    approvals = project.approvals
    book = approvals.book if approvals is not None else None
    return Basis(
        inputs.content,
        inputs.templates,
        {
            "block:": {k: b.digest for k, b in project.blocks.items()},
            "post:": {k: p.digest for k, p in project.posts.items()},
            "campaign:": {k: c.digest for k, c in project.campaigns.items()},
        },
        inputs.collection("assets"),
        {},
        None
        if approvals is None
        else (approvals.required, book.entries if book is not None else None),
        dict(approvals.hashes) if approvals is not None else {},
    )


UNCHANGED = UnchangedRecords()


@dataclass
class Outcome:
    """One rendered output and what it was made from."""

    data: bytes | None  # None: a previous file proved by its status, not read
    sha256: str
    blocks: dict[str, str]  # the blocks the output shows, in order: id -> hash
    depends: dict[str, str]  # every other input: name -> hash (or EXISTS / MISSING)
    problems: list[Problem] = field(default_factory=list)
    cleaning: dict[Path, Cleaning] = field(default_factory=dict)
    notices: list[Problem] = field(default_factory=list)  # about the process, not the output
    key: str = ""  # known already when reused
    previous: tuple[str, tuple[int, int]] | None = None  # reused: the file, (device, inode)
    # rendered with ``keep_facts``: what the channel's read-back gives for ``data`` (check/seed)
    facts: Any = None
    record: Any = None  # reused: the previous build's OutputRecord it was proved by


def render_recorded(job: Job, env: RenderEnvironment, inputs: Inputs) -> Outcome:
    """Render one job with its own problem list, recording every input it touches."""
    jinja = env.jinja
    if not isinstance(jinja, RecordingEnvironment):
        raise TypeError("the render environment's Jinja must record the templates it loads")
    jinja.loaded.clear()
    original = env.project
    blocks_seen, posts_seen = Recording(original.blocks), Recording(original.posts)
    campaigns_seen, assets_seen = Recording(original.campaigns), Recording(original.assets)
    recording = replace(original, blocks=blocks_seen, posts=posts_seen,
                        campaigns=campaigns_seen, assets=assets_seen)  # fmt: skip
    seen: list[tuple[str, str, Recording[Any]]] = [
        ("blocks", "block:", blocks_seen),
        ("posts", "post:", posts_seen),
        ("campaigns", "campaign:", campaigns_seen),
        ("assets", "content:", assets_seen),
    ]
    saved = env.project, env.problems, env.cleaning
    env.project, env.problems, env.cleaning = recording, Problems(), {}
    try:
        rendered = job.channel.render(job, env)
        problems, cleaning = env.problems, env.cleaning
    finally:
        env.project, env.problems, env.cleaning = saved
    blocks = {bid: original.blocks[bid].digest for bid in rendered.blocks}
    depends: dict[str, str] = {f"post:{job.post.slug}": job.post.digest}
    if job.approval is not None:  # the state printed on it: an approval re-renders it
        depends[APPROVAL + job.post.slug] = job.approval.digest()
    if job.campaign is not None:
        depends[f"campaign:{job.campaign.name}"] = job.campaign.digest

    def note(name: str, presence_only: bool = False) -> None:
        value = inputs.digest(name)
        if value is None:
            depends[name] = MISSING
        elif not presence_only:
            depends[name] = value
        else:
            depends.setdefault(name, EXISTS)

    for name in jinja.loaded:
        note(f"templates:{name}")
    for path in rendered.files:
        note(inputs.name_of(path))
    for kind, prefix, mapping in seen:
        shown = blocks if kind == "blocks" else {}  # already listed with their hashes
        if mapping.everything:
            note(f"all:{kind}")
        for key in mapping.read:  # a value was used
            if key not in shown:
                note(prefix + key)
        for key in mapping.probed:  # only its presence was tested
            if key not in shown:
                note(prefix + key, presence_only=True)
    notices = list(env.notices)
    env.notices.items.clear()
    return Outcome(
        facts=facts_of(job, rendered) if env.keep_facts else None,
        data=rendered.data,
        sha256=hashlib.sha256(rendered.data).hexdigest(),
        blocks=blocks,
        depends=dict(sorted(depends.items())),
        problems=problems.items,
        cleaning={p: c for p, c in cleaning.items() if c.removed or c.refused_paths},
        notices=notices,
    )


APPROVAL = "approval:"
"""``approval:<post>``: the approval state an output was rendered with, and the sources holding
it back (:meth:`ApprovalState.digest`); only while approvals are on."""


def record_sources(blocks: Mapping[str, str], depends: Mapping[str, str]) -> list[str]:
    """The blocks and post an output was made from, as its manifest record names them."""
    used = [name for name, value in depends.items()
            if name.startswith(("block:", "post:")) and value not in (EXISTS, MISSING)]  # fmt: skip
    return [*(f"block:{b}" for b in blocks), *used]


def facts_of(job: Job, rendered: Rendered) -> Any:
    """The facts ``check`` would read back from these bytes: those the renderer judged its
    rules by, else the channel's own read-back of the bytes in memory (a one-pager, whose
    rules the build judges from the layout: its text needs PDFium, as in ``check``)."""
    if rendered.facts is not None:
        return rendered.facts
    read_back = job.channel.read_back
    return read_back(rendered.data) if read_back is not None else None


def output_key(
    toolchain: str, site: str, path: str, blocks: Mapping[str, str], depends: Mapping[str, str]
) -> str:
    """The hash of everything an output depends on; equal keys mean equal bytes."""
    return digest_of(toolchain, site, path, dict(blocks), dict(depends))


def toolchain_digest() -> str:
    """What besides the content and templates shapes the bytes: this package's code, the
    libraries' versions, HarfBuzz's subsetter and the installed fonts. (``SOURCE_DATE_EPOCH``
    is not: the PDF engine pins it, so it cannot change a byte.)"""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent  # omnipress/, not just omnipress/build/
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    versions = [__version__, sys.version.split()[0]]
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    versions.append(f"harfbuzz-subset {harfbuzz_subset_loadable()}")
    digest.update("\n".join(versions).encode())
    digest.update(fonts_fingerprint().encode())
    return digest.hexdigest()[:16]


def harfbuzz_subset_loadable() -> bool:
    """Whether WeasyPrint will find HarfBuzz's subsetter, found without importing WeasyPrint."""
    for name in HARFBUZZ_SUBSET:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def fonts_fingerprint() -> str:
    """Names, sizes and times of the installed font files: a font upgrade changes PDFs."""
    entries: list[str] = []
    for directory in FONT_DIRECTORIES:
        for root, _, files in os.walk(os.path.expanduser(directory)):
            for name in files:
                try:
                    stat = os.stat(os.path.join(root, name))
                except OSError:
                    continue
                entries.append(f"{root}/{name} {stat.st_size} {stat.st_mtime_ns}")
    return digest_of(sorted(entries))


def where(path: Path, root: Path) -> str:
    """A file as the manifest names it: relative to the content directory when inside it."""
    resolved = path.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(path)


def stored_problems(problems: list[Problem], root: Path) -> list[dict[str, Any]]:
    """Warnings of an output, kept in the manifest so a build that reuses it reports them."""
    return [
        {
            "message": p.message,
            "path": None if p.path is None else where(p.path, root),
            "line": p.line,
            "hint": p.hint,
        }
        for p in problems
    ]


def restore_warnings(stored: list[dict[str, Any]], root: Path, problems: Problems) -> None:
    for item in stored:
        path = item.get("path")
        problems.warning(
            str(item["message"]),
            None if path is None else root / str(path),
            item.get("line"),
            hint=str(item.get("hint", "")),
        )
