"""The LinkedIn carousel (a document post): real PDFs read back with pypdf, an independent
reader from the build's own PDFium, against what the post and its blocks say; every rule
tried on content that breaks it, through the real entry point."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from omnipress.build.builder import BuildOptions, build
from omnipress.build.manifest import Manifest
from omnipress.channels.base import Job, RenderEnvironment
from omnipress.channels.carousel import CHANNEL as CAROUSEL
from omnipress.channels.carousel.readback import read_carousel
from omnipress.channels.carousel.render import (
    built_facts,
    carousel_engine,
    laid_out_facts,
    slide_html,
)
from omnipress.check.check import run_check
from omnipress.cli import main
from omnipress.content.loader import load_project
from omnipress.errors import Problems
from tests.conftest import CONTENT, TEMPLATES
from tests.factory import POST
from tests.readers import OpenedDocuments, squash
from tests.test_check import fails_with, restamp
from tests.test_hostile import Project, snapshot

BIOMETRICS = "what-a-biometrics-cro-delivers"
POSTS = sorted(p.stem for p in (CONTENT / "posts").glob("*.md"))
SLIDE_PT = (810, 1012.5)  # 1080 × 1350 px


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def pages(path: Path) -> list[str]:
    return [squash(page.extract_text() or "") for page in PdfReader(path).pages]


def block_field(block_id: str, name: str) -> str:
    project = load_project(CONTENT, Problems())
    assert project is not None
    return str(project.blocks[block_id].field(name))


# ------------------------------------------------------------------ the example's carousels


@pytest.mark.parametrize("slug", POSTS)
def test_every_example_post_has_a_carousel_of_same_size_slides(
    example_output: Path, slug: str
) -> None:
    path = example_output / f"linkedin/{slug}.carousel.pdf"
    reader = PdfReader(path)
    assert 5 <= len(reader.pages) <= 12
    sizes = {(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages}
    assert sizes == {SLIDE_PT}, "every slide 1080 × 1350 px"
    assert reader.metadata is not None and reader.metadata.title
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-GB"
    manifest = Manifest.from_json((example_output / "manifest.json").read_text("utf-8"))
    assert any(r.path == f"linkedin/{slug}.carousel.pdf" and r.channel == "carousel"
               for r in manifest.outputs)  # fmt: skip


def test_slides_in_order_cover_blocks_cta(example_output: Path) -> None:
    texts = pages(example_output / f"linkedin/{BIOMETRICS}.carousel.pdf")
    assert "What a biometrics CRO delivers" in texts[0]
    assert "Every clinical trial ends in data" in texts[0]  # the LinkedIn hook
    stat = texts[2]  # cover, summary, then carousel.slides' first: stat-biometrics-disciplines
    for name in ("value", "label", "source"):
        assert squash(block_field("stat-biometrics-disciplines", name)) in stat, name
    assert "Source:" in stat
    last = texts[-1]
    assert block_field("cta-rfi", "label") in last
    url = "".join(last.split())
    assert block_field("cta-rfi", "url") in url
    assert "utm_source=linkedin&utm_medium=document" in url


@pytest.mark.parametrize(
    ("campaign", "cta"),
    [("biometrics-partner", "cta-consultation"), ("cro-explained", "cta-rfi")],
)
def test_campaign_variants_carry_the_campaign_cta_and_tag(
    example_output: Path, campaign: str, cta: str
) -> None:
    found = sorted((example_output / f"campaigns/{campaign}/linkedin").glob("*.carousel.pdf"))
    assert found
    for path in found:
        last = "".join(pages(path)[-1].split())
        assert f"utm_campaign={campaign}" in last
        assert "".join(block_field(cta, "label").split()) in last


def test_a_takeaways_block_spreads_over_slides_and_keeps_every_item(example_output: Path) -> None:
    texts = pages(example_output / f"linkedin/{BIOMETRICS}.carousel.pdf")
    project = load_project(CONTENT, Problems())
    assert project is not None
    items = project.blocks["takeaways-biometrics-deliverables"].field("items")
    assert len(items) > 3
    holding = [i for i, text in enumerate(texts) if any(squash(it) in text for it in items)]
    assert len(holding) == 2
    assert all(any(squash(item) in text for text in texts) for item in items)


def test_the_example_checks_clean_and_rebuilds_byte_identical(
    example_output: Path, project_copy: Path
) -> None:
    assert run_check(example_output, CONTENT, TEMPLATES).findings == []
    from tests.conftest import build_copy

    build_copy(project_copy)
    for path in example_output.rglob("*.carousel.pdf"):
        relative = path.relative_to(example_output)
        assert (project_copy / "output" / relative).read_bytes() == path.read_bytes()


# ------------------------------------------------------------------ no carousel


@pytest.mark.parametrize("section", ["", "carousel:\n  slides: []\n"])
def test_no_carousel_section_or_no_slides_means_no_carousel(
    project: Project, capsys: pytest.CaptureFixture[str], section: str
) -> None:
    project.post(POST.replace("pdf:\n", section + "pdf:\n", 1))
    code, said = project.build(capsys)
    assert code == 0, said
    assert not list(project.output.rglob("*.carousel.pdf"))
    assert (project.output / "linkedin/test-post.txt").is_file()


# ------------------------------------------------------------------ rules


LONG = " ".join(["A sentence that keeps going far beyond what one slide can hold."] * 40)
OVERFLOWING = {
    "quote-long": ("quote", f"---\ntype: quote\nattribution: Someone\n---\n{LONG}\n"),
    "definition-long": ("definition", f"---\ntype: definition\nterm: Long\n---\n{LONG}\n"),
}


def with_slides(slides: str) -> str:
    return POST.replace("pdf:\n", f"carousel:\n  slides: [{slides}]\npdf:\n", 1)


@pytest.mark.parametrize("block_id", sorted(OVERFLOWING))
def test_a_slide_that_overflows_is_an_error_naming_the_slide_and_its_block(
    project: Project, capsys: pytest.CaptureFixture[str], block_id: str
) -> None:
    project.post(with_slides("stat-one"))
    assert project.build(capsys)[0] == 0
    before = snapshot(project.output)
    kind, text = OVERFLOWING[block_id]
    (project.content / f"blocks/{block_id}.md").write_text(text, encoding="utf-8")
    project.post(with_slides(f"stat-one, {block_id}"))
    code, said = project.build(capsys)
    assert code == 1
    assert f"slide 4 ({kind} block {block_id!r}) runs onto" in said
    assert "carousel.one-page-per-slide" in said and "Traceback" not in said
    assert snapshot(project.output) == before


def test_a_block_type_that_cannot_be_a_slide_is_named(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.post(with_slides("stat-one, about"))
    code, said = project.build(capsys)
    assert code == 1
    assert "a boilerplate block ('about') cannot be a slide" in said


def test_a_slide_that_cannot_be_is_reported_once_for_a_post_in_two_campaigns(
    project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The error is about the post's front matter: its campaign variants must not repeat it."""
    slug = "contract-vs-clinical-research-organisation"  # in both fixture campaigns
    path = project_copy / f"content/posts/{slug}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("slides: [", "slides: [boilerplate-company, ", 1), "utf-8")
    paths = {name: str(project_copy / name) for name in ("content", "templates", "output")}
    code = main(["build", *(f"--{name}={path}" for name, path in paths.items())])
    said = capsys.readouterr().err
    assert code == 1
    assert said.count("cannot be a slide") == 1, said
    assert f"the carousel of {slug!r}: a boilerplate block" in " ".join(said.split())


@pytest.mark.parametrize(
    ("selector", "px"),
    # 24 and 27 px: read as the font size alone (without the page's 0.75 scale) they would
    # look like 32 and 36 px and pass
    [(".cta-url, .read-more", 20), (".stat-source", 16), (".stat-source", 24), (".hook", 27)],
)
def test_text_below_28px_is_an_error_read_from_the_text_layer(
    project: Project, capsys: pytest.CaptureFixture[str], selector: str, px: int
) -> None:
    project.post(with_slides("stat-one"))
    css = project.templates / "carousel/carousel.css"
    css.write_text(css.read_text("utf-8") + f"\n{selector} {{ font-size: {px}px; }}\n", "utf-8")
    code, said = project.build(capsys)
    assert code == 1
    assert f"text as small as {px:.1f} px is drawn" in said and "[carousel.text-size]" in said


@pytest.mark.parametrize(
    "css",
    ["", ".hook { font-size: 27px; }", ".stat-source { font-size: 16px; }",
     "@page { size: 1080px 1080px; }"],
)  # fmt: skip
@pytest.mark.parametrize("slug", POSTS)
def test_the_builds_layout_facts_are_what_check_reads_from_the_file(
    tmp_path: Path, slug: str, css: str
) -> None:
    """The build judges a carousel by its layout, ``check`` by the file: the same facts, or a
    build that succeeds could fail ``check`` (and a rule's message would differ)."""
    shutil.copytree(TEMPLATES, tmp_path / "templates")
    sheet = tmp_path / "templates/carousel/carousel.css"
    sheet.write_text(sheet.read_text("utf-8") + "\n" + css + "\n", "utf-8")
    project = load_project(CONTENT, Problems())
    assert project is not None
    env = RenderEnvironment(project, (tmp_path / "templates").resolve())
    job = Job(project.posts[slug], None, CAROUSEL)
    engine = carousel_engine(env, CAROUSEL)
    documents = [engine.layout(html) for _, html in slide_html(job, env)[0]]
    data = engine.write(documents)
    built, read = laid_out_facts(documents, data), read_carousel(data)
    assert read.error is None and built.pages >= 3
    for fact in ("pages", "sizes", "smallest_px", "title", "lang", "size_bytes"):
        assert getattr(built, fact) == getattr(read, fact), fact
    # what the build keeps for check's verdicts: every fact, the slides' text included
    assert built_facts(built, documents) == read


def test_a_carousel_is_not_read_back_to_keep_its_facts(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a carousel back costs ~24 ms whole (pypdf's parse of its structure, a Python
    loop over every character's size), ~6 ms for PDFium's text alone: the build keeps the
    facts it judged by, and the words its layout draws, and opens the file with neither."""
    project.post(with_slides("stat-one"))
    opened = OpenedDocuments(monkeypatch)
    report = build(BuildOptions(project.content, project.templates, project.output,
                                keep_facts=True))  # fmt: skip
    path = "linkedin/test-post.carousel.pdf"
    assert opened.any_of([project.output / path]) == []
    assert report.facts[path] == read_carousel((project.output / path).read_bytes())


@pytest.mark.parametrize(("css", "rule"), [
    ("@page { size: 1080px 1080px; }", "[carousel.page-size]"),
    (".slide-head { font-size: 18px; }", "[carousel.text-size]"),
])  # fmt: skip
def test_design_changes_that_break_linkedin_rules_stop_the_build(
    project: Project, capsys: pytest.CaptureFixture[str], css: str, rule: str
) -> None:
    project.post(with_slides("stat-one"))
    path = project.templates / "carousel/carousel.css"
    path.write_text(path.read_text("utf-8") + "\n" + css + "\n", "utf-8")
    code, said = project.build(capsys)
    assert code == 1 and rule in said, said


def test_few_slides_is_a_warning_not_an_error(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.post(with_slides("stat-one"))
    code, said = project.build(capsys)
    assert code == 0
    assert "the carousel has 4 slides; 5 to 12 read best [carousel.pages]" in said


# ------------------------------------------------------------------ consistency, read back


def tampered(slug: str, old: str, new: str) -> bytes:
    project = load_project(CONTENT, Problems())
    assert project is not None
    env = RenderEnvironment(project, TEMPLATES.resolve())
    slides, _ = slide_html(Job(project.posts[slug], None, CAROUSEL), env)
    htmls = [html.replace(old, new) for _, html in slides]
    assert htmls != [html for _, html in slides]
    engine = carousel_engine(env, CAROUSEL)
    return engine.write([engine.layout(html) for html in htmls])


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ('<p class="stat-value">7</p>', '<p class="stat-value">8</p>', "consistency.figures"),
        ('<p class="stat-value">3</p>', '<p class="stat-value">4</p>', "consistency.figures"),
        (">Submit an RFI<", ">Call us<", "consistency.cta-label"),
        ("utm_medium=document", "utm_medium=pdf", "carousel.cta-url"),
    ],
)
def test_check_catches_a_tampered_carousel(
    tmp_path: Path, example_output: Path, old: str, new: str, rule: str
) -> None:
    output = tmp_path / "output"
    shutil.copytree(example_output, output)
    relative = f"linkedin/{BIOMETRICS}.carousel.pdf"
    (output / relative).write_bytes(tampered(BIOMETRICS, old, new.replace("&", "&amp;")))
    restamp(output, relative)
    report = run_check(output, CONTENT, TEMPLATES)
    fails_with(report, rule, relative)
    assert all(f.file == relative for f in report.errors)


# ------------------------------------------------------------------ preview


@pytest.mark.parametrize("slug", POSTS)
def test_the_preview_shows_every_slide_first_one_large(
    example_output: Path, tmp_path: Path, slug: str
) -> None:
    import base64
    import io

    from bs4 import BeautifulSoup
    from PIL import Image

    from tests.previewing import running_preview, seed_output

    seed_output(example_output, tmp_path / "output")
    slides = len(PdfReader(example_output / f"linkedin/{slug}.carousel.pdf").pages)
    with running_preview(tmp_path / "output") as live:
        page = BeautifulSoup(live.text(f"/post/{slug}/"), "html.parser")
    strip = page.select(".pane-carousel .carousel-strip img")
    assert len(strip) == slides
    assert strip[0]["class"] == ["carousel-first"]
    assert all(img["class"] == ["carousel-next"] for img in strip[1:])
    first = str(strip[0]["src"])
    assert first.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(first.split(",", 1)[1])))
    assert image.size == (432, 540)  # 4:5, like the slide


# ------------------------------------------------------------------ new post


def test_new_post_writes_a_carousel_section_that_builds_once_it_lists_slides(
    project_copy: Path,
) -> None:
    from tests.conftest import build_copy
    from tests.test_scaffold import new

    assert new(project_copy, "post", "launch-notes") == 0
    path = project_copy / "content/posts/launch-notes.md"
    text = path.read_text("utf-8")
    assert "\ncarousel:\n" in text and "slides: []" in text
    build_copy(project_copy)
    assert not (project_copy / "output/linkedin/launch-notes.carousel.pdf").exists()
    path.write_text(text.replace("slides: []", "slides: [stat-trial-phases, definition-cdmo]"))
    build_copy(project_copy)
    texts = pages(project_copy / "output/linkedin/launch-notes.carousel.pdf")
    assert len(texts) == 5 and "Launch notes" in texts[0]
    report = run_check(
        project_copy / "output", project_copy / "content", project_copy / "templates"
    )
    assert [f for f in report.findings if f.post == "launch-notes"] == []


# ------------------------------------------------------------------ incremental


@pytest.mark.parametrize(
    ("block", "old", "new", "count"),
    [
        ("quote-fit-over-label", "attribution: ", "attribution: Prof ", 5),
        ("stat-trial-phases", "source: ", "source: Updated ", 2),
        ("definition-fsp", "term: ", "term: The ", 0),  # in no carousel's slides
    ],
)
def test_a_block_edit_rebuilds_exactly_the_carousels_that_show_it(
    project_copy: Path, block: str, old: str, new: str, count: int
) -> None:
    import yaml

    from tests.conftest import build_copy

    build_copy(project_copy)
    content = project_copy / "content"
    showing = set()
    for post in sorted((content / "posts").glob("*.md")):
        front = yaml.safe_load(post.read_text("utf-8").split("---\n")[1])
        if block in front.get("carousel", {}).get("slides", []):
            showing.add(f"linkedin/{post.stem}.carousel.pdf")
            for campaign in sorted((content / "campaigns").glob("*.yaml")):
                if post.stem in yaml.safe_load(campaign.read_text("utf-8"))["posts"]:
                    showing.add(f"campaigns/{campaign.stem}/linkedin/{post.stem}.carousel.pdf")
    assert len(showing) == count
    path = content / f"blocks/{block}.md"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    report = build_copy(project_copy)
    assert {p for p in report.built if p.endswith(".carousel.pdf")} == showing
