"""`check` proves each file is what the content renders to now, not only what the manifest says
(``freshness.rendered``); and characters no font has are one clear warning at build time and in
`check`, never a cascade of false errors from garbled PDF text.

Tampered files get their sha256 restamped in the manifest, as someone covering an edit would,
so only the new rule stands between them and a clean report.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from omnipress.build.manifest import Manifest
from omnipress.channels.base import Job, RenderEnvironment
from omnipress.channels.pdf import CHANNEL as PDF
from omnipress.channels.pdf import render as pdf_channel
from omnipress.channels.pdf.readback import read_pdf
from omnipress.check.check import CheckReport, run_check
from omnipress.cli import main
from omnipress.content.loader import load_project
from omnipress.content.model import Post
from omnipress.errors import Problems
from tests.conftest import CONTENT, TEMPLATES, build_copy
from tests.factory import BLOCKS, POST, make_project
from tests.test_check import edit, restamp

RULE = "freshness.rendered"
CDMO = "cro-or-cdmo"
BIOMETRICS = "what-a-biometrics-cro-delivers"
LABELS = "contract-vs-clinical-research-organisation"
PARTNER = "campaigns/biometrics-partner"


@pytest.fixture
def output(tmp_path: Path, example_output: Path) -> Path:
    copy = tmp_path / "output"
    shutil.copytree(example_output, copy)
    return copy


def check(output: Path, content: Path = CONTENT, templates: Path = TEMPLATES) -> CheckReport:
    return run_check(output, content, templates)


def rendered(report: CheckReport) -> dict[str, list[str]]:
    """file -> [message, expected, found, hint] of each freshness.rendered finding."""
    return {
        f.file or "": [f.message, f.expected, f.found, f.hint]
        for f in report.errors
        if f.rule == RULE
    }


def only_rendered(report: CheckReport, relative: str) -> list[str]:
    """The one freshness.rendered finding of ``relative``; no other file has one."""
    found = rendered(report)
    assert list(found) == [relative], [f"{f.rule} {f.file}: {f.message}" for f in report.findings]
    assert "freshness.file-hash" not in {f.rule for f in report.findings}
    message, expected, got, hint = found[relative]
    assert "is not what the content renders to now" in message
    assert "python build.py" in hint and "edited or built by something else" in hint
    return [message, expected, got]


# -------------------------------------------------------------------- no false alarms


def test_the_clean_example_build_has_zero_findings(output: Path) -> None:
    report = check(output)
    assert report.findings == []


def test_a_two_job_build_with_campaign_variants_has_zero_findings(project_copy: Path) -> None:
    """Rendering is deterministic: files made in worker processes are what check renders."""
    report = build_copy(project_copy, jobs=2)
    assert any(path.startswith("campaigns/") for path in report.built)
    result = check(project_copy / "output", project_copy / "content", project_copy / "templates")
    assert result.findings == []


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("post", ("content", f"posts/{CDMO}.md", "Outsourcing in the life", "Outsourcing in life")),
        ("block", ("content", "blocks/quote-fit-over-label.md", "name on the door", "logo")),
        ("template", ("templates", "linkedin/post.txt", "{{ hook }}", "{{ hook }} ")),
        ("stylesheet", ("templates", "pdf/onepager.css", "font-size: 9.6pt", "font-size: 9.7pt")),
    ],
)
def test_a_stale_output_is_reported_as_stale_only(
    output: Path, project_copy: Path, what: str, change: tuple[str, str, str, str]
) -> None:
    """The files differ from what the content renders to now, but freshness has said why."""
    root, relative, old, new = change
    path = project_copy / root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = check(output, project_copy / "content", project_copy / "templates")
    assert any(f.rule.startswith("freshness.") for f in report.errors), what
    assert RULE not in {f.rule for f in report.findings}


@pytest.mark.parametrize(
    ("css", "block_text"),
    [
        ('.stat-source::before { content: "Quelle \\2014  "; }', ""),
        ('.stat-label::after { content: " (see more)"; }', ""),
        ("", "See [our method](method/), [the team](#team) or [write](mailto:a@example.test)."),
    ],
    ids=["css-adds-words", "css-adds-words-after", "relative-and-in-page-links"],
)
def test_what_the_design_adds_to_a_onepager_is_no_difference(
    tmp_path: Path, css: str, block_text: str
) -> None:
    """Words a stylesheet draws (``content: "…"``) are in the PDF and not in the HTML's text;
    a relative link becomes a file:// path of the build machine: neither is a tampered file."""
    content = make_project(tmp_path, blocks={"stat-one": BLOCKS["stat-one"] + block_text})
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    stylesheet = templates / pdf_channel.STYLESHEET
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + css + "\n", encoding="utf-8")
    build_copy(tmp_path)
    report = check(tmp_path / "output", content, templates)
    assert RULE not in {f.rule for f in report.findings}, rendered(report)


