"""Build and check agree: what ``check`` reports on one output, the build reported when it
wrote that output (same rule, message and severity); a byline's words are its block's words;
the benchmark's generated corpus is clean content."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import pytest

from omnipress.build.builder import BuildOptions, build, load_and_validate
from omnipress.channels import OUTPUT_RULES
from omnipress.channels.base import Job, RenderEnvironment
from omnipress.channels.carousel.readback import read_carousel
from omnipress.channels.pdf import CHANNEL as PDF
from omnipress.channels.pdf import render as pdf_channel
from omnipress.channels.pdf.readback import read_pdf
from omnipress.cli import main
from omnipress.errors import Problems
from tests.conftest import ROOT, build_copy
from tests.factory import POST, write
from tests.readers import OpenedDocuments
from tests.test_hostile import Project, assert_failed_cleanly, snapshot

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import generate

OUTPUT_RULE_NAMES = {rule.name for rule in OUTPUT_RULES}
LONG_TITLE = "A test post whose title runs well past what a search result shows"
LONG_SUMMARY = "A summary that goes on. " * 9


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def run_check(content: Path, templates: Path, output: Path, capsys: Any) -> tuple[int, Any]:
    capsys.readouterr()
    code = main(["check", "--content", str(content), "--templates", str(templates),
                 "--output", str(output), "--format", "json"])  # fmt: skip
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("old", "new", "warned"),
    [
        ("title: A test post", f"title: {LONG_TITLE}", {"blog.title-length"}),
        ("summary: A short summary of the test post.", f"summary: {LONG_SUMMARY}",
         {"blog.meta-description"}),
        ("title: A test post\n", f"title: {LONG_TITLE}\nsummary: {LONG_SUMMARY}\n",
         {"blog.title-length", "blog.meta-description"}),
    ],
    ids=["title", "description", "both"],
)  # fmt: skip
def test_search_length_guidance_is_a_warning_in_the_build_and_in_check(
    project: Project, capsys: pytest.CaptureFixture[str], old: str, new: str, warned: set[str]
) -> None:
    text = POST.replace(old, new, 1)
    if "summary: A short" in text and "summary: A summary" in text:
        text = text.replace("summary: A short summary of the test post.\n", "", 1)
    project.post(text)
    code, built = project.build(capsys)
    assert code == 0, built
    checked, report = run_check(project.content, project.templates, project.output, capsys)
    assert checked == 0, report  # a build that succeeds does not fail check
    assert report["errors"] == 0
    findings = [f for f in report["findings"] if f["rule"] in OUTPUT_RULE_NAMES]
    assert {f["rule"] for f in findings} == warned
    for finding in findings:
        assert finding["severity"] == "warning"
        line = f"warning: the blog page of 'test-post': {finding['message']} [{finding['rule']}]"
        assert line in built, built


def test_the_builds_warnings_are_repeated_when_it_reuses_the_page(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.post(POST.replace("title: A test post", f"title: {LONG_TITLE}", 1))
    first = project.build(capsys)
    again = project.build(capsys)
    assert first[0] == again[0] == 0
    assert "[blog.title-length]" in first[1] and "[blog.title-length]" in again[1]


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("<h1>{{ post.title }}</h1>", "<h1>{{ post.title }}</h1><h1>Also</h1>", "blog.h1"),
        ("<h1>{{ post.title }}</h1>", "<h1>News: {{ post.title }}</h1>", "blog.h1"),
        ('<link rel="canonical" href="{{ post.canonical_url }}">', "", "blog.canonical"),
    ],
    ids=["two-h1", "h1-not-title", "no-canonical"],
)
def test_the_build_refuses_a_page_check_would_fail(
    project: Project, capsys: pytest.CaptureFixture[str], old: str, new: str, rule: str
) -> None:
    code, text = project.build(capsys)
    assert code == 0, text
    before = snapshot(project.output)
    template = project.templates / "blog" / "post.html"
    source = template.read_text(encoding="utf-8")
    assert old in source
    template.write_text(source.replace(old, new, 1), encoding="utf-8")
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "error: the blog page of 'test-post': " in text and f"[{rule}]" in text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('<meta name="keywords" content="{{ post.keywords }}">', "",
         "document properties missing: keywords"),
        ('<meta name="author" content="{{ post.author.name }}">\n  <meta name="description" '
         'content="{{ post.summary }}">', "", "document properties missing: author, subject"),
        ('<html lang="{{ site.language }}">', "<html>", "the PDF is not tagged"),
    ],
    ids=["keywords", "author-subject", "lang"],
)  # fmt: skip
def test_the_build_refuses_a_one_pager_without_its_properties(
    project: Project, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    """The build judges the properties WeasyPrint writes, without reading the PDF back."""
    code, text = project.build(capsys)
    assert code == 0, text
    before = snapshot(project.output)
    template = project.templates / "pdf" / "onepager.html"
    source = template.read_text(encoding="utf-8")
    assert old in source
    template.write_text(source.replace(old, new, 1), encoding="utf-8")
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert f"error: the one-pager of 'test-post': {message}" in text and "[pdf.metadata]" in text


def test_the_facts_the_build_judges_a_one_pager_by_are_those_check_reads(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = project.build(capsys)
    assert code == 0, text
    project_data = load_and_validate(project.content, Problems())
    env = RenderEnvironment(project_data, project.templates.resolve())
    post = project_data.posts["test-post"]
    job = Job(post, None, PDF)
    layout, _used = pdf_channel.lay_out_onepager(job, env)
    laid_out = pdf_channel.LaidOutFacts.of(layout)
    read = read_pdf((project.output / job.path).read_bytes())
    assert laid_out.pages == read.pages == 1
    assert laid_out.metadata == {k: read.metadata[k] for k in laid_out.metadata}
    assert all(laid_out.metadata.values())
    assert (laid_out.lang, laid_out.tagged) == (read.lang, read.tagged) == ("en-GB", True)


LINKS_BLOCK = """\
    ---
    type: definition
    term: Test guide
    ---
    See [the guide](https://example.test/guide_(2025)?q=été&x=1),
    [the form](mailto:a@example.test).
    """
ANCHOR_BLOCK = """\
    ---
    type: definition
    term: Test anchor
    ---
    Back to [the top](#top) of the page.
    """
HYPHENS_BLOCK = (
    """\
    ---
    type: definition
    term: Test readiness
    ---
    """
    + " ".join(["Submission-ready, inspection-ready and audit-ready listings"] * 12)
    + "\n"
)
PAINTED = """
    <p style="position: absolute; top: 3mm; right: 3mm">Positioned note</p>
    <p style="float: right; width: 30%">A floated aside that wraps over lines</p>
    <p style="visibility: hidden">Hidden words</p>
    <p style="text-transform: uppercase; letter-spacing: 0.05em">Spaced capitals</p>
    <p>Before <span style="display: inline-block">an inline block</span> after</p>
    <ol><li>First listed item</li><li>Second listed item</li></ol>
"""
ONE_PAGER_VARIANTS = {
    "plain": {},
    "empty-boxes": {"blocks/stat-one.md": ("first time", "first time \U0001f680")},
    "external-links": {"blocks/links.md": LINKS_BLOCK,
                       "posts/test-post.md": ("blocks: [stat-one]", "blocks: [stat-one, links]")},
    "internal-link": {"blocks/anchor.md": ANCHOR_BLOCK,
                      "posts/test-post.md": ("blocks: [stat-one]", "blocks: [stat-one, anchor]")},
    "unicode-title": {"posts/test-post.md": ("title: A test post",
                                             'title: "Ünïcode “quoted” (paren) \\\\ post"')},
    "no-dates": {"../templates/pdf/onepager.html": ('<meta name="dcterms.', '<meta name="x-')},
    # words the layout breaks at their hyphen: PDFium joins the two lines again
    "line-end-hyphens": {"blocks/hyphens.md": HYPHENS_BLOCK,
                         "posts/test-post.md": ("blocks: [stat-one]",
                                                "blocks: [stat-one, hyphens]")},
    # text drawn out of the page's order: positioned, floated, hidden, in an inline block,
    # in a list, transformed; each where CSS's painting order puts it
    "painting-order": {"../templates/pdf/onepager.html": ("<main>", "<main>" + PAINTED)},
}  # fmt: skip


@pytest.mark.parametrize("silenced", [False, True], ids=["heard", "logger-silenced"])
@pytest.mark.parametrize("variant", sorted(ONE_PAGER_VARIANTS))
def test_the_facts_a_build_keeps_of_a_one_pager_are_those_check_reads_back(
    project: Project, monkeypatch: pytest.MonkeyPatch, variant: str, silenced: bool
) -> None:
    """The build's facts of a one-pager seed ``check``'s verdicts: they must be exactly what
    ``check`` reads from the file, field for field, whatever the content holds (links of
    every kind, characters no font has, text pypdf and PDFium decode, no dates)."""
    for relative, change in ONE_PAGER_VARIANTS[variant].items():
        if isinstance(change, str):
            write(project.content, relative, change)
        else:
            path = project.content / relative
            text = path.read_text(encoding="utf-8")
            assert change[0] in text
            path.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    if silenced:  # an application that embeds the build may silence WeasyPrint's warnings
        monkeypatch.setattr(logging.getLogger("weasyprint"), "disabled", True)
    report = build(BuildOptions(project.content, project.templates, project.output,
                                keep_facts=True))  # fmt: skip
    facts = {path: f for path, f in report.facts.items() if path.startswith("pdf/")}
    assert list(facts) == ["pdf/test-post.pdf"]
    for path, kept in facts.items():
        assert kept == read_pdf((project.output / path).read_bytes())
    PREMISES.get(variant, lambda _data, _text: None)(
        (project.output / "pdf/test-post.pdf").read_bytes(), facts["pdf/test-post.pdf"].text
    )


def lines_end_on_hyphens(data: bytes, _text: str) -> None:
    import pypdfium2

    with pypdfium2.PdfDocument(data) as document:
        assert "\x02" in document[0].get_textpage().get_text_bounded()  # PDFium's line-end "-"


def drawn_out_of_order(_data: bytes, text: str) -> None:
    float_, masthead, listed, positioned = (
        text.index(words)
        for words in ("A floated aside", "Test Org", "Second listed item", "Positioned note")
    )
    assert float_ < masthead < listed < positioned  # not the order of the HTML
    assert "Hidden words" not in text and "SPACED CAPITALS" in text


PREMISES = {"line-end-hyphens": lines_end_on_hyphens, "painting-order": drawn_out_of_order}


def test_the_facts_a_build_keeps_of_every_example_one_pager_are_those_check_reads_back(
    project_copy: Path,
) -> None:
    report = build_copy(project_copy, keep_facts=True)
    pdfs = [path for path in report.built if path.endswith(".pdf")]
    assert {"pdf/cro-or-cdmo.pdf", "campaigns/cro-explained/pdf/cro-or-cdmo.pdf",
            "linkedin/cro-or-cdmo.carousel.pdf"} < set(pdfs)  # fmt: skip
    for path in pdfs:
        data = (project_copy / "output" / path).read_bytes()
        assert report.facts[path] == (read_carousel if "carousel" in path else read_pdf)(data)


def test_a_plain_one_pager_is_not_read_back_to_keep_its_facts(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing a one-pager's structure again costs ~8 ms of pure Python and as much in
    garbage collection, PDFium's text ~6 ms: the build knows both from what WeasyPrint wrote
    the file from, and opens it with neither."""
    opened = OpenedDocuments(monkeypatch)
    report = build(BuildOptions(project.content, project.templates, project.output,
                                keep_facts=True))  # fmt: skip
    path = "pdf/test-post.pdf"
    assert opened.any_of([project.output / path]) == []
    assert report.facts[path] == read_pdf((project.output / path).read_bytes())


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("Dr Author 3", "Director of 2 teams"),
        ("Sam Lee", "Lead of 12 statisticians"),
        ("Agent 7", "VP for 3 sites, 40% remote"),
    ],
)
def test_a_bylines_figures_are_its_bio_blocks_words(
    project: Project, capsys: pytest.CaptureFixture[str], name: str, role: str
) -> None:
    """The one-pager's byline shows the author's name and role from the bio block it reads in
    part: its figures come from that block, not from nowhere."""
    write(project.content, "blocks/author.md",
          f'---\ntype: bio\nname: "{name}"\nrole: "{role}"\n---\nAda writes tests.\n')  # fmt: skip
    code, text = project.build(capsys)
    assert code == 0, text
    code, report = run_check(project.content, project.templates, project.output, capsys)
    figures = [f for f in report["findings"] if f["rule"] == "consistency.figures"]
    assert figures == []
    assert code == 0, report


