"""Change a reused block once: every output that uses it follows, and nothing else moves."""

from __future__ import annotations

from pathlib import Path

from omnipress.build.manifest import read_manifest
from tests.conftest import build_copy
from tests.readers import html, pdf_text, squash


def snapshot(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def readable_text(output: Path, relative: str) -> str:
    path = output / relative
    if path.suffix == ".pdf":
        return pdf_text(path)
    if path.suffix == ".html":
        return squash(html(path).get_text(" "))
    return squash(path.read_text(encoding="utf-8"))


def test_editing_a_reused_block_changes_exactly_its_users(project_copy: Path) -> None:
    output = project_copy / "output"
    build_copy(project_copy)
    before = snapshot(output)
    manifest = read_manifest(output)
    assert manifest is not None
    users = {r.path for r in manifest.outputs if "quote-fit-over-label" in r.blocks}
    assert len({r.post for r in manifest.outputs if r.path in users}) >= 2
    assert {"blog", "pdf", "linkedin"} <= {r.channel for r in manifest.outputs if r.path in users}

    block = project_copy / "content" / "blocks" / "quote-fit-over-label.md"
    old = "Sponsors seldom regret choosing a partner whose strengths match the programme"
    new = "Sponsors rarely regret picking a partner whose strengths suit the programme"
    block.write_text(block.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    build_copy(project_copy)
    after = snapshot(output)

    for relative in users:
        text = readable_text(output, relative)
        assert squash(new) in text, f"{relative} does not show the edited quote"
        assert squash(old) not in text
    changed = {p for p in after if before.get(p) != after[p]}
    outputs = {r.path for r in manifest.outputs}
    assert changed & outputs == users
    assert changed - outputs == {"manifest.json"}
