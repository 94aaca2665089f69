"""`python build.py new post|block|campaign`: valid, commented files from the schema, with
today's date and the site's defaults; never overwriting; a new post that builds and passes
`check` exactly as written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from omnipress.channels.linkedin.rules import check_linkedin
from omnipress.channels.linkedin.settings import LINKEDIN_FIELDS
from omnipress.check.check import run_check
from omnipress.cli import main
from omnipress.content.loader import load_block, load_campaign, load_post
from omnipress.content.schema import BLOCK_TYPES, CAMPAIGN_FIELDS, POST_FIELDS
from omnipress.errors import Problems
from tests.conftest import build_copy
from tests.previewing import seed_output
from tests.readers import pdf_pages, pdf_text

SLUG = "launch-notes"


def new(root: Path, *args: str) -> int:
    return main(["new", *args, "--content", str(root / "content")])


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(data, dict)
    return data


def test_new_post_is_commented_dated_today_and_uses_the_site_defaults(project_copy: Path) -> None:
    assert new(project_copy, "post", SLUG) == 0
    path = project_copy / "content" / "posts" / f"{SLUG}.md"
    data = front_matter(path)
    site = yaml.safe_load((project_copy / "content" / "site.yaml").read_text(encoding="utf-8"))
    assert data["date"] == date.today()
    assert data["cta"] == site["default_cta"]
    assert data["author"] == "bio-commercial-team"  # the first bio block, by file name
    linkedin = data["linkedin"]
    assert isinstance(linkedin, dict)
    assert linkedin["hashtags"] == site["default_hashtags"]
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for spec in POST_FIELDS + LINKEDIN_FIELDS:
        line = next(i for i, s in enumerate(lines) if s.lstrip("# ").startswith(f"{spec.name}:"))
        assert lines[line - 1].lstrip().startswith("#"), f"no comment above {spec.name}"
    problems = Problems()
    post = load_post(path, problems)
    assert post is not None and not problems.items, [p.format() for p in problems]


def test_new_refuses_to_overwrite_and_rejects_bad_names_and_types(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = project_copy / "content" / "posts" / "cro-or-cdmo.md"
    before = existing.read_bytes()
    assert new(project_copy, "post", "cro-or-cdmo") == 1
    assert existing.read_bytes() == before
    assert "already exists" in capsys.readouterr().err

    assert new(project_copy, "post", "My Post") == 2
    assert "lowercase letters, digits and dashes" in capsys.readouterr().err
    assert new(project_copy, "post", "a" * 300) == 2  # a file name the disk would refuse
    assert "at most 80 characters (300 given)" in capsys.readouterr().err
    assert new(project_copy, "block", "stat-new", "--type", "statistic") == 2
    err = capsys.readouterr().err
    assert "unknown block type 'statistic'" in err
    assert all(name in err for name in BLOCK_TYPES)
    assert new(project_copy, "block", "stat-new") == 2
    assert "needs --type" in capsys.readouterr().err
    assert new(project_copy, "post", "x", "--type", "stat") == 2
    assert main(["new", "page", "x"]) == 2
    assert not (project_copy / "content" / "blocks" / "stat-new.md").exists()


@pytest.mark.parametrize("type_name", sorted(BLOCK_TYPES))
def test_new_block_of_every_type_loads_with_the_schema_examples(
    project_copy: Path, type_name: str
) -> None:
    block_id = f"new-{type_name}"
    assert new(project_copy, "block", block_id, "--type", type_name) == 0
    path = project_copy / "content" / "blocks" / f"{block_id}.md"
    problems = Problems()
    block = load_block(path, problems)
    assert block is not None and not problems.items, [p.format() for p in problems]
    assert block.type == type_name and block.id == block_id
    assert block.fields == {f.name: f.example for f in BLOCK_TYPES[type_name].fields}
    assert f"[[block:{block_id}]]" in path.read_text(encoding="utf-8")  # says how to use it


def test_new_campaign_loads_and_starts_with_the_newest_post(project_copy: Path) -> None:
    assert new(project_copy, "campaign", "spring-launch") == 0
    path = project_copy / "content" / "campaigns" / "spring-launch.yaml"
    problems = Problems()
    campaign = load_campaign(path, problems)
    assert campaign is not None and not problems.items, [p.format() for p in problems]
    assert campaign.posts == ("cro-or-cdmo",)  # the newest post of the example
    assert campaign.utm_campaign == "spring-launch"
    text = path.read_text(encoding="utf-8")
    for spec in CAMPAIGN_FIELDS:
        assert f"{spec.name}:" in text


def test_scaffolded_post_builds_and_passes_check_as_it_is(
    example_output: Path, project_copy: Path
) -> None:
    """The promise to a marketer: `new post` then build gives a valid one-page PDF, a LinkedIn
    post within the rules, and a clean `check`, before a word is changed."""
    assert new(project_copy, "post", SLUG) == 0
    assert new(project_copy, "campaign", "spring-launch") == 0  # its newest post: the new one
    output = project_copy / "output"
    seed_output(example_output, output)
    build_copy(project_copy)
    pdf = output / "pdf" / f"{SLUG}.pdf"
    assert pdf_pages(pdf) == 1
    assert "Launch notes" in pdf_text(pdf)
    assert pdf_pages(output / "campaigns" / "spring-launch" / "pdf" / f"{SLUG}.pdf") == 1
    linkedin = (output / "linkedin" / f"{SLUG}.txt").read_text(encoding="utf-8")
    assert check_linkedin(linkedin) == []
    assert (output / "blog" / SLUG / "index.html").is_file()
    report = run_check(output, project_copy / "content", project_copy / "templates")
    mine = [f for f in report.findings if f.post == SLUG or f.post is None]
    assert mine == [], [f"{f.rule}: {f.message}" for f in mine]


def test_a_name_with_doubled_dashes_gives_a_title_that_reads_the_same_everywhere(
    project_copy: Path,
) -> None:
    assert new(project_copy, "post", "cro--faq") == 0
    path = project_copy / "content" / "posts" / "cro--faq.md"
    assert front_matter(path)["title"] == "Cro faq"
