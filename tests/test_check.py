"""`check`'s own proof: a clean build passes with zero findings, and each injected
inconsistency fails with the rule that names it.

The example is built once (session fixture); each test copies the good output, breaks one
thing in the files themselves (text edited, a PDF re-rendered from tampered HTML, a page
duplicated) or in a copy of content/, and reads the verdict back.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from omnipress.build.manifest import Manifest, sha256_of
from omnipress.channels.base import Job, RenderEnvironment
from omnipress.channels.pdf import CHANNEL as PDF
from omnipress.channels.pdf import render as pdf_channel
from omnipress.check.check import CheckReport, run_check
from omnipress.cli import main
from omnipress.content.loader import load_project
from omnipress.errors import Problems
from tests.conftest import CONTENT, TEMPLATES

BIOMETRICS = "what-a-biometrics-cro-delivers"
LABELS = "contract-vs-clinical-research-organisation"
CDMO = "cro-or-cdmo"


@pytest.fixture
def output(tmp_path: Path, example_output: Path) -> Path:
    """A writable copy of the good output."""
    copy = tmp_path / "output"
    shutil.copytree(example_output, copy)
    return copy


def check(output: Path, content: Path = CONTENT, templates: Path = TEMPLATES) -> CheckReport:
    return run_check(output, content, templates)


def rules(report: CheckReport) -> set[str]:
    return {f.rule for f in report.errors}


def restamp(output: Path, relative: str) -> None:
    """Record a tampered file's new sha256, so only the content-level rule can fire."""
    path = output / "manifest.json"
    manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
    sha = sha256_of((output / relative).read_bytes())
    manifest.outputs = [
        r if r.path != relative else type(r)(**{**r.__dict__, "sha256": sha})
        for r in manifest.outputs
    ]
    path.write_text(manifest.to_json(), encoding="utf-8")


def edit(output: Path, relative: str, old: str, new: str, *, keep_hash: bool = True) -> None:
    path = output / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    if keep_hash:
        restamp(output, relative)


def fails_with(report: CheckReport, rule: str, file: str | None = None) -> None:
    assert not report.ok
    assert rule in rules(report), [f"{f.rule}: {f.message}" for f in report.findings]
    if file is not None:
        assert any(f.rule == rule and f.file == file for f in report.errors)


# -------------------------------------------------------------------- the clean build


def test_clean_build_has_zero_findings(output: Path) -> None:
    report = check(output)
    assert report.findings == []
    assert report.ok
    manifest = Manifest.from_json((output / "manifest.json").read_text(encoding="utf-8"))
    assert report.files_checked == len(manifest.outputs) + len(manifest.files)
    assert report.posts_checked == len(list((CONTENT / "posts").glob("*.md")))


# -------------------------------------------------------------------- LinkedIn

LINKEDIN = f"linkedin/{BIOMETRICS}.txt"
HOOK = "Every clinical trial ends in data, but data alone never got a medicine approved."


def test_figure_changed_in_linkedin_text(output: Path) -> None:
    edit(output, LINKEDIN, "7 biometrics disciplines", "8 biometrics disciplines")
    report = check(output)
    fails_with(report, "consistency.figures", LINKEDIN)
    figure = next(f for f in report.errors if f.rule == "consistency.figures")
    assert "'8'" in figure.message and "7" in figure.expected
    stat = next(f for f in report.errors if f.rule == "consistency.stat")
    assert stat.expected.startswith("7 biometrics") and stat.found.startswith("8 biometrics")
    assert "freshness.file-hash" not in rules(report)


def test_figure_not_from_any_source_in_linkedin_text(output: Path) -> None:
    edit(output, LINKEDIN, "validated analyses", "validated analyses in 40% less time")
    report = check(output)
    fails_with(report, "consistency.figures", LINKEDIN)
    assert "40%" in next(f.message for f in report.errors if f.rule == "consistency.figures")


