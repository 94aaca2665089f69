"""`check --release` fails on any draft, and `check` catches an output whose draft mark
disagrees with today's approvals (a stale clean file). Through the real entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from omnipress.build.manifest import read_manifest, sha256_of
from omnipress.cli import main
from tests.conftest import CONTENT, TEMPLATES
from tests.test_approval_drafts import approve, build_into, turn_on


def check(capsys: pytest.CaptureFixture[str], content: Path, output: Path,
          *extra: str) -> tuple[int, str]:  # fmt: skip
    capsys.readouterr()
    code = main(["check", "--content", str(content), "--templates", str(TEMPLATES),
                 "--output", str(output), "--no-cache", *extra])  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    turn_on(tmp_path / "content")
    return tmp_path / "content"


@pytest.mark.parametrize(
    ("unapproved", "roles", "reason"),
    [
        (["block:stat-trial-phases"], ("medical", "legal"), "not approved by medical, legal"),
        (["block:stat-trial-phases"], ("legal",), "not approved by legal"),
        (["post:cro-or-cdmo"], ("medical",), "not approved by medical"),
    ],
)
def test_release_check_fails_on_a_source_not_approved_naming_it_and_its_outputs(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    unapproved: list[str], roles: tuple[str, ...], reason: str,
) -> None:  # fmt: skip
    approve(content)  # everything, then take the roles away again from one source
    log = content / "approvals.yaml"

    def taken_away(entry: str) -> bool:
        return entry.startswith(unapproved[0] + "\n") and any(
            f"role: {r}\n" in entry for r in roles
        )

    kept = [e for e in log.read_text().split("- source: ") if not taken_away(e)]
    log.write_text("- source: ".join(kept))
    output = tmp_path / "output"
    build_into(content, output)
    code, text = check(capsys, content, output)
    assert code == 0 and "are drafts" in text  # before a release, drafts are normal
    code, text = check(capsys, content, output, "--release")
    assert code == 1
    assert "release.draft" in text and f"{unapproved[0]} is {reason}" in text
    assert "pdf/cro-or-cdmo.pdf" in text
    code, text = check(capsys, content, output, "--release", "--format", "json")
    report = json.loads(text[: text.rindex("}") + 1])
    assert code == 1 and report["drafts"] > 0
    findings = [f for f in report["findings"] if f["rule"] == "release.draft"]
    assert [f["message"].split(" is ")[0] for f in findings] == unapproved
    assert "pdf/cro-or-cdmo.pdf" in findings[0]["found"]


def test_release_check_fails_on_a_source_changed_since_approval(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    approve(content)
    block = content / "blocks/stat-trial-phases.md"
    block.write_text(block.read_text().replace("4", "5", 1))
    output = tmp_path / "output"
    build_into(content, output)
    code, text = check(capsys, content, output, "--release")
    assert code == 1
    assert "block:stat-trial-phases is changed since approved by medical, legal" in text


def test_release_check_passes_when_everything_is_approved(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    approve(content)
    output = tmp_path / "output"
    build_into(content, output)
    code, text = check(capsys, content, output, "--release")
    assert code == 0, text
    assert "drafts" not in text


def test_release_check_says_when_approvals_are_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(CONTENT, tmp_path / "content")
    build_into(tmp_path / "content", tmp_path / "output")
    code, text = check(capsys, tmp_path / "content", tmp_path / "output", "--release")
    assert code == 0 and "release.approvals-off" in text


@pytest.mark.parametrize("direction", ["withdrawn", "given"])
def test_check_flags_an_output_whose_mark_disagrees_with_the_approvals_now(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], direction: str
) -> None:
    if direction == "withdrawn":
        approve(content)
    output = tmp_path / "output"
    build_into(content, output)
    if direction == "withdrawn":
        (content / "approvals.yaml").write_text("")
    else:
        approve(content)
    code, text = check(capsys, content, output)
    assert code == 1
    assert "freshness.approval" in text and "linkedin/cro-or-cdmo.txt" in text
    code, text = check(capsys, content, output, "--release")
    assert code == 1


def test_a_clean_file_restamped_into_a_draft_build_is_caught_by_the_re_render(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone swaps an approved build's clean LinkedIn text into a draft build and restamps
    the manifest: the file's hash and inputs agree, but re-rendered today it is a draft."""
    approve(content)
    clean = tmp_path / "clean"
    build_into(content, clean)
    (content / "approvals.yaml").write_text("")
    output = tmp_path / "output"
    build_into(content, output)
    path = "linkedin/cro-or-cdmo.txt"
    data = (clean / path).read_bytes()
    assert not data.startswith(b"DRAFT")
    (output / path).write_bytes(data)
    manifest = json.loads((output / "manifest.json").read_text())
    for record in manifest["outputs"]:
        if record["path"] == path:
            record["sha256"] = sha256_of(data)
    (output / "manifest.json").write_text(json.dumps(manifest, indent=2))
    assert read_manifest(output) is not None
    code, text = check(capsys, content, output, "--format", "json")
    report = json.loads(text[: text.rindex("}") + 1])
    assert code == 1
    found = {(f["rule"], f["file"]) for f in report["findings"]}
    assert found == {("freshness.rendered", path)}, found
