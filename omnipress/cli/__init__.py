"""The command line: ``python build.py [build|check|where-used|approve|approvals|serve|new] …``.

Exit codes (DESIGN.md): 0 success, 1 content or check failure with a clear report, 2 usage
error. A user's mistake never prints a traceback; ``--debug`` shows one for developers.
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from omnipress.cli import approvals, approve, build, check, new, serve, where_used
from omnipress.cli.options import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, print_problems
from omnipress.errors import ContentError, Problems, UsageError, printable

SYSTEM_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "your disk quota is used up",
    errno.EFBIG: "the file is larger than this system lets a program write",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted",
    errno.EIO: "the disk reported an input/output error",
    errno.EMFILE: "too many files are open",
    errno.ENAMETOOLONG: "a file name is too long for this file system",
}
"""Failures of the machine, not of omnipress or the content: said plainly, without a traceback."""
SYSTEM_FAILURE_HINT = "fix that, then run the command again"
SYSTEM_FAILURE_HINTS = {
    errno.ENOSPC: "free some space on that disk (`df -h` shows how much is left), then run "
    "the command again",
    errno.EDQUOT: "free some space, then run the command again",
    errno.EACCES: "check who owns that folder (`ls -ld`), or build into a folder you may "
    "write with --output DIR",
}

DESCRIPTION = """\
Publish every post in content/ to three channels at once: a blog page (HTML),
a one-page PDF for sales, and a LinkedIn post (plain text), all from the same
blocks, so a figure or a call to action reads the same everywhere.

Run with no command to build everything into output/."""

EPILOG = """\
examples:
  python build.py                          build everything into output/
  python build.py build --only cro-or-cdmo build one post (or one campaign)
"""


@dataclass(frozen=True)
class Command:
    """One sub-command: its help line, its options and what it runs. Each command module
    provides ``add_arguments(parser)`` and ``run(args, console) -> exit code``."""

    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Console], int]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python build.py",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, command in COMMANDS.items():
        sub = subparsers.add_parser(name, help=command.help, description=command.description)
        command.add_arguments(sub)
    return parser


COMMANDS: dict[str, Command] = {
    "build": Command(
        help="build the blog pages, PDFs and LinkedIn texts (the default)",
        description="Build every post into every channel. Nothing in output/ changes unless "
        "the whole build succeeds.",
        add_arguments=build.add_arguments,
        run=build.run,
    ),
    "check": Command(
        help="read the built files back and prove the channels agree",
        description="Read output/ back (blog HTML, PDF text, links and metadata, LinkedIn "
        "text) and verify every channel rule and consistency rule, and that each file is "
        "unchanged and built from the current content. Exit 1 on any error.",
        add_arguments=check.add_arguments,
        run=check.run,
    ),
    "where-used": Command(
        help="list every post, campaign and output file that uses a block",
        description="Every post, campaign and output file that uses BLOCK_ID (directly or "
        "through another block), from the manifest, with the block's current hash and "
        "whether each use is up to date. An unknown id exits 2.",
        add_arguments=where_used.add_arguments,
        run=where_used.run,
    ),
    "approve": Command(
        help="record that a reviewer approved blocks or posts as they read now",
        description="Append to content/approvals.yaml, for each block or post named, the "
        "sha256 of its current text, who approved it, in which role, and when. Change the "
        "text afterwards and the approval no longer counts.",
        add_arguments=approve.add_arguments,
        run=approve.run,
    ),
    "approvals": Command(
        help="list every block and post with its approval state, and what changed since",
        description="Every block and post (or the IDs given) with, for each role site.yaml "
        "requires: approved (by whom, when), changed since approval (with a diff of exactly "
        "what changed since the approved text) or never approved.",
        add_arguments=approvals.add_arguments,
        run=approvals.run,
    ),
    "serve": Command(
        help="preview every channel in the browser; rebuilds when you save",
        description="Build, then serve a preview at http://127.0.0.1:8000/ that shows each "
        "post's blog page, PDF one-pager and LinkedIn post side by side, and reloads itself "
        "when a file in content/ or templates/ changes.",
        add_arguments=serve.add_arguments,
        run=serve.run,
    ),
    "new": Command(
        help="start a new post, block or campaign from a commented template",
        description="Write content/posts/SLUG.md, content/blocks/ID.md (with --type) or "
        "content/campaigns/NAME.yaml with every field explained, today's date and the site's "
        "defaults. Never overwrites a file.",
        add_arguments=new.add_arguments,
        run=new.run,
    ),
}


def kept(args: argparse.Namespace) -> str:
    """What a failed command says about the output folder it did not touch."""
    output = getattr(args, "output", None) or Path("output")
    if not output.exists():
        return "Nothing was written."
    return f"{output.as_posix().rstrip('/')}/ was left as it was."


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = make_parser()
    if not argv or (argv[0].startswith("-") and argv[0] not in {"-h", "--help"}):
        argv = ["build", *argv]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and EXIT_USAGE
    if args.command is None:
        args = parser.parse_args(["build"])
    console = Console(stderr=True)
    try:
        return COMMANDS[args.command].run(args, console)
    except ContentError as exc:
        if getattr(args, "debug", False):
            traceback.print_exc()
        problems = Problems(list(exc.problems))
        print_problems(console, problems.items, Path.cwd())
        console.print(
            f"[red]Build failed:[/red] {len(problems.errors)} error(s), "
            f"{len(problems.warnings)} warning(s). {kept(args)}",
            highlight=False,
            soft_wrap=True,
        )
        return EXIT_FAILURE
    except UsageError as exc:
        if getattr(args, "format", None) == "json":  # a script reading stdout gets JSON too
            error = {"ok": False, "error": exc.message, "hint": exc.hint}
            sys.stdout.write(json.dumps(error, ensure_ascii=False) + "\n")
        console.print(f"[red]error:[/red] {escape(exc.message)}", highlight=False, soft_wrap=True)
        if exc.hint:
            console.print(f"    hint: {escape(exc.hint)}", highlight=False, soft_wrap=True)
        return EXIT_USAGE
    except OSError as exc:
        if exc.errno not in SYSTEM_FAILURES:
            raise_or_report_bug(exc, args, console)
            return EXIT_FAILURE
        if getattr(args, "debug", False):
            traceback.print_exc()
        where = f": {printable(str(exc.filename))}" if exc.filename else ""
        console.print(
            f"[red]error:[/red] {escape(SYSTEM_FAILURES[exc.errno])} "
            f"({escape(exc.strerror or str(exc))}){escape(where)}\n"
            f"    hint: {escape(SYSTEM_FAILURE_HINTS.get(exc.errno, SYSTEM_FAILURE_HINT))}; "
            f"{escape(kept(args))}",
            highlight=False,
            soft_wrap=True,
        )
        return EXIT_FAILURE
    except KeyboardInterrupt:
        console.print(f"Interrupted; {kept(args)}", markup=False)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug, not a content problem: say so plainly
        raise_or_report_bug(exc, args, console)
        return EXIT_FAILURE


def raise_or_report_bug(exc: Exception, args: argparse.Namespace, console: Console) -> None:
    if getattr(args, "debug", False):
        raise exc
    console.print(
        f"[red]internal error:[/red] {escape(type(exc).__name__)}: "
        f"{escape(printable(str(exc)))}\n"
        f"    This is a bug in omnipress, not in your content; {escape(kept(args))}\n"
        "    Run again with --debug for the details and report them.",
        highlight=False,
        soft_wrap=True,
    )