# -------------------------------------------------------------------- LinkedIn texts


@pytest.mark.parametrize(
    ("relative", "old", "new", "line_text"),
    [
        (
            f"linkedin/{CDMO}.txt",
            "\n\nA CRO plans",
            "\n\nOur competitors are frauds.\n\nA CRO plans",
            "Our competitors are frauds.",
        ),
        (
            f"{PARTNER}/linkedin/{BIOMETRICS}.txt",
            "utm_campaign=biometrics-partner",
            "utm_campaign=evergreen",
            "utm_campaign=evergreen",
        ),
        (f"linkedin/{LABELS}.txt", "\n#", "  \n#", "'  \\n'"),  # invisible: trailing spaces
        (f"linkedin/{LABELS}.txt", "Is your", "\ufeffIs your", "\\ufeffIs"),  # a byte-order mark
        (f"linkedin/{LABELS}.txt", "The same acronym", "The\tsame acronym", "The\\tsame"),  # a tab
    ],
    ids=["sentence-added", "campaign-link-retagged", "trailing-spaces", "bom", "tab"],
)
def test_linkedin_text_edited_with_its_hash_restamped(
    output: Path, relative: str, old: str, new: str, line_text: str
) -> None:
    edit(output, relative, old, new)  # restamps the manifest
    message, expected, found = only_rendered(check(output), relative)
    assert "line" in message
    assert line_text in found and line_text not in expected


def test_linkedin_text_with_windows_line_endings(output: Path) -> None:
    relative = f"linkedin/{CDMO}.txt"
    path = output / relative
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    restamp(output, relative)
    message, expected, found = only_rendered(check(output), relative)
    assert "end of line 1" in message and "\\r\\n" in found and "\\r" not in expected


# -------------------------------------------------------------------- blog pages


@pytest.mark.parametrize(
    ("old", "new", "line_text"),
    [
        (
            '<h2 id="two-partners',
            '<p>Our competitors are frauds.</p><h2 id="two-partners',
            "frauds",
        ),
        ("</body>", "<!-- tweak --></body>", "<!-- tweak -->"),
        ('<html lang="en-GB"', '<html lang="fr"', 'lang="fr"'),
    ],
    ids=["paragraph-added", "comment-added", "attribute-changed"],
)
def test_blog_page_edited_with_its_hash_restamped(
    output: Path, old: str, new: str, line_text: str
) -> None:
    relative = f"blog/{CDMO}/index.html"
    edit(output, relative, old, new)
    message, expected, found = only_rendered(check(output), relative)
    number = next(
        n
        for n, line in enumerate((output / relative).read_text().splitlines(), 1)
        if line_text in line
    )
    assert f"line {number} differs" in message
    assert line_text in found and line_text not in expected


# -------------------------------------------------------------------- one-pagers


@pytest.fixture(scope="module")
def onepager() -> Callable[..., bytes]:
    """A one-pager rendered by WeasyPrint from a changed post or changed HTML (one warm engine)."""
    project = load_project(CONTENT, Problems())
    assert project is not None
    env = RenderEnvironment(project, TEMPLATES.resolve())

    def render(
        slug: str,
        post: Callable[[Post], Post] = lambda p: p,
        html: Callable[[str], str] = lambda h: h,
    ) -> bytes:
        job = Job(post(project.posts[slug]), None, PDF)
        page, _ = pdf_channel.render_onepager_html(job, env)
        return pdf_channel.pdf_engine(env, PDF).render(html(page)).data

    return render