def test_figure_not_from_any_source_on_the_blog_page(output: Path) -> None:
    """Every channel, the blog included: a claim added by a template edit is caught."""
    page = f"blog/{BIOMETRICS}/index.html"
    edit(
        output,
        page,
        '<p class="post-summary">',
        '<p class="post-summary">Trusted by 500 sponsors. ',
    )
    report = check(output)
    fails_with(report, "consistency.figures", page)
    found = [f.message for f in report.errors if f.rule == "consistency.figures"]
    assert found == ["the figure '500' is not in the post or any block it uses"]


def test_linkedin_text_of_3001_characters(output: Path) -> None:
    text = (output / LINKEDIN).read_text(encoding="utf-8")
    filler = "\n\nMore words. " + "x" * (3001 - len(text) - len("\n\nMore words. "))
    edit(output, LINKEDIN, HOOK, HOOK + filler)
    assert len((output / LINKEDIN).read_text(encoding="utf-8")) == 3001
    report = check(output)
    fails_with(report, "linkedin.length", LINKEDIN)
    assert next(f for f in report.errors if f.rule == "linkedin.length").found == "3001"


def test_linkedin_text_of_exactly_3000_characters_passes_the_length_rule(output: Path) -> None:
    text = (output / LINKEDIN).read_text(encoding="utf-8")
    filler = "\n\nMore words. " + "x" * (3000 - len(text) - len("\n\nMore words. "))
    edit(output, LINKEDIN, HOOK, HOOK + filler)
    assert "linkedin.length" not in rules(check(output))


def test_hook_cut_mid_sentence(output: Path) -> None:
    edit(output, LINKEDIN, HOOK, "Every clinical trial ends in data, but data alone")
    fails_with(check(output), "linkedin.hook", LINKEDIN)


@pytest.mark.parametrize(
    "leftover", ["**Biometrics** is the work", "<b>Biometrics</b> is the work", "# Biometrics"]
)
def test_markdown_or_html_left_in_linkedin_text(output: Path, leftover: str) -> None:
    edit(output, LINKEDIN, "Biometrics is the work", leftover)
    fails_with(check(output), "linkedin.markup", LINKEDIN)


def test_unicode_bold_letters_in_linkedin_text(output: Path) -> None:
    bold = "".join(chr(0x1D400 + ord(c) - ord("A")) if c.isupper() else c for c in "BIOMETRICS")
    edit(output, LINKEDIN, "Biometrics is the work", bold + " is the work")
    fails_with(check(output), "linkedin.unicode-bold", LINKEDIN)


def test_hashtags_removed_from_linkedin_text(output: Path) -> None:
    edit(output, LINKEDIN, "#StatisticalProgramming #Biostatistics ", "")
    fails_with(check(output), "linkedin.hashtags", LINKEDIN)


def test_second_link_in_linkedin_text(output: Path) -> None:
    edit(output, LINKEDIN, "clinical study report.", "clinical study report: https://example.com/x")
    fails_with(check(output), "linkedin.links", LINKEDIN)


def test_campaign_linkedin_link_with_the_wrong_utm_campaign(output: Path) -> None:
    path = f"campaigns/biometrics-partner/linkedin/{BIOMETRICS}.txt"
    edit(output, path, "utm_campaign=biometrics-partner", "utm_campaign=evergreen")
    report = check(output)
    fails_with(report, "linkedin.links", path)


def test_cta_label_missing_from_linkedin_text(output: Path) -> None:
    edit(output, LINKEDIN, "→ Submit an RFI\n", "→ Get in touch.\n")
    fails_with(check(output), "consistency.cta-label", LINKEDIN)


def test_quote_reworded_in_linkedin_text(output: Path) -> None:
    path = f"linkedin/{LABELS}.txt"
    edit(output, path, "for the name on the door", "for the brand on the door")
    report = check(output)
    fails_with(report, "consistency.quote", path)
    quote = next(f for f in report.errors if f.rule == "consistency.quote")
    assert "name" in quote.expected and "brand" in quote.found


# -------------------------------------------------------------------- blog

BLOG = f"blog/{LABELS}/index.html"


