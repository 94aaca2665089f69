"""Sourced claims: a figure in a post's prose or LinkedIn text, not from a stat block, is
``claims.unsourced-figure`` (a warning, or an error when site.yaml says so); what is not a
claim (dates, phases, numbering, guideline names) is never reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from omnipress.build.builder import BuildOptions, build
from omnipress.build.prose import UNSOURCED, source_findings
from omnipress.cli import main
from omnipress.content.loader import load_project
from omnipress.errors import Problems, Severity
from omnipress.text.claims import claims_in
from tests.conftest import TEMPLATES
from tests.factory import POST, SITE, make_project, write

CLAIMS = [
    ("Response rates rose 40% last year.", "40%"),
    ("Rates rose 40 % overall.", "40 %"),
    ("About 12.5 per cent of sites.", "12.5 per cent"),
    ("Some 30 percent of sites.", "30 percent"),
    ("Forty per cent of sponsors agree.", "Forty per cent"),
    ("Forty-five per cent of trials.", "Forty-five per cent"),
    ("A 3× faster close.", "3×"),
    ("Close 3x faster.", "3x"),
    ("A 10-fold rise.", "10-fold"),
    ("A threefold rise.", "threefold"),
    ("Three times more likely.", "Three times more"),
    ("It is 2.5 times faster.", "2.5 times faster"),
    ("Twice as fast.", "Twice as"),
    ("At twice the speed.", "twice the"),
    ("We ran 120 studies.", "120 studies"),
    ("With 3,000 patients enrolled.", "3,000 patients"),
    ("With 3,000 enrolled patients.", "3,000 enrolled patients"),
    ("Delivered in 12 weeks.", "12 weeks"),
    ("Trusted by 40 CROs.", "40 CROs"),
    ("Over 200 people.", "200 people"),
    ("| Team | 7 biometrics disciplines |", "7 biometrics disciplines"),
    ("- a list item with 25 sponsors", "25 sponsors"),
    ("We have 3 million patients.", "3 million patients"),
]

NOT_CLAIMS = [
    "In 2024 we moved.",
    "Since the early 2000s, when the market changed.",
    "Published 5 May 2025, updated May 7th.",
    "On 2025-10-15 and in October 2025.",
    "A phase 3 trial, Phase II studies and phase 2/3 designs.",
    "From phase 1 to phase 4.",
    "ICH E9 and ICH E6(R3), ICH E6 (R3) guidance.",
    "Compliant with 21 CFR Part 11 and EU GMP Annex 11.",
    "ISO 9001 certified.",
    "24/7 support.",
    "One of the best, and three questions to ask.",
    "1. First item\n2. Second item\n",
    "## 3. Results\n\nText.",
    "## Step 2: design\n",
    "A footnote.[^1]\n\n[^1]: The source.",
    "Version 3.1 users and release 1.2.3 notes.",
    "COVID-19 patients.",
    "Three times a week.",
    "See [the report](https://example.com/40-percent-of-120-studies).",
    "Code: `40% of 120 studies`.",
    "```\n40% of 120 studies\n```\n",
    "Section 4 covers it; Table 2 and Figure 3 show it.",
    "Our Top 10 CROs list.",
    "2 of the studies.",
    "The #1 partner.",
    "Study 301 results, week 12 visit, day 1.",
    "Seven disciplines, one team.",
    "[[block:stat-120-studies]]",
    "Registered in England and Wales No. 00000000.",
    "Open from 9 to 5.",
    "Sometimes the manifold reasons matter; at times, twice a year.",
    "Write to 40%off@example.com or see www.example.com/40-percent.",
]


@pytest.mark.parametrize(("text", "figure"), CLAIMS)
def test_a_figure_a_reader_would_quote_is_a_claim(text: str, figure: str) -> None:
    assert [claim.figure for claim in claims_in(text)] == [figure]


@pytest.mark.parametrize("text", NOT_CLAIMS)
def test_what_is_not_a_claim_is_never_reported(text: str) -> None:
    assert claims_in(text) == []


def test_a_claim_is_where_it_is_written() -> None:
    text = "Intro.\n\nIt rose 40% in 12 weeks."
    assert [(text[c.start : c.end], c.number) for c in claims_in(text)] == [
        ("40%", "40"),
        ("12 weeks", "12"),
    ]


# -- in a project ------------------------------------------------------------------------


def unsourced(content: Path) -> list[tuple[str, int | None, str, Severity, str]]:
    project = load_project(content, Problems())
    assert project is not None
    return [(f.path.name, f.line, f.matched, f.severity, f.hint)
            for f in source_findings(project) if f.rule == UNSOURCED]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("Intro paragraph.", "Intro: 40% of sponsors.", "body"),
        ("title: A test post", "title: 40% of sponsors agree", "title"),
        ("summary: A short summary", "summary: 120 studies in a short summary", "summary"),
        ("hook: This is the hook of the post.", "hook: Twice as fast.", "linkedin.hook"),
        ("    A first paragraph.", "    A first paragraph with 3,000 patients.",
         "linkedin.body"),
    ],
)  # fmt: skip
def test_an_unsourced_figure_is_a_warning_at_its_line(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    post = POST.replace(old, new)
    content = make_project(tmp_path, posts={"test-post": post})
    ((name, line, _, severity, hint),) = unsourced(content)
    assert (name, severity) == ("test-post.md", Severity.WARNING)
    assert line == next(n for n, text in enumerate(post.splitlines(), 1) if new.strip() in text)
    assert "stat block" in hint


def test_a_stat_block_inserted_is_sourced_and_the_same_figure_written_is_not(
    tmp_path: Path,
) -> None:
    """The fixture post inserts stat-one (42%); its figure written in prose points there."""
    content = make_project(tmp_path)
    assert unsourced(content) == []
    write(content, "posts/test-post.md", POST.replace("More text.", "Some 42% pass."))
    ((_, _, figure, _, hint),) = unsourced(content)
    assert figure == "42%" and "[[block:stat-one]]" in hint


def test_a_blocks_own_figures_are_not_the_posts_claims(tmp_path: Path) -> None:
    block = "---\ntype: definition\nterm: Scale\n---\nUsed in 120 studies.\n"
    content = make_project(tmp_path, blocks={"definition-scale": block})
    assert unsourced(content) == []


def run(content: Path, output: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple:
    capsys.readouterr()
    code = main([*args, "--content", str(content), "--templates", str(TEMPLATES),
                 "--output", str(output)])  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def snapshot(output: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def test_the_site_can_make_an_unsourced_figure_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = POST.replace("More text.", "We ran 120 studies.")
    content = make_project(tmp_path, posts={"test-post": post})
    output = tmp_path / "output"
    code, text = run(content, output, capsys, "build")
    line = post.splitlines().index("We ran 120 studies.") + 1
    assert code == 0 and f"test-post.md:{line}:8: warning: unsourced figure '120 studies'" in text
    code, text = run(content, output, capsys, "check", "--format", "json")
    (finding,) = [f for f in json.loads(text)["findings"] if f["rule"] == UNSOURCED]
    assert (finding["line"], finding["column"], finding["found"]) == (line, 8, "120 studies")
    before = snapshot(output)
    write(content, "site.yaml", SITE + "claims:\n  unsourced: error\n")
    code, text = run(content, output, capsys, "build")
    assert code == 1 and f"test-post.md:{line}:8: error: unsourced figure" in text
    assert "Traceback" not in text and snapshot(output) == before


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("claims:\n  unsourced: fatal\n", "claims.unsourced must be warning or error"),
        ("claims:\n  unsorced: error\n", "claims.unsorced is not a setting"),
        ("claims: error\n", "'claims' must be a mapping"),
    ],
)
def test_a_bad_claims_setting_is_an_error_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setting: str, message: str
) -> None:
    content = make_project(tmp_path)
    write(content, "site.yaml", SITE + setting)
    code, text = run(content, tmp_path / "output", capsys, "build")
    line = len(SITE.splitlines()) + setting.count("\n")
    assert code == 1 and message in text and f"site.yaml:{line}: error" in text
    assert not (tmp_path / "output").exists()


def test_the_claims_setting_renders_nothing_again(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    options = BuildOptions(content, TEMPLATES, tmp_path / "output")
    build(options)
    write(content, "site.yaml", SITE + "claims:\n  unsourced: error\n")
    report = build(options)
    assert report.built == [] and report.reused
