"""``python build.py check``: read the built files back and prove the channels agree.

The order matters for the report: first whether the files are the ones the build wrote
(manifest, hashes), then whether they are current (freshness), then what each file says
(channel rules) and whether the files of one post say the same thing (consistency rules).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omnipress.build.manifest import MANIFEST_NAME, Manifest
from omnipress.build.prose import source_findings
from omnipress.check.checkmodel import CheckContext, CheckFinding, CheckReport
from omnipress.content.model import Project
from omnipress.errors import Finding, Problems, UsageError

if TYPE_CHECKING:
    from omnipress.check.checkcache import CheckCache

__all__ = ["CheckFinding", "CheckReport", "run_check"]


def read_manifest_or_explain(output: Path) -> Manifest:
    """The manifest of the last build, or a usage error that says to build first."""
    if not output.is_dir():
        raise UsageError(
            f"there is no output directory at {output}",
            "run `python build.py` first (or pass --output DIR where the build wrote to)",
        )
    path = output / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise UsageError(
            f"{path} is missing, so there is nothing to check against",
            "run `python build.py` first: the build writes the manifest",
        ) from None
    try:
        return Manifest.from_json(text)
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"{path} cannot be read ({exc})",
            "rebuild with `python build.py`; the manifest is written by the build only",
        ) from None


def run_check(
    output: Path,
    content: Path,
    templates: Path,
    *,
    jobs: int = 1,
    use_cache: bool = True,
    project: Project | None = None,
    release: bool = False,
    cache: CheckCache | None = None,
    known: Mapping[str, Any] | None = None,
    save: bool = True,
    facts_memo: dict[tuple[str, str], Any] | None = None,
) -> CheckReport:
    """Check ``output`` against ``content`` and ``templates``; never raises for findings.

    ``jobs`` worker processes check the posts whose verdict is not cached; ``use_cache=False``
    reads every file back (and leaves a fresh cache); ``project`` is an already loaded
    content/ (the preview keeps one); ``release``: a draft is an error (``--release``), not
    only a count in the summary. A long-lived caller (the preview) keeps its ``cache`` in
    memory rather than reading the file each time, and hands over as ``known`` the facts of
    the outputs its build has just rendered (as the build's seeding does, check/seed.py):
    each is used instead of reading the file back while the file is still the one written;
    it writes the cache itself when it is idle (``save=False``: ``cache.save``), and may keep
    what files read back as (``facts_memo``, see ``CheckContext.facts_memo``).
    Raises UsageError when there is no build to check,
    ContentError when content/ itself cannot be loaded (the build would refuse it too).
    """
    from omnipress.build.builder import load_and_validate
    from omnipress.check.checkcache import CheckCache, cache_path, checker_digest
    from omnipress.check.checkposts import check_posts
    from omnipress.check.freshness import check_files, check_stale
    from omnipress.check.release import check_release, find_drafts
    from omnipress.check.replay import fingerprint, replayed, stored

    started = time.perf_counter()
    where = cache_path(output)
    checker = checker_digest()
    # a whole check from the command line of a tree untouched since the last: its report
    # (``--no-cache`` reads everything, and leaves the report for the next check)
    whole = project is None and known is None
    roots = {"content": content, "templates": templates, "output": output}
    before = fingerprint(roots, checker, f"release={release}") if whole else None
    if cache is None or cache.checker != checker or not use_cache:
        cache = CheckCache.load(where, checker) if use_cache else CheckCache(checker)
    if use_cache and (last := replayed(cache.report, before, started)) is not None:
        return last
    manifest = read_manifest_or_explain(output)
    if project is None:
        project = load_and_validate(content, Problems())
    ctx = CheckContext(output, manifest, project, templates, cache=cache, facts_memo=facts_memo)
    files = check_files(ctx)
    written = {r.path: r.sha256 for r in ctx.manifest.outputs}
    ctx.known = {
        path: facts
        for path, facts in (known or {}).items()
        if path in written and ctx.file_shas.get(path) == written[path]
    }
    check_stale(ctx)
    posts, read = check_posts(ctx, cache, jobs)
    ctx.findings.extend(prose_findings(project))  # never cached: cheap, and styles change
    cache.files = {p: entry for p, entry in cache.files.items() if p in ctx.file_shas}
    drafts = find_drafts(ctx)
    if release:
        check_release(ctx, drafts)
    report = CheckReport(ctx.findings, files, posts, time.perf_counter() - started, read)
    if drafts is not None:
        report.drafts = len(drafts.outputs)
    # kept only if nothing changed while this check ran: the report is then that tree's
    after = fingerprint(roots, checker, f"release={release}") if before else None
    cache.report = stored(report, before) if before and after == before else None
    if save:
        cache.save(where)
    return report


def prose_findings(project: Project) -> list[CheckFinding]:
    """The house style's and the claims rule's findings in the sources, with the file (as
    ``content/posts/x.md``), line and column an editor opens, the matched words as ``found``
    and the replacement as ``expected``."""
    root = project.root
    found = []
    for f in source_findings(project):
        finding = Finding(f.rule, f.message, f.hint, f.severity, f.replacement, f.matched)
        source = f"{root.name}/{f.path.relative_to(root).as_posix()}"
        found.append(
            CheckFinding.at(finding, f.post, None, None).with_source(source, f.line, f.column)
        )
    return found
