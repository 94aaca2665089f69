"""Incremental builds: each kind of change rebuilds exactly what depends on it, nothing else,
and a damaged cache only makes a build slower, never wrong.

Every test starts from a copy of the example content whose output/ is a copy of the session's
example build, so nothing is built from scratch unless the test says so. What was rebuilt is
read from the build's own report; what it means is read from the files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from omnipress.build.builder import BuildOptions, BuildReport, build
from omnipress.build.manifest import MANIFEST_NAME, OutputRecord, read_manifest
from omnipress.channels import registered
from omnipress.channels.card.readback import read_card
from omnipress.errors import ContentError
from tests.conftest import ROOT, build_copy
from tests.readers import html, pdf_text, squash


def snapshot(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def records(root: Path) -> dict[str, OutputRecord]:
    manifest = read_manifest(root / "output")
    assert manifest is not None
    return manifest.by_path()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def text_of(output: Path, relative: str) -> str:
    path = output / relative
    if path.suffix == ".pdf":
        return pdf_text(path)
    if path.suffix == ".png":  # the social card: the text of the document it was drawn from
        return squash(read_card(path.read_bytes()).text)
    if path.suffix == ".html":
        return squash(html(path).get_text(" "))
    return squash(path.read_text(encoding="utf-8"))


@pytest.fixture
def built(project_copy: Path, example_output: Path) -> Path:
    """A copy of the example project together with its built output/ (the cache)."""
    shutil.copytree(example_output, project_copy / "output")
    return project_copy


def rebuild(
    root: Path, **options: object
) -> tuple[BuildReport, dict[str, bytes], dict[str, bytes]]:
    """Build again; the report, and every file of output/ before and after."""
    before = snapshot(root / "output")
    report = build_copy(root, **options)
    return report, before, snapshot(root / "output")


def only_these_changed(
    before: dict[str, bytes], after: dict[str, bytes], allowed: set[str]
) -> None:
    """Every file outside ``allowed`` (and the manifest) is byte-for-byte what it was."""
    assert before.keys() == after.keys()
    changed = {p for p in after if before[p] != after[p]} - {MANIFEST_NAME}
    assert changed <= allowed, f"changed without cause: {sorted(changed - allowed)}"


def test_nothing_changed_nothing_is_built(built: Path) -> None:
    report, before, after = rebuild(built)
    assert report.built == []
    assert sorted(report.reused) == sorted(records(built))
    assert after == before


def test_a_post_edit_rebuilds_that_posts_outputs_only(built: Path) -> None:
    slug = "cro-or-cdmo"
    ours = {path for path, r in records(built).items() if r.post == slug}
    assert (
        len(ours) == 8
    )  # blog, pdf, linkedin, carousel, card + the campaign's pdf, linkedin, carousel
    edit(built / "content" / "posts" / f"{slug}.md", "Put simply, a CRO", "Put plainly, a CRO")
    report, before, after = rebuild(built)
    assert set(report.built) == ours
    assert set(report.reused) == set(records(built)) - ours
    assert "Put plainly, a CRO" in text_of(built / "output", f"blog/{slug}/index.html")
    only_these_changed(before, after, ours | {"index.html", "campaigns/cro-explained/index.html"})


def test_a_nested_block_edit_rebuilds_every_output_that_includes_it_at_any_depth(
    built: Path,
) -> None:
    old = records(built)
    users = {path for path, r in old.items() if "stat-engagement-models" in r.blocks}
    # the blog page includes it only through definition-fsp, which includes it
    nested = "blog/what-a-biometrics-cro-delivers/index.html"
    assert nested in users and "definition-fsp" in old[nested].blocks
    assert any(r.channel == "pdf" for p, r in old.items() if p in users)
    block = built / "content" / "blocks" / "stat-engagement-models.md"
    edit(block, "ways to engage a partner", "ways to work with a partner")
    report, before, after = rebuild(built)
    assert set(report.built) == users
    for path in users:
        assert "ways to work with a partner" in text_of(built / "output", path), path
    only_these_changed(before, after, users)


def test_an_author_bio_edit_rebuilds_the_pages_and_pdfs_that_print_it_not_linkedin(
    built: Path,
) -> None:
    """The PDF's byline reads only the bio's name and role; the LinkedIn post and its carousel
    never show the author, so they must not depend on the bio at all."""
    old = records(built)
    slugs = {r.post for r in old.values() if "bio-commercial-team" in r.blocks}
    assert slugs == {"contract-vs-clinical-research-organisation", "cro-or-cdmo"}
    printing = {p for p, r in old.items() if r.post in slugs and r.channel in ("blog", "pdf")}
    assert all(old[p].block_hash("bio-commercial-team") for p in printing)
    assert not any(
        r.block_hash("bio-commercial-team")
        for r in old.values()
        if r.channel in ("linkedin", "carousel")
    )
    edit(built / "content" / "blocks" / "bio-commercial-team.md",
         'role: "Commercial and Partnerships', 'role: "Partnerships and Alliances')  # fmt: skip
    report, before, after = rebuild(built)
    assert set(report.built) == printing
    for path in printing:
        assert "Partnerships and Alliances" in text_of(built / "output", path), path
    only_these_changed(before, after, printing)


def test_a_template_edit_rebuilds_every_output_rendered_with_it(built: Path) -> None:
    old = records(built)
    with_quote = {
        p for p, r in old.items() if "quote-fit-over-label" in r.blocks and r.channel != "linkedin"
    }
    with_definition = {
        p
        for p, r in old.items()
        if r.channel == "linkedin" and any(b.startswith("definition-") for b in r.blocks)
    }
    assert with_quote and with_definition
    templates = built / "templates"
    edit(templates / "blocks" / "quote.html", '<figure class="block block-quote"',
         '<figure class="block block-quote quote-v2"')  # fmt: skip
    edit(templates / "linkedin" / "blocks" / "definition.txt", "{{ fields.term }}: ",
         "{{ fields.term }} means: ")  # fmt: skip
    report, before, after = rebuild(built)
    assert set(report.built) == with_quote | with_definition
    for path in with_quote:
        if path.endswith(".html"):
            assert html(built / "output" / path).select("figure.quote-v2"), path
    for path in with_definition:
        assert " means: " in text_of(built / "output", path), path
    only_these_changed(before, after, with_quote | with_definition)


def test_css_edits_rebuild_the_pdfs_and_only_copy_the_blog_stylesheet(built: Path) -> None:
    pdfs = {p for p, r in records(built).items() if r.channel == "pdf"}
    templates = built / "templates"
    edit(templates / "pdf" / "onepager.css", "font-size: 21pt", "font-size: 20pt")
    with (templates / "blog" / "style.css").open("a", encoding="utf-8") as css:
        css.write("\n.incremental-test { color: #123456; }\n")
    report, before, after = rebuild(built)
    assert set(report.built) == pdfs  # blog pages only link to the stylesheet
    assert all(before[p] != after[p] for p in pdfs)
    assert b".incremental-test" in after["blog/assets/style.css"]
    only_these_changed(before, after, pdfs | {"blog/assets/style.css"})


def test_a_site_yaml_edit_rebuilds_everything(built: Path) -> None:
    everything = set(records(built))
    edit(built / "content" / "site.yaml", "Fictional example company", "Fictional example firm")
    report = build_copy(built)
    assert set(report.built) == everything and report.reused == []
    assert "Fictional example firm" in text_of(built / "output", "pdf/cro-or-cdmo.pdf")


def test_an_image_edit_rebuilds_the_pdfs_that_embed_it(built: Path) -> None:
    # the PDFs and the social cards draw the logo
    pdfs = {p for p, r in records(built).items() if r.channel in ("pdf", "card")}
    images = built / "content" / "images"
    edit(images / "logo.svg", "</svg>", "<!-- new logo --></svg>")
    (images / "unused.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    report, before, after = rebuild(built)
    assert set(report.built) == pdfs  # blog pages link to the logo; LinkedIn has none
    assert b"new logo" in after["blog/assets/images/logo.svg"]
    assert "blog/assets/images/unused.svg" in after
    assets = {"blog/assets/images/logo.svg", "blog/assets/images/unused.svg"}
    only_these_changed(before | {"blog/assets/images/unused.svg": b""}, after, pdfs | assets)


def test_adding_a_missing_image_rebuilds_the_page_that_looked_for_it(built: Path) -> None:
    page = "blog/what-a-biometrics-cro-delivers/index.html"
    users = {p for p, r in records(built).items() if "definition-fsp" in r.blocks}
    assert users == {page}
    block = built / "content" / "blocks" / "definition-fsp.md"
    edit(block, "[[block:stat-engagement-models]]",
         "![Team chart](images/team.svg)\n\n[[block:stat-engagement-models]]")  # fmt: skip
    report = build_copy(built)
    assert report.built == [page]
    assert any("images/team.svg" in w.message for w in report.warnings.warnings)
    # reusing the page reports its warning again: a second build does not hide the problem
    report = build_copy(built)
    assert report.built == []
    assert any("images/team.svg" in w.message for w in report.warnings.warnings)
    (built / "content" / "images" / "team.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    )
    report = build_copy(built)
    assert report.built == [page]
    assert not any("images/team.svg" in w.message for w in report.warnings.warnings)
    assert html(built / "output" / page).select('img[src="../assets/images/team.svg"]')


def test_an_edited_output_file_is_rebuilt_not_trusted(built: Path) -> None:
    tampered = "linkedin/cro-or-cdmo.txt"
    output = built / "output"
    original = (output / tampered).read_bytes()
    (output / tampered).write_bytes(original + b"\nedited by hand\n")
    report = build_copy(built)
    assert report.built == [tampered]
    assert (output / tampered).read_bytes() == original


def test_a_damaged_manifest_entry_is_rebuilt_not_trusted(built: Path) -> None:
    output = built / "output"
    manifest = json.loads((output / MANIFEST_NAME).read_text(encoding="utf-8"))
    entries = {entry["path"]: entry for entry in manifest["outputs"]}
    damaged = {
        "linkedin/cro-or-cdmo.txt": ("sha256", "0" * 64),
        "blog/cro-or-cdmo/index.html": ("blocks", {"cta-rfi": "0000000000000000"}),
        "linkedin/what-a-biometrics-cro-delivers.txt": ("depends", {}),
        "blog/what-a-biometrics-cro-delivers/index.html": ("warnings", 42),
        "linkedin/contract-vs-clinical-research-organisation.txt": ("key", "tampered"),
    }
    for path, (name, value) in damaged.items():
        entries[path][name] = value
    (output / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    report, before, after = rebuild(built)
    assert set(report.built) == set(damaged)
    assert {p: v for p, v in after.items() if p != MANIFEST_NAME} == {
        p: v for p, v in before.items() if p != MANIFEST_NAME
    }
    assert set(records(built)) == set(entries)


def test_without_a_cache_two_workers_rebuild_everything_byte_identical(
    built: Path, example_output: Path
) -> None:
    """A deleted cache means a full build, here with --jobs 2; the bytes are those of the
    sequential example build, manifest included."""
    records_before = records(built)
    shutil.rmtree(built / "output")
    report = build_copy(built, jobs=2)
    assert sorted(report.built) == sorted(records_before) and report.reused == []
    assert snapshot(built / "output") == snapshot(example_output)


def test_one_job_renders_channel_by_channel_and_reports_in_plan_order(
    built: Path, example_build: tuple[Path, BuildReport]
) -> None:
    """Outputs render one channel after another (the libraries' caches stay warm), yet the
    report, the manifest and the bytes are those of the example build, in its order."""
    records_before = records(built)
    shutil.rmtree(built / "output")
    order: list[str] = []
    report = build(
        BuildOptions(built / "content", built / "templates", built / "output"),
        progress=lambda done, total, path: order.append(path),
    )
    rank = {channel.name: number for number, channel in enumerate(registered())}
    ranks = [rank[records_before[path].channel] for path in order]
    assert sorted(order) == sorted(records_before) and len(set(ranks)) == len(rank)
    assert ranks == sorted(ranks), "outputs rendered post by post, not channel by channel"
    assert report.built == example_build[1].built  # the plan's order: post by post
    assert snapshot(built / "output") == snapshot(example_build[0])


def test_worker_problems_are_reported_like_sequential_ones(built: Path) -> None:
    post = built / "content" / "posts" / "cro-or-cdmo.md"
    edit(post, "## Side by side", '<script>alert("hi")</script>\n\n## Side by side')
    report = build_copy(built, jobs=2)
    assert len(report.built) == 8
    removed = [
        w for w in report.warnings.warnings if "removed from the content's HTML" in w.message
    ]
    assert len(removed) == 1 and "<script>" in removed[0].message
    assert removed[0].path is not None and removed[0].path.name == "cro-or-cdmo.md"
    assert "alert" not in (built / "output" / "blog/cro-or-cdmo/index.html").read_text()

    before = snapshot(built / "output")
    edit(post, "Knowing where each begins and ends", "Knowing " + "very " * 600 + "well")
    with pytest.raises(ContentError) as failure:
        build_copy(built, jobs=2)
    problems = failure.value.problems
    assert any("linkedin.length" in p.message and p.path == post for p in problems), problems
    assert snapshot(built / "output") == before


def test_one_warning_when_harfbuzz_subsetting_is_missing(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from omnipress.channels.pdf import render as pdf

    monkeypatch.setattr(pdf, "harfbuzz_subset_available", lambda: False)
    block = built / "content" / "blocks" / "cta-consultation.md"
    block.write_text(block.read_text(encoding="utf-8") + "\nTalk to us.\n", encoding="utf-8")
    report = build_copy(built, jobs=2)
    assert sum(p.endswith(".pdf") for p in report.built) >= 2
    harfbuzz = [w for w in report.warnings.warnings if "libharfbuzz-subset0" in w.message]
    assert len(harfbuzz) == 1
    assert "4×" in harfbuzz[0].message and "SOURCE_DATE_EPOCH" in harfbuzz[0].message
    assert "apt-get install libharfbuzz-subset0" in harfbuzz[0].hint
    # no PDF rendered, no warning
    edit(built / "templates" / "linkedin" / "post.txt", "→ Read", "→ Now read")
    report = build_copy(built)
    assert report.built and not any(p.endswith(".pdf") for p in report.built)
    assert not any("libharfbuzz" in w.message for w in report.warnings.warnings)


NO_OP_BUILD = """
import sys
from omnipress.cli import main
root = sys.argv[1]
code = main(["build", "--content", root + "/content", "--templates", root + "/templates",
             "--output", root + "/output", "--jobs", "2"])
print(code, "weasyprint" in sys.modules)
"""


def test_a_no_op_rebuild_never_imports_weasyprint(built: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", NO_OP_BUILD, str(built)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    assert result.stdout.split() == ["0", "False"]
    assert f"0 built, {len(records(built))} reused" in result.stderr


def test_every_output_records_its_inputs_even_when_a_conversion_is_reused(
    project_copy: Path,
) -> None:
    """Blocks are converted once per process and reused by every output showing them; the
    outputs that reuse a conversion must still record the images and templates it needed."""
    from omnipress.build.builder import load_and_validate, plan_jobs
    from omnipress.build.dependencies import MISSING, Inputs, render_recorded
    from omnipress.channels import RenderEnvironment
    from omnipress.errors import Problems

    block = project_copy / "content" / "blocks" / "quote-fit-over-label.md"
    block.write_text(block.read_text(encoding="utf-8") + "\n![Team](images/team.svg)\n")
    project = load_and_validate(project_copy / "content", Problems())
    env = RenderEnvironment(project, project_copy / "templates")
    inputs = Inputs(project, project_copy / "templates")
    pages = [j for j in plan_jobs(project, None) if j.channel.name == "blog"]
    outcomes = [render_recorded(job, env, inputs) for job in pages]
    users = [o for o in outcomes if "quote-fit-over-label" in o.blocks]
    assert len(users) >= 2  # the second one reused the first one's conversion
    for outcome in users:
        assert outcome.depends["content:images/team.svg"] == MISSING
        assert "templates:blocks/quote.html" in outcome.depends
        (removed,) = [c.removed for c in outcome.cleaning.values() if c.removed]
        assert any("images/team.svg" in r for r in removed)


@pytest.mark.parametrize(
    "module",
    ["errors.py", "content/model.py", "text/markup.py", "channels/pdf/render.py",
     "check/consistency.py", "cli/__init__.py", "build/dependencies.py"],
)  # fmt: skip
def test_the_toolchain_digest_reads_every_module_of_the_package(
    module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A code change anywhere in omnipress/ can change the bytes, so none may be left out of
    the digest (the digest lives in a subpackage, one folder below the package's root)."""
    import omnipress
    from omnipress.build import dependencies

    read: list[Path] = []
    read_bytes = Path.read_bytes

    def recording(self: Path) -> bytes:
        read.append(self.resolve())
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", recording)
    dependencies.toolchain_digest()
    assert (Path(omnipress.__file__).resolve().parent / module) in read