def replace_pdf(output: Path, relative: str, data: bytes) -> None:
    (output / relative).write_bytes(data)
    restamp(output, relative)


def test_onepager_rendered_from_another_summary(output: Path, onepager: Callable) -> None:
    project = load_project(CONTENT, Problems())
    assert project is not None
    other = project.posts[BIOMETRICS].summary
    relative = f"pdf/{CDMO}.pdf"
    replace_pdf(
        output, relative, onepager(CDMO, post=lambda p: dataclasses.replace(p, summary=other))
    )
    message, expected, found = only_rendered(check(output), relative)
    assert "the text differs" in message
    assert expected.startswith(project.posts[CDMO].summary[:40])
    assert found.startswith(other[:40])


@pytest.mark.parametrize(
    ("tamper", "where", "found_text"),
    [
        (
            lambda h: h.replace("</main>", "<p>Our competitors are frauds.</p></main>"),
            "the text",
            "Our competitors are frauds.",
        ),
        (
            lambda h: h.replace("Judge each capability", "Judge each fraud"),
            "the text",
            "fraud",
        ),
        (
            lambda h: h.replace("/contact/rfi?", "/contact/rfq?"),
            "the links",
            "/contact/rfq?",
        ),
        (
            lambda h: h.replace('name="keywords" content="CRO', 'name="keywords" content="Fraud'),
            "the keywords property",
            "Fraud",
        ),
    ],
    ids=["sentence-added", "word-changed", "cta-link-changed", "keywords-changed"],
)
def test_onepager_rendered_from_other_html(
    output: Path, onepager: Callable, tamper: Callable[[str], str], where: str, found_text: str
) -> None:
    relative = f"pdf/{CDMO}.pdf"
    replace_pdf(output, relative, onepager(CDMO, html=tamper))
    message, expected, found = only_rendered(check(output), relative)
    assert f"{where} differs" in message
    assert found_text in found and found_text not in expected


def test_campaign_variant_copied_over_the_posts_own_onepager(output: Path) -> None:
    relative = f"pdf/{BIOMETRICS}.pdf"
    shutil.copy(output / f"{PARTNER}/pdf/{BIOMETRICS}.pdf", output / relative)
    restamp(output, relative)
    _, expected, found = only_rendered(check(output), relative)
    assert "Submit an RFI" in expected and "Book a biometrics consultation" in found


def test_a_file_built_by_another_toolchain_says_so(output: Path) -> None:
    """The manifest's key of an output includes the toolchain: when the key no longer matches
    and the bytes differ, the finding says the file comes from another version."""
    relative = f"linkedin/{CDMO}.txt"
    edit(output, relative, "\n\nA CRO plans", "\n\nA CRO now plans")
    path = output / "manifest.json"
    manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
    manifest.outputs = [
        dataclasses.replace(r, key="0" * 16) if r.path == relative else r for r in manifest.outputs
    ]
    path.write_text(manifest.to_json(), encoding="utf-8")
    message, _, _ = only_rendered(check(output), relative)
    assert "another version of omnipress" in message


# -------------------------------------------------------------------- characters no font has

EMOJI, CJK = "\U0001f680", "\u6d4b\u8bd5"  # 🚀, 测试: neither Inter nor DejaVu has them


def fonts_with(chars: str) -> bool | None:
    """Whether an installed font has every one of ``chars`` (None: fontconfig cannot say)."""
    if shutil.which("fc-list") is None:
        return None
    for char in chars:
        found = subprocess.run(
            ["fc-list", f":charset={ord(char):x}", "file"], capture_output=True, text=True
        )
        if not found.stdout.strip():
            return False
    return True


needs_no_font_for = pytest.mark.skipif(
    bool(fonts_with(EMOJI)) or bool(fonts_with(CJK[0])),
    reason="a font on this machine has these characters, so nothing prints as a box",
)


