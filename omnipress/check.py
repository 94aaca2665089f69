"""``python build.py check``: read the built files back and prove the channels agree.

The order matters for the report: first whether the files are the ones the build wrote
(manifest, hashes), then whether they are current (freshness), then what each file says
(channel rules) and whether the files of one post say the same thing (consistency rules).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from omnipress.checkmodel import ERROR, CheckContext, CheckFinding, CheckReport
from omnipress.errors import ContentError, Problems, UsageError
from omnipress.manifest import MANIFEST_NAME, Manifest
from omnipress.model import Project

__all__ = ["CheckFinding", "CheckReport", "add_arguments", "run", "run_check"]

EXIT_OK, EXIT_FAILURE = 0, 1


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
    output: Path, content: Path, templates: Path, *, project: Project | None = None
) -> CheckReport:
    """Check ``output`` against ``content`` and ``templates``; never raises for findings.

    ``project``: ``content`` already loaded and validated (the preview keeps it between saves).

    Raises UsageError when there is no build to check, ContentError when content/ itself
    cannot be loaded (the build would refuse it too).
    """
    from omnipress.builder import load_and_validate
    from omnipress.consistency import check_posts
    from omnipress.freshness import check_files, check_stale

    started = time.perf_counter()
    manifest = read_manifest_or_explain(output)
    if project is None:
        project = load_and_validate(content, Problems())
    ctx = CheckContext(output, manifest, project, templates)
    files = check_files(ctx)
    check_stale(ctx)
    posts = check_posts(ctx)
    return CheckReport(ctx.findings, files, posts, time.perf_counter() - started)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from omnipress.cli import add_paths

    add_paths(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for CI",
    )
    parser.add_argument(
        "--strict", action="store_true", help="count warnings as errors (exit 1 on any finding)"
    )


def run(args: argparse.Namespace, console: Console) -> int:
    try:
        report = run_check(args.output, args.content, args.templates)
    except ContentError as exc:
        from omnipress.cli import print_problems

        problems = Problems(list(exc.problems))
        print_problems(console, problems.items, Path.cwd())
        console.print(
            f"[red]Check stopped:[/red] content/ has {len(problems.errors)} error(s); fix them "
            "and rebuild before checking the outputs.",
            highlight=False,
        )
        return EXIT_FAILURE
    if args.strict:
        report = report.strict()
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        print_report(report, Console(highlight=False, soft_wrap=True), args.output)
    return EXIT_OK if report.ok else EXIT_FAILURE


def print_report(report: CheckReport, console: Console, output: Path) -> None:
    """Findings grouped by post, then channel; each with its rule, file, expected vs found
    and how to fix it; then a one-line verdict."""
    for post, findings in report.by_post().items():
        console.print(f"\n[bold]{escape(post) if post else 'Site-wide'}[/bold]")
        channel: str | None = ""
        for finding in findings:
            if finding.channel != channel:
                channel = finding.channel
                console.print(f"  [bold cyan]{channel or 'all channels'}[/bold cyan]")
            style = "red" if finding.severity == ERROR else "yellow"
            where = f" {escape(finding.file)}:" if finding.file else ""
            console.print(
                f"    [{style}]{finding.severity}[/{style}] [bold]{finding.rule}[/bold]{where} "
                f"{escape(finding.message)}"
            )
            if finding.expected or finding.found:
                console.print(f"        expected: {escape(finding.expected)}")
                console.print(f"        found:    {escape(finding.found)}")
            if finding.hint:
                console.print(f"        fix:      {escape(finding.hint)}")
    verdict = (
        "[green]OK[/green]"
        if report.ok and not report.warnings
        else ("[yellow]OK with warnings[/yellow]" if report.ok else "[red]FAILED[/red]")
    )
    if report.findings:
        console.print()
    console.print(
        f"{verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s) in "
        f"{report.files_checked} files of {report.posts_checked} posts ({output}/, "
        f"{report.seconds:.1f} s)"
    )
