"""``python build.py check``: read the built files back and prove the channels agree.

The order matters for the report: first whether the files are the ones the build wrote
(manifest, hashes), then whether they are current (freshness), then what each file says
(channel rules) and whether the files of one post say the same thing (consistency rules).
"""

from __future__ import annotations

import time
from pathlib import Path

from omnipress.build.manifest import MANIFEST_NAME, Manifest
from omnipress.check.checkmodel import CheckContext, CheckFinding, CheckReport
from omnipress.errors import Problems, UsageError

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


def run_check(output: Path, content: Path, templates: Path) -> CheckReport:
    """Check ``output`` against ``content`` and ``templates``; never raises for findings.

    Raises UsageError when there is no build to check, ContentError when content/ itself
    cannot be loaded (the build would refuse it too).
    """
    from omnipress.build.builder import load_and_validate
    from omnipress.check.consistency import check_posts
    from omnipress.check.freshness import check_files, check_stale

    started = time.perf_counter()
    manifest = read_manifest_or_explain(output)
    project = load_and_validate(content, Problems())
    ctx = CheckContext(output, manifest, project, templates)
    files = check_files(ctx)
    check_stale(ctx)
    posts = check_posts(ctx)
    return CheckReport(ctx.findings, files, posts, time.perf_counter() - started)
