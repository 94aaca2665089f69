"""The build's verdicts are ``check``'s cache (check/seed.py): right after a build, ``check``
reads nothing back and finds exactly what ``check --no-cache`` finds, in the same order with
the same messages; a file changed after the build is read back and caught; ``--jobs N`` seeds
the same verdicts as one job.

Each tree is built through the real entry point (``build.py``'s ``main``), since the cli is
what hands the build's facts to ``check``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from omnipress.check import checkposts, postcheck, rendered
from omnipress.check.check import run_check
from omnipress.check.checkcache import cache_path
from omnipress.check.checkmodel import CheckReport
from omnipress.cli import main
from tests.conftest import CONTENT, ROOT, TEMPLATES

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import generate


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def fixture(root: Path) -> None:
    shutil.copytree(CONTENT, root / "content")
    shutil.copytree(TEMPLATES, root / "templates")


def corpus(root: Path) -> None:
    generate(root, 20, 30)


def with_warnings(root: Path) -> None:
    """The fixture with what a build lets through with a warning (and check warns about):
    a long title, a long meta description, a carousel of 4 slides, an emoji no font has."""
    fixture(root)
    posts = root / "content/posts"
    edit(posts / "cro-or-cdmo.md", "who does what in the value chain",
         "who does what in the pharmaceutical value chain, and why")  # fmt: skip
    edit(posts / "cro-or-cdmo.md", "slides: [definition-cdmo, stat-trial-phases, "
         "definition-contract-research-organisation, takeaways-cro-vs-cdmo]",
         "slides: [definition-cdmo]")  # fmt: skip
    edit(posts / "what-a-biometrics-cro-delivers.md", "tags: [Biometrics",
         "description: " + "A meta description that says rather more than a search result "
         "can show of it, " * 3 + "\ntags: [Biometrics")  # fmt: skip
    edit(posts / "what-a-biometrics-cro-delivers.md", "and how to engage one.",
         "and how to engage one 🚀.")  # fmt: skip


TREES: dict[str, Callable[[Path], None]] = {
    "fixture content": fixture,
    "generated corpus": corpus,
    "warnings": with_warnings,
}


def build(root: Path, capsys: pytest.CaptureFixture[str], jobs: int = 1) -> str:
    code = main(["build", "--content", str(root / "content"), "--templates",
                 str(root / "templates"), "--output", str(root / "output"),
                 "--jobs", str(jobs)])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.err


def check(root: Path, **options: Any) -> CheckReport:
    return run_check(root / "output", root / "content", root / "templates", **options)


def findings(report: CheckReport) -> list[dict[str, Any]]:
    """Every finding with every field, in the order check made them (before any sorting)."""
    return [f.to_dict() for f in report.findings]


def nothing_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """A post checked, a file read or rendered again for comparison fails the test."""

    def refuse(*_args: object, **_kwargs: object) -> Any:
        raise AssertionError("a post was checked afresh")

    monkeypatch.setattr(checkposts, "check_one", refuse)
    monkeypatch.setattr(postcheck.PostCheck, "read", refuse)
    monkeypatch.setattr(rendered, "check_rendered", refuse)


@pytest.mark.parametrize("make", TREES, ids=list(TREES))
def test_check_after_a_build_reads_nothing_and_equals_a_full_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, make: str
) -> None:
    TREES[make](tmp_path)
    built = build(tmp_path, capsys)
    with monkeypatch.context() as patched:
        nothing_read_back(patched)
        seeded = check(tmp_path)
    assert seeded.posts_read == []
    full = check(tmp_path, use_cache=False)
    assert len(full.posts_read) == seeded.posts_checked > 0
    assert findings(seeded) == findings(full)
    if make == "warnings":  # what the build let through, check finds: the test is not empty
        rules = {f.rule for f in full.findings}
        assert {"blog.title-length", "blog.meta-description", "carousel.pages",
                "pdf.glyphs"} <= rules, rules  # fmt: skip
        assert full.warnings and not full.errors
        assert "warning" in built


def hand_edit_same_size(root: Path) -> str:
    """A figure changed in a LinkedIn text, its size and modification time kept."""
    page = root / "output/linkedin/what-a-biometrics-cro-delivers.txt"
    before = page.stat()
    page.write_bytes(page.read_bytes().replace(b"7", b"8", 1))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size
    return "what-a-biometrics-cro-delivers"


def tamper_pdf(root: Path) -> str:
    """A one-pager whose bytes were overwritten in the middle, same size."""
    pdf = root / "output/pdf/cro-or-cdmo.pdf"
    data = bytearray(pdf.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = b"X" * 64
    pdf.write_bytes(bytes(data))
    return "cro-or-cdmo"


def tamper_blog(root: Path) -> str:
    """A blog page with its CTA pointed elsewhere, one character swapped."""
    page = root / "output/blog/cro-or-cdmo/index.html"
    page.write_bytes(page.read_bytes().replace(b"contact/rfi", b"contact/rfq", 1))
    return "cro-or-cdmo"


CHANGES: dict[str, Callable[[Path], str]] = {
    "hand edit, same size and time": hand_edit_same_size,
    "tampered PDF": tamper_pdf,
    "tampered blog page": tamper_blog,
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_file_changed_after_the_build_is_read_back_and_caught(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    fixture(tmp_path)
    build(tmp_path, capsys)
    slug = CHANGES[change](tmp_path)
    seeded = check(tmp_path)
    assert seeded.posts_read == [slug]
    assert "freshness.file-hash" in {f.rule for f in seeded.findings if f.post == slug}
    assert not seeded.ok
    assert findings(seeded) == findings(check(tmp_path, use_cache=False))


def test_content_changed_after_the_build_is_read_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture(tmp_path)
    build(tmp_path, capsys)
    post = tmp_path / "content/posts/cro-or-cdmo.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more sentence.\n", "utf-8")
    seeded = check(tmp_path)
    assert seeded.posts_read == ["cro-or-cdmo"]
    assert findings(seeded) == findings(check(tmp_path, use_cache=False))


def verdicts(root: Path) -> dict[str, Any]:
    return dict(json.loads(cache_path(root / "output").read_text(encoding="utf-8"))["posts"])


@pytest.mark.parametrize("make", ["fixture content", "warnings"])
def test_n_jobs_seed_the_verdicts_of_one_job(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str
) -> None:
    TREES[make](tmp_path)
    build(tmp_path, capsys, jobs=1)
    one = verdicts(tmp_path)
    assert set(one) == {p.stem for p in (tmp_path / "content/posts").glob("*.md")}
    for jobs in (2, 3):
        shutil.rmtree(tmp_path / "output")
        cache_path(tmp_path / "output").unlink()
        build(tmp_path, capsys, jobs=jobs)
        assert verdicts(tmp_path) == one, f"--jobs {jobs}"


def test_a_rebuild_that_reuses_a_post_keeps_its_verdict_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A no-op build renders nothing and so seeds nothing: the verdicts already there still
    hold (the key proves it), and the check after it reads nothing back either."""
    fixture(tmp_path)
    build(tmp_path, capsys)
    before = verdicts(tmp_path)
    assert "0 built" in build(tmp_path, capsys)
    assert verdicts(tmp_path) == before
    with monkeypatch.context() as patched:
        nothing_read_back(patched)
        assert check(tmp_path).posts_read == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_facts_a_build_keeps_are_those_check_reads_back(tmp_path: Path, jobs: int) -> None:
    """Every channel's kept facts equal its read-back of the file written: a renderer that
    kept other facts (the layout's, say) would seed verdicts a read-back could contradict."""
    from omnipress.build.builder import BuildOptions, build
    from omnipress.channels import by_name

    with_warnings(tmp_path)
    report = build(BuildOptions(tmp_path / "content", tmp_path / "templates",
                                tmp_path / "output", jobs=jobs, keep_facts=True))  # fmt: skip
    assert report.manifest is not None
    records = {r.path: r for r in report.manifest.outputs}
    assert set(report.facts) == set(records) == set(report.built)
    channels = set()
    for path, kept in report.facts.items():
        channel = by_name(records[path].channel)
        assert channel is not None and channel.read_back is not None
        read = channel.read_back((tmp_path / "output" / path).read_bytes())
        assert kept == read, path
        assert getattr(kept, "problem", None) == getattr(read, "problem", None), path
        channels.add(channel.name)
    assert channels == {"blog", "pdf", "linkedin", "card", "carousel"}
    assert not build(BuildOptions(tmp_path / "content", tmp_path / "templates",
                                  tmp_path / "output", keep_facts=True)).facts  # fmt: skip


