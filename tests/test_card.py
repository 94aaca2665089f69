"""The social card (og:image): the PNG read back, the blog head that announces it, the title
that shrinks and wraps but is never cut, and `check` catching a card or a tag that no longer
says what the content does."""

from __future__ import annotations

import io
import re
import shutil
import struct
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from omnipress.build.manifest import Manifest
from omnipress.channels import by_name
from omnipress.channels.base import Job, RenderEnvironment
from omnipress.channels.card.readback import read_card
from omnipress.channels.card.render import TITLE_SIZES, fit_title
from omnipress.check.check import run_check
from omnipress.check.whereused import where_used
from omnipress.content.loader import load_project
from omnipress.errors import Problems
from tests.conftest import CONTENT, TEMPLATES, build_copy
from tests.factory import POST, make_project
from tests.readers import html
from tests.test_check import restamp
from tests.test_hostile import Project, assert_failed_cleanly, snapshot
from tests.test_workflow import step_using, workflow

SLUGS = (
    "contract-vs-clinical-research-organisation",
    "cro-or-cdmo",
    "what-a-biometrics-cro-delivers",
)
STATS = {  # the stat each fixture post names in card.stat: value, label
    "contract-vs-clinical-research-organisation": (
        "3",
        "ways to engage a partner: project-based, FSP or integrated programme",
    ),
    "cro-or-cdmo": (
        "4",
        "clinical trial phases, from early safety studies to post-approval follow-up",
    ),
    "what-a-biometrics-cro-delivers": (
        "7",
        "biometrics disciplines delivered by one specialist team",
    ),
}
BASE = "https://www.northstar-biometrics.example/insights/"


def card_path(slug: str) -> str:
    return f"blog/{slug}/card.png"


def ihdr_size(data: bytes) -> tuple[int, int]:
    """Width and height straight from the IHDR chunk, independent of the build's reader."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def with_card_text(data: bytes, text: str) -> bytes:
    """The same pixels with another iTXt text: a card whose words were swapped."""
    image = Image.open(io.BytesIO(data))
    info = PngImagePlugin.PngInfo()
    info.add_itxt("omnipress:text", text, zip=True)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


# -------------------------------------------------------------------- the PNG, read back


def test_the_card_s_pixels_are_the_page_as_pdfium_draws_it(example_output: Path) -> None:
    """The PNG holds the pixels PDFium drew, intact after the document is closed (read here
    while it is still open): a page drawn in the brand's colours, not a blank or garbled one."""
    import pypdfium2

    from omnipress.channels.card.render import PX_PER_PT, rasterise

    pdf = next((example_output / "pdf").glob("*.pdf")).read_bytes()
    document = pypdfium2.PdfDocument(pdf)
    drawn = document[0].render(scale=PX_PER_PT, rev_byteorder=True).to_pil()
    expected = (drawn.mode, drawn.size, drawn.tobytes())
    document.close()
    image = Image.open(io.BytesIO(rasterise(pdf)))
    assert (image.mode, image.size, image.tobytes()) == expected
    assert len(image.getcolors(maxcolors=1 << 20) or []) > 100  # text, logo, brand colours


@pytest.mark.parametrize("slug", SLUGS)
def test_each_example_post_has_a_card_of_exactly_1200_by_627_under_5_mb(
    example_output: Path, slug: str
) -> None:
    data = (example_output / card_path(slug)).read_bytes()
    assert ihdr_size(data) == (1200, 627)
    assert Image.open(io.BytesIO(data)).size == (1200, 627)  # a second reader agrees
    assert len(data) < 5 * 1024 * 1024
    facts = read_card(data)
    assert (facts.width, facts.height, facts.error) == (1200, 627, None)


@pytest.mark.parametrize("slug", SLUGS)
def test_the_card_text_is_the_title_the_brand_and_the_named_stat(
    example_output: Path, slug: str
) -> None:
    project = load_project(CONTENT, Problems())
    text = read_card((example_output / card_path(slug)).read_bytes()).text
    title = " ".join(project.posts[slug].title.split())
    assert title in text
    value, label = STATS[slug]
    assert f"{value} {label}" in text
    manifest = Manifest.from_json((example_output / "manifest.json").read_text("utf-8"))
    record = next(r for r in manifest.outputs if r.path == card_path(slug))
    assert set(record.blocks) == {project.posts[slug].settings["card"].stat[0]}


@pytest.mark.parametrize("slug", SLUGS)
def test_the_blog_head_announces_the_card(example_output: Path, slug: str) -> None:
    page = html(example_output / f"blog/{slug}/index.html")

    def meta(key: str) -> str:
        tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
        assert tag is not None, key
        return str(tag["content"])

    title = load_project(CONTENT, Problems()).posts[slug].title
    assert meta("og:image") == f"{BASE}{slug}/card.png"
    assert (meta("og:image:width"), meta("og:image:height")) == ("1200", "627")
    assert meta("og:image:alt") == f"Northstar Biometrics: {title}"
    assert meta("twitter:card") == "summary_large_image"


