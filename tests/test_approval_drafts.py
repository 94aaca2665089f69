"""Approvals on: an output made from any source that is not approved is a draft, visibly, in
every channel; the manifest says so; an approval re-renders exactly what it changes and gives
back the bytes of a build that never was a draft. On copies of the fixture content."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from omnipress.build.builder import BuildOptions, BuildReport, build, load_and_validate, plan_jobs
from omnipress.build.manifest import read_manifest
from omnipress.channels.approval import output_sources
from omnipress.channels.card.readback import read_card
from omnipress.cli import main
from omnipress.content.approval_log import appended
from omnipress.content.approvals import Approval
from omnipress.errors import Problems
from tests.conftest import CONTENT, TEMPLATES

ROLES = ("medical", "legal")


def turn_on(content: Path) -> None:
    site = content / "site.yaml"
    site.write_text(site.read_text() + "approvals:\n  required: [medical, legal]\n")


def approve(content: Path, sources: list[str] | None = None, roles: tuple[str, ...] = ROLES,
            at: str = "2026-12-01T10:00:00+00:00") -> None:  # fmt: skip
    """Approve ``sources`` (all when None) as they read now, as a hand-written log would."""
    project = load_and_validate(content, Problems())
    assert project.approvals is not None
    hashes = project.approvals.hashes
    moment = datetime.fromisoformat(at)
    chosen = sources if sources is not None else sorted(hashes)
    new = [Approval(s, hashes[s], role, "Dr Roe", moment, "", 0) for s in chosen for role in roles]
    log = content / "approvals.yaml"
    log.write_text(appended(log.read_text() if log.exists() else None, new))


def files(output: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(output)): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def build_into(content: Path, output: Path) -> BuildReport:
    return build(BuildOptions(content=content, templates=TEMPLATES, output=output))


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


@pytest.fixture(scope="module")
def draft_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(content, output) of the fixture with approvals on and nothing approved."""
    root = tmp_path_factory.mktemp("drafts")
    shutil.copytree(CONTENT, root / "content")
    turn_on(root / "content")
    build_into(root / "content", root / "output")
    return root / "content", root / "output"


def test_the_sources_known_before_rendering_are_those_the_build_recorded(
    example_output: Path,
) -> None:
    project = load_and_validate(CONTENT, Problems())
    manifest = read_manifest(example_output)
    assert manifest is not None
    records = manifest.by_path()
    jobs = plan_jobs(project, None)
    assert len(jobs) == len(records) > 20
    for job in jobs:
        record = records[job.path]
        recorded = {f"block:{b}" for b in record.block_hashes()} | {f"post:{record.post}"}
        assert set(output_sources(project, job)) == recorded, job.path


def test_approvals_off_change_no_byte_of_outputs_or_manifest(
    example_output: Path, content: Path, tmp_path: Path
) -> None:
    approve(content, ["block:cta-rfi"], roles=("anyone",))  # a log, but approvals are off
    build_into(content, tmp_path / "out")
    assert files(tmp_path / "out") == files(example_output)
    manifest = (tmp_path / "out/manifest.json").read_text()
    assert manifest == (example_output / "manifest.json").read_text()
    assert '"approval' not in manifest


def test_every_output_is_a_draft_until_approved_and_the_manifest_says_why(
    draft_build: tuple[Path, Path],
) -> None:
    _, output = draft_build
    data = json.loads((output / "manifest.json").read_text())
    for record in data["outputs"]:
        assert record["approval"]["state"] == "draft", record["path"]
        held = {h["source"]: h for h in record["approval"]["holding"]}
        assert f"post:{record['post']}" in held
        assert held[f"post:{record['post']}"]["missing"] == ["medical", "legal"]
        assert any(name.startswith("approval:") for name in record["depends"])


def mark_pixels(image: Image.Image) -> int:
    """Pixels of the draft mark's red (the brand's colours are teal and navy)."""
    data = image.convert("RGB").reduce(2).tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 150 and r - g > 30 and r - b > 30)


