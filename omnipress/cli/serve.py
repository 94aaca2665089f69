"""``python build.py serve``: a local preview of every channel that rebuilds on save.

This module is the command (its options and its run loop) and stays cheap to import, since
the command line imports it to list its options; the server is in
:mod:`omnipress.preview.server`.
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

from omnipress.cli.options import EXIT_OK, add_paths
from omnipress.errors import UsageError


def port_number(text: str) -> int:
    """A TCP port, 0 to 65535, or argparse's own usage error (exit 2)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port: use 1024 to 65535, or 0")
    return port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from omnipress.cli.build import positive_int

    add_paths(parser)
    parser.add_argument(
        "--port",
        type=port_number,
        default=8000,
        help="port to listen on (default: 8000; 0 picks a free one)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this computer only)",
    )
    parser.add_argument(
        "--jobs",
        type=positive_int,
        default=None,
        metavar="N",
        help="render in N processes when a save changes many outputs (default: one per core)",
    )


def run(args: argparse.Namespace, console: Any) -> int:
    """Build, serve the preview, rebuild on save; Ctrl+C stops."""
    from rich.markup import escape

    from omnipress.build.builder import BuildOptions
    from omnipress.build.workers import default_jobs
    from omnipress.preview.server import LOOPBACK_NAMES, Preview, start_server

    if not args.content.is_dir():
        raise UsageError(
            f"no content directory at {args.content}",
            "run this in the project folder, or pass --content DIR",
        )
    options = BuildOptions(
        content=args.content,
        templates=args.templates,
        output=args.output,
        jobs=args.jobs or default_jobs(),
    )
    preview = Preview(options, log=lambda line: console.print(line, highlight=False, markup=False),
                      freeze=True)  # fmt: skip
    server = start_server(preview, args.host, args.port, args.debug)
    # the first build runs in the build thread: the server answers from the first moment
    # (the page says "building"), and its problems are printed by the preview's log
    preview.request(None)
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), name="watch", daemon=True)
    watcher.start()
    if args.host not in LOOPBACK_NAMES:
        console.print(
            f"[yellow]note:[/yellow] listening on {escape(args.host)}: other "
            "computers on your network can open the preview"
        )
    console.print(
        f"Preview at [bold]{server.url}[/bold] — rebuilds when you save a file in "
        f"{escape(str(args.content))}/ or {escape(str(args.templates))}/. Ctrl+C stops.",
        highlight=False,
        soft_wrap=True,
    )
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        console.print("Stopped the preview.")
    finally:
        stop.set()
        server.server_close()
        watcher.join(timeout=5)
    return EXIT_OK