def test_campaign_variants_keep_the_posts_card(example_output: Path) -> None:
    cards = {p.relative_to(example_output).as_posix() for p in example_output.rglob("*.png")}
    cards = {c for c in cards if c.endswith("card.png")}
    assert cards == {card_path(slug) for slug in SLUGS}


def test_two_builds_make_the_same_cards_byte_for_byte(
    project_copy: Path, example_output: Path
) -> None:
    build_copy(project_copy)
    for slug in SLUGS:
        again = (project_copy / "output" / card_path(slug)).read_bytes()
        assert again == (example_output / card_path(slug)).read_bytes()


# -------------------------------------------------------------------- the title fits


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


def fitted_size(tmp_path: Path, title: str, stat: bool = True) -> int | None:
    post = POST.replace("title: A test post", f"title: {title}")
    if stat:
        post = post.replace("pdf:\n", "card:\n  stat: stat-one\npdf:\n")
    content = make_project(tmp_path, posts={"test-post": post})
    shutil.copy(CONTENT / "images/logo.svg", content / "logo.svg")
    project = load_project(content, Problems())
    env = RenderEnvironment(project, TEMPLATES)
    card = by_name("card")
    assert card is not None
    return fit_title(Job(project.posts["test-post"], None, card), env).size


@pytest.mark.parametrize(
    ("title", "stat", "smaller_than"),
    [
        ("A short title", True, None),
        (
            "Biometrics partners, data standards and what a sponsor should ask before it signs "
            "a contract",
            True,
            TITLE_SIZES[0],
        ),
        (
            "Biometrics partners, data standards, submission timelines and the questions a "
            "sponsor should ask before signing the contract with them",
            False,
            TITLE_SIZES[0],
        ),
    ],
)
def test_a_long_title_is_shrunk_and_wrapped_not_cut(
    tmp_path: Path, title: str, stat: bool, smaller_than: int | None
) -> None:
    size = fitted_size(tmp_path, title, stat)
    assert size is not None
    if smaller_than is None:
        assert size == TITLE_SIZES[0]
    else:
        assert size < smaller_than


@pytest.mark.parametrize(
    ("words", "stat"),
    [(30, True), (60, False)],  # beside a stat the title has less room than on its own
)
def test_an_overlong_title_is_an_error_naming_the_post(
    project: Project, capsys: pytest.CaptureFixture[str], words: int, stat: bool
) -> None:
    code, text = project.build(capsys)
    assert code == 0, text
    before = snapshot(project.output)
    title = " ".join(["Biometrics"] * words)
    post = POST.replace("title: A test post", f"title: {title}")
    if stat:
        post = post.replace("pdf:\n", "card:\n  stat: stat-one\npdf:\n")
    project.post(post)
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "the social card of 'test-post': the title does not fit on the card" in text
    assert "test-post.md:2:" in text  # the title's line
    assert "shorten the title" in text