def test_cta_url_changed_in_blog(output: Path) -> None:
    edit(output, BLOG, "/contact/rfi?utm_source=blog", "/contact/rfq?utm_source=blog")
    report = check(output)
    fails_with(report, "consistency.cta-url", BLOG)
    finding = next(f for f in report.errors if f.rule == "consistency.cta-url")
    assert "/contact/rfi" in finding.expected and "/contact/rfq" in finding.found


def test_cta_utm_tags_may_differ(output: Path) -> None:
    edit(output, BLOG, "utm_medium=cta&amp;", "utm_medium=button&amp;")
    assert rules(check(output)) == {"freshness.rendered"}  # the hand edit, not the CTA


def test_date_changed_in_one_channel(output: Path) -> None:
    edit(output, BLOG, ">1 October 2025</time>", ">2 October 2025</time>")
    report = check(output)
    fails_with(report, "consistency.date", BLOG)
    date = next(f for f in report.errors if f.rule == "consistency.date")
    assert (date.expected, date.found) == ("1 October 2025", "2 October 2025")
    assert {f.channel for f in report.errors} == {"blog"}


def test_second_h1_in_blog(output: Path) -> None:
    edit(
        output,
        BLOG,
        '<h2 id="how-the-two-compare">How the two compare</h2>',
        "<h1>How the two compare</h1>",
    )
    fails_with(check(output), "blog.h1", BLOG)


def test_image_without_alt_text(output: Path) -> None:
    edit(
        output,
        BLOG,
        "<p>The contract label is the wider",
        '<p><img src="../assets/images/logo.svg">The contract label is the wider',
    )
    report = check(output)
    fails_with(report, "blog.images", BLOG)
    assert "alt text" in next(f.message for f in report.errors if f.rule == "blog.images")


def test_remote_image_in_blog(output: Path) -> None:
    edit(
        output,
        BLOG,
        "<p>The contract label is the wider",
        '<p><img src="https://tracker.example/p.gif" alt="x">The contract label is the wider',
    )
    fails_with(check(output), "blog.images", BLOG)


def test_script_in_blog_body(output: Path) -> None:
    edit(output, BLOG, "<p>The contract label", "<script>alert(1)</script><p>The contract label")
    fails_with(check(output), "blog.scripts", BLOG)


def test_long_title_is_a_warning_and_strict_makes_it_an_error(output: Path) -> None:
    long_title = "CRO labels: contract vs clinical research organisation, explained in full"
    edit(
        output,
        BLOG,
        "<title>CRO labels: contract vs clinical research organisation</title>",
        f"<title>{long_title}</title>",
    )
    report = check(output)
    assert "blog.title-length" in {f.rule for f in report.warnings}
    assert "blog.title-length" not in rules(report)
    assert "consistency.title" in rules(report)  # <title> no longer matches the <h1>
    assert "blog.title-length" in rules(report.strict())


def test_meta_description_over_160_characters_is_a_warning(output: Path) -> None:
    """Search-result length guidance, like the title's: a warning, an error under --strict."""
    edit(
        output,
        BLOG,
        'name="description" content="CRO can mean',
        'name="description" content="' + "word " * 30 + "CRO can mean",
    )
    report = check(output)
    assert "blog.meta-description" in {f.rule for f in report.warnings}
    assert "blog.meta-description" not in rules(report)
    assert "blog.meta-description" in rules(report.strict())


def test_reused_block_words_differ_between_two_posts(output: Path) -> None:
    page = f"blog/{CDMO}/index.html"
    edit(
        output,
        page,
        "from preclinical studies through clinical trials",
        "from preclinical studies through clinical and commercial trials",
    )
    report = check(output)
    fails_with(report, "consistency.reused-block", page)
    finding = next(f for f in report.errors if f.rule == "consistency.reused-block")
    assert "definition-contract-research-organisation" in finding.message
    assert LABELS in finding.message  # names the other posts that use it
    assert "commercial" in finding.found


# -------------------------------------------------------------------- PDF