@pytest.mark.parametrize("posts", [12])
def test_the_benchmark_corpus_is_clean_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], posts: int
) -> None:
    """The guard that keeps ``benchmarks/corpus.py`` writing content a team could publish."""
    corpus = generate(tmp_path, posts, 40)
    output = tmp_path / "output"
    code = main(["build", "--content", str(corpus.content), "--templates",
                 str(corpus.templates), "--output", str(output), "--jobs", "1"])  # fmt: skip
    built = capsys.readouterr()
    assert code == 0, built.err + built.out
    assert "warning" not in built.err + built.out
    code, report = run_check(corpus.content, corpus.templates, output, capsys)
    assert report["findings"] == [], report["findings"]
    assert code == 0


def test_the_facts_a_build_keeps_of_a_generated_librarys_pdfs_are_those_check_reads_back(
    tmp_path: Path,
) -> None:
    """The build reads a PDF's words from its layout, ``check`` from the file with PDFium:
    the benchmark's posts (long compound words broken at their hyphen, stats, quotes,
    campaign variants, carousels of every slide kind) read the same both ways."""
    corpus = generate(tmp_path, 12, 40)
    output = tmp_path / "output"
    report = build(BuildOptions(corpus.content, corpus.templates, output, keep_facts=True))
    pdfs = [path for path in report.built if path.endswith(".pdf")]
    assert len(pdfs) >= 24
    for path in pdfs:
        data = (output / path).read_bytes()
        assert report.facts[path] == (read_carousel if "carousel" in path else read_pdf)(data)
