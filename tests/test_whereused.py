"""`where-used`: every post, campaign and output file that uses a block, from the manifest,
with the block's current hash and whether each use is up to date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omnipress.build.manifest import Manifest
from omnipress.check.whereused import where_used
from omnipress.cli import main
from tests.conftest import CONTENT

BIOMETRICS = "what-a-biometrics-cro-delivers"
LABELS = "contract-vs-clinical-research-organisation"


def manifest_of(output: Path) -> Manifest:
    return Manifest.from_json((output / "manifest.json").read_text(encoding="utf-8"))


def test_lists_every_file_post_and_campaign(example_output: Path) -> None:
    result = where_used("stat-biometrics-disciplines", example_output, CONTENT)
    expected_files = {
        r.path
        for r in manifest_of(example_output).outputs
        if "stat-biometrics-disciplines" in r.blocks
    }
    assert {use.file for use in result.uses} == expected_files
    assert {f"blog/{LABELS}/index.html", f"linkedin/{BIOMETRICS}.txt"} <= expected_files
    assert result.posts == [LABELS, BIOMETRICS]
    assert result.campaigns == ["biometrics-partner", "cro-explained"]
    assert result.block_type == "stat"
    assert (
        result.current_hash
        == manifest_of(example_output).blocks["stat-biometrics-disciplines"]["digest"]
    )
    assert all(use.status == "up to date" for use in result.uses) and result.up_to_date


def test_tells_direct_use_from_use_through_another_block(example_output: Path) -> None:
    result = where_used("stat-engagement-models", example_output, CONTENT)
    via = {use.file: use.via for use in result.uses}
    assert via[f"blog/{BIOMETRICS}/index.html"] == ("definition-fsp",)  # included by the FSP block
    assert via[f"pdf/{BIOMETRICS}.pdf"] == ()  # listed in the post's pdf.blocks


def test_an_author_bio_is_used_by_the_pdfs_that_print_its_name_and_role(
    example_output: Path,
) -> None:
    result = where_used("bio-priya-raman", example_output, CONTENT)
    how = {use.file: use.whole for use in result.uses}
    assert how[f"blog/{BIOMETRICS}/index.html"] is True  # the bio box, shown whole
    assert how[f"pdf/{BIOMETRICS}.pdf"] is False  # only the byline: name and role
    assert f"campaigns/biometrics-partner/pdf/{BIOMETRICS}.pdf" in how
    assert not any(use.channel == "linkedin" for use in result.uses)


def test_a_bio_edit_makes_the_pdf_byline_stale(example_output: Path, project_copy: Path) -> None:
    bio = project_copy / "content/blocks/bio-priya-raman.md"
    text = bio.read_text(encoding="utf-8")
    assert "Director of Statistical Programming" in text
    bio.write_text(text.replace("Director of", "Head of"), encoding="utf-8")
    result = where_used("bio-priya-raman", example_output, project_copy / "content")
    status = {use.file: use.status for use in result.uses}
    assert status[f"pdf/{BIOMETRICS}.pdf"] == "stale"


def test_campaign_cta_override_is_found(example_output: Path) -> None:
    result = where_used("cta-consultation", example_output, CONTENT)
    assert result.campaigns == ["biometrics-partner"]
    assert all(use.campaign == "biometrics-partner" for use in result.uses)
    assert {use.channel for use in result.uses} == {"pdf", "linkedin", "carousel"}


def test_stale_uses_after_the_block_changes(example_output: Path, project_copy: Path) -> None:
    block = project_copy / "content/blocks/quote-fit-over-label.md"
    block.write_text(block.read_text().replace("name on the door", "logo on the door"))
    result = where_used("quote-fit-over-label", example_output, project_copy / "content")
    assert result.uses and {use.status for use in result.uses} == {"stale"}
    assert result.current_hash != result.uses[0].built_hash
    assert not result.up_to_date


def test_post_that_uses_the_block_only_since_the_build(
    example_output: Path, project_copy: Path
) -> None:
    post = project_copy / "content/posts/cro-or-cdmo.md"
    post.write_text(post.read_text() + "\n[[block:quote-fit-over-label]]\n")
    result = where_used("quote-fit-over-label", example_output, project_copy / "content")
    assert result.unbuilt_posts == ["cro-or-cdmo"]


def test_cli_text_and_json(example_output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--output", str(example_output), "--content", str(CONTENT)]
    assert main(["where-used", "quote-fit-over-label", *args]) == 0
    text = capsys.readouterr().out
    assert "current hash:" in text and f"pdf/{LABELS}.pdf" in text and "up to date" in text
    assert main(["where-used", "quote-fit-over-label", *args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["block_id"] == "quote-fit-over-label" and data["up_to_date"] is True
    assert {u["post"] for u in data["uses"]} == {LABELS, BIOMETRICS}


def test_unknown_id_suggests_the_closest(
    example_output: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--output", str(example_output), "--content", str(CONTENT)]
    assert main(["where-used", "stat-biometrics-disciplins", *args]) == 2
    err = capsys.readouterr().err
    assert "no block 'stat-biometrics-disciplins'" in err
    assert "did you mean 'stat-biometrics-disciplines'" in err
    assert "Traceback" not in err
    assert main(["where-used", "stat-biometrics-disciplins", *args, "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)  # a script gets JSON on stdout too
    assert data["ok"] is False and "stat-biometrics-disciplines" in data["hint"]


def test_without_a_build_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["where-used", "cta-rfi", "--output", str(tmp_path / "none")]) == 2
    assert "python build.py" in capsys.readouterr().err