@pytest.fixture(scope="session")
def render_tampered_onepager() -> Callable[[str, Callable[[str], str]], bytes]:
    """Render a post's one-pager from its HTML after ``tamper`` changed it (one warm engine)."""
    project = load_project(CONTENT, Problems())
    assert project is not None
    env = RenderEnvironment(project, TEMPLATES.resolve())

    def render(slug: str, tamper: Callable[[str], str]) -> bytes:
        html, _ = pdf_channel.render_onepager_html(Job(project.posts[slug], None, PDF), env)
        tampered = tamper(html)
        assert tampered != html
        return pdf_channel.pdf_engine(env, PDF).render(tampered).data

    return render


def test_figure_changed_in_pdf(output: Path, render_tampered_onepager: Callable) -> None:
    relative = f"pdf/{BIOMETRICS}.pdf"
    data = render_tampered_onepager(
        BIOMETRICS,
        lambda h: h.replace('<p class="stat-value">7</p>', '<p class="stat-value">8</p>'),
    )
    (output / relative).write_bytes(data)
    restamp(output, relative)
    report = check(output)
    fails_with(report, "consistency.figures", relative)
    fails_with(report, "consistency.stat", relative)
    assert all(f.file == relative for f in report.errors)


def test_cta_missing_from_pdf(output: Path, render_tampered_onepager: Callable) -> None:
    relative = f"pdf/{CDMO}.pdf"
    data = render_tampered_onepager(
        CDMO, lambda h: re.sub(r'<aside class="cta-band.*?</aside>', "", h, flags=re.S)
    )
    (output / relative).write_bytes(data)
    restamp(output, relative)
    report = check(output)
    fails_with(report, "pdf.cta", relative)
    assert {f.rule for f in report.errors} == {"pdf.cta", "freshness.rendered"}


def test_two_page_pdf(output: Path) -> None:
    relative = f"pdf/{CDMO}.pdf"
    writer = PdfWriter(clone_from=PdfReader(output / relative))
    writer.add_page(writer.pages[0])
    buffer = io.BytesIO()
    writer.write(buffer)
    (output / relative).write_bytes(buffer.getvalue())
    report = check(output)
    fails_with(report, "pdf.one-page", relative)
    assert next(f for f in report.errors if f.rule == "pdf.one-page").found == "2"


