"""``python build.py [build]``: the options of a build and its one-line summary."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from omnipress.cli.options import EXIT_INTERRUPTED, EXIT_OK, add_paths, print_problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_paths(parser)
    parser.add_argument(
        "--only",
        metavar="NAME",
        help="build only this post (its slug) or this campaign (its file name: its variants "
        "and the blog pages they link to); the rest of output/ is kept as it was",
    )
    parser.add_argument("--jobs", type=positive_int, default=None, metavar="N",
                        help="render in N worker processes at once (default: one per "
                        f"processor core, here {default_jobs()})")  # fmt: skip


def default_jobs() -> int:
    from omnipress.build.workers import default_jobs

    return default_jobs()


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def run(args: argparse.Namespace, console: Console) -> int:
    from omnipress.build.builder import BuildOptions, build
    from omnipress.build.progress import BuildProgress, summary
    from omnipress.check.seed import seed_verdicts

    options = BuildOptions(
        content=args.content,
        templates=args.templates,
        output=args.output,
        only=args.only,
        jobs=args.jobs or default_jobs(),
        keep_facts=True,
    )
    with BuildProgress(console) as progress:
        report = build(options, progress)
    try:
        seed_verdicts(args.output, args.templates, report, options.jobs)
        interrupted = False
    except KeyboardInterrupt:  # output/ is complete: only check's head start is lost
        interrupted = True
    print_problems(console, report.warnings.warnings, Path.cwd())
    console.print(
        f"{summary(len(report.built), len(report.reused), report.seconds)} → {args.output}/",
        highlight=False,
        soft_wrap=True,
        markup=False,
    )
    if interrupted:
        console.print(
            f"Interrupted after the build: {args.output}/ is complete, but its verdicts were "
            "not kept for `check`, which will read every file back",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
        return EXIT_INTERRUPTED
    return EXIT_OK
