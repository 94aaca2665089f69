"""A file proved unchanged by its status is reused without being read (build/file_proofs.py);
anything that changes the file, or a proof that cannot be linked, is read and judged again.

The preview keeps such proofs between saves; a build's reuse must stay exactly as safe as
reading and hashing every file."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from omnipress.build import builder
from omnipress.build.builder import BuildOptions, BuildReport, build
from omnipress.build.file_proofs import RACY_NS, MemoryProofs
from omnipress.build.manifest import read_manifest
from omnipress.build.output_files import UnsafeOutputPath, proof_status
from omnipress.build.writer import StagedOutput
from tests.conftest import built_tree


def build_with(root: Path, proofs: MemoryProofs) -> BuildReport:
    options = BuildOptions(root / "content", root / "templates", root / "output")
    return build(options, proofs=proofs)


PAGE = "linkedin/what-a-biometrics-cro-delivers.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_tree(tmp_path_factory.mktemp("proofs-base"))


@pytest.fixture
def tree(built: Path, tmp_path: Path) -> Path:
    """A copy of the built tree whose files were written long enough ago to be proved."""
    shutil.copytree(built, tmp_path / "tree", symlinks=True)
    past = time.time_ns() - 10 * RACY_NS
    for path in (tmp_path / "tree/output").rglob("*"):
        if path.is_file():
            os.utime(path, ns=(past, past))
    return tmp_path / "tree"


def snapshot(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*")
            if p.is_file()}  # fmt: skip


def proved(tree: Path) -> MemoryProofs:
    """Proofs of every output, as a long-lived preview holds them after one build."""
    proofs = MemoryProofs()
    report = build_with(tree, proofs)
    assert report.built == []
    assert len(proofs.files) == len(report.reused)
    return proofs


def reads(monkeypatch: pytest.MonkeyPatch, tree: Path) -> list[str]:
    """The previous outputs the build reads (not the manifest and the site's own files, which
    a build that renders nothing compares with what it would write)."""
    manifest = read_manifest(tree / "output")
    assert manifest is not None
    site_files = {"manifest.json", *manifest.files}
    read: list[str] = []
    real = builder.read_output_file

    def spy(output: Path, relative: str):  # type: ignore[no-untyped-def]
        if relative not in site_files:
            read.append(relative)
        return real(output, relative)

    monkeypatch.setattr(builder, "read_output_file", spy)
    return read


def test_a_proved_file_is_reused_without_being_read(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proofs = proved(tree)
    before = snapshot(tree / "output")
    read = reads(monkeypatch, tree)
    report = build_with(tree, proofs)
    assert report.built == [] and read == []
    assert snapshot(tree / "output") == before


def edit_in_place_same_size(page: Path) -> None:
    page.write_bytes(page.read_bytes().replace(b"7", b"8", 1))


def replace_keeping_size_and_time(page: Path) -> None:
    before = page.stat()
    other = page.with_name("other")
    other.write_bytes(page.read_bytes().replace(b"7", b"8", 1))
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, page)


def touch_only(page: Path) -> None:
    os.utime(page)


@pytest.mark.parametrize(
    "change", [edit_in_place_same_size, replace_keeping_size_and_time, touch_only]
)
def test_a_file_changed_since_its_proof_is_read_and_judged_again(
    tree: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None]
) -> None:
    proofs = proved(tree)
    before = snapshot(tree / "output")
    change(tree / "output" / PAGE)
    read = reads(monkeypatch, tree)
    report = build_with(tree, proofs)
    assert read == [PAGE]  # only the changed file is read; the others are proved
    assert report.built == ([] if change is touch_only else [PAGE])
    assert snapshot(tree / "output") == before  # a hand edit is undone


def test_a_proved_file_that_cannot_be_linked_is_read_and_verified(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proofs = proved(tree)
    before = snapshot(tree / "output")
    monkeypatch.setattr(StagedOutput, "link", lambda *args: False)
    read = reads(monkeypatch, tree)
    report = build_with(tree, proofs)
    assert report.built == []
    assert sorted(read) == sorted(report.reused)  # each read once, to be copied
    assert snapshot(tree / "output") == before


def test_a_proved_file_changed_before_it_is_copied_is_rendered_again(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proved, then edited before it could be linked (the link failed): the bytes read then
    are not the ones proved, so the output is rendered again, never copied as it is."""
    proofs = proved(tree)
    before = snapshot(tree / "output")
    real_previous_file = builder.previous_file

    def edited_after_proof(output: Path, relative: str, *rest: object):  # type: ignore[no-untyped-def]
        found = real_previous_file(output, relative, *rest)  # type: ignore[arg-type]
        if relative == PAGE:
            edit_in_place_same_size(output / PAGE)
        return found

    monkeypatch.setattr(builder, "previous_file", edited_after_proof)
    monkeypatch.setattr(StagedOutput, "link", lambda *args: False)
    report: BuildReport = build_with(tree, proofs)
    assert report.built == [PAGE]  # rendered after all, and so …
    assert snapshot(tree / "output") == before  # … the edited bytes never reach output/


@pytest.mark.parametrize("where", ["folder", "file"])
def test_a_status_is_never_taken_through_a_link(tmp_path: Path, where: str) -> None:
    output = tmp_path / "output"
    (output / "blog/post").mkdir(parents=True)
    (output / "blog/post/index.html").write_text("page")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(output / "blog", elsewhere)
    if where == "folder":
        shutil.rmtree(output / "blog/post")
        (output / "blog/post").symlink_to(elsewhere / "post")
    else:
        (output / "blog/post/index.html").unlink()
        (output / "blog/post/index.html").symlink_to(elsewhere / "post/index.html")
    with pytest.raises(UnsafeOutputPath):
        proof_status(output, "blog/post/index.html", set())
    for name in ("../elsewhere/post/index.html", "/etc/passwd", "blog/../../x"):
        with pytest.raises(UnsafeOutputPath):
            proof_status(output, name, set())
