"""Benchmark: omnipress builds against the bare libraries doing the same work, in one run.

    python benchmarks/run.py [--posts 500] [--blocks 60] [--jobs N] [--rounds 2] [--saves 20]
                             [--json FILE]

Generates a synthetic corpus (benchmarks/corpus.py) in a temporary directory, then measures:
a full build with 1 job and with N jobs (each in a fresh process, from nothing, each seeding
`check`'s verdicts as `python build.py` does), the same N-job build without seeding (what the
seeding costs), `check` of it with N jobs right after the build (the cold check: the build's
verdicts) and again with no cache (every file read back), a no-op rebuild, `check` again after
it (the cache's case), a
rebuild after editing one block used by k posts (and whether exactly its dependants were
rebuilt), peak memory, and the bare-library baselines (benchmarks/bare.py): Markdown +
python-frontmatter + Jinja writing the HTML and text (and making the HTML of every one-pager,
slide and card, as the build does), and one WeasyPrint process writing the same one-pagers,
carousels and cards to files, each timed as the build is: the whole process, from the
interpreter's start to its exit (its imports and start also given apart); plus WeasyPrint's
layout-only time for a sample of the one-pagers, in a process of its own. The 1-job build
and the baselines run in turn for --rounds rounds and the fastest of each is compared.
Last, the live preview (benchmarks/preview.py) on a copy of the same corpus: the state
endpoint during its full first build, --saves post saves, a block used by ~25 posts, a
template, and its memory; issue 10's preview targets beside the build's. Run by hand; the
figures depend on the machine and on whatever else it is doing (the load is recorded).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from corpus import Corpus, generate  # noqa: E402

BUILD = """
import json, resource, sys, time
from pathlib import Path
started = time.perf_counter()
from omnipress.build.builder import BuildOptions, build
from omnipress.check.seed import seed_verdicts
content, templates, output, jobs, seed = sys.argv[1:6]
report = build(BuildOptions(Path(content), Path(templates), Path(output), jobs=int(jobs),
                            keep_facts=seed == "seed"))
