"""The loaded project of a long-lived process (the preview), kept current file by file.

A save changes one file; loading the whole of ``content/`` again for it costs a third of a
second at 300 posts and grows with the library. So the preview keeps the last project that
loaded cleanly and, on a save, reads only the posts, blocks and campaigns that changed, with
the same per-file loaders a full load uses, then checks every reference across the whole
project again (cheap). Anything else (``site.yaml``, an image, a folder, a file that is not
a post, block or campaign) is loaded in full. So is every save that does not load cleanly:
its problems are then exactly those ``python build.py`` reports, and the next save starts
again from the last good project with every file changed since.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omnipress.build.prose import report_prose
from omnipress.content import loader
from omnipress.content.approvals import APPROVALS_FILE, Approvals
from omnipress.content.loader import load_approvals
from omnipress.content.model import Project
from omnipress.content.resolve import check_references
from omnipress.errors import ContentError, Problem, Problems


@dataclass(frozen=True)
class Kind:
    """One kind of content file that can be re-read on its own."""

    folder: str
    suffixes: tuple[str, ...]
    attribute: str  # the Project field that holds them
    key: str  # the field of each that names it (a block's id may differ from its file name)
    load: Callable[[Path, Problems], Any]

    def name_of(self, item: Any) -> str:
        return str(getattr(item, self.key))


# the order of a full load (loader.load_project): blocks, posts, campaigns
# (looked up in loader when called, so a test can spy on them)
KINDS = (
    Kind("blocks", (".md",), "blocks", "id", lambda path, ps: loader.load_block(path, ps)),
    Kind("posts", (".md",), "posts", "slug", lambda path, ps: loader.load_post(path, ps)),
    Kind("campaigns", (".yaml", ".yml"), "campaigns", "name",
         lambda path, ps: loader.load_campaign(path, ps)),
)  # fmt: skip


def kind_of(path: Path, content: Path) -> Kind | None:
    """The kind of a post, block or campaign file; None for anything else in content/."""
    for kind in KINDS:
        if path.parent == content / kind.folder and path.suffix in kind.suffixes:
            return kind
    return None


def ignored(path: Path) -> bool:
    """Names a full load never reads (loader's folders skip them): editors' backup and swap
    files, so saving with such an editor re-reads only the file saved."""
    return path.name.startswith(".") or path.name.endswith("~")


def as_seen(path: Path | str) -> Path:
    """An absolute path whose folder is resolved and whose name is kept, like the loader's
    (a link is a change to the link, never to what it points at)."""
    absolute = Path(os.path.abspath(path))
    return absolute.parent.resolve() / absolute.name


@dataclass(frozen=True)
class Loaded:
    """A project that loaded cleanly, the warnings its load gave, and what this update read."""

    project: Project
    warnings: tuple[Problem, ...]
    reread: tuple[Path, ...]  # the content files this update read; every one on a full load
    full: bool
    file_warnings: dict[Path, tuple[Problem, ...]] = field(default_factory=dict, repr=False)
    other_warnings: tuple[Problem, ...] = ()  # site.yaml, images, strays in the folders


def full_load(content: Path) -> Loaded:
    """``load_and_validate``, with its warnings kept per file so one file can replace its own."""
    problems = Problems()
    project = loader.load_project(content, problems)
    references = Problems()
    if project is not None:
        check_references(project, references)
        report_prose(project, references)
    if project is None or problems.errors or references.errors:
        raise ContentError(problems.items + references.items)
    paths = {
        item.path: kind for kind in KINDS for item in getattr(project, kind.attribute).values()
    }
    file_warnings: dict[Path, tuple[Problem, ...]] = {}
    other: list[Problem] = []
    for problem in problems.items:
        if problem.path is not None and problem.path in paths:
            file_warnings[problem.path] = (*file_warnings.get(problem.path, ()), problem)
        else:
            other.append(problem)
    return Loaded(
        project,
        tuple(problems.items + references.items),
        tuple(sorted(paths)),
        True,
        file_warnings,
        tuple(other),
    )


class NeedsFullLoad(Exception):
    """This change cannot be applied file by file: load everything (and report as a build)."""


def updated(last: Loaded, changed: Iterable[Path]) -> Loaded:
    """``last`` with each changed post, block and campaign file read again, added or dropped.

    Raises NeedsFullLoad for any other change, and for any problem that is an error: a full
    load then reports it exactly as the build does."""
    project = last.project
    content = project.root
    items = {
        kind.attribute: {item.path: item for item in getattr(project, kind.attribute).values()}
        for kind in KINDS
    }
    file_warnings = dict(last.file_warnings)
    reread: list[Path] = []
    for path in sorted({as_seen(p) for p in changed}):
        if ignored(path):
            continue
        kind = kind_of(path, content)
        if kind is None or path.is_symlink():
            raise NeedsFullLoad(path)
        files = items[kind.attribute]
        file_warnings.pop(path, None)
        if not path.is_file():  # deleted, renamed away, or not a file: as a full load skips it
            files.pop(path, None)
            continue
        problems = Problems()
        item = kind.load(path, problems)
        reread.append(path)
        if item is None or problems.errors:
            raise NeedsFullLoad(path)
        files[path] = item
        if problems.items:
            file_warnings[path] = tuple(problems.items)
    replaced: dict[str, Any] = {}
    for kind in KINDS:
        by_name: dict[str, Any] = {}
        for path, item in sorted(items[kind.attribute].items()):  # a full load's order
            name = kind.name_of(item)
            if name in by_name:  # two files, one name: the full load says which
                raise NeedsFullLoad(path)
            by_name[name] = item
        replaced[kind.attribute] = by_name
    project = dataclasses.replace(project, unreadable=frozenset(), **replaced)
    project = dataclasses.replace(project, approvals=approvals_now(project))
    references = Problems()
    check_references(project, references)
    report_prose(project, references)  # all of it: a block's edit is every user's words
    if references.errors:
        raise NeedsFullLoad(content)
    in_order = [w for path in sorted(file_warnings) for w in file_warnings[path]]
    warnings = (*last.other_warnings, *in_order, *references.items)
    return Loaded(project, warnings, tuple(reread), False, file_warnings, last.other_warnings)


def approvals_now(project: Project) -> Approvals:
    """The approvals read again against the files as they are now: a saved block has another
    hash (approved or not any more), and the log is checked against the ids that exist. Its
    warnings were said by the full load; an error takes one to say it."""
    problems = Problems()
    approvals = load_approvals(project.root, project.site, project.blocks, project.posts, set(),
                               problems)  # fmt: skip
    if problems.errors:
        raise NeedsFullLoad(project.root / APPROVALS_FILE)
    return approvals


class LiveProject:
    """The last project that loaded cleanly, brought up to date with each batch of saves."""

    def __init__(self, content: Path):
        self.content = content
        self.last: Loaded | None = None
        self._pending: set[Path] = set()  # changed since ``last``, by saves that failed too

    def update(self, changed: Iterable[Path] | None = None) -> Loaded:
        """The project now; ``changed=None`` loads everything. Raises ContentError as a build
        would; the files of a failed update are read again on the next one."""
        if changed is None or self.last is None:
            self.last = None
            loaded = full_load(self.content)
        else:
            self._pending.update(changed)
            if not self._pending:  # a template was saved: no content changed
                return dataclasses.replace(self.last, reread=(), full=False)
            try:
                loaded = updated(self.last, self._pending)
            except NeedsFullLoad:
                loaded = full_load(self.content)
        self.last = loaded
        self._pending.clear()
        return loaded
