"""The house style and the claims rule on the benchmark corpus: CPU time, cold and warm.

    .venv/bin/python benchmarks/prose.py --posts 500

Cold is the first run in a process (what `python build.py` pays); warm is a run with the
matches remembered (what a preview save pays when one post changed: nothing changed here).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate  # noqa: E402

import omnipress.channels  # noqa: E402, F401  (the channels' sections: LinkedIn text)
from omnipress.build import prose  # noqa: E402
from omnipress.content.loader import load_project  # noqa: E402
from omnipress.errors import Problems  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--blocks", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = generate(Path(folder), args.posts, args.blocks)
        project = load_project(corpus.content, Problems())
        assert project is not None
        texts = sum(len(p.body) for p in project.posts.values())
        cold, warm = [], []
        findings = 0
        for _ in range(args.rounds):
            prose.forget_matches()
            started = time.process_time()
            findings = len(prose.source_findings(project))
            cold.append(time.process_time() - started)
            started = time.process_time()
            prose.source_findings(project)
            warm.append(time.process_time() - started)
    print(f"{args.posts} posts ({texts / 1e6:.1f} M characters of body), "
          f"{len(project.styles)} style rules: {findings} finding(s)")  # fmt: skip
    print(f"cold: median {statistics.median(cold):.3f} s CPU (min {min(cold):.3f})")
    print(f"warm: median {statistics.median(warm):.3f} s CPU (min {min(warm):.3f})")


if __name__ == "__main__":
    main()