def test_a_draft_is_marked_in_every_channel(
    draft_build: tuple[Path, Path], example_output: Path
) -> None:
    _, output = draft_build
    blog = (output / "blog/cro-or-cdmo/index.html").read_text()
    assert "Draft — not approved" in blog
    assert '<meta name="robots" content="noindex">' in blog
    linkedin = (output / "linkedin/cro-or-cdmo.txt").read_text()
    assert linkedin.startswith("DRAFT — not approved for publication")
    for pdf in ("pdf/cro-or-cdmo.pdf", "campaigns/cro-explained/pdf/cro-or-cdmo.pdf",
                "linkedin/cro-or-cdmo.carousel.pdf"):  # fmt: skip
        from pypdf import PdfReader

        reader = PdfReader(output / pdf)
        assert reader.metadata is not None
        assert reader.metadata.title == "Draft — CRO or CDMO: who does what in the value chain"
        draft, approved = pdfium.PdfDocument(output / pdf), pdfium.PdfDocument(example_output / pdf)
        for number in range(len(draft)):
            # drawn as shapes, on every page; never text, which check reads as the content's
            text = draft[number].get_textpage().get_text_range()
            # the same words as approved: a mark in the text layer lands in the middle of
            # whatever line it crosses (a quote's attribution read as "40DRAFT , Head")
            assert text == approved[number].get_textpage().get_text_range(), (pdf, number)
            marked = draft[number].render(scale=0.5).to_pil()
            unmarked = approved[number].render(scale=0.5).to_pil()
            assert mark_pixels(marked) > 100 > 10 * mark_pixels(unmarked), (pdf, number)
        draft.close()
        approved.close()
    card = output / "blog/cro-or-cdmo/card.png"
    assert "DRAFT" not in read_card(card.read_bytes()).text
    with Image.open(card) as marked, Image.open(example_output / card.relative_to(output)) as plain:
        assert mark_pixels(marked) > 100 > 10 * mark_pixels(plain)


