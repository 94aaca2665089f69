"""The one-pager is a tagged PDF a screen reader can follow: marked content, a structure tree
with a heading, the document's language and its title shown as the window title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from omnipress.build.manifest import read_manifest
from tests.conftest import CONTENT


def structure_roles(node: Any, roles: set[str], depth: int = 0) -> None:
    node = node.get_object() if hasattr(node, "get_object") else node
    if depth > 60:
        return
    if isinstance(node, ArrayObject):
        for child in node:
            structure_roles(child, roles, depth + 1)
    elif isinstance(node, DictionaryObject) and "/S" in node:
        roles.add(str(node["/S"]))
        if "/K" in node:
            structure_roles(node["/K"], roles, depth + 1)


def pdf_outputs(output: Path) -> list[tuple[str, str]]:
    manifest = read_manifest(output)
    assert manifest is not None
    return [(r.path, r.post) for r in manifest.outputs if r.channel == "pdf"]


def test_every_one_pager_is_tagged_with_language_and_title(example_output: Path) -> None:
    import yaml

    site = yaml.safe_load((CONTENT / "site.yaml").read_text(encoding="utf-8"))
    outputs = pdf_outputs(example_output)
    assert len(outputs) >= 3
    for path, slug in outputs:
        reader = PdfReader(example_output / path)
        catalog = reader.trailer["/Root"]
        assert bool(catalog["/MarkInfo"]["/Marked"]), path
        roles: set[str] = set()
        structure_roles(catalog["/StructTreeRoot"]["/K"], roles)
        assert {"/Document", "/H1", "/P", "/Link"} <= roles, (path, sorted(roles))
        assert catalog["/Lang"] == site["language"], path
        post = (CONTENT / "posts" / f"{slug}.md").read_text(encoding="utf-8")
        title = yaml.safe_load(post.split("---\n")[1])["title"]
        assert reader.metadata is not None and reader.metadata.title == title, path
        preferences = catalog.get("/ViewerPreferences")
        if preferences is not None:
            assert bool(preferences.get("/DisplayDocTitle")), path
