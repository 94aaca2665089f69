"""The team's own posts in ``content/``, tested by name: the consistency checks marketing's CI
runs on every pull request.

Every other test module runs on the fixture content the tests own (``tests/fixtures/``), so
the program's tests never depend on what marketing writes. This one module is parametrised
over whatever ``content/`` holds today: each post must build, fit its one-pager on one page,
keep its LinkedIn text within LinkedIn's limits, and pass ``check`` without an error
(warnings, such as a long title, are the team's call and do not fail it). A ``content/``
with no posts gives no test cases here, not a failure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from omnipress.build.builder import BuildOptions, BuildReport, build
from omnipress.build.manifest import read_manifest
from omnipress.check.check import CheckReport, run_check
from omnipress.errors import ContentError
from tests.conftest import TEAM_CONTENT, TEMPLATES
from tests.readers import html, pdf_pages

TEAM_POSTS = sorted(p.stem for p in (TEAM_CONTENT / "posts").glob("*.md"))
LINKEDIN_LIMIT = 3000
HOOK_LIMIT = 210

if not TEAM_POSTS:
    pytestmark = pytest.mark.skip(reason="content/posts/ holds no post")


@pytest.fixture(scope="module")
def team_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    output = tmp_path_factory.mktemp("team") / "output"
    try:
        report = build(BuildOptions(content=TEAM_CONTENT, templates=TEMPLATES, output=output))
    except ContentError as error:
        pytest.fail("content/ does not build:\n" + "\n".join(p.format() for p in error.problems))
    return output, report


@pytest.fixture(scope="module")
def team_check(team_build: tuple[Path, BuildReport]) -> CheckReport:
    return run_check(team_build[0], TEAM_CONTENT, TEMPLATES)


def outputs_of(output: Path, slug: str, channel: str) -> list[Path]:
    manifest = read_manifest(output)
    assert manifest is not None
    return [output / r.path for r in manifest.outputs if r.post == slug and r.channel == channel]


@pytest.mark.parametrize("slug", TEAM_POSTS)
def test_post_has_its_blog_page(team_build: tuple[Path, BuildReport], slug: str) -> None:
    (page,) = outputs_of(team_build[0], slug, "blog")
    assert page.name == "index.html"
    assert html(page).find("h1") is not None


@pytest.mark.parametrize("slug", TEAM_POSTS)
def test_every_one_pager_of_the_post_is_one_page(
    team_build: tuple[Path, BuildReport], slug: str
) -> None:
    pdfs = outputs_of(team_build[0], slug, "pdf")
    assert pdfs, f"{slug} has no one-pager"
    for pdf in pdfs:
        assert pdf_pages(pdf) == 1, pdf


@pytest.mark.parametrize("slug", TEAM_POSTS)
def test_every_linkedin_text_of_the_post_keeps_linkedin_limits(
    team_build: tuple[Path, BuildReport], slug: str
) -> None:
    texts = outputs_of(team_build[0], slug, "linkedin")
    assert texts, f"{slug} has no LinkedIn text"
    for path in texts:
        text = path.read_text(encoding="utf-8")
        assert len(text) <= LINKEDIN_LIMIT, f"{path.name}: {len(text)} characters"
        hook = text.split("\n\n", 1)[0]
        assert len(hook) <= HOOK_LIMIT, f"{path.name}: hook of {len(hook)} characters"
        assert len(re.findall(r"https?://\S+", text)) == 1, f"{path.name}: not exactly one link"


@pytest.mark.parametrize("slug", TEAM_POSTS)
def test_check_finds_no_error_in_the_post(team_check: CheckReport, slug: str) -> None:
    errors = [f"{f.rule} {f.file}: {f.message}" for f in team_check.errors if f.post == slug]
    assert errors == []


def test_check_finds_no_site_wide_error(team_check: CheckReport) -> None:
    errors = [f"{f.rule} {f.file}: {f.message}" for f in team_check.errors if f.post is None]
    assert errors == []
