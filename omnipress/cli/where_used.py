"""``python build.py where-used BLOCK_ID``: its options and its answer, printed or as JSON.

The answer itself is :func:`omnipress.check.whereused.where_used`.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.markup import escape

from omnipress.check.whereused import Use, WhereUsed, where_used
from omnipress.cli.options import EXIT_OK, add_paths


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("block_id", metavar="BLOCK_ID", help="the block's id (its file stem)")
    add_paths(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for scripts",
    )


def run(args: argparse.Namespace, console: Console) -> int:
    result = where_used(args.block_id, args.output, args.content)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        print_where_used(result, Console(highlight=False, soft_wrap=True))
    return EXIT_OK


def print_where_used(result: WhereUsed, console: Console) -> None:
    out = console.print
    kind = f"{result.block_type} block" if result.block_type else "block"
    out(f"[bold]{escape(result.block_id)}[/bold] ({kind}, {escape(result.path or '?')})")
    out(f"current hash: {result.current_hash or 'unknown'}")
    if result.approval is not None:
        style = "green" if result.approval == "approved" else "red"
        out(f"approval: [{style}]{escape(result.approval)}[/{style}] "
            "(`python build.py approvals` shows who and what changed)")  # fmt: skip
    if result.note:
        out(f"[yellow]note:[/yellow] {escape(result.note)}")
    if not result.uses:
        out("No output of the last build uses it.")
    else:
        out(
            f"Used by {len(result.posts)} post(s), {len(result.campaigns)} campaign(s), "
            f"{len(result.uses)} output file(s):"
        )
    width = max((len(use.file) for use in result.uses), default=0)
    for post in result.posts:
        out(f"  post [bold]{escape(post)}[/bold]")
        for use in (u for u in result.uses if u.post == post):
            how = _how(use)
            style = "green" if use.status == "up to date" else "red"
            stale = f" (built from {use.built_hash})" if use.status == "stale" else ""
            out(
                f"    {escape(use.file):<{width}}  {how:<24} [{style}]{use.status}[/{style}]{stale}"
            )
    if result.campaigns:
        out("  campaigns: " + escape(", ".join(result.campaigns)))
    for post in result.unbuilt_posts:
        out(
            f"  post [bold]{escape(post)}[/bold] uses it in content/ but was built before it "
            "did: run `python build.py`"
        )
    if result.uses and not result.up_to_date:
        out("Some uses are not up to date: run `python build.py`.")


def _how(use: Use) -> str:
    if not use.whole:
        return "some fields (byline)"
    return "through " + ", ".join(use.via) if use.via else "directly"