def test_damaged_pdf_is_a_finding_not_a_crash(output: Path) -> None:
    relative = f"pdf/{CDMO}.pdf"
    data = (output / relative).read_bytes()
    (output / relative).write_bytes(data[: len(data) // 3])
    report = check(output)
    fails_with(report, "pdf.readable", relative)


def test_pdf_title_property_changed(output: Path) -> None:
    relative = f"pdf/{CDMO}.pdf"
    writer = PdfWriter(clone_from=PdfReader(output / relative))
    writer.add_metadata({"/Title": "CRO or CDMO"})
    buffer = io.BytesIO()
    writer.write(buffer)
    (output / relative).write_bytes(buffer.getvalue())
    restamp(output, relative)
    fails_with(check(output), "consistency.title", relative)


def test_pdf_block_missing(output: Path, render_tampered_onepager: Callable) -> None:
    relative = f"pdf/{CDMO}.pdf"
    data = render_tampered_onepager(
        CDMO, lambda h: h.replace("Combined providers still cover distinct steps", "")
    )
    (output / relative).write_bytes(data)
    restamp(output, relative)
    fails_with(check(output), "pdf.blocks", relative)


# -------------------------------------------------------------------- freshness and files


def test_output_file_edited_by_hand(output: Path) -> None:
    edit(output, BLOG, "</body>", "<!-- tweak --></body>", keep_hash=False)
    report = check(output)
    assert rules(report) == {"freshness.file-hash"}
    assert report.errors[0].file == BLOG and report.errors[0].post == LABELS


def test_missing_output_file(output: Path) -> None:
    (output / LINKEDIN).unlink()
    fails_with(check(output), "manifest.missing", LINKEDIN)


def test_unlisted_file_is_a_warning(output: Path) -> None:
    (output / "pdf" / "old.pdf").write_bytes(b"%PDF-1.7")
    report = check(output)
    assert report.ok and [f.rule for f in report.warnings] == ["manifest.unlisted"]


def test_block_edited_after_the_build_is_stale(output: Path, project_copy: Path) -> None:
    block = project_copy / "content/blocks/quote-fit-over-label.md"
    block.write_text(block.read_text().replace("name on the door", "logo on the door"))
    report = check(output, project_copy / "content", project_copy / "templates")
    fails_with(report, "freshness.block-hash")
    stale = [f for f in report.errors if f.rule == "freshness.block-hash"]
    manifest = Manifest.from_json((output / "manifest.json").read_text(encoding="utf-8"))
    users = {r.path for r in manifest.outputs if "quote-fit-over-label" in r.blocks}
    assert {f.file for f in stale} == users
    assert all("quote-fit-over-label" in f.message and f.post and f.channel for f in stale)
    # stale outputs are not also blamed for reading differently from today's content
    assert "consistency.quote" not in rules(report)


def test_a_bio_edit_makes_the_pdf_byline_stale(output: Path, project_copy: Path) -> None:
    """The one-pager prints only the author's name and role, yet it was built from the bio."""
    bio = project_copy / "content/blocks/bio-commercial-team.md"
    bio.write_text(bio.read_text().replace("Commercial and Partnerships", "Partnerships"))
    report = check(output, project_copy / "content", project_copy / "templates")
    stale = {f.file for f in report.errors if f.rule == "freshness.block-hash"}
    assert f"pdf/{CDMO}.pdf" in stale and f"blog/{CDMO}/index.html" in stale
    assert f"linkedin/{CDMO}.txt" not in stale  # the LinkedIn post never names the author


def test_post_template_and_site_changes_are_stale(output: Path, project_copy: Path) -> None:
    content, templates = project_copy / "content", project_copy / "templates"
    post = content / f"posts/{CDMO}.md"
    post.write_text(post.read_text().replace("Outsourcing in the life", "Outsourcing in life"))
    linkedin_template = templates / "linkedin/post.txt"
    linkedin_template.write_text(linkedin_template.read_text() + "\n")
    site = content / "site.yaml"
    site.write_text(site.read_text().replace("utm_campaign: evergreen", "utm_campaign: always"))
    found = rules(check(output, content, templates))
    assert {"freshness.post-hash", "freshness.template-hash", "freshness.site-hash"} <= found


def test_a_template_edit_makes_stale_exactly_the_outputs_rendered_with_it(
    output: Path, project_copy: Path
) -> None:
    """The same outputs the next build redoes: a page without a quote is not stale when the
    quote template changes, and the finding names the template."""
    quote = project_copy / "templates/blocks/quote.html"
    quote.write_text(quote.read_text().replace("block block-quote", "block block-quote v2"))
    report = check(output, project_copy / "content", project_copy / "templates")
    manifest = Manifest.from_json((output / "manifest.json").read_text(encoding="utf-8"))
    users = {r.path for r in manifest.outputs if "templates:blocks/quote.html" in r.depends}
    assert users and len(users) < len([r for r in manifest.outputs if r.channel != "linkedin"])
    stale = [f for f in report.errors if f.rule == "freshness.template-hash"]
    assert {f.file for f in stale} == users
    assert all("templates/blocks/quote.html" in f.message and f.post for f in stale)


def test_a_content_change_is_reported_once_as_stale(output: Path, project_copy: Path) -> None:
    post = project_copy / f"content/posts/{CDMO}.md"
    post.write_text(post.read_text().replace('title: "CRO or CDMO:', 'title: "CDMO or CRO:'))
    report = check(output, project_copy / "content", project_copy / "templates")
    assert rules(report) == {"freshness.post-hash"}
    manifest = Manifest.from_json((output / "manifest.json").read_text(encoding="utf-8"))
    assert {f.file for f in report.errors} == {r.path for r in manifest.outputs if r.post == CDMO}


def test_a_reused_cta_edit_is_reported_once_for_campaign_variants_too(
    output: Path, project_copy: Path
) -> None:
    """A campaign variant built from the old CTA is stale, not also 'inconsistent'."""
    cta = project_copy / "content/blocks/cta-rfi.md"
    text = cta.read_text()
    assert "label: " in text
    cta.write_text(re.sub(r"label: .*", 'label: "Send us an RFI"', text, count=1))
    report = check(output, project_copy / "content", project_copy / "templates")
    assert rules(report) == {"freshness.block-hash"}
    manifest = Manifest.from_json((output / "manifest.json").read_text(encoding="utf-8"))
    users = {r.path for r in manifest.outputs if "cta-rfi" in r.blocks}
    assert any(path.startswith("campaigns/") for path in users)
    assert {f.file for f in report.errors} == users


def test_an_image_the_pdfs_embed_makes_them_stale(output: Path, project_copy: Path) -> None:
    logo = project_copy / "content/images/logo.svg"
    logo.write_text(logo.read_text().replace("</svg>", "<!-- v2 --></svg>"))
    report = check(output, project_copy / "content", project_copy / "templates")
    manifest = Manifest.from_json((output / "manifest.json").read_text(encoding="utf-8"))
    pdfs = {r.path for r in manifest.outputs if r.channel == "pdf"}
    stale = [f for f in report.errors if f.rule == "freshness.asset-hash" and f.channel == "pdf"]
    assert {f.file for f in stale} == pdfs
    assert all("content/images/logo.svg" in f.message and f.post for f in stale)


def test_broken_content_stops_the_check(
    output: Path, project_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = project_copy / f"content/posts/{CDMO}.md"
    post.write_text(post.read_text().replace("date: 2025-11-05", "date: [unclosed"))
    args = ["--output", str(output), "--content", str(project_copy / "content")]
    assert main(["check", *args]) == 1
    err = capsys.readouterr().err
    assert f"{CDMO}.md" in err and "Check stopped" in err and "Traceback" not in err


def test_new_post_not_built_yet(output: Path, project_copy: Path) -> None:
    content = project_copy / "content"
    source = (content / f"posts/{CDMO}.md").read_text()
    (content / "posts/cro-or-cdmo-again.md").write_text(source)
    report = check(output, content, project_copy / "templates")
    fails_with(report, "freshness.unbuilt", "pdf/cro-or-cdmo-again.pdf")


# -------------------------------------------------------------------- the command line


def test_cli_clean_exit_0_and_json(output: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--output", str(output), "--content", str(CONTENT), "--templates", str(TEMPLATES)]
    assert main(["check", *args]) == 0
    assert "OK: 0 error(s), 0 warning(s)" in capsys.readouterr().out
    assert main(["check", *args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True and data["findings"] == []


def test_cli_failure_exit_1_grouped_report(
    output: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(output, LINKEDIN, "7 biometrics disciplines", "8 biometrics disciplines")
    edit(output, BLOG, ">1 October 2025</time>", ">2 October 2025</time>")
    args = ["--output", str(output), "--content", str(CONTENT), "--templates", str(TEMPLATES)]
    assert main(["check", *args]) == 1
    text = capsys.readouterr().out
    assert text.index(LABELS) < text.index("consistency.date") < text.index(BIOMETRICS)
    assert "expected: 1 October 2025" in text and "found:    2 October 2025" in text
    assert "fix:" in text and "FAILED" in text
    assert main(["check", *args, "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {(f["rule"], f["post"], f["channel"]) for f in findings} >= {
        ("consistency.date", LABELS, "blog"),
        ("consistency.figures", BIOMETRICS, "linkedin"),
    }


def test_cli_strict_turns_warnings_into_failure(output: Path) -> None:
    (output / "stray.txt").write_text("left over")
    args = ["--output", str(output), "--content", str(CONTENT), "--templates", str(TEMPLATES)]
    assert main(["check", *args, "--format", "json"]) == 0
    assert main(["check", *args, "--format", "json", "--strict"]) == 1


def test_cli_without_a_build_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--output", str(tmp_path / "nowhere")]) == 2
    assert "python build.py" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["check", "--output", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert "manifest.json is missing" in err and "Traceback" not in err
