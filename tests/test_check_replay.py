"""A no-op build leaves output/ exactly as it was, and a ``check`` of a tree untouched since
the last check gives the last report without loading anything (check/replay.py); any change
to content/, templates/ or output/ runs the whole check again."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from omnipress.check import check as check_module
from omnipress.check.check import run_check
from omnipress.check.checkmodel import CheckReport
from omnipress.check.replay import fingerprint
from tests.conftest import build_copy, built_tree


def statuses(output: Path) -> dict[str, tuple[int, int, int]]:
    return {
        p.relative_to(output).as_posix(): (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
        for p in output.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return built_tree(tmp_path)


def check(root: Path, **options: object) -> CheckReport:
    return run_check(root / "output", root / "content", root / "templates", **options)  # type: ignore[arg-type]


def as_json(report: CheckReport) -> str:
    return json.dumps({**report.to_dict(), "posts_checked": report.posts_checked}, indent=1)


def test_a_no_op_build_leaves_output_as_it_was(tree: Path) -> None:
    before = statuses(tree / "output")
    report = build_copy(tree)
    assert report.built == []
    assert statuses(tree / "output") == before  # same files, same inodes, not even relinked


def test_a_build_that_repairs_a_hand_edit_is_no_no_op(tree: Path) -> None:
    page = tree / "output/linkedin/cro-or-cdmo.txt"
    original = page.read_bytes()
    page.write_bytes(original + b"edited by hand\n")
    report = build_copy(tree)
    assert report.built == ["linkedin/cro-or-cdmo.txt"]
    assert page.read_bytes() == original


def nothing_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> object:
        raise AssertionError("the content was loaded")

    monkeypatch.setattr(check_module, "read_manifest_or_explain", refuse)
    import omnipress.build.builder as builder

    monkeypatch.setattr(builder, "load_and_validate", refuse)


def settled(tree: Path) -> CheckReport:
    """The first check of the tree, its files old enough to be proved by their status."""
    time.sleep(0.1)
    return check(tree)


def test_an_untouched_tree_gives_the_last_report_without_loading_anything(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = settled(tree)
    assert build_copy(tree).built == []  # a no-op build in between changes nothing
    with monkeypatch.context() as patched:
        nothing_loaded(patched)
        again = check(tree)
    assert as_json(again) == as_json(first)
    assert again.posts_read == []


def edit_content(tree: Path) -> None:
    post = tree / "content/posts/cro-or-cdmo.md"
    post.write_text(post.read_text() + "\nOne more sentence.\n")


def touch_template(tree: Path) -> None:
    os.utime(tree / "templates/linkedin/post.txt")


def add_unlisted_output(tree: Path) -> None:
    (tree / "output/notes.txt").write_text("mine")


def edit_output_same_size(tree: Path) -> None:
    page = tree / "output/linkedin/cro-or-cdmo.txt"
    page.write_bytes(page.read_bytes().replace(b"a", b"e", 1))


def add_style_rule(tree: Path) -> None:
    (tree / "content/styles").mkdir(exist_ok=True)
    (tree / "content/styles/Words.yml").write_text(
        "extends: existence\nmessage: \"Avoid '%s'.\"\nlevel: warning\ntokens:\n  - sponsor\n"
    )


CHANGES: dict[str, Callable[[Path], None]] = {
    "content": edit_content,
    "template touched": touch_template,
    "unlisted output": add_unlisted_output,
    "output edited": edit_output_same_size,
    "style rule": add_style_rule,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_runs_the_whole_check(
    tree: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None]
) -> None:
    settled(tree)
    change(tree)
    loaded: list[object] = []
    real = check_module.read_manifest_or_explain

    def spy(output: Path):  # type: ignore[no-untyped-def]
        loaded.append(output)
        return real(output)

    monkeypatch.setattr(check_module, "read_manifest_or_explain", spy)
    warm = check(tree)
    assert loaded, "the whole check ran"
    assert as_json(warm) == as_json(check(tree, use_cache=False))


def test_a_release_check_is_not_the_replay_of_a_plain_one(tree: Path) -> None:
    settled(tree)
    assert check(tree, release=True).seconds > 0  # made afresh: its own fingerprint
    assert as_json(check(tree, release=True)) == as_json(check(tree, release=True, use_cache=False))


@pytest.mark.parametrize(
    ("age_ns", "whole_seconds", "proved"),
    [
        (0, False, False),  # written this very tick: could change again unseen
        (10_000_000, False, False),
        (500_000_000, False, True),  # half a second ago, on a file system with fine times
        (1_000_000_000, True, False),  # whole seconds kept (FAT, HFS+): two seconds' margin
        (5_000_000_000, True, True),
    ],
)
def test_a_file_written_within_a_clock_tick_is_no_proof(
    tmp_path: Path, age_ns: int, whole_seconds: bool, proved: bool
) -> None:
    """A file written within a clock tick could change again unseen: no report is kept."""
    (tmp_path / "content").mkdir()
    path = tmp_path / "content/post.md"
    path.write_text("text")
    written = time.time_ns() - age_ns
    if whole_seconds:
        written -= written % 1_000_000_000
    os.utime(path, ns=(written, written))
    found = fingerprint({"content": tmp_path / "content"}, "checker")
    assert (found is not None) == proved
