"""House style in Vale's rule format (``content/styles/*.yml``): every bad rule file reported
with its file and line, rules matched as Vale matches them, only in the words a reader reads,
and the findings through the build and ``check`` as a marketer and an editor see them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from omnipress.build.builder import BuildOptions, build
from omnipress.build.prose import source_findings
from omnipress.check.check import run_check
from omnipress.cli import main
from omnipress.content.loader import load_project
from omnipress.content.styles import load_styles
from omnipress.errors import Problems, Severity
from omnipress.text.house_style import style_hits
from tests.conftest import CONTENT, TEAM_CONTENT, TEMPLATES
from tests.factory import POST, make_project, write


def rules_from(tmp_path: Path, files: dict[str, str]) -> tuple[Problems, tuple]:
    for name, text in files.items():
        write(tmp_path, f"styles/{name}", text)
    problems = Problems()
    return problems, load_styles(tmp_path, problems)


# -- every bad rule file: file, line, what is wrong, a hint -------------------------------

BAD_RULES = [
    ("extends: existence\ntokens:\n  - fine\n  - cure(\n", 4, "is not a valid regular expression"),
    ("extends: substitution\nswap:\n  fine: ok\n  'colou(r': colour\n", 4,
     "is not a valid regular expression"),
    ("extends: existence\nlevel: fatal\ntokens: [x]\n", 2, "level 'fatal' is not a level"),
    ("extends: spelling\ntokens: [x]\n", 1, "extends: 'spelling' is not supported"),
    ("message: no kind\ntokens: [x]\n", 1, "'extends:' is missing"),
    ("extends: existence\nlevel: error\n", 1, "'tokens' or 'raw' is missing"),
    ("extends: substitution\nlevel: error\n", 1, "'swap:' is missing"),
    ("extends: existence\ntokens: [x]\nexceptions: [y]\n", 3,
     "'exceptions' is not a key omnipress supports with extends: existence"),
    ("extends: existence\ntokens: [x]\nscope: sentence\n", 3, "scope 'sentence' is not supported"),
    ("extends: existence\ntokens:\n  - ok\n  - 'a*'\n", 4, "matches empty text"),
    ("extends: existence\ntokens: [x]\nignorecase: yes please\n", 3, "must be true or false"),
    ("extends: occurrence\ntoken: '!'\n", 1, "'max:' is missing"),
    ("extends: occurrence\ntoken: '!'\nmax: many\n", 3, "'max' must be a whole number"),
    ("- extends: existence\n", 1, "the file must be 'key: value' lines"),
    ("extends: substitution\nswap:\n  a: [b]\n", 3, "the replacement of 'a' must be text"),
    ("extends: existence\ntokens: [x\n", 3, "invalid YAML"),  # the end, where YAML sees it
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "message"), BAD_RULES)
def test_a_bad_rule_is_an_error_with_its_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    problems, rules = rules_from(tmp_path, {"Rule.yml": text})
    assert rules == ()
    (error,) = problems.errors
    assert message in error.message, error.format()
    assert error.path == tmp_path / "styles" / "Rule.yml" and error.line == line
    assert error.hint


def test_the_supported_kinds_are_named_when_another_is_asked_for(tmp_path: Path) -> None:
    problems, _ = rules_from(tmp_path, {"Rule.yml": "extends: capitalization\n"})
    assert "existence, substitution, occurrence" in problems.errors[0].hint


def test_every_bad_rule_file_is_reported_in_one_run(tmp_path: Path) -> None:
    files = {f"Rule{i}.yml": text for i, (text, _, _) in enumerate(BAD_RULES)}
    problems, rules = rules_from(tmp_path, files)
    assert rules == ()
    assert {p.path.name for p in problems.errors} == set(files)


def test_a_rule_file_in_a_style_folder_takes_the_folder_name(tmp_path: Path) -> None:
    problems, rules = rules_from(tmp_path, {
        "Words.yml": "extends: existence\ntokens: [x]\n",
        "Acme/Terms.yml": "extends: existence\ntokens: [y]\n",
    })  # fmt: skip
    assert not problems.items
    assert [r.name for r in rules] == ["Acme.Terms", "House.Words"]
    assert rules[1].level is Severity.SUGGESTION  # Vale's default


# -- matching, as Vale matches -------------------------------------------------------------


def hits(tmp_path: Path, rule: str, text: str) -> list[tuple[str, str, str]]:
    problems, rules = rules_from(tmp_path, {"Rule.yml": rule})
    assert not problems.items, [p.format() for p in problems]
    return [(h.matched, h.replacement, h.message) for h in style_hits(text, rules)]


EXISTENCE = "extends: existence\nmessage: \"Avoid '%s'.\"\ntokens: [cure, risk-free]\n"


@pytest.mark.parametrize(
    ("rule", "text", "found"),
    [
        (EXISTENCE, "A cure for delay.", ["cure"]),
        (EXISTENCE, "Secure, procured, curettage.", []),  # whole words only
        (EXISTENCE, "A risk-free start.", ["risk-free"]),
        (EXISTENCE, "A Cure.", []),  # case matters without ignorecase
        (EXISTENCE + "ignorecase: true\n", "A Cure.", ["Cure"]),
        (EXISTENCE + "nonword: true\n", "Secure.", ["cure"]),
        ("extends: existence\ntokens: ['(?i)guarantee[ds]?']\n", "GUARANTEED", ["GUARANTEED"]),
        ("extends: existence\nraw: ['\\d+', '!']\n", "Wow 3! and 4", ["3!"]),
        (EXISTENCE, "See https://cure.example/cure, www.cure.example or cure@cure.example.", []),
        (EXISTENCE, "A [[block:cure]] marker and a footnote[^cure].", []),
    ],
    ids=["word", "not-inside-words", "hyphenated", "case", "ignorecase", "nonword",
         "inline-flag", "raw", "addresses", "markers"],
)  # fmt: skip
def test_existence_matches_whole_words_as_vale_does(
    tmp_path: Path, rule: str, text: str, found: list[str]
) -> None:
    assert [matched for matched, _, _ in hits(tmp_path, rule, text)] == found


def test_existence_fills_the_match_into_the_message(tmp_path: Path) -> None:
    assert hits(tmp_path, EXISTENCE, "No cure.") == [("cure", "", "Avoid 'cure'.")]


def test_substitution_message_takes_the_replacement_then_the_match(tmp_path: Path) -> None:
    rule = "extends: substitution\nmessage: Use '%s' instead of '%s'.\nswap:\n  organization: organisation\n  colou?r: colour\n"  # noqa: E501
    found = hits(tmp_path, rule, "The organization's colour and color.")
    assert found == [
        ("organization", "organisation", "Use 'organisation' instead of 'organization'."),
        ("color", "colour", "Use 'colour' instead of 'color'."),  # 'colour' is already right
    ]


def test_occurrence_fires_once_past_its_maximum(tmp_path: Path) -> None:
    rule = "extends: occurrence\nmessage: More than %s '%s'.\ntoken: '!'\nmax: 2\n"
    assert hits(tmp_path, rule, "Yes! Yes!") == []
    assert hits(tmp_path, rule, "Yes! Yes! Yes! Yes!") == [("!", "", "More than 2 '!'.")]


BRAND = "extends: substitution\nswap:\n  North Star Biometrics: Northstar Biometrics\n"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ask North Star Biometrics.", 1),
        ("Ask North Star\nBiometrics, a line break apart.", 1),
        ("A `North Star Biometrics` code span.", 0),
        ("```\nNorth Star Biometrics\n```\n", 0),
        ("See [us](https://north-star.example/North Star Biometrics).", 0),
        ('<span title="North Star Biometrics">Northstar Biometrics</span>', 0),
        ("Two paragraphs: North Star\n\nBiometrics.", 0),
    ],
    ids=["prose", "wrapped", "code-span", "fenced", "link-target", "attribute", "paragraphs"],
)  # fmt: skip
def test_rules_see_only_the_words_a_reader_reads(tmp_path: Path, text: str, found: int) -> None:
    assert len(hits(tmp_path, BRAND, text)) == found


def test_scope_raw_sees_the_source_as_written(tmp_path: Path) -> None:
    rule = BRAND + "scope: raw\n"
    assert len(hits(tmp_path, rule, "A `North Star Biometrics` code span.")) == 1


# -- where a finding is: file, line, column of the words ---------------------------------

STYLE = "extends: substitution\nlevel: warning\nswap:\n  organization: organisation\n"


def findings_in(tmp_path: Path, post: str, blocks: dict[str, str] | None = None) -> list:
    content = make_project(tmp_path, blocks, {"test-post": post})
    write(content, "styles/Spelling.yml", STYLE)
    project = load_project(content, Problems())
    assert project is not None
    return [(f.path.name, f.line, f.column, f.matched) for f in source_findings(project)]


def line_and_column(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Intro paragraph.", "Intro organization paragraph."),
        ("More text.", "More text.\n\n\n- a list item on organization"),
        ("title: A test post", 'title: "The organization post"'),
        ("summary: A short summary", "summary: Our organization's summary"),
        ("hook: This is the hook", "hook: This is the organization hook"),
        ("    A first paragraph.", "    A first paragraph.\n\n    The organization again."),
    ],
    ids=["body", "body-end", "title", "summary", "linkedin-hook", "linkedin-body"],
)  # fmt: skip
def test_a_finding_points_at_the_line_and_column_in_the_file(
    tmp_path: Path, old: str, new: str
) -> None:
    post = POST.replace(old, new)
    assert post != POST
    line, column = line_and_column(post, "organization")
    assert findings_in(tmp_path, post) == [("test-post.md", line, column, "organization")]


def test_a_post_with_blank_lines_around_its_body_is_placed_right(tmp_path: Path) -> None:
    post = POST.replace("---\nIntro paragraph.", "---\n\n\nIntro organization.") + "\n\n\n"
    line, column = line_and_column(post, "organization")
    assert findings_in(tmp_path, post) == [("test-post.md", line, column, "organization")]


def test_blocks_are_checked_in_their_body_and_their_fields(tmp_path: Path) -> None:
    block = "---\ntype: takeaways\ntitle: Our organization\nitems:\n  - one organization\n---\n"
    found = findings_in(tmp_path, POST, {"takeaways-x": block})
    assert found == [("takeaways-x.md", 3, 12, "organization"),
                     ("takeaways-x.md", 5, 9, "organization")]  # fmt: skip


# -- through the build and check -----------------------------------------------------------


class Site:
    """A small project with a house style, built and checked through the CLI."""

    def __init__(self, root: Path, post: str = POST):
        self.content = make_project(root, posts={"test-post": post})
        write(self.content, "styles/Spelling.yml", STYLE)
        write(self.content, "styles/Claims.yml",
              "extends: existence\nlevel: error\ntokens: [guaranteed]\n")  # fmt: skip
        write(self.content, "styles/Tone.yml",
              "extends: existence\nlevel: suggestion\ntokens: [very]\n")  # fmt: skip
        self.output = root / "output"

    def run(self, capsys: pytest.CaptureFixture[str], *command: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main([*command, "--content", str(self.content), "--templates", str(TEMPLATES),
                     "--output", str(self.output)])  # fmt: skip
        captured = capsys.readouterr()
        return code, captured.err + captured.out

    def snapshot(self) -> dict[str, bytes]:
        return {str(p): p.read_bytes() for p in self.output.rglob("*") if p.is_file()}


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Intro paragraph.", "Results guaranteed."),
        ("hook: This is the hook of the post.", "hook: Results guaranteed."),
    ],
    ids=["body", "linkedin"],
)
def test_an_error_rule_stops_the_build_and_keeps_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    site = Site(tmp_path)
    code, text = site.run(capsys, "build")
    assert code == 0, text
    before = site.snapshot()
    post = POST.replace(old, new)
    write(site.content, "posts/test-post.md", post)
    code, text = site.run(capsys, "build")
    line, column = line_and_column(post, "guaranteed")
    assert code == 1 and "Traceback" not in text
    assert f"posts/test-post.md:{line}:{column}: error: " in text
    assert "[House.Claims]" in text and "output/ was left as it was" in text
    assert site.snapshot() == before


def test_warnings_are_listed_and_suggestions_left_to_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = POST.replace("Intro paragraph.", "A very organization-wide intro.")
    site = Site(tmp_path, post)
    code, text = site.run(capsys, "build")
    line, column = line_and_column(post, "organization")
    assert code == 0, text
    assert f"test-post.md:{line}:{column}: warning: " in text and "organisation" in text
    assert "very" not in text  # a suggestion is check's to list
    code, text = site.run(capsys, "check", "--format", "json")
    report = json.loads(text)
    assert code == 0 and report["warnings"] == 1 and report["suggestions"] == 1
    tone, spelling = sorted(
        (f for f in report["findings"] if f["source"]), key=lambda f: f["column"]
    )  # fmt: skip
    assert tone["rule"] == "House.Tone" and tone["severity"] == "suggestion"
    assert spelling == {
        "rule": "House.Spelling", "severity": "warning", "post": "test-post", "channel": None,
        "file": None, "source": "content/posts/test-post.md", "line": line, "column": column,
        "message": "Use 'organisation' instead of 'organization'.", "expected": "organisation",
        "found": "organization", "hint": "write 'organisation'",
    }  # fmt: skip
    code, text = site.run(capsys, "check", "--strict", "--format", "json")
    assert code == 1 and json.loads(text)["suggestions"] == 1  # the warning fails, not the rest
    code, text = site.run(capsys, "check")
    assert f"content/posts/test-post.md:{line}:{column}:" in text
    assert "1 warning(s), 1 suggestion(s)" in text


def test_a_style_edit_renders_nothing_again_and_check_finds_the_new_findings_at_once(
    tmp_path: Path,
) -> None:
    post = POST.replace("Intro paragraph.", "A colour intro.")
    site = Site(tmp_path, post)
    options = BuildOptions(site.content, TEMPLATES, site.output)
    build(options)
    first = run_check(site.output, site.content, TEMPLATES)
    assert not [f for f in first.findings if f.source]
    write(site.content, "styles/Spelling.yml", STYLE + "  colour: color\n")
    report = build(options)
    assert report.built == [] and report.reused  # outputs never depend on the styles
    warm = run_check(site.output, site.content, TEMPLATES)
    assert warm.posts_read == []  # the verdicts of the posts came from the cache
    assert [(f.rule, f.found) for f in warm.findings if f.source] == [("House.Spelling", "colour")]


@pytest.mark.parametrize("content", [CONTENT, TEAM_CONTENT], ids=["fixture", "team"])
def test_the_example_content_keeps_its_own_house_style(content: Path) -> None:
    problems = Problems()
    project = load_project(content, problems)
    assert project is not None and not problems.items
    assert {r.name for r in project.styles} >= {"House.Spelling", "House.Claims",
                                                  "House.BrandName"}  # fmt: skip
    assert source_findings(project) == []


@pytest.mark.parametrize(
    ("words", "rule"),
    [
        ("Our organization grows.", "House.Spelling"),
        ("A randomization list.", "House.Spelling"),
        ("A new program of work.", "House.Spelling"),
        ("Results guaranteed.", "House.Claims"),
        ("A best-in-class team.", "House.Claims"),
        ("A risk-free start.", "House.Claims"),
        ("No cure is promised.", "House.Claims"),
        ("Ask NorthStar today.", "House.BrandName"),
        ("Ask North Star Biometrics today.", "House.BrandName"),
    ],
)
def test_the_example_style_finds_what_it_is_for(tmp_path: Path, words: str, rule: str) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = content / "posts" / "cro-or-cdmo.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")
    project = load_project(content, Problems())
    assert project is not None
    assert [f.rule for f in source_findings(project)] == [rule]


def test_the_loader_does_not_read_styles_as_posts_or_blocks(tmp_path: Path) -> None:
    content = make_project(tmp_path)
    write(content, "styles/Spelling.yml", STYLE)
    problems = Problems()
    project = load_project(content, problems)
    assert project is not None and not problems.items
    assert set(project.posts) == {"test-post"} and "Spelling" not in project.blocks


def test_a_control_character_in_a_rule_message_reaches_no_terminal(tmp_path: Path) -> None:
    content = make_project(tmp_path, posts={"test-post": POST.replace("More text.", "A cure.")})
    rule = 'extends: existence\nlevel: warning\nmessage: "Bad \\x1b[31m%s"\ntokens: [cure]\n'
    write(content, "styles/Rule.yml", rule)
    project = load_project(content, Problems())
    assert project is not None
    (finding,) = source_findings(project)
    assert "\x1b" in finding.message  # as the rule says it
    problem = finding.problem()
    assert "\x1b" not in problem.message and "\\x1b[31mcure" in problem.message


def test_the_preview_reports_the_house_style_as_the_build_does(tmp_path: Path) -> None:
    """A save re-reads one post, and the rules run on it; an error rule stops the rebuild
    with the message the build gives; a rule file saved is a full load."""
    from omnipress.errors import ContentError
    from omnipress.preview.live_project import LiveProject

    site = Site(tmp_path)
    live = LiveProject(site.content)
    assert not [w for w in live.update().warnings if "[House." in w.message]
    post = site.content / "posts" / "test-post.md"
    post.write_text(POST.replace("More text.", "Our organization."), encoding="utf-8")
    loaded = live.update([post])
    assert not loaded.full
    assert [w.message for w in loaded.warnings if "[House.Spelling]" in w.message]
    post.write_text(POST.replace("More text.", "Results guaranteed."), encoding="utf-8")
    with pytest.raises(ContentError) as stopped:
        live.update([post])
    assert any("[House.Claims]" in p.message and p.column for p in stopped.value.problems)
    rule = site.content / "styles" / "Claims.yml"
    rule.write_text("extends: existence\nlevel: error\ntokens: ['(']\n", encoding="utf-8")
    with pytest.raises(ContentError) as stopped:
        live.update([rule])
    assert any("not a valid regular expression" in p.message for p in stopped.value.problems)


@pytest.mark.parametrize(
    ("rule", "line", "message"),
    [
        ("extends: existence\nlevel: error\ntokens:\n  - guaranteed\n  - '[cure'\n", 5,
         "'[cure' in 'tokens' is not a valid regular expression"),
        ("extends: consistency\nlevel: error\n", 1, "extends: 'consistency' is not supported"),
    ],
    ids=["bad-regex", "unsupported-kind"],
)  # fmt: skip
def test_a_broken_rule_file_stops_the_build_and_keeps_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rule: str, line: int, message: str
) -> None:
    site = Site(tmp_path)
    code, text = site.run(capsys, "build")
    assert code == 0, text
    before = site.snapshot()
    write(site.content, "styles/Claims.yml", rule)
    code, text = site.run(capsys, "build")
    assert code == 1 and "Traceback" not in text
    assert f"styles/Claims.yml:{line}: error: style rule House.Claims: {message}" in text
    assert "hint:" in text and "output/ was left as it was" in text
    assert site.snapshot() == before
