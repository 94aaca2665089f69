"""The preview's post page shows the approval state of the post and of each block it uses,
and the diff of a changed one; nothing while approvals are off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from omnipress.build.builder import load_and_validate
from omnipress.content.approval_log import store_approved_text
from omnipress.content.approvals import source_sha256
from omnipress.errors import Problems
from omnipress.preview.live_project import LiveProject
from tests.conftest import CONTENT
from tests.previewing import running_preview, seed_output
from tests.test_approval_drafts import approve, turn_on

SLUG = "cro-or-cdmo"


def test_the_post_page_shows_each_sources_state_and_the_diff(
    example_output: Path, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    turn_on(content)
    approve(content)
    block = content / "blocks/stat-trial-phases.md"
    text = block.read_text()
    store_approved_text(content, "block:stat-trial-phases", text, source_sha256(text))
    block.write_text(block.read_text().replace("4", "5", 1))
    seed_output(example_output, tmp_path / "output")
    with running_preview(tmp_path / "output", content=content) as live:
        page = BeautifulSoup(live.text(f"/post/{SLUG}/"), "html.parser")
    section = page.select_one("details.approvals")
    assert section is not None and section.summary is not None
    assert "draft: 1 of 8 sources not approved" in section.summary.get_text()
    items = {li.strong.get_text(): li for li in section.select("li.approval")}
    assert f"post:{SLUG}" in items and "block:cta-rfi" in items
    assert "block:stat-engagement-models" not in items  # another post's block
    assert "approval-approved" in items["block:cta-rfi"]["class"]
    stat = items["block:stat-trial-phases"]
    assert "approval-changed" in stat["class"]
    assert "changed since approved by medical, legal" in stat.get_text()
    diff = stat.select_one("pre.approval-diff")
    assert diff is not None
    assert any(line.startswith("+") and "5" in line for line in diff.get_text().splitlines())


def test_nothing_is_shown_while_approvals_are_off(example_output: Path, tmp_path: Path) -> None:
    seed_output(example_output, tmp_path / "output")
    with running_preview(tmp_path / "output") as live:
        page = BeautifulSoup(live.text(f"/post/{SLUG}/"), "html.parser")
    assert page.select_one("details.approvals") is None


@pytest.mark.parametrize("change", ["edit", "approve"])
def test_the_live_project_of_serve_follows_a_saved_block_or_the_log(
    tmp_path: Path, change: str
) -> None:
    """serve re-reads only the saved file: the approvals it keeps must follow it (a saved
    block has another hash; a saved log is read again), as a full load would."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    turn_on(content)
    approve(content)
    live = LiveProject(content)
    live.update()
    block = content / "blocks/stat-trial-phases.md"
    if change == "edit":
        block.write_text(block.read_text().replace("4", "5", 1))
        saved = block
    else:
        (content / "approvals.yaml").write_text("")
        saved = content / "approvals.yaml"
    loaded = live.update([saved])
    fresh = load_and_validate(content, Problems())
    assert loaded.project.approvals is not None and fresh.approvals is not None
    assert loaded.project.approvals.hashes == fresh.approvals.hashes
    source = "block:stat-trial-phases"
    assert loaded.project.approvals.holding(source) == fresh.approvals.holding(source) is not None