def test_a_blog_page_s_kept_facts_are_smaller_than_the_page(tmp_path: Path) -> None:
    """The build keeps every output's facts until `check` is seeded. A page's parsed tree
    (four times the rest of its facts: 40 MB at 500 posts) is not among them."""
    import pickle

    from omnipress.build.builder import BuildOptions, build

    fixture(tmp_path)
    report = build(BuildOptions(tmp_path / "content", tmp_path / "templates",
                                tmp_path / "output", jobs=1, keep_facts=True))  # fmt: skip
    pages = {path: facts for path, facts in report.facts.items() if path.endswith("index.html")}
    assert len(pages) == 3
    for path, facts in pages.items():
        page = (tmp_path / "output" / path).read_bytes()
        assert len(pickle.dumps(facts)) < len(page), path


@pytest.mark.parametrize("where", ["check_stale", "run_posts", "post_key"])
def test_ctrl_c_while_seeding_says_the_build_is_complete(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    """The build has replaced output/ by then: 'output/ was left as it was' would be false."""
    from omnipress.check import seed
    from omnipress.cli.options import EXIT_INTERRUPTED

    def interrupt(*_args: object, **_kwargs: object) -> Any:
        raise KeyboardInterrupt

    fixture(tmp_path)
    monkeypatch.setattr(seed, where, interrupt)
    code = main(["build", "--content", str(tmp_path / "content"), "--templates",
                 str(tmp_path / "templates"), "--output", str(tmp_path / "output")])  # fmt: skip
    said = " ".join(capsys.readouterr().err.split())
    assert code == EXIT_INTERRUPTED
    assert "Interrupted after the build:" in said and "is complete" in said, said
    assert "left as it was" not in said and "Traceback" not in said
    assert (tmp_path / "output/manifest.json").is_file()
    assert not cache_path(tmp_path / "output").exists()
    monkeypatch.undo()
    assert check(tmp_path).ok  # nothing kept: check reads every file back, and passes
