"""`check` remembers its verdicts per post, beside output/, and reuses one only while nothing
it was made from has changed: the post's files, every input they were built from, site.yaml,
the templates, the checker. Each test compares a warm check with a full (``--no-cache``) one:
the findings must be the same, in the same order, and exactly the affected posts read back.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from omnipress import cli
from omnipress.build import file_proofs
from omnipress.build.manifest import read_manifest
from omnipress.channels.blog import readback as blog_readback
from omnipress.channels.pdf import readback as pdf_readback
from omnipress.check import checkcache, checkposts, consistency, rendered
from omnipress.check.check import run_check
from omnipress.check.checkcache import CheckCache, cache_path
from omnipress.check.checkmodel import CheckReport
from tests.conftest import build_copy, built_tree

POSTS = {
    "contract-vs-clinical-research-organisation",
    "cro-or-cdmo",
    "what-a-biometrics-cro-delivers",
}
SHARED_BLOCK = "stat-biometrics-disciplines"  # used by two of the three posts
SHARED_BY = {"contract-vs-clinical-research-organisation", "what-a-biometrics-cro-delivers"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture content, built once; each test works on a copy of the whole tree."""
    return built_tree(tmp_path_factory.mktemp("cache-base"))


@pytest.fixture
def tree(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built, tmp_path / "tree", symlinks=True)
    return tmp_path / "tree"


def check(root: Path, **options: object) -> CheckReport:
    return run_check(root / "output", root / "content", root / "templates", **options)  # type: ignore[arg-type]


