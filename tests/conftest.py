"""Shared fixtures. The tests own their content: ``tests/fixtures/content`` (a frozen copy of the
example campaign), so a marketer adding, editing or deleting posts in ``content/`` never turns
the program's tests red; ``test_team_content.py`` is the one module that tests ``content/``
itself. The fixture is built once per test process (PDF rendering is the slow part), into a
temporary directory; tests that change things work on copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from omnipress.build.builder import BuildOptions, BuildReport, build

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "tests" / "fixtures" / "content"
"""The tests' own content, never the team's ``content/``."""
TEAM_CONTENT = ROOT / "content"
TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """(output directory, build report) of the fixture content."""
    output = tmp_path_factory.mktemp("example") / "output"
    report = build(BuildOptions(content=CONTENT, templates=TEMPLATES, output=output))
    return output, report


@pytest.fixture(scope="session")
def example_output(example_build: tuple[Path, BuildReport]) -> Path:
    return example_build[0]


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture content and templates/ in tmp_path (returned: tmp_path)."""
    shutil.copytree(CONTENT, tmp_path / "content")
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    return tmp_path


def built_tree(root: Path) -> Path:
    """``root`` holding a copy of the fixture content and templates, built into output/."""
    shutil.copytree(CONTENT, root / "content")
    shutil.copytree(TEMPLATES, root / "templates")
    build_copy(root)
    return root


def build_copy(root: Path, output: Path | None = None, **options: object) -> BuildReport:
    """Build a project copy made by ``project_copy``."""
    return build(
        BuildOptions(
            content=root / "content",
            templates=root / "templates",
            output=output or root / "output",
            **options,  # type: ignore[arg-type]
        )
    )