seeding = time.perf_counter()
seeded = seed_verdicts(Path(output), Path(templates), report, int(jobs))  # as the cli does
print(json.dumps({
    "seconds": time.perf_counter() - started, "build_seconds": report.seconds,
    "seed_seconds": time.perf_counter() - seeding, "seeded": len(seeded),
    "built": report.built, "reused": report.reused,
    "warnings": [p.message for p in report.warnings.warnings],
    "rss_self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rss_workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""

CHECK = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from omnipress.check.check import run_check
content, templates, output, jobs, cache = sys.argv[1:6]
report = run_check(Path(output), Path(content), Path(templates), jobs=int(jobs),
                   use_cache=cache == "cache")
print(json.dumps({
    "seconds": time.perf_counter() - started, "check_seconds": report.seconds,
    "errors": len(report.errors), "warnings": len(report.warnings),
    "files": report.files_checked, "posts": report.posts_checked,
    "posts_read": len(report.posts_read),
}))
"""

TARGETS = {
    "full_1_job_vs_bare": ("≤", 1.10),
    "pdf_vs_layout_only": ("≤", 1.5),
    "speedup_n_jobs": ("≥", 1.7),
    "noop_vs_full": ("≤", 0.02),
    "peak_rss_mb": ("≤", 400),
    "cold_check_vs_full_n_jobs": ("≤", 0.05),  # the check right after the build
    "warm_check_seconds": ("≤", 1.0),
    "warm_check_vs_noop": ("≤", 1.0),
}


PREVIEW_TARGETS = {
    "preview_post_edit_p50_seconds": ("≤", 1.0),
    "preview_post_edit_p95_seconds": ("≤", 1.5),
    "preview_block_edit_vs_budget": ("≤", 1.0),
    "preview_state_p95_ms_during_full_build": ("≤", 100),
    "preview_rss_mb_after_saves": ("≤", 400),
}
"""Issue 10's preview targets. A block edit's budget is 1 s plus its dependants' render time
(the 1-job build's CPU per output × the outputs the save rebuilt) ÷ jobs."""


class TreeMemory:
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int):
        self.pid, self.peak_mb, self.stop = pid, 0.0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self.stop.wait(0.05):
            parents: dict[int, int] = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        stat = Path(f"/proc/{entry}/stat").read_text()
                        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
                    except (OSError, ValueError, IndexError):
                        continue
            tree, grew = {self.pid}, True
            while grew:
                more = {pid for pid, parent in parents.items() if parent in tree} - tree
                tree |= more
                grew = bool(more)
            total = 0
            for pid in tree:
                try:
                    total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * page
                except (OSError, ValueError, IndexError):
                    continue
            self.peak_mb = max(self.peak_mb, total / 2**20)

    def close(self) -> float:
        self.stop.set()
        self.thread.join()
        return self.peak_mb


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def children_kernel() -> tuple[float, int]:
    """The kernel's part of the finished children's CPU time, and their page faults: where
    memory handed back and taken again shows."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_stime, usage.ru_minflt


def kernel_since(before: tuple[float, int]) -> dict[str, float | int]:
    now = children_kernel()
    return {"kernel_cpu": now[0] - before[0], "page_faults": now[1] - before[1]}


def timed_build(corpus: Corpus, output: Path, jobs: int, seed: bool = True) -> dict[str, Any]:
    """A build in a fresh process; ``seed``: keeping its facts and seeding `check`'s
    verdicts with them, as `python build.py` does."""
    command = [sys.executable, "-c", BUILD, str(corpus.content), str(corpus.templates),
               str(output), str(jobs), "seed" if seed else "plain"]  # fmt: skip
    started, cpu, kernel = time.perf_counter(), children_cpu(), children_kernel()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    memory = TreeMemory(process.pid) if Path("/proc").is_dir() else None
    out, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"build failed:\n{err.decode()}")
    result: dict[str, Any] = json.loads(out)
    result["wall"] = wall
    result["cpu"] = children_cpu() - cpu  # the build and its workers, all cores together
    result.update(kernel_since(kernel))
    result["rss_tree_mb"] = memory.close() if memory else None
    return result


def timed_check(corpus: Corpus, output: Path, jobs: int, cache: bool) -> dict[str, Any]:
    """`check` of ``output`` in a fresh process: cold (``cache=False``: every file read back,
    a fresh cache left) or warm (the verdicts the last check left reused where still valid)."""
    command = [sys.executable, "-c", CHECK, str(corpus.content), str(corpus.templates),
               str(output), str(jobs), "cache" if cache else "no-cache"]  # fmt: skip
    started, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"check failed:\n{done.stderr.decode()}")
    result: dict[str, Any] = json.loads(done.stdout)
    result["wall"] = wall
    result["cpu"] = children_cpu() - cpu
    return result


def snapshot(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def dependants(output: Path, block: str) -> set[str]:
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    return {
        r["path"]
        for r in manifest["outputs"]
        if block in r["blocks"] or f"block:{block}" in r.get("depends", {})
    }


def block_to_edit(corpus: Corpus, output: Path) -> tuple[str, int]:
    """A statistic used by about one post in twenty: the block a marketer edits."""
    manifest = json.loads((output / "manifest.json").read_text(encoding="utf-8"))
    users: dict[str, set[str]] = {}
    for record in manifest["outputs"]:
        for block in record["blocks"]:
            users.setdefault(block, set()).add(record["post"])
    wanted = max(2, len(corpus.posts) // 20)
    stats = [b for b in users if corpus.blocks.get(b) == "stat"]
    block = min(stats, key=lambda b: (abs(len(users[b]) - wanted), b))
    return block, len(users[block])


def pdf_pages(corpus: Corpus, path: Path) -> int:
    """The HTML of every WeasyPrint output, as the build renders it, for the baseline: each
    one-pager, each carousel's slides, each card (at the title size the build fits)."""
    from omnipress.build.builder import load_and_validate, plan_jobs
    from omnipress.channels import RenderEnvironment
    from omnipress.channels.card import render as card
    from omnipress.channels.card.render import TITLE_SIZES, card_html, fit_title
    from omnipress.channels.carousel import render as carousel
    from omnipress.channels.carousel.render import slide_html
    from omnipress.channels.pdf import render as onepager
    from omnipress.channels.pdf.render import render_onepager_html
    from omnipress.errors import Problems

    project = load_and_validate(corpus.content, Problems())
    env = RenderEnvironment(project, corpus.templates.resolve())
    pages: list[str] = []
    decks: list[list[str]] = []
    cards: list[str] = []
    for job in plan_jobs(project, None):
        if job.channel.name == "pdf":
            pages.append(render_onepager_html(job, env)[0])
        elif job.channel.name == "carousel":
            decks.append([html for _, html in slide_html(job, env)[0]])
        elif job.channel.name == "card":
            size = fit_title(job, env).size or TITLE_SIZES[-1]
            cards.append(card_html(job, env, size)[0])
    # what the baseline needs of the channels, so that it imports nothing of omnipress while
    # it is timed: its imports count, as the build's do
    settings = {
        "pdf_css": onepager.STYLESHEET, "pdf_variant": onepager.PDF_VARIANT,
        "carousel_css": carousel.STYLESHEET, "carousel_variant": carousel.PDF_VARIANT,
        "card_css": card.STYLESHEET, "card_px_per_pt": card.PX_PER_PT,
    }  # fmt: skip
    path.write_text(
        json.dumps({"content": str(corpus.content.resolve()),
                    "templates": str(corpus.templates.resolve()), "pages": pages,
                    "decks": decks, "cards": cards, "settings": settings}),
        encoding="utf-8",
    )  # fmt: skip
    return len(pages)


def paired(rounds: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]) -> list[float]:
    """Each round's 1-job build CPU ÷ the baselines' CPU in the same round."""
    return [b["cpu"] / (t["process_cpu"] + p["process_cpu"]) for b, t, p in rounds]


def bare(*arguments: str) -> dict[str, Any]:
    """A baseline in a process of its own, timed as a build is: the whole process, from the
    interpreter's start to its exit (``process_cpu``, ``process_wall``); what it says of its
    own parts beside."""
    started, cpu, kernel = time.perf_counter(), children_cpu(), children_kernel()
    result = subprocess.run([sys.executable, str(HERE / "bare.py"), *arguments], cwd=ROOT,
                            capture_output=True, text=True)  # fmt: skip
    wall = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"baseline failed:\n{result.stderr}")
    data: dict[str, Any] = json.loads(result.stdout)
    data["process_wall"], data["process_cpu"] = wall, children_cpu() - cpu
    data.update(kernel_since(kernel))
    return data


def harfbuzz() -> bool:
    from omnipress.channels.pdf.render import harfbuzz_subset_available

    return harfbuzz_subset_available()


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    step = lambda text: print(f"… {text}", file=sys.stderr, flush=True)  # noqa: E731
    load_before = os.getloadavg()
    step(f"generating {args.posts} posts and {args.blocks} blocks in {work}")
    corpus = generate(work, args.posts, args.blocks)
    pages = pdf_pages(corpus, work / "pages.json")
    # Installed, a package carries its compiled bytecode, as the libraries in site-packages
    # do. Run from a checkout on a machine that sets PYTHONDONTWRITEBYTECODE (as this one
    # and CI do), every timed process would compile omnipress's ~90 modules afresh (~0.05 s)
    # and the bare libraries none: compile them once, as Python itself does on a first run.
    compileall.compile_dir(ROOT / "omnipress", quiet=1)
    # The build and its baseline take minutes each, and this machine's speed drifts over
    # minutes (shared cores): run them in turn, several rounds, and compare the fastest of
    # each, since noise only ever adds time.
    rounds: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]] = []
    for number in range(1, args.rounds + 1):
        step(f"round {number}/{args.rounds}: full build, 1 job")
        build_1 = timed_build(corpus, work / f"output-1-{number}", 1)
        step(f"round {number}/{args.rounds}: bare frontmatter + Markdown + Jinja")
        text_r = bare("text", str(corpus.content), str(work / f"bare-{number}"))
        step(f"round {number}/{args.rounds}: bare WeasyPrint from cold: {pages} one-pagers, "
             "the carousels, the cards")  # fmt: skip
        pdf_r = bare("pdf", str(work / "pages.json"), str(work / f"bare-pdf-{number}"))
        rounds.append((build_1, text_r, pdf_r))
    one = min((r[0] for r in rounds), key=lambda result: result["cpu"])
    text, pdf = min(
        ((r[1], r[2]) for r in rounds),
        key=lambda pair: pair[0]["process_cpu"] + pair[1]["process_cpu"],
    )
    step(f"WeasyPrint's layout, write_pdf and the build's engine on {args.sample} one-pagers")
    sampled = bare("sample", str(work / "pages.json"), str(args.sample))
    shutil.copytree(work / "output-1-1", work / "output-1")
    step(f"full build, {args.jobs} jobs")
    many = timed_build(corpus, work / "output-n", args.jobs)
    step(f"full build, {args.jobs} jobs, without seeding check's verdicts")
    plain = timed_build(corpus, work / "output-plain", args.jobs, seed=False)
    identical = snapshot(work / "output-1") == snapshot(work / "output-n")
    step(f"check, {args.jobs} jobs, right after the build (the build's verdicts)")
    cold_check = timed_check(corpus, work / "output-n", args.jobs, cache=True)
    step(f"check, {args.jobs} jobs, no cache (every file read back)")
    full_check = timed_check(corpus, work / "output-n", args.jobs, cache=False)
    step("no-op rebuild")
    noop = timed_build(corpus, work / "output-n", args.jobs)
    step(f"check after the no-op rebuild, {args.jobs} jobs, with the cache")
    warm_check = timed_check(corpus, work / "output-n", args.jobs, cache=True)
    block, users = block_to_edit(corpus, work / "output-n")
    expected = dependants(work / "output-n", block)
    path = corpus.content / "blocks" / f"{block}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("label: \"", 'label: "edited: '),
                    encoding="utf-8")  # fmt: skip
    step(f"rebuild after editing {block} (used by {users} posts)")
    edit = timed_build(corpus, work / "output-n", args.jobs)
    sample, sample_cpu = sampled["per_pdf_sample"], sampled["per_pdf_sample_cpu"]
    bare_total = text["process_wall"] + pdf["process_wall"]
    bare_cpu = text["process_cpu"] + pdf["process_cpu"]
    bare_startup = text["startup_cpu_seconds"] + pdf["startup_cpu_seconds"]
    outputs = len(one["built"])
    ratios = {
        "full_1_job_vs_bare": one["cpu"] / bare_cpu,
        "full_1_job_vs_bare_wall": one["wall"] / bare_total,
        # each round's build against the baselines run right after it: the machine's drift
        # over minutes hits both sides of a pair alike, but not the fastest of each
        "full_1_job_vs_bare_paired_median": statistics.median(paired(rounds)),
        # the baselines without their start (imports, font configuration, stylesheets): how
        # this was measured before session 18, against a build whose start counted
        "full_1_job_vs_bare_loops": one["cpu"] / (bare_cpu - bare_startup),
        "pdf_vs_layout_only": sample_cpu["engine"] / sample_cpu["layout"],
        "pdf_vs_layout_only_wall": sample["engine"] / sample["layout"],
        "speedup_n_jobs": one["wall"] / many["wall"],
        "noop_vs_full": noop["wall"] / one["wall"],
        "peak_rss_mb": max(one["rss_self_mb"], many["rss_tree_mb"] or 0.0),
        "cold_check_vs_full_n_jobs": cold_check["wall"] / many["wall"],
        "no_cache_check_vs_full_n_jobs": full_check["wall"] / many["wall"],
        "no_cache_check_cpu_vs_full_n_jobs": full_check["cpu"] / many["cpu"],
        "seeding_build_vs_plain_cpu": many["cpu"] / plain["cpu"],
        "seeding_build_vs_plain_wall": many["wall"] / plain["wall"],
        "warm_check_seconds": warm_check["wall"],
        "warm_check_vs_noop": warm_check["wall"] / noop["wall"],
    }
    return {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "harfbuzz_subset": harfbuzz(),
            "load_before": load_before,
            "load_after": os.getloadavg(),
        },
        "corpus": {
            "posts": args.posts,
            "blocks": len(corpus.blocks),
            "campaigns": len(corpus.campaigns),
            "outputs": outputs,
            "pdfs": pages,
            "carousels": pdf.get("carousels", 0),
            "cards": pdf.get("cards", 0),
        },
        "jobs": args.jobs,
        "rounds": [
            {
                "full_1_job": {k: r[0][k] for k in ("wall", "cpu", "kernel_cpu", "page_faults")},
                "bare_total": {
                    "wall": r[1]["process_wall"] + r[2]["process_wall"],
                    "cpu": r[1]["process_cpu"] + r[2]["process_cpu"],
                    "kernel_cpu": r[1]["kernel_cpu"] + r[2]["kernel_cpu"],
                    "page_faults": r[1]["page_faults"] + r[2]["page_faults"],
                },
                "build_vs_bare_cpu": ratio,
            }
            for r, ratio in zip(rounds, paired(rounds), strict=True)
        ],
        "seconds": {
            "full_1_job": one["wall"],
            "full_n_jobs": many["wall"],
            "full_n_jobs_seeding_part": many["seed_seconds"],
            "full_n_jobs_without_seeding": plain["wall"],
            "noop": noop["wall"],
            "noop_inside_build": noop["build_seconds"],
            "one_block_edit": edit["wall"],
            "bare_text": text["process_wall"],
            "bare_pdf": pdf["process_wall"],
            "bare_total": bare_total,
        },
        "cpu_seconds": {
            "full_1_job": one["cpu"],
            "full_n_jobs": many["cpu"],
            "full_n_jobs_without_seeding": plain["cpu"],
            "noop": noop["cpu"],
            "bare_text": text["process_cpu"],
            "bare_pdf": pdf["process_cpu"],
            # what each said of itself, up to the end of its work (its teardown not counted:
            # how the baselines were measured before session 20)
            "bare_text_in_process": text["cpu_seconds"],
            "bare_pdf_in_process": pdf["cpu_seconds"],
            "bare_onepagers": pdf.get("onepager_cpu_seconds"),
            "bare_carousels": pdf.get("carousel_cpu_seconds"),
            "bare_cards": pdf.get("card_cpu_seconds"),
            "bare_total": bare_cpu,
            "bare_startup": bare_startup,
        },
        "per_pdf_cpu_ms": {k: v * 1000 for k, v in sample_cpu.items()},
        "per_pdf_ms": {
            "bare_write_pdf_all": pdf["per_pdf"] * 1000,
            **{f"sample_{k}": v * 1000 for k, v in sample.items()},
            "sample_size": sampled["sample"],
        },
        "edit": {
            "block": block,
            "posts_using_it": users,
            "dependants": len(expected),
            "rebuilt": len(edit["built"]),
            "exactly_the_dependants": set(edit["built"]) == expected,
        },
        "memory_mb": {
            "1_job_process": one["rss_self_mb"],
            "n_jobs_parent": many["rss_self_mb"],
            "n_jobs_largest_worker": many["rss_workers_mb"],
            "n_jobs_all_processes": many["rss_tree_mb"],
        },
        "seeded_posts": many["seeded"],
        "check": {
            "cold": {
                k: cold_check[k]
                for k in ("wall", "cpu", "errors", "warnings", "files", "posts", "posts_read")
            },
            "no_cache": {
                k: full_check[k]
                for k in ("wall", "cpu", "errors", "warnings", "files", "posts", "posts_read")
            },
            "warm_after_noop": {
                k: warm_check[k]
                for k in ("wall", "cpu", "errors", "warnings", "files", "posts", "posts_read")
            },
        },
        "noop_built": len(noop["built"]),
        "outputs_identical_1_vs_n_jobs": identical,
        "ratios": ratios,
        "targets": {
            name: {
                "value": ratios[name],
                "target": f"{op} {limit}",
                "met": ratios[name] <= limit if op == "≤" else ratios[name] >= limit,
            }
            for name, (op, limit) in TARGETS.items()
        },
    }


