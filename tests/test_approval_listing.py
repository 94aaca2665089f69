"""`python build.py approvals`: every source's state, role by role, with the diff of exactly
what changed since the approved text; `where-used` shows a block's state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omnipress.content.approvals import source_sha256
from tests.factory import make_project, write
from tests.test_approvals import ROLES, approve, entry, run


@pytest.fixture
def content(tmp_path: Path) -> Path:
    content = make_project(tmp_path)
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + ROLES)
    return content


def listing(capsys: pytest.CaptureFixture[str], content: Path, *argv: str) -> tuple[int, str]:
    return run(capsys, "approvals", *argv, "--content", str(content))


def test_each_state_is_listed_with_who_and_when(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        approve(content, capsys, "cta-main", "about", "--by", "Dr Roe", "--role", "medical")[0] == 0
    )
    assert (
        approve(content, capsys, "cta-main", "about", "--by", "Ms Law", "--role", "legal")[0] == 0
    )
    block = content / "blocks/about.md"
    block.write_text(block.read_text().replace("test content", "tested content"))
    code, text = listing(capsys, content)
    assert code == 0
    lines = text.splitlines()
    assert any(line.startswith("block:cta-main  approved") for line in lines)
    assert any("medical  approved by Dr Roe" in line for line in lines)
    assert any(
        line.startswith("block:about  changed since approved by medical, legal") for line in lines
    )
    assert "-Test Org makes test content." in text
    assert "+Test Org makes tested content." in text
    assert any(line.startswith("post:test-post  not approved by medical, legal") for line in lines)
    assert "never approved" in text


def test_the_diff_shows_exactly_what_changed(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    approve(content, capsys, "stat-one", "--by", "Dr Roe", "--role", "medical")
    block = content / "blocks/stat-one.md"
    block.write_text(block.read_text().replace('"42%"', '"43%"').replace("\n", " \t\r\n"))
    code, text = listing(capsys, content, "stat-one", "--format", "json")
    assert code == 0
    data = json.loads(text[: text.rindex("}") + 1])
    (status,) = data["sources"]
    medical = next(r for r in status["roles"] if r["role"] == "medical")
    changed = [d for d in medical["diff"] if d[:1] in "+-" and d[:3] not in ("+++", "---")]
    assert changed == ['-value: "42%"', '+value: "43%"']  # the line endings are no change


def test_a_hand_written_approval_without_its_text_says_so(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(content, "approvals.yaml", entry(sha=source_sha256("an older text")))
    code, text = listing(capsys, content, "block:cta-main")
    assert code == 0
    assert "changed since approval by Dr Roe" in text
    assert "the approved text is not on file" in text
    assert "post:test-post" not in text  # filtered to the id asked for


@pytest.mark.parametrize(
    ("ids", "message"),
    [(["cta-mian"], "did you mean 'cta-main'"), (["post:nope"], "there is no post 'nope'")],
)
def test_an_unknown_id_is_a_usage_error(
    content: Path, capsys: pytest.CaptureFixture[str], ids: list[str], message: str
) -> None:
    code, text = listing(capsys, content, *ids)
    assert code == 2 and message in text


def test_with_approvals_off_the_listing_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = make_project(tmp_path)
    code, text = listing(capsys, content)
    assert code == 0 and "Approvals are off" in text


def test_where_used_shows_the_blocks_approval_state(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "output"
    assert run(capsys, "build", "--content", str(content), "--output", str(output))[0] == 0
    argv = ("where-used", "stat-one", "--content", str(content), "--output", str(output))
    code, text = run(capsys, *argv)
    assert code == 0 and "approval: not approved by medical, legal" in text
    approve(content, capsys, "stat-one", "--by", "Dr Roe", "--role", "medical")
    approve(content, capsys, "stat-one", "--by", "Ms Law", "--role", "legal")
    code, text = run(capsys, *argv, "--format", "json")
    assert json.loads(text)["approval"] == "approved"
