"""What a page shows when the post does not say: the blog's contents box only when there are
headings to list, and a one-pager without ``pdf.blocks`` filled with the blocks its article
includes, as many as fit, with a warning for any one-pager left half empty."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from omnipress.build.builder import BuildReport
from omnipress.build.manifest import Manifest, read_manifest, sha256_of
from omnipress.channels.base import Job, RenderEnvironment
from omnipress.channels.pdf import CHANNEL as PDF
from omnipress.channels.pdf import render as pdf_channel
from omnipress.channels.pdf.onepager import default_blocks, most_that_fit
from omnipress.check.check import run_check
from omnipress.cli import main
from omnipress.content.loader import load_project
from omnipress.errors import Problems
from tests.conftest import CONTENT, TEMPLATES
from tests.factory import POST, make_project
from tests.readers import html, pdf_pages, pdf_text

POST_WITHOUT_PDF = POST.replace("pdf:\n  blocks: [stat-one]\n", "")
assert POST_WITHOUT_PDF != POST


def post(body: str, front: str = "") -> str:
    """The factory post with another body (and extra front matter), without ``pdf.blocks``."""
    head = POST_WITHOUT_PDF.split("---\n")[1]
    return f"---\n{head}{front}---\n{textwrap.dedent(body)}"


def definition(number: int) -> str:
    words = " ".join(f"word{number}x{i}" for i in range(70))
    return f"""\
        ---
        type: definition
        term: Term number {number}
        ---
        Definition {number} starts here. {words}. Definition {number} ends here.
        """


MANY = 14  # far more definitions than one page holds
BLOCKS = {f"definition-{n:02d}": definition(n) for n in range(MANY)}
BLOCKS["stat-two"] = """\
    ---
    type: stat
    value: "17"
    label: questions answered in the first call
    source: Internal survey
    ---
    """


@dataclass
class Built:
    root: Path
    content: Path
    output: Path
    code: int
    text: str

    def pdf(self, slug: str) -> Path:
        return self.output / "pdf" / f"{slug}.pdf"

    def record_blocks(self, path: str) -> list[str]:
        manifest = read_manifest(self.output)
        assert manifest is not None
        (record,) = [r for r in manifest.outputs if r.path == path]
        return list(record.blocks)


def build(root: Path, posts: dict[str, str], capsys: pytest.CaptureFixture[str]) -> Built:
    content = make_project(root, BLOCKS, posts)
    if not (root / "templates").exists():
        shutil.copytree(TEMPLATES, root / "templates")
    shutil.copy(CONTENT / "images/logo.svg", content / "logo.svg")
    output = root / "output"
    paths = ["--content", str(content), "--templates", str(root / "templates")]
    capsys.readouterr()
    code = main(["build", *paths, "--output", str(output)])
    captured = capsys.readouterr()
    return Built(root, content, output, code, captured.err + captured.out)


# ---------------------------------------------------------------- the blog's contents box

TOC_POSTS = {
    "no-headings": "Just a paragraph.\n\nAnd another one.\n",
    "heading-in-fenced-code": "Intro.\n\n```markdown\n## Not a heading\n```\n\nEnd.\n",
    "heading-in-indented-code": "Intro.\n\n    ## Not a heading either\n\nEnd.\n",
    "heading-only-in-a-block": "Intro.\n\n[[block:definition-00]]\n\nEnd.\n",
    "with-headings": "Intro.\n\n## First part\n\nText.\n\n### A detail\n\nMore.\n",
}


@pytest.fixture(scope="module")
def toc_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("toc")
    content = make_project(root, BLOCKS, {slug: post(body) for slug, body in TOC_POSTS.items()})
    shutil.copytree(TEMPLATES, root / "templates")
    output = root / "output"
    code = main(["build", "--content", str(content), "--templates", str(root / "templates"),
                 "--output", str(output)])  # fmt: skip
    assert code == 0
    yield output


@pytest.mark.parametrize("slug", [s for s in TOC_POSTS if s != "with-headings"])
def test_a_post_without_headings_has_no_contents_box(toc_build: Path, slug: str) -> None:
    page = html(toc_build / "blog" / slug / "index.html")
    assert page.select("nav.toc") == []
    assert page.select("nav[aria-label=Contents]") == []
    assert "In this article" not in page.get_text()
    assert page.select_one(".post-body p") is not None  # the article itself is there


def test_a_post_with_headings_lists_them_in_the_contents_box(toc_build: Path) -> None:
    page = html(toc_build / "blog" / "with-headings" / "index.html")
    (toc,) = page.select("nav.toc")
    assert "In this article" in toc.get_text()
    links = [(a.get_text(), a["href"]) for a in toc.select("a")]
    assert links == [("First part", "#first-part"), ("A detail", "#a-detail")]
    assert page.select_one("#first-part") is not None


# ---------------------------------------------------------------- which blocks by default


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Text.\n\n[[block:stat-one]]\n", ["stat-one"]),
        # first use first, each once
        ("[[block:definition-03]]\n\n[[block:stat-one]]\n\n[[block:definition-03]]\n",
         ["definition-03", "stat-one"]),
        # the CTA band and the footer already show these
        ("[[block:cta-main]]\n\n[[block:about]]\n\n[[block:stat-two]]\n", ["stat-two"]),
        # a marker shown as code is not an include; spacing is forgiven
        ("```\n[[block:definition-01]]\n```\n\n[[ block: definition-02 ]]\n", ["definition-02"]),
        ("No blocks at all.\n", []),
    ],
)  # fmt: skip
def test_default_blocks_are_the_ones_the_article_includes(
    tmp_path: Path, body: str, expected: list[str]
) -> None:
    content = make_project(tmp_path, BLOCKS, {"p": post(body)})
    project = load_project(content, Problems())
    assert project is not None
    assert list(default_blocks(project, project.posts["p"])) == expected


@pytest.mark.parametrize("count", [1, 2, 3, 8, 14])
@pytest.mark.parametrize("limit", [-1, 0, 1, 5, 12, 13])
def test_most_that_fit_finds_the_longest_prefix_in_few_layouts(count: int, limit: int) -> None:
    asked: list[int] = []

    def fits(n: int) -> bool:
        asked.append(n)
        return n <= limit

    expected = max(0, min(limit, count - 1))  # 0 also when nothing fits
    assert most_that_fit(count, fits) == expected
    assert all(n < count for n in asked) and len(set(asked)) == len(asked)
    assert len(asked) <= 2 * count.bit_length()
    if expected == count - 1:  # the usual case, one block too many: one more layout
        assert asked == [count - 1]


# ---------------------------------------------------------------- the one-pager built


def article(ids: list[str]) -> str:
    return "Intro paragraph.\n\n" + "".join(f"[[block:{i}]]\n\nA paragraph.\n\n" for i in ids)


def test_without_pdf_blocks_the_one_pager_shows_what_fits_and_the_manifest_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = sorted(i for i in BLOCKS if i.startswith("definition-"))
    posts = {"many": post(article(ids)), "few": post(article([*ids[:2], "stat-two"]))}
    built = build(tmp_path, posts, capsys)
    assert built.code == 0, built.text

    for slug, candidates in (("many", ids), ("few", [*ids[:2], "stat-two"])):
        assert pdf_pages(built.pdf(slug)) == 1
        shown = [b for b in built.record_blocks(f"pdf/{slug}.pdf") if b in candidates]
        assert shown == candidates[: len(shown)]  # a prefix, in the article's order
        text = pdf_text(built.pdf(slug))
        for block_id in candidates:
            number = block_id.removeprefix("definition-")
            marker = f"Definition {int(number)} ends here." if number.isdigit() else "17"
            assert (marker in text) == (block_id in shown), (slug, block_id)
    many = [b for b in built.record_blocks("pdf/many.pdf") if b in ids]
    assert 2 <= len(many) < MANY  # some shown, some left out to stay on one page
    few = built.record_blocks("pdf/few.pdf")
    assert few == [*ids[:2], "stat-two", "cta-main", "about"]

    # check reads the blocks the build chose and finds nothing wrong
    paths = ["--content", str(built.content), "--templates", str(tmp_path / "templates")]
    code = main(["check", *paths, "--output", str(built.output), "--strict"])
    assert code == 0, capsys.readouterr().out

    # and a block the build chose that reads differently in the PDF is a pdf.blocks error
    tamper_block_text(built, "many", many, "Definition 0 ends here.", "Definition 0 ends.")
    report = run_check(built.output, built.content, tmp_path / "templates")
    found = {(f.rule, f.file) for f in report.errors if "definition-00" in f.message}
    assert found == {("pdf.blocks", "pdf/many.pdf")}, [f.message for f in report.findings]


def tamper_block_text(built: Built, slug: str, shown: list[str], old: str, new: str) -> None:
    """Rewrite a built one-pager with one sentence changed, its new hash in the manifest, so
    only the rule about the block's words can fire."""
    project = load_project(built.content, Problems())
    assert project is not None
    env = RenderEnvironment(project, (built.root / "templates").resolve())
    job = Job(project.posts[slug], None, PDF)
    html, _ = pdf_channel.render_onepager_html(job, env, tuple(shown))
    assert old in html
    relative = f"pdf/{slug}.pdf"
    (built.output / relative).write_bytes(
        pdf_channel.pdf_engine(env, PDF).render(html.replace(old, new)).data
    )
    path = built.output / "manifest.json"
    manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
    sha = sha256_of((built.output / relative).read_bytes())
    manifest.outputs = [
        replace(r, sha256=sha) if r.path == relative else r for r in manifest.outputs
    ]
    path.write_text(manifest.to_json(), encoding="utf-8")