def as_json(report: CheckReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def no_read_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a page or a PDF back fails the test: a cached verdict needs neither."""

    def refuse(*_args: object) -> object:
        raise AssertionError("an output file was read back")

    for module in (blog_readback, pdf_readback, consistency, rendered):
        for name in ("read_blog", "read_pdf"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, refuse)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_post(root: Path) -> None:
    post = root / "content/posts/cro-or-cdmo.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more sentence.\n", "utf-8")


def edit_shared_block(root: Path) -> None:
    edit(root / f"content/blocks/{SHARED_BLOCK}.md", "one specialist team", "one expert team")


def edit_template(root: Path) -> None:
    template = root / "templates/linkedin/post.txt"
    template.write_text(template.read_text(encoding="utf-8") + "\n", "utf-8")


def edit_site(root: Path) -> None:
    site = root / "content/site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace("name:", "name: New", 1), "utf-8")


def edit_logo(root: Path) -> None:
    """An image every one-pager embeds: an input no block or template names."""
    edit(root / "content/images/logo.svg", 'stroke-width="2"', 'stroke-width="3"')


def edit_output_by_hand(root: Path) -> None:
    page = root / "output/linkedin/what-a-biometrics-cro-delivers.txt"
    page.write_bytes(page.read_bytes().replace(b"7", b"8", 1))


def touch_output(root: Path) -> None:
    """Same bytes, written again: a new status, the same sha256."""
    page = root / "output/blog/cro-or-cdmo/index.html"
    page.write_bytes(page.read_bytes())
    os.utime(page, ns=(1, 1))


CHANGES: dict[str, tuple[Callable[[Path], None], set[str]]] = {
    "post": (edit_post, {"cro-or-cdmo"}),
    "block used by two posts": (edit_shared_block, SHARED_BY),
    "template": (edit_template, POSTS),
    "site.yaml": (edit_site, POSTS),
    "image the one-pagers embed": (edit_logo, POSTS),
    "output edited by hand": (edit_output_by_hand, {"what-a-biometrics-cro-delivers"}),
    "output touched, same bytes": (touch_output, set()),
}


def test_the_fixture_shares_the_block_between_two_posts(built: Path) -> None:
    manifest = read_manifest(built / "output")
    assert manifest is not None
    users = {r.post for r in manifest.outputs if SHARED_BLOCK in r.block_hashes()}
    assert users == SHARED_BY


def test_a_warm_check_reads_nothing_back_and_finds_the_same(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = check(tree)
    assert set(cold.posts_read) == POSTS
    assert cache_path(tree / "output").is_file()
    assert not (tree / "output" / cache_path(tree / "output").name).exists()
    no_read_back(monkeypatch)
    warm = check(tree)
    assert warm.posts_read == []
    assert as_json(warm) == as_json(cold)
    assert warm.findings == cold.findings  # the same order too, before any sorting


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_change_re_checks_exactly_the_posts_it_affects(tree: Path, change: str) -> None:
    make, affected = CHANGES[change]
    check(tree)
    make(tree)
    warm = check(tree)
    assert set(warm.posts_read) == affected
    full = check(tree, use_cache=False)
    assert set(full.posts_read) == POSTS
    assert as_json(warm) == as_json(full)
    assert warm.findings == full.findings


@pytest.mark.parametrize("change", ["post", "block used by two posts"])
def test_after_a_rebuild_only_the_rebuilt_posts_are_read_again(tree: Path, change: str) -> None:
    make, affected = CHANGES[change]
    check(tree)
    make(tree)
    build_copy(tree)
    warm = check(tree)
    assert set(warm.posts_read) == affected
    assert as_json(warm) == as_json(check(tree, use_cache=False))


def test_check_after_a_no_op_build_reads_no_output_back(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = check(tree)
    report = build_copy(tree)
    assert report.built == []  # nothing to do: the files are linked, not rewritten
    no_read_back(monkeypatch)
    warm = check(tree)
    assert warm.posts_read == []
    assert as_json(warm) == as_json(cold)


def edit_in_place_same_size(page: Path) -> None:
    page.write_bytes(page.read_bytes().replace(b"7", b"8", 1))


def replace_same_size_keeping_time(page: Path) -> None:
    """Another file (another inode) in its place, its modification time set back."""
    before = page.stat()
    replacement = page.with_name(page.name + ".new")
    replacement.write_bytes(page.read_bytes().replace(b"7", b"8", 1))
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, page)


@pytest.mark.parametrize("edit_page", [edit_in_place_same_size, replace_same_size_keeping_time])
def test_a_hand_edit_that_keeps_the_size_is_still_found(
    tree: Path, edit_page: Callable[[Path], None]
) -> None:
    check(tree)
    page = tree / "output/linkedin/what-a-biometrics-cro-delivers.txt"
    size = page.stat().st_size
    edit_page(page)
    assert page.stat().st_size == size
    warm = check(tree)
    assert "freshness.file-hash" in {f.rule for f in warm.findings}
    assert as_json(warm) == as_json(check(tree, use_cache=False))


def test_an_edit_in_place_with_its_time_set_back_is_found_without_the_cache(tree: Path) -> None:
    """The one edit a status cannot tell (file_proofs.py says why the change time is not part
    of it): a same-size edit in place with the modification time forged. ``--no-cache``, which
    CI and the publish workflow run, reads every byte."""
    check(tree)
    page = tree / "output/linkedin/what-a-biometrics-cro-delivers.txt"
    before = page.stat()
    page.write_bytes(page.read_bytes().replace(b"7", b"8", 1))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "freshness.file-hash" in {f.rule for f in check(tree, use_cache=False).findings}


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json at all {",
        b'{"format": 1, "checker": "someone else", "files": {}, "posts": {}}',
        b'{"format": 99}',
        b'{"format": 1, "checker": "CHECKER", "files": {"x": 3}, "posts": []}',
        b'{"format": 1, "checker": "CHECKER", "files": {}, "posts": {"cro-or-cdmo": '
        b'{"key": "k", "findings": [{"rule": 1}], "probes": {}}}}',
        b"\xff\xfe garbage",
    ],
    ids=[
        "empty",
        "not json",
        "other checker",
        "other format",
        "wrong shapes",
        "bad finding",
        "not utf-8",
    ],
)
def test_a_damaged_or_foreign_cache_only_makes_check_slower(tree: Path, damage: bytes) -> None:
    cold = check(tree)
    path = cache_path(tree / "output")
    path.write_bytes(damage.replace(b"CHECKER", checkcache.checker_digest().encode()))
    warm = check(tree)
    assert set(warm.posts_read) == POSTS
    assert as_json(warm) == as_json(cold)
    assert CheckCache.load(path, checkcache.checker_digest()).posts  # written afresh


def test_a_forged_verdict_under_another_key_is_not_trusted(tree: Path) -> None:
    edit_output_by_hand(tree)
    honest = check(tree)
    assert not honest.ok
    path = cache_path(tree / "output")
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["posts"].values():
        entry["findings"] = []
        entry["key"] = "0" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    assert as_json(check(tree)) == as_json(honest)


def test_another_checker_re_checks_everything(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = check(tree)
    monkeypatch.setattr(checkcache, "checker_digest", lambda: "a newer omnipress")
    warm = check(tree)
    assert set(warm.posts_read) == POSTS
    assert as_json(warm) == as_json(cold)


def test_a_removed_image_the_blog_page_shows_re_checks_its_post(tree: Path) -> None:
    """What a post's rules looked up in output/ besides its own files is part of its verdict."""
    check(tree)
    images = sorted((tree / "output/blog").rglob("*.svg"))
    assert images, "the fixture's blog shows the logo"
    for image in images:
        image.unlink()
    warm = check(tree)
    assert as_json(warm) == as_json(check(tree, use_cache=False))


def test_a_status_taken_just_after_a_write_is_not_a_proof(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_bytes(b"x")
    info = path.stat()
    cache = CheckCache("c")
    cache.remember_file("file", "sha", info, info.st_mtime_ns + 1)
    assert cache.proven_sha("file", info) is None
    cache.remember_file("file", "sha", info, info.st_mtime_ns + file_proofs.RACY_NS + 1)
    assert cache.proven_sha("file", info) == "sha"


def cli_json(*argv: str) -> dict[str, object]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main([*argv, "--format", "json"])
    assert code in (0, 1)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


@pytest.mark.parametrize("cached", [False, True], ids=["no cache", "cache"])
def test_the_findings_are_the_same_whatever_the_number_of_jobs(tree: Path, cached: bool) -> None:
    edit_output_by_hand(tree)
    edit_shared_block(tree)  # findings in several posts, so the order can tell
    paths = ["--output", str(tree / "output"), "--content", str(tree / "content"),
             "--templates", str(tree / "templates")]  # fmt: skip
    cache = [] if cached else ["--no-cache"]
    one = cli_json("check", *paths, "--jobs", "1", *cache)
    two = cli_json("check", *paths, "--jobs", "2", "--no-cache")
    assert one["errors"]
    assert one == two
    direct = [check(tree, jobs=n, use_cache=False).findings for n in (1, 2, 3)]
    assert direct[0] == direct[1] == direct[2]


def test_no_cache_reads_every_post_and_leaves_a_fresh_cache(tree: Path) -> None:
    check(tree)
    full = check(tree, use_cache=False)
    assert set(full.posts_read) == POSTS
    assert check(tree).posts_read == []


def pids_of_checks(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Note the process each post is checked in (forked workers inherit the patch)."""
    original = checkposts.check_one

    def noted(ctx: object, slug: str) -> object:
        with log.open("a", encoding="utf-8") as file:
            file.write(f"{os.getpid()} {slug}\n")
        return original(ctx, slug)  # type: ignore[arg-type]

    monkeypatch.setattr(checkposts, "check_one", noted)


def test_posts_are_checked_in_workers_only_when_several_need_it(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "pids"
    pids_of_checks(monkeypatch, log)
    check(tree, jobs=2, use_cache=False)
    lines = log.read_text(encoding="utf-8").split()
    assert set(lines[1::2]) == POSTS
    assert str(os.getpid()) not in lines[0::2]  # every post in a worker
    log.unlink()
    edit_post(tree)
    check(tree, jobs=2)  # one post to read again: no pool
    assert log.read_text(encoding="utf-8").split() == [str(os.getpid()), "cro-or-cdmo"]


@pytest.mark.parametrize("approvals_on", [False, True])
def test_a_check_plans_the_outputs_once(
    project_copy: Path, monkeypatch: pytest.MonkeyPatch, approvals_on: bool
) -> None:
    """The unbuilt-output rule and the drafts count share one plan (with every output's
    approval state): planning twice cost a preview save 0.2 s at 2,500 outputs."""
    from omnipress.check import checkmodel

    site = project_copy / "content/site.yaml"
    if approvals_on:
        site.write_text(site.read_text("utf-8") + "approvals:\n  required: [medical]\n", "utf-8")
    build_copy(project_copy)
    calls: list[int] = []
    real = checkmodel.plan_jobs

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checkmodel, "plan_jobs", counting)
    report = run_check(project_copy / "output", project_copy / "content",
                       project_copy / "templates")  # fmt: skip
    assert len(calls) == 1
    assert report.drafts == (27 if approvals_on else None)  # every output, nothing approved


def built_with_facts(root: Path) -> dict[str, object]:
    """What the preview's build hands its check: the facts of every output it rendered."""
    shutil.rmtree(root / "output")
    report = build_copy(root, keep_facts=True)
    assert set(report.facts) == set(report.built)
    return report.facts


def test_the_facts_of_a_build_stand_in_for_reading_its_files_back(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview's check: every post rendered whole by the build is judged from the facts
    the build held, with no file read back, and finds what a full read finds."""
    facts = built_with_facts(tree)
    cache_path(tree / "output").unlink(missing_ok=True)
    full = as_json(check(tree, use_cache=False))
    cache_path(tree / "output").unlink()
    with monkeypatch.context() as patched:
        no_read_back(patched)
        assert as_json(check(tree, known=facts)) == full


def test_facts_of_a_file_changed_since_the_build_are_not_used(tree: Path) -> None:
    facts = built_with_facts(tree)
    cache_path(tree / "output").unlink(missing_ok=True)
    edit_output_by_hand(tree)
    warm = check(tree, known=facts)
    assert "freshness.file-hash" in {f.rule for f in warm.findings}
    assert "what-a-biometrics-cro-delivers" in warm.posts_read
    assert as_json(warm) == as_json(check(tree, use_cache=False))


def compared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files check renders again to compare (freshness.rendered)."""
    seen: list[str] = []
    for name in ("compare_bytes", "compare_layout"):
        real = getattr(rendered, name)

        def spy(ctx: object, job: object, record: object, data: bytes, real=real) -> object:  # type: ignore[no-untyped-def]
            seen.append(record.path)  # type: ignore[attr-defined]
            return real(ctx, job, record, data)

        monkeypatch.setattr(rendered, name, spy)
    return seen


def test_files_found_fresh_are_not_rendered_again_when_their_post_is_re_checked(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One file of a post changes; the post is re-checked whole (its channels are compared),
    but its other files, found fresh by the last check as these bytes from these inputs, are
    only read, not rendered again."""
    cache_path(tree / "output").unlink(missing_ok=True)
    check(tree)
    edit_output_by_hand(tree)
    seen = compared(monkeypatch)
    warm = check(tree)
    assert warm.posts_read == ["what-a-biometrics-cro-delivers"]
    assert seen == []  # the edited file differs from the manifest: freshness says so
    assert as_json(warm) == as_json(check(tree, use_cache=False))


def test_a_file_restamped_after_it_was_found_fresh_is_compared_again(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found fresh once, then edited with its hash restamped in the manifest: other bytes,
    so the memory does not hold and the re-render finds the edit."""
    from tests.test_check import restamp

    cache_path(tree / "output").unlink(missing_ok=True)
    check(tree)
    edit_output_by_hand(tree)
    restamp(tree / "output", "linkedin/what-a-biometrics-cro-delivers.txt")
    seen = compared(monkeypatch)
    warm = check(tree)
    assert seen == ["linkedin/what-a-biometrics-cro-delivers.txt"]
    assert "freshness.rendered" in {f.rule for f in warm.findings}
    assert as_json(warm) == as_json(check(tree, use_cache=False))