def test_card_stat_must_name_a_stat_block(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = project.build(capsys)
    assert code == 0, text
    before = snapshot(project.output)
    project.post(POST.replace("pdf:\n", "card:\n  stat: author\npdf:\n"))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert text.count("card.stat names 'author', a bio block, not a stat") == 1


@pytest.mark.parametrize(("stat", "shown"), [(False, False), (True, True)])
def test_the_stat_is_on_the_card_only_when_the_post_names_one(
    project: Project, capsys: pytest.CaptureFixture[str], stat: bool, shown: bool
) -> None:
    if stat:
        project.post(POST.replace("pdf:\n", "card:\n  stat: stat-one\npdf:\n"))
    code, text = project.build(capsys)
    assert code == 0, text
    card = read_card((project.output / card_path("test-post")).read_bytes())
    assert "A test post" in card.text and "Test Org" in card.text
    for words in ("42%", "of tests pass first time", "Internal survey"):
        assert (words in card.text) is shown


# -------------------------------------------------------------------- check


@pytest.fixture
def output(tmp_path: Path, example_output: Path) -> Path:
    copy = tmp_path / "output"
    shutil.copytree(example_output, copy)
    return copy


def tamper_png(output: Path, slug: str, change: str) -> None:
    path = output / card_path(slug)
    data = path.read_bytes()
    if change == "words":
        text = read_card(data).text
        value, _label = STATS[slug]
        data = with_card_text(data, text.replace(f"{value} ", "12 ", 1))
    elif change == "size":
        image = Image.open(io.BytesIO(data)).resize((1200, 630))
        out = io.BytesIO()
        image.save(out, format="PNG")
        data = out.getvalue()
    elif change == "pixels":
        image = Image.open(io.BytesIO(data))
        image.putpixel((600, 300), (255, 0, 0))
        data = with_card_text(image_bytes(image), read_card(data).text)
    path.write_bytes(data)
    restamp(output, card_path(slug))


def image_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("slug", "change", "rules"),
    [
        (SLUGS[0], "words", {"freshness.rendered", "consistency.figures"}),
        (SLUGS[1], "size", {"freshness.rendered", "card.size"}),
        (SLUGS[2], "pixels", {"freshness.rendered"}),
    ],
)
def test_check_catches_a_tampered_card(
    output: Path, slug: str, change: str, rules: set[str]
) -> None:
    assert run_check(output, CONTENT, TEMPLATES).ok
    tamper_png(output, slug, change)
    report = run_check(output, CONTENT, TEMPLATES)
    assert not report.ok
    found = {f.rule for f in report.errors if f.file == card_path(slug)}
    assert rules <= found, [f"{f.rule}: {f.message}" for f in report.findings]
    assert {f.file for f in report.errors} == {card_path(slug)}
    rendered = next(f for f in report.errors if f.rule == "freshness.rendered")
    assert "(the image differs)" in rendered.message  # not a line of text: a PNG has none


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/card.png", "/other.png"),
        ('content="summary_large_image"', 'content="summary"'),
        ('og:image:height" content="627"', 'og:image:height" content="630"'),
    ],
)
def test_check_catches_a_tampered_meta_tag(output: Path, old: str, new: str) -> None:
    relative = f"blog/{SLUGS[1]}/index.html"
    page = output / relative
    page.write_text(page.read_text("utf-8").replace(old, new, 1), "utf-8")
    restamp(output, relative)
    report = run_check(output, CONTENT, TEMPLATES)
    assert {(f.rule, f.file) for f in report.errors} == {("freshness.rendered", relative)}


def test_an_unreadable_card_is_reported_as_such(output: Path) -> None:
    path = output / card_path(SLUGS[0])
    path.write_bytes(b"GIF89a not a png")
    restamp(output, card_path(SLUGS[0]))
    report = run_check(output, CONTENT, TEMPLATES)
    assert "card.readable" in {f.rule for f in report.errors}


# -------------------------------------------------------------------- incremental, where-used


def test_where_used_lists_the_card_that_shows_a_stat(example_output: Path) -> None:
    result = where_used("stat-trial-phases", example_output, CONTENT)
    assert card_path("cro-or-cdmo") in {use.file for use in result.uses}


@pytest.mark.parametrize(
    ("block", "cards"),
    [
        ("stat-trial-phases", {card_path("cro-or-cdmo")}),
        ("stat-engagement-models", {card_path("contract-vs-clinical-research-organisation")}),
    ],
)
def test_a_stat_edit_re_renders_exactly_the_cards_that_show_it(
    project_copy: Path, example_output: Path, block: str, cards: set[str]
) -> None:
    shutil.copytree(example_output, project_copy / "output")
    path = project_copy / "content" / "blocks" / f"{block}.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace('label: "', 'label: "newly ', 1), "utf-8")
    report = build_copy(project_copy)
    rebuilt = {p for p in report.built if p.endswith("card.png")}
    assert rebuilt == cards


def test_the_itxt_reader_reads_an_uncompressed_chunk() -> None:
    """The read-back is written by hand: an uncompressed iTXt (another tool's) reads too."""
    body = b"omnipress:text\x00\x00\x00\x00\x00Plain words"
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body + b"\0\0\0\0"
    ihdr = struct.pack(">II5B", 1200, 627, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + b"\0\0\0\0"
        + chunk
        + struct.pack(">I", 0) + b"IEND" + b"\0\0\0\0"
    )  # fmt: skip
    facts = read_card(data)
    assert (facts.width, facts.height, facts.text) == (1200, 627, "Plain words")


def test_every_title_size_has_its_class_in_the_card_stylesheet() -> None:
    """The build picks the size, the stylesheet draws it: a size without its class would be
    measured at the default size and drawn at that size, silently not the one chosen."""
    css = (TEMPLATES / "card/card.css").read_text("utf-8")
    classes = {int(n) for n in re.findall(r"\.card-title-(\d+)\s*\{", css)}
    assert classes == set(TITLE_SIZES)


def test_the_publication_artifact_holds_the_cards() -> None:
    upload = step_using(workflow()["jobs"]["build"], "actions/upload-artifact")
    assert "output/blog/*/card.png" in str(upload["with"]["path"]).split()
