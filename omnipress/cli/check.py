"""``python build.py check``: its options and its report, printed or as JSON.

The checking itself is :func:`omnipress.check.check.run_check`; this module only asks and tells.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from omnipress.check.check import run_check
from omnipress.check.checkmodel import CheckReport
from omnipress.cli.build import default_jobs, positive_int
from omnipress.cli.options import EXIT_FAILURE, EXIT_OK, add_paths, print_problems
from omnipress.errors import ContentError, Problems, Severity


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for CI",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="count warnings as errors (exit 1 on any error or warning; suggestions never fail)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file back, even those whose verdict the last check or the build "
        "remembers (the build judges its PDFs by what it drew; CI and publishing use this)",
    )
    parser.add_argument(
        "--release",
        action="store_true",
        help="fail (exit 1) when any output is a draft: not approved, or changed since",
    )
    parser.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                        help="check posts in N worker processes at once (default: one per "
                        f"processor core, here {default_jobs()})")  # fmt: skip


def run(args: argparse.Namespace, console: Console) -> int:
    try:
        report = run_check(
            args.output,
            args.content,
            args.templates,
            jobs=args.jobs or default_jobs(),
            use_cache=not args.no_cache,
            release=args.release,
        )
    except ContentError as exc:
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


STYLES = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.SUGGESTION: "cyan"}


def print_report(report: CheckReport, console: Console, output: Path) -> None:
    """Findings grouped by post, then channel; each with its rule, file, expected vs found
    and how to fix it; then a one-line verdict."""
    for post, findings in report.by_post().items():
        console.print(f"\n[bold]{escape(post) if post else 'Site-wide'}[/bold]")
        channel: str | None = ""
        for finding in findings:
            heading = finding.channel or ("sources" if finding.source else None)
            if heading != channel:
                channel = heading
                console.print(f"  [bold cyan]{channel or 'all channels'}[/bold cyan]")
            style = STYLES[finding.severity]
            where = f" {escape(finding.file)}:" if finding.file else ""
            if finding.source:  # path:line:column, which editors and terminals open
                place = [finding.source, *(str(n) for n in (finding.line, finding.column) if n)]
                where = f" {escape(':'.join(place))}:"
            console.print(
                f"    [{style}]{finding.severity}[/{style}] [bold]{finding.rule}[/bold]{where} "
                f"{escape(finding.message)}"
            )
            if finding.expected or (finding.found and not finding.source):
                console.print(f"        expected: {escape(finding.expected)}")
            if finding.expected or finding.found:
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
    if report.drafts:
        console.print(
            f"note: {report.drafts} output(s) are drafts, not approved for publication "
            "(`python build.py approvals` lists why; `check --release` fails on them)"
        )
    console.print(
        f"{verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        + (f", {len(report.suggestions)} suggestion(s)" if report.suggestions else "")
        + " in "
        f"{report.files_checked} files of {report.posts_checked} posts ({output}/, "
        f"{report.seconds:.1f} s)"
    )