@pytest.mark.parametrize(
    ("where", "field", "chars", "edit_post", "edit_block"),
    [
        ("post", "summary", EMOJI, ("summary: A short", f"summary: A {EMOJI} short"), None),
        ("post", "title", CJK, ("title: A test post", f"title: A test post {CJK}"), None),
        (
            "block",
            "label",
            EMOJI + CJK,
            None,
            ("of tests pass first time", f"of tests pass {EMOJI} first {CJK} time"),
        ),
    ],
    ids=["emoji-in-summary", "cjk-in-title", "both-in-a-stat-label"],
)
@needs_no_font_for
def test_characters_no_font_has_warn_at_build_and_check_passes(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    where: str,
    field: str,
    chars: str,
    edit_post: tuple[str, str] | None,
    edit_block: tuple[str, str] | None,
) -> None:
    post = POST.replace(*edit_post) if edit_post else POST
    blocks = {"stat-one": BLOCKS["stat-one"].replace(*edit_block)} if edit_block else {}
    content = make_project(tmp_path, blocks=blocks, posts={"test-post": post})
    output = tmp_path / "output"
    paths = ["--content", str(content), "--templates", str(TEMPLATES), "--output", str(output)]
    source = content / ("posts/test-post.md" if where == "post" else "blocks/stat-one.md")
    codes = [f"U+{ord(c):04X}" for c in chars]
    said = []
    for _build in ("rendered", "reused"):  # a reused one-pager repeats its warning
        assert main(["build", *paths]) == 0
        printed = capsys.readouterr()
        text = " ".join((printed.err + printed.out).split())
        said.append(text)
        assert "warning" in text and "print as empty boxes" in text
        assert f"{source.name}:" in text and f"field '{field}'" in text
        assert all(code in text for code in codes), text
        assert "Traceback" not in text

    facts = read_pdf((output / "pdf/test-post.pdf").read_bytes())
    assert all(c in facts.text for c in chars)  # read back, not garbled
    assert "".join(facts.boxes) == chars

    assert main(["check", *paths, "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["severity"], f["file"]) for f in findings] == [
        ("pdf.glyphs", "warning", "pdf/test-post.pdf")
    ]
    assert all(code in findings[0]["message"] for code in codes)
    # one message: the build said, word for word, what check says about the file
    message = " ".join(findings[0]["message"].split())
    assert f"the one-pager of 'test-post': {message} [pdf.glyphs]" in said[0], said[0]
    assert said[0].count("print as empty boxes") == 1


def test_characters_a_fallback_font_has_are_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """😀 and ❤ are not in Inter but DejaVu Sans has them: Pango draws them, nothing to say."""
    if fonts_with("\U0001f600\u2764") is not True:
        pytest.skip("no font here has 😀 and ❤ (Debian: fonts-dejavu-core)")
    post = POST.replace("summary: A short", "summary: A \U0001f600 \u2764 short")
    content = make_project(tmp_path, posts={"test-post": post})
    paths = ["--content", str(content), "--templates", str(TEMPLATES)]
    paths += ["--output", str(tmp_path / "output")]
    assert main(["build", *paths]) == 0
    assert "empty boxes" not in capsys.readouterr().err
    assert main(["check", *paths, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


@needs_no_font_for
def test_characters_the_design_adds_are_blamed_on_the_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No content field holds them: the warning names the template and its line."""
    content = make_project(tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    page = templates / "pdf/onepager.html"
    text = page.read_text(encoding="utf-8")
    assert "Insight briefing" in text
    page.write_text(text.replace("Insight briefing", f"Insight briefing {EMOJI}"), "utf-8")
    line = next(n for n, t in enumerate(page.read_text("utf-8").splitlines(), 1) if EMOJI in t)
    paths = ["--content", str(content), "--templates", str(templates)]
    assert main(["build", *paths, "--output", str(tmp_path / "output")]) == 0
    err = capsys.readouterr().err
    printed = " ".join(err.split())
    assert (
        f"onepager.html:{line}: warning: the one-pager of 'test-post': 1 character(s) print as "
        f"empty boxes in the PDF one-pager: {EMOJI} U+1F680 (in the one-pager's design)"
    ) in printed, printed
    boxes = [text for text in err.splitlines() if "U+1F680" in text]
    assert boxes and not any("test-post.md" in text for text in boxes)
