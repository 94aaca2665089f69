"""Benchmark: the live preview (``python build.py serve``) at the size of a real library.

    python benchmarks/preview.py [--posts 300] [--jobs 2] [--saves 20] [--work DIR]
                                 [--no-check] [--json FILE]

Generates the benchmark corpus (benchmarks/corpus.py) in ``--work`` (a temporary directory
when not given; an existing one is reused, with its output/), starts the real ``serve``
command on a free loopback port, and measures, polling the state endpoint as the page does:

- the state endpoint's latency while the first build runs (a full build when output/ is
  empty);
- save → new state built and checked: a post body edited ``--saves`` times (p50, p95), a
  statistic used by about ``--block-users`` posts, a template;
- the build part and the check part of each save (the preview's own timings);
- the serve process's resident memory after each save (and its peak, workers included).

``--no-check`` replaces the preview's check with "not checked", to measure the build part of
a large library quickly. Loopback only; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from corpus import generate  # noqa: E402
from run import TreeMemory  # noqa: E402

SERVE = """
import sys
from omnipress import cli
from omnipress.preview import preview
from omnipress.preview import server as preview_server
if sys.argv[1] == "no-check":
    def not_checked(*args, **kwargs):
        return preview.CheckResults(False, {}, note="not checked (benchmark --no-check)")
    preview_server.run_check_safely = not_checked
sys.exit(cli.main(["serve", *sys.argv[2:]]))
"""
WAIT_SECONDS = 1800.0


class Server:
    """The ``serve`` command in a child process, its log drained in a thread."""

    def __init__(self, work: Path, jobs: int, check: bool):
        paths = ["--content", str(work / "content"), "--templates", str(work / "templates"),
                 "--output", str(work / "output")]  # fmt: skip
        command = [sys.executable, "-c", SERVE, "check" if check else "no-check", *paths,
                   "--port", "0", "--jobs", str(jobs)]  # fmt: skip
        env = {**os.environ, "COLUMNS": "300"}
        self.process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.STDOUT,
                                        stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
        self.memory = TreeMemory(self.process.pid)
        self.url = ""
        self.lines: list[str] = []
        found = threading.Event()

        def drain() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.lines.append(line.rstrip())
                if match := re.search(r"http://127\.0\.0\.1:\d+/", line):
                    self.url = match.group(0)
                    found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(120):
            self.stop()
            raise SystemExit("serve did not start:\n" + "\n".join(self.lines))

    def state(self) -> tuple[dict[str, Any], float]:
        """The state, and how long the endpoint took to answer (seconds)."""
        started = time.perf_counter()
        with urllib.request.urlopen(self.url + "__preview__/build", timeout=30) as response:
            state: dict[str, Any] = json.load(response)
        return state, time.perf_counter() - started

    def wait_for(self, after: int, samples: list[float] | None = None) -> dict[str, Any]:
        """Poll (every 20 ms) until a build newer than ``after`` is done."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            state, latency = self.state()
            if samples is not None and (state["building"] or state["id"] <= after):
                samples.append(latency)
            if state["id"] > after and not state["building"]:
                return state
            time.sleep(0.02)
        raise SystemExit(f"no build after {after} within {WAIT_SECONDS:.0f} s")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> float:
        self.process.send_signal(2)  # Ctrl+C
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return self.memory.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def save(server: Server, path: Path, text: str) -> dict[str, Any]:
    """Write ``text`` to ``path`` and wait for the preview to have built and checked it."""
    before, _ = server.state()
    started = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    state = server.wait_for(int(before["id"]))
    timings = state.get("timings") or {}
    return {
        "seconds": time.perf_counter() - started,
        "ok": state["ok"],
        "build_seconds": timings.get("build_seconds"),
        "check_seconds": timings.get("check_seconds"),
        "outputs_built": timings.get("outputs_built"),
        "files_read": timings.get("files_read"),
        "rss_mb": server.rss_mb(),
    }


def block_used_by(work: Path, wanted: int) -> tuple[str, int]:
    """The statistic whose users (posts) are closest to ``wanted``, from the manifest."""
    manifest = json.loads((work / "output" / "manifest.json").read_text(encoding="utf-8"))
    users: dict[str, set[str]] = {}
    for record in manifest["outputs"]:
        for block in record["blocks"]:
            users.setdefault(block, set()).add(record["post"])
    stats = [b for b in users if b.startswith("stat-")]
    block = min(stats, key=lambda b: (abs(len(users[b]) - wanted), b))
    return block, len(users[block])