def preview_part(args: argparse.Namespace, work: Path, result: dict[str, Any]) -> dict[str, Any]:
    """The live preview on a copy of the same corpus, served from an empty output/ (so its
    first build is a full one, during which the state endpoint is timed), then saved to."""
    from preview import measure as measure_preview

    site = work / "preview"
    shutil.copytree(work / "content", site / "content")
    shutil.copytree(work / "templates", site / "templates")
    print(f"… preview: serve from nothing, {args.saves} post saves, a block, a template",
          file=sys.stderr, flush=True)  # fmt: skip
    preview = measure_preview(site, args.jobs, args.saves, block_users=25)
    per_output_cpu = result["cpu_seconds"]["full_1_job"] / result["corpus"]["outputs"]
    block = preview["block"]
    rebuilt = max(block["outputs_built"] or [0])
    budget = 1.0 + rebuilt * per_output_cpu / args.jobs
    worst_block = max(run["seconds"] for run in block["runs"])
    figures = {
        "preview_post_edit_p50_seconds": preview["post_body"]["p50"],
        "preview_post_edit_p95_seconds": preview["post_body"]["p95"],
        "preview_block_edit_vs_budget": worst_block / budget,
        "preview_state_p95_ms_during_full_build": preview["first_build"]["state_latency_p95_ms"],
        "preview_rss_mb_after_saves": preview["rss_mb"]["after_all_saves"],
    }
    preview["block_budget_seconds"] = budget
    preview["block_worst_seconds"] = worst_block
    return {
        "preview": preview,
        "preview_ratios": figures,
        "preview_targets": {
            name: {
                "value": figures[name],
                "target": f"{op} {limit}",
                "met": figures[name] <= limit if op == "≤" else figures[name] >= limit,
            }
            for name, (op, limit) in PREVIEW_TARGETS.items()
        },
    }


