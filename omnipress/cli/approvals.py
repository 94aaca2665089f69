"""``python build.py approvals [ID…]``: every block and post with its review state, and for
one changed since approval, exactly what changed. The states are
:mod:`omnipress.content.approval_status`'s."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from omnipress.build.builder import load_and_validate
from omnipress.cli.options import EXIT_OK
from omnipress.content.approval_log import resolve_source
from omnipress.content.approval_status import (
    APPROVED,
    CHANGED,
    WORDS,
    SourceStatus,
    all_statuses,
    approved_by,
)
from omnipress.errors import Problems

STYLES = {APPROVED: "green", CHANGED: "red"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "ids",
        nargs="*",
        metavar="ID",
        help="only these blocks or posts (block:ID or post:SLUG when both)",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="where the posts, blocks and campaigns are (default: content)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for scripts",
    )
    parser.add_argument("--debug", action="store_true",
                        help="show Python tracebacks (for developers)")  # fmt: skip


def run(args: argparse.Namespace, console: Console) -> int:
    project = load_and_validate(args.content, Problems())
    approvals = project.approvals
    wanted = [resolve_source(project, given) for given in args.ids] if args.ids else None
    statuses = all_statuses(project, wanted)
    on = approvals is not None and approvals.on
    if args.format == "json":
        data = {"approvals": on, "required": list(approvals.required) if approvals else [],
                "sources": [s.to_dict() for s in statuses]}  # fmt: skip
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    out = Console(highlight=False, soft_wrap=True)
    if not on:
        out.print("Approvals are off: site.yaml has no approvals.required, so no output is "
                  "held to one (see README: Review and approval).")  # fmt: skip
        return EXIT_OK
    for status in statuses:
        print_status(status, out)
    held = [s for s in statuses if s.state != APPROVED]
    roles = ", ".join(approvals.required) if approvals else ""
    out.print(f"\n{len(statuses) - len(held)} of {len(statuses)} source(s) approved by {roles} "
              "as they read now.")  # fmt: skip
    return EXIT_OK


def print_status(status: SourceStatus, out: Console) -> None:
    style = STYLES.get(status.state, "yellow")
    out.print(f"[bold]{escape(status.source)}[/bold]  [{style}]{escape(status.summary)}"
              f"[/{style}]  ({escape(status.path)})")  # fmt: skip
    width = max(len(r.role) for r in status.roles)
    for role in status.roles:
        who = f" by {escape(approved_by(role.approval))}" if role.approval else ""
        out.print(f"    {role.role:<{width}}  {WORDS[role.state]}{who}")
        if role.state == CHANGED and not role.text_on_file:
            out.print(
                "        the approved text is not on file (approved by hand?): compare "
                "with the file's history for what changed since it was approved"
            )
        for line in role.diff:
            colour = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
            shown = escape(line)
            out.print(f"        [{colour}]{shown}[/{colour}]" if colour else f"        {shown}")