def test_a_post_that_lists_its_blocks_keeps_them_even_when_they_overflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = sorted(i for i in BLOCKS if i.startswith("definition-"))
    listed = post(article(ids[:1]), front=f"pdf:\n  blocks: [{', '.join(ids)}]\n")
    built = build(tmp_path, {"listed": listed}, capsys)
    assert built.code == 1
    assert re.search(
        r"error: the one-pager of 'listed': the one-pager runs onto [2-9] pages", built.text
    )
    assert "hint: show fewer blocks in pdf.blocks" in built.text


@pytest.mark.parametrize(
    ("body", "front", "hint"),
    [
        ("No blocks in this article.\n", "", "list the blocks it should show in pdf.blocks"),
        ("Only the CTA.\n\n[[block:cta-main]]\n", "", "list the blocks it should show"),
        ("Text.\n", "pdf:\n  blocks: [stat-two]\n", "add blocks to pdf.blocks"),
    ],
    ids=["no-blocks", "only-a-cta", "one-small-block-listed"],
)
def test_a_one_pager_less_than_half_full_is_a_warning_naming_the_post(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, front: str, hint: str
) -> None:
    built = build(tmp_path, {"thin": post(body, front)}, capsys)
    assert built.code == 0, built.text
    lines = built.text.splitlines()
    (warning,) = [line for line in lines if "less than half full" in line]
    assert warning.startswith("content/posts/thin.md") or "posts/thin.md" in warning
    assert ": warning: the one-pager of 'thin' is less than half full" in warning
    assert f"hint: {hint}" in lines[lines.index(warning) + 1]
    # a build that reuses the PDF says it again
    again = build(tmp_path, {"thin": post(body, front)}, capsys)
    assert "0 built" in again.text and "less than half full" in again.text


def test_a_full_one_pager_gets_no_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = sorted(i for i in BLOCKS if i.startswith("definition-"))
    built = build(tmp_path, {"full": post(article(ids[:4]))}, capsys)
    assert built.code == 0 and "warning" not in built.text, built.text


def test_the_example_one_pagers_are_full_enough(example_build: tuple[Path, BuildReport]) -> None:
    _, report = example_build
    assert not [p for p in report.warnings.warnings if "half full" in p.message]