def preview_table(result: dict[str, Any]) -> str:
    p, t = result["preview"], result["preview_targets"]
    body, block, template = p["post_body"], p["block"], p["template"]
    rows = [
        ("preview: state endpoint during the full build",
         f"p95 {p['first_build']['state_latency_p95_ms']:.0f} ms over "
         f"{p['first_build']['state_requests']} requests "
         f"(build {p['first_build']['seconds']:.0f} s)",
         t["preview_state_p95_ms_during_full_build"]),
        (f"preview: post body save ({body['saves']})",
         f"p50 {body['p50']:.2f} s", t["preview_post_edit_p50_seconds"]),
        ("", f"p95 {body['p95']:.2f} s", t["preview_post_edit_p95_seconds"]),
        (f"preview: edit {block['block']} ({block['posts_using_it']} posts)",
         f"worst of {block['saves']} {p['block_worst_seconds']:.2f} s, budget "
         f"{p['block_budget_seconds']:.2f} s", t["preview_block_edit_vs_budget"]),
        ("preview: template edit (linkedin/post.txt)",
         f"{template['p50']:.2f} s, outputs rebuilt {template['outputs_built']}", ""),
        ("preview: serve RSS after all saves",
         f"{p['rss_mb']['after_all_saves']:.0f} MB (after the first "
         f"{p['rss_mb']['after_first_save']:.0f} MB)", t["preview_rss_mb_after_saves"]),
    ]  # fmt: skip
    return "\n".join(f"{name:<40} {value:<56} {verdict(target)}" for name, value, target in rows)


