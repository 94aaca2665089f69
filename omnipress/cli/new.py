"""``python build.py new post|block|campaign NAME``: its options, and writing the file once.

What the file says is :func:`omnipress.content.scaffold.plan`.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from omnipress.cli.options import EXIT_FAILURE, EXIT_OK, print_problems
from omnipress.content.scaffold import KINDS, plan
from omnipress.content.schema import BLOCK_TYPES
from omnipress.errors import ContentError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=KINDS, help="what to create: post, block or campaign")
    parser.add_argument(
        "name",
        metavar="NAME",
        help="the post's slug, the block's id or the campaign's name "
        "(lowercase letters, digits and dashes)",
    )
    parser.add_argument(
        "--type",
        dest="block_type",
        metavar="TYPE",
        help="the block type, for `new block`: " + ", ".join(BLOCK_TYPES),
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="where the posts, blocks and campaigns are (default: content)",
    )


def run(args: argparse.Namespace, console: Any) -> int:
    from rich.markup import escape

    try:
        scaffold = plan(args.kind, args.name, args.block_type, args.content, date.today())
    except ContentError as exc:
        print_problems(console, exc.problems, Path.cwd())
        console.print(
            f"Nothing was written: `new {args.kind}` needs the site's defaults from "
            "site.yaml; fix the problem above first.",
            highlight=False,
            markup=False,
        )
        return EXIT_FAILURE
    try:
        scaffold.path.parent.mkdir(parents=True, exist_ok=True)
        with scaffold.path.open("x", encoding="utf-8") as handle:
            handle.write(scaffold.text)
    except FileExistsError:
        console.print(
            f"[red]error:[/red] {escape(str(scaffold.path))} already exists; it was left as it was",
            highlight=False,
            soft_wrap=True,
        )
        console.print(
            "    hint: choose another name, or delete that file first",
            highlight=False,
            markup=False,
        )
        return EXIT_FAILURE
    console.print(f"Created {escape(str(scaffold.path))}", highlight=False, soft_wrap=True)
    console.print(f"    next: {scaffold.next_step}", highlight=False, markup=False, soft_wrap=True)
    return EXIT_OK
