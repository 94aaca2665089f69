"""``python build.py approve ID… --by NAME --role ROLE [--note TEXT]``: record approvals.

Every id is checked before anything is written; the log is appended to and replaced whole
(see :mod:`omnipress.content.approval_log`), and each approved text is kept for later diffs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from omnipress.build.builder import load_and_validate
from omnipress.cli.options import EXIT_OK
from omnipress.content.approval_log import (
    appended,
    log_path,
    now,
    resolve_source,
    source_path,
    store_approved_text,
    write_atomically,
)
from omnipress.content.approvals import Approval, read_book, source_sha256
from omnipress.errors import ContentError, Problems, UsageError, printable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="+", metavar="ID",
                        help="a block id or a post slug (block:ID or post:SLUG when it is "
                        "both)")  # fmt: skip
    parser.add_argument("--by", required=True, metavar="NAME", help="who approves")
    parser.add_argument(
        "--role",
        required=True,
        metavar="ROLE",
        help="the role they approve in (one of site.yaml approvals.required)",
    )
    parser.add_argument("--note", default="", metavar="TEXT", help="optional remark")
    parser.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        metavar="DIR",
        help="where the posts, blocks and campaigns are (default: content)",
    )
    parser.add_argument("--debug", action="store_true",
                        help="show Python tracebacks (for developers)")  # fmt: skip


def run(args: argparse.Namespace, console: Console) -> int:
    by, note = args.by.strip(), args.note.strip()
    if not by or printable(by) != by or printable(note) != note:
        raise UsageError("--by must be a name, and --by and --note one line of text",
                         'e.g. --by "Dr Jane Roe"')  # fmt: skip
    project = load_and_validate(args.content, Problems())  # a broken log is refused here
    approvals = project.approvals
    assert approvals is not None
    if not approvals.on:
        raise UsageError(
            "approvals are off: site.yaml names no roles that must approve",
            "add approvals: {required: [medical, legal]} to site.yaml",
        )
    if args.role not in approvals.required:
        raise UsageError(
            f"role {args.role!r} is not one the site requires",
            "site.yaml approvals.required lists: " + ", ".join(approvals.required),
        )
    sources = list(dict.fromkeys(resolve_source(project, given) for given in args.ids))
    moment = now()
    new: list[Approval] = []
    texts: dict[str, str] = {}
    for source in sources:
        text = source_path(project, source).read_text(encoding="utf-8")
        sha = source_sha256(text)
        if sha != approvals.hashes[source]:
            raise UsageError(f"{source} changed while it was being approved", "run it again")
        latest = approvals.book.latest(source, args.role) if approvals.book else None
        if latest is not None and latest.sha256 == sha:
            console.print(f"{escape(source)} is already approved by {escape(args.role)} as it "
                          f"reads now ({escape(latest.by)}, {latest.at:%Y-%m-%d})",
                          highlight=False, soft_wrap=True)  # fmt: skip
            continue
        new.append(Approval(source, sha, args.role, by, moment, note, 0))
        texts[source] = text
    if not new:
        return EXIT_OK
    path = log_path(project.root)
    existing = path.read_text(encoding="utf-8") if path.is_file() else None
    text = appended(existing, new)
    before = len(approvals.book.entries) if approvals.book else 0
    check = Problems()  # the new log must read back as meant, else nothing is written
    book = read_book(text, path, approvals.hashes, (), approvals.required, check)
    if check.errors or len(book.entries) != before + len(new):
        raise ContentError(check.items)
    for approval in new:
        store_approved_text(project.root, approval.source, texts[approval.source],
                            approval.sha256)  # fmt: skip
    write_atomically(path, text)
    for approval in new:
        console.print(f"approved {escape(approval.source)} (sha256 {approval.sha256[:12]}…) "
                      f"as {escape(approval.role)} by {escape(approval.by)}",
                      highlight=False, soft_wrap=True)  # fmt: skip
    console.print("Run `python build.py` to rebuild what this approval changes.",
                  highlight=False, markup=False)  # fmt: skip
    return EXIT_OK