def verdict(target: object) -> str:
    if isinstance(target, dict):
        return f"target {target['target']}: {'met' if target['met'] else 'MISSED'}"
    return str(target or "")


def table(result: dict[str, Any]) -> str:
    s, r, t = result["seconds"], result["ratios"], result["targets"]
    u, cpu = result["cpu_seconds"], result["per_pdf_cpu_ms"]
    e, c, k = result["edit"], result["corpus"], result["check"]
    rows = [
        ("corpus", f"{c['posts']} posts, {c['blocks']} blocks, {c['campaigns']} campaigns → "
                   f"{c['outputs']} outputs ({c['pdfs']} PDFs)", ""),
        (f"full build, 1 job (fastest of {len(result['rounds'])})",
         f"{s['full_1_job']:.1f} s (CPU {u['full_1_job']:.1f} s)", ""),
        (f"full build, {result['jobs']} jobs",
         f"{s['full_n_jobs']:.1f} s (CPU {u['full_n_jobs']:.1f} s)", ""),
        (f"bare libraries (fastest of {len(result['rounds'])})",
         f"{s['bare_total']:.1f} s = {s['bare_text']:.1f} + {s['bare_pdf']:.1f} "
         f"(CPU {u['bare_total']:.1f} s, of which starting {u['bare_startup']:.1f} s)", ""),
        ("no-op rebuild", f"{s['noop']:.2f} s (inside the build: {s['noop_inside_build']:.2f} s)",
         ""),
        (f"edit {e['block']} (used by {e['posts_using_it']} posts)",
         f"{s['one_block_edit']:.1f} s, {e['rebuilt']} rebuilt / {e['dependants']} dependants",
         "exact" if e["exactly_the_dependants"] else "NOT EXACT"),
        ("full build, 1 job ÷ bare (CPU time)",
         f"{r['full_1_job_vs_bare']:.2f} (wall clock {r['full_1_job_vs_bare_wall']:.2f})",
         t["full_1_job_vs_bare"]),
        ("  each round ÷ its baselines (median)",
         f"{r['full_1_job_vs_bare_paired_median']:.2f} ("
         + ", ".join(f"{x['build_vs_bare_cpu']:.3f}" for x in result["rounds"]) + ")", ""),
        ("  ÷ bare without its start (as before)", f"{r['full_1_job_vs_bare_loops']:.2f}", ""),
        ("PDF per one-pager ÷ layout only (CPU)",
         f"{cpu['engine']:.0f} ms ÷ {cpu['layout']:.0f} ms = {r['pdf_vs_layout_only']:.2f} "
         f"(wall clock {r['pdf_vs_layout_only_wall']:.2f})",
         t["pdf_vs_layout_only"]),
        (f"1 job ÷ {result['jobs']} jobs", f"{r['speedup_n_jobs']:.2f}", t["speedup_n_jobs"]),
        ("no-op ÷ full", f"{r['noop_vs_full']:.3f}", t["noop_vs_full"]),
        ("peak RSS", f"{r['peak_rss_mb']:.0f} MB", t["peak_rss_mb"]),
        (f"full build, {result['jobs']} jobs, not seeding check",
         f"{s['full_n_jobs_without_seeding']:.1f} s "
         f"(CPU {u['full_n_jobs_without_seeding']:.1f} s)", ""),
        ("seeding: build CPU ÷ build CPU without", f"{r['seeding_build_vs_plain_cpu']:.3f} "
         f"(wall {r['seeding_build_vs_plain_wall']:.3f}; seeding part "
         f"{s['full_n_jobs_seeding_part']:.2f} s)", ""),
        (f"check, {result['jobs']} jobs, after the build",
         f"{k['cold']['wall']:.2f} s (CPU {k['cold']['cpu']:.2f} s), {k['cold']['errors']} "
         f"errors, {k['cold']['warnings']} warnings, {k['cold']['posts_read']} posts read", ""),
        ("check after the build ÷ full build (same jobs)",
         f"{r['cold_check_vs_full_n_jobs']:.3f}", t["cold_check_vs_full_n_jobs"]),
        (f"check, {result['jobs']} jobs, no cache",
         f"{k['no_cache']['wall']:.1f} s (CPU {k['no_cache']['cpu']:.1f} s), "
         f"{k['no_cache']['errors']} errors, {k['no_cache']['warnings']} warnings", ""),
        ("check, no cache ÷ full build (same jobs)",
         f"{r['no_cache_check_vs_full_n_jobs']:.3f} (CPU "
         f"{r['no_cache_check_cpu_vs_full_n_jobs']:.3f})", ""),
        ("check after a no-op build (cache)",
         f"{k['warm_after_noop']['wall']:.2f} s, {k['warm_after_noop']['posts_read']} posts read",
         t["warm_check_seconds"]),
        ("check after no-op ÷ no-op build", f"{r['warm_check_vs_noop']:.2f}",
         t["warm_check_vs_noop"]),
    ]  # fmt: skip
    return "\n".join(f"{name:<40} {value:<56} {verdict(target)}" for name, value, target in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--blocks", type=int, default=60)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sample", type=int, default=60, help="one-pagers timed three ways")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="full 1-job builds and bare baselines, run in turn; the fastest of each counts",
    )
    parser.add_argument(
        "--saves", type=int, default=20, help="post saves timed in the live preview (0: none)"
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="omnipress-bench-"))
    try:
        result = measure(args, work)
        if args.saves:
            result |= preview_part(args, work, result)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(table(result))
    if args.saves:
        print(preview_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