def test_a_draft_build_passes_check(
    draft_build: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The channel rules hold for a draft: the draft line is not the LinkedIn hook, the PDF's
    'Draft — ' title is the post's, the DRAFT mark is no figure."""
    content, output = draft_build
    capsys.readouterr()
    code = main(["check", "--content", str(content), "--templates", str(TEMPLATES),
                 "--output", str(output), "--no-cache"])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0, text
    assert "0 error(s), 0 warning(s)" in text or "OK" in text


def test_approving_everything_gives_back_the_bytes_of_approvals_off(
    example_output: Path, content: Path, tmp_path: Path
) -> None:
    turn_on(content)
    approve(content)
    report = build_into(content, tmp_path / "out")
    assert not report.warnings.errors
    assert files(tmp_path / "out") == files(example_output)
    data = json.loads((tmp_path / "out/manifest.json").read_text())
    assert {r["approval"]["state"] for r in data["outputs"]} == {"approved"}


def test_an_approval_rerenders_exactly_the_outputs_whose_state_changed(
    content: Path, tmp_path: Path
) -> None:
    turn_on(content)
    everything_but = ["block:stat-trial-phases", "block:cta-consultation"]
    project = load_and_validate(content, Problems())
    assert project.approvals is not None
    approve(content, [s for s in sorted(project.approvals.hashes) if s not in everything_but])
    output = tmp_path / "out"
    first = build_into(content, output)
    manifest = read_manifest(output)
    assert manifest is not None
    drafts = {r.path for r in manifest.outputs if r.approval and r.approval["state"] == "draft"}
    users = {r.path for r in manifest.outputs if "stat-trial-phases" in r.block_hashes()}
    consultation = {r.path for r in manifest.outputs if "cta-consultation" in r.block_hashes()}
    assert drafts == users | consultation and users and consultation
    assert set(first.built) == {r.path for r in manifest.outputs}

    approve(content, ["block:stat-trial-phases"], roles=("medical",))  # still missing: legal
    second = build_into(content, output)
    assert set(second.built) == users  # the same draft, held back by less: recorded anew
    approve(content, ["block:stat-trial-phases"], roles=("legal",))
    third = build_into(content, output)
    assert set(third.built) == users
    after = read_manifest(output)
    assert after is not None
    states = {r.path: r.approval["state"] for r in after.outputs if r.approval}
    assert {p for p, s in states.items() if s == "draft"} == consultation
    assert not any(b"DRAFT" in (output / p).read_bytes() for p in users - consultation
                   if p.endswith(".txt"))  # fmt: skip


def test_a_change_after_approval_makes_a_draft_again_and_whitespace_does_not(
    content: Path, tmp_path: Path
) -> None:
    turn_on(content)
    approve(content)
    output = tmp_path / "out"
    build_into(content, output)
    block = content / "blocks/stat-trial-phases.md"
    text = block.read_text()
    block.write_text(text.replace("\n", "  \t\r\n").rstrip() + "\r\n\r\n\r\n")  # invisible
    build_into(content, output)
    manifest = read_manifest(output)
    assert manifest is not None
    assert {r.approval["state"] for r in manifest.outputs if r.approval} == {"approved"}
    block.write_text(text.replace("4", "5", 1))  # a figure changed: approval void
    report = build_into(content, output)
    manifest = read_manifest(output)
    assert manifest is not None
    drafts = {r.path for r in manifest.outputs if r.approval and r.approval["state"] == "draft"}
    assert drafts and drafts == {r.path for r in manifest.outputs
                                 if "stat-trial-phases" in r.block_hashes()}  # fmt: skip
    assert drafts <= set(report.built)
    for record in manifest.outputs:
        if record.path in drafts:
            assert record.approval is not None
            assert record.approval["holding"] == [
                {"source": "block:stat-trial-phases", "missing": [],
                 "changed": ["medical", "legal"]}
            ]  # fmt: skip


def test_removing_an_approval_never_leaves_a_clean_output_reused(
    content: Path, tmp_path: Path
) -> None:
    turn_on(content)
    approve(content)
    output = tmp_path / "out"
    build_into(content, output)
    log = content / "approvals.yaml"
    entries = log.read_text().split("- source: ")
    kept = [e for e in entries if not e.startswith("block:cta-consultation")]
    log.write_text("- source: ".join(kept))
    report = build_into(content, output)
    rebuilt = {p for p in report.built}
    manifest = read_manifest(output)
    assert manifest is not None
    users = {r.path for r in manifest.outputs if "cta-consultation" in r.block_hashes()}
    assert rebuilt == users
    for path in users:
        if path.endswith(".txt"):
            assert (output / path).read_text().startswith("DRAFT — ")


def test_the_newest_approval_for_a_role_decides(content: Path, tmp_path: Path) -> None:
    turn_on(content)
    approve(content, at="2026-12-01T10:00:00+00:00")
    block = content / "blocks/cta-rfi.md"
    block.write_text(block.read_text().replace("RFI", "request", 1))
    approve(content, ["block:cta-rfi"], at="2026-12-02T10:00:00+00:00")
    build_into(content, tmp_path / "out")
    manifest = read_manifest(tmp_path / "out")
    assert manifest is not None
    assert {r.approval["state"] for r in manifest.outputs if r.approval} == {"approved"}
    # an older approval written later in the file does not win over the newer one
    log = content / "approvals.yaml"
    block.write_text(block.read_text().replace("request", "RFI", 1))
    assert "2026-12-01T10:00:00Z" in log.read_text()
    build_into(content, tmp_path / "out")
    manifest = read_manifest(tmp_path / "out")
    assert manifest is not None
    assert "draft" in {r.approval["state"] for r in manifest.outputs if r.approval}
    assert datetime.now(UTC).year >= 2026