def summary(saves: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = [s["seconds"] for s in saves]
    builds = [s["build_seconds"] or 0.0 for s in saves]
    checks = [s["check_seconds"] or 0.0 for s in saves]
    return {
        "saves": len(saves),
        "p50": statistics.median(seconds),
        "p95": percentile(seconds, 0.95),
        "build_p50": statistics.median(builds),
        "check_p50": statistics.median(checks),
        "outputs_built": [s["outputs_built"] for s in saves],
        "files_read": [s["files_read"] for s in saves],
        "all_ok": all(s["ok"] for s in saves),
    }


def measure(
    work: Path, jobs: int, saves: int, block_users: int, check: bool = True
) -> dict[str, Any]:
    """Serve ``work`` (its corpus in content/ and templates/) and time what a user waits for:
    the first build (a full one when output/ is empty), post body saves, a block used by about
    ``block_users`` posts, a template; and the memory."""
    cold = not (work / "output" / "manifest.json").is_file()
    load = os.getloadavg()
    server = Server(work, jobs, check=check)
    results: dict[str, Any] = {"jobs": jobs, "check": check}
    try:
        started = time.perf_counter()
        samples: list[float] = []
        first = server.wait_for(0, samples)
        results["first_build"] = {
            "cold": cold,
            "seconds": time.perf_counter() - started,
            "timings": first.get("timings"),
            "state_requests": len(samples),
            "state_latency_p50_ms": 1000 * statistics.median(samples),
            "state_latency_p95_ms": 1000 * percentile(samples, 0.95),
            "state_latency_max_ms": 1000 * max(samples),
        }
        print(json.dumps(results["first_build"]), file=sys.stderr, flush=True)

        posts = sorted((work / "content" / "posts").glob("*.md"))
        body_saves = []
        for number in range(saves):
            path = posts[(number * 7) % len(posts)]
            text = path.read_text(encoding="utf-8") + f"\nAn added sentence, save {number}.\n"
            body_saves.append(save(server, path, text))
            print(json.dumps(body_saves[-1]), file=sys.stderr, flush=True)
        results["post_body"] = summary(body_saves) | {"runs": body_saves}

        block, users = block_used_by(work, block_users)
        path = work / "content" / "blocks" / f"{block}.md"
        block_saves = []
        for number in range(3):
            text = path.read_text(encoding="utf-8")
            text = text.replace("first time", f"first time ({number})", 1)
            block_saves.append(save(server, path, text))
            print(json.dumps(block_saves[-1]), file=sys.stderr, flush=True)
        results["block"] = summary(block_saves) | {"block": block, "posts_using_it": users,
                                                   "runs": block_saves}  # fmt: skip

        template = work / "templates" / "linkedin" / "post.txt"
        original = template.read_text(encoding="utf-8")
        template_saves = [save(server, template, original + "\n")]
        template_saves.append(save(server, template, original))
        results["template"] = summary(template_saves) | {"template": "linkedin/post.txt",
                                                         "runs": template_saves}  # fmt: skip
        rss = [s["rss_mb"] for s in body_saves + block_saves + template_saves]
        results["rss_mb"] = {"after_first_save": rss[0], "after_all_saves": rss[-1],
                             "max_after_a_save": max(rss)}  # fmt: skip
    finally:
        results.setdefault("rss_mb", {})["peak_tree"] = server.stop()
        results["load_average_at_start"] = load
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--blocks", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--block-users", type=int, default=25)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="omnipress-preview-"))
    if not (work / "content").is_dir():
        generate(work, args.posts, args.blocks)
    results = {"posts": args.posts} | measure(
        work, args.jobs, args.saves, args.block_users, check=not args.no_check
    )
    shown = {k: v for k, v in results.items() if not isinstance(v, dict) or "runs" not in v}
    print(json.dumps(shown, default=str))
    for part in ("post_body", "block", "template"):
        if part in results:
            print(part, json.dumps({k: v for k, v in results[part].items() if k != "runs"}))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
