"""Broken and hostile content through `python build.py`'s own entry point: the exit code, the
message a marketer reads, and the state of output/ afterwards."""

from __future__ import annotations

import fcntl
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from omnipress.cli import main
from omnipress.content.schema import BLOCK_TYPES
from omnipress.errors import Problem, Problems
from tests.conftest import CONTENT, TEMPLATES
from tests.factory import POST, make_project, write
from tests.readers import html, pdf_text


def snapshot(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}


class Project:
    """A small valid project on disk, with the CLI pointed at it."""

    def __init__(self, root: Path):
        self.root = root
        self.content = make_project(root)
        self.templates = root / "templates"
        shutil.copytree(TEMPLATES, self.templates)
        shutil.copy(CONTENT / "images/logo.svg", self.content / "logo.svg")
        self.output = root / "output"

    def build(self, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(
            [
                "build",
                "--content", str(self.content),
                "--templates", str(self.templates),
                "--output", str(self.output),
                *extra,
            ]
        )  # fmt: skip
        captured = capsys.readouterr()
        return code, captured.err + captured.out

    def post(self, text: str, slug: str = "test-post") -> None:
        write(self.content, f"posts/{slug}.md", text)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def built(project: Project, capsys: pytest.CaptureFixture[str]) -> tuple[Project, dict[str, bytes]]:
    """The project after one good build, and that build's files byte for byte."""
    code, text = project.build(capsys)
    assert code == 0, text
    return project, snapshot(project.output)


def assert_failed_cleanly(code: int, text: str, project: Project, before: dict[str, bytes]) -> None:
    assert code == 1, text
    assert "Traceback" not in text
    assert "output/ was left as it was" in text
    assert snapshot(project.output) == before


def test_malformed_yaml(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.post(POST.replace("tags: [Testing]", "tags: [Testing"))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "posts/test-post.md:" in text and "invalid YAML" in text
    assert "hint:" in text


def test_missing_field_wrong_type_and_unknown_key_in_one_run(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.post(POST.replace("summary: A short summary of the test post.\n", "").replace(
        "date: 2025-01-02", "date: yesterday").replace("tags:", "tagz:"))  # fmt: skip
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "required field 'summary' is missing" in text
    assert "test-post.md:3" in text and "'date' must be a date" in text and "'yesterday'" in text
    assert "warning" in text and "unknown field 'tagz'" in text and "did you mean 'tags'" in text


def test_a_missing_field_points_where_it_belongs(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    """A field that is not there has no line of its own: the top of the front matter for a
    post's field, the parent key for a nested one."""
    project, before = built
    project.post(POST.replace("title: A test post\n", ""))
    write(
        project.content,
        "posts/other.md",
        POST.replace("  hook: This is the hook of the post.\n", ""),
    )
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "posts/test-post.md:1: error: post: required field 'title' is missing" in text
    linkedin_line = (
        POST.replace("  hook: This is the hook of the post.\n", "").splitlines().index("linkedin:")
        + 1
    )
    assert f"posts/other.md:{linkedin_line}: error: post linkedin: required field 'hook'" in text


def test_a_channel_rule_points_at_its_field_and_names_the_campaign_variant(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.post(POST.replace("hashtags: [Testing, Pipelines, Content]", "hashtags: [Testing]"))
    write(project.content, "campaigns/launch.yaml", "title: Launch\nposts: [test-post]\n")
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    line = POST.splitlines().index("  hashtags: [Testing, Pipelines, Content]") + 1
    assert f"posts/test-post.md:{line}: error: LinkedIn post 'test-post': 1 hashtags" in text
    assert "LinkedIn post 'test-post' (campaign launch): 1 hashtags" in text
    assert text.count("1 hashtags") == 2 and "2 error(s)" in text


def test_the_same_problem_found_twice_is_reported_once() -> None:
    problem = Problem("the same mistake", Path("posts/a.md"), 3)
    other = Problem("another mistake", Path("posts/a.md"), 4)
    problems = Problems()
    problems.extend([problem, other])
    problems.error(problem.message, problem.path, problem.line)  # found again by a worker
    assert problems.items == [problem, other]


@pytest.mark.parametrize("block_type", sorted(BLOCK_TYPES))
def test_a_block_with_only_its_required_fields_renders_in_every_channel(
    block_type: str, project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """Optional means optional: leaving out a boilerplate's title or a quote's role must not
    break any template."""
    spec = BLOCK_TYPES[block_type]
    required = {f.name: f.example for f in spec.fields if f.required}
    front = yaml.safe_dump({"type": block_type, **required}, allow_unicode=True)
    write(project.content, "blocks/minimal.md", f"---\n{front}---\nThe minimal block.\n")
    post = POST.replace("[[block:stat-one]]", "[[block:minimal]]").replace(
        "blocks: [stat-one]", "blocks: [minimal]"
    )
    project.post(post)
    code, text = project.build(capsys)
    assert code == 0, text
    assert "internal error" not in text
    page = html(project.output / "blog/test-post/index.html")
    assert page.select('[data-block="minimal"]')


def test_unknown_block_id_suggests_the_closest(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.post(POST.replace("\n[[block:stat-one]]\n\n## A", "\n[[block:stat-uno]]\n\n## A"))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "test-post.md:19" in text and "unknown block 'stat-uno'" in text
    assert "did you mean 'stat-one'" in text


def test_include_cycle_shows_the_cycle(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    write(project.content, "blocks/a.md", "---\ntype: boilerplate\n---\nA\n\n[[block:b]]\n")
    write(project.content, "blocks/b.md", "---\ntype: boilerplate\n---\nB\n\n[[block:a]]\n")
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "block include cycle: a → b → a" in text


def test_duplicate_block_id_and_slug_name_both_files(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    write(project.content, "blocks/other.md", "---\nid: about\ntype: boilerplate\n---\nCopy\n")
    project.post(POST.replace("title: A test post", "title: A test post\nslug: test-post"), "copy")
    campaign = "title: Q4\nposts: [test-post]\n"
    write(project.content, "campaigns/q4.yaml", campaign)
    write(project.content, "campaigns/q4.yml", campaign)
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "duplicate block id 'about': defined in blocks/about.md and in blocks/other.md" in text
    assert "duplicate slug 'test-post'" in text and "posts/copy.md" in text
    assert "posts/test-post.md" in text
    assert (
        "duplicate campaign name 'q4': defined in campaigns/q4.yaml and in campaigns/q4.yml" in text
    )


def test_empty_non_utf8_and_binary_files(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    (project.content / "posts/empty.md").write_text("")
    (project.content / "posts/latin1.md").write_bytes(
        "---\ntitle: Caf\xe9\n---\n".encode("latin-1")
    )
    (project.content / "blocks/picture.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "posts/empty.md: error: the file is empty" in text
    assert "posts/latin1.md:2: error: the file is not UTF-8" in text
    assert "blocks/picture.md: error: this is a binary file" in text


HOSTILE_HTML = """
<script>alert("owned")</script>
<a href="javascript:alert(1)" onclick="steal()">Click here</a>
<iframe src="https://evil.test/frame"></iframe>
<style>body { display: none }</style>
<img src="https://tracker.test/795232.png" style="display:none;">
<img src="https://tracker.test/banner.png" alt="A banner">
<img src="images/logo.svg" width="1" height="1">
"""


def test_raw_html_is_sanitised_everywhere_and_reported(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(project.content / "logo.svg", project.content / "images.svg")
    project.post(
        POST.replace("Intro paragraph.", "Intro paragraph.\n" + HOSTILE_HTML).replace(
            "A first paragraph.", 'A first paragraph. <b onmouseover="x()">Bold</b>'
        )
    )
    code, text = project.build(capsys)
    assert code == 0, text
    for removed in (
        "<script>",
        "<iframe>",
        "<style>",
        "onclick=",
        "remote image",
        "tracking pixel",
    ):
        assert removed in text, f"{removed} not reported in:\n{text}"
    blog = (project.output / "blog/test-post/index.html").read_text(encoding="utf-8")
    linkedin = (project.output / "linkedin/test-post.txt").read_text(encoding="utf-8")
    pdf = pdf_text(project.output / "pdf/test-post.pdf")
    forbidden = ("alert", "javascript:", "onclick", "onmouseover", "<iframe",
                 "evil.test", "tracker.test", "display:none", "display: none")  # fmt: skip
    for output in (blog, linkedin, pdf):
        for word in forbidden:
            assert word not in output
    scripts = html(project.output / "blog/test-post/index.html").find_all("script")
    assert [s["type"] for s in scripts] == ["application/ld+json"]
    assert "Click here" in blog  # the words stay, the behaviour goes


@pytest.mark.parametrize(
    ("markup", "warned"),
    [
        ('<link rel="stylesheet" href="https://cdn.test/site.css">', ["https://cdn.test/site.css"]),
        ('<link rel="Preload Icon" href="//cdn.test/f.woff2"><link rel="canonical" '
         'href="https://x.test/">', ["//cdn.test/f.woff2"]),
        ('<img src="https://pixel.test/p.gif" alt=""><a href="https://x.test/">a link</a>',
         ["https://pixel.test/p.gif"]),
        ('<video src="https://v.test/a.mp4"></video><audio src="http://o.test/x"></audio>',
         ["https://v.test/a.mp4", "http://o.test/x"]),
        ('<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""><img src="../x.png" '
         'alt="">', []),
    ],
    ids=["stylesheet", "preload", "image-not-link", "media", "data-and-local"],
)  # fmt: skip
def test_a_blog_template_that_loads_from_another_site_is_warned_once_per_url(
    project: Project, capsys: pytest.CaptureFixture[str], markup: str, warned: list[str]
) -> None:
    """Readers' browsers would fetch it (tracking), though the build fetched nothing."""
    base = project.templates / "blog" / "base.html"
    base.write_text(base.read_text("utf-8").replace("</head>", markup + "\n</head>"), "utf-8")
    code, text = project.build(capsys)
    assert code == 0, text
    said = re.findall(r"the blog page of 'test-post' loads (\S+) from another site", text)
    assert said == warned, text


def test_images_from_file_and_data_addresses_are_removed_by_name(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.post(
        POST.replace(
            "More text.",
            '![p](file:///etc/passwd)\n\n<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">',
        )
    )
    code, text = project.build(capsys)
    assert code == 0, text
    assert "image file:///etc/passwd (file: addresses are not used)" in text
    assert "image data:image/png;base64,iVBORw0KGgo= (data: addresses are not used)" in text
    page = (project.output / "blog/test-post/index.html").read_text(encoding="utf-8")
    assert "file:" not in page and "data:image" not in page


def test_jinja_in_content_is_printed_literally_in_every_channel(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    jinja = "Try {{ 7*7 }} and {{ config }} and {% include base.html %} here."
    project.post(
        POST.replace("A short summary of the test post.", f'"{jinja}"')
        .replace("A first paragraph.", jinja)
        .replace("More text.", jinja)
    )
    code, text = project.build(capsys)
    assert code == 0, text
    blog = html(project.output / "blog/test-post/index.html")
    assert jinja in blog.select_one(".post-summary").get_text()
    assert jinja in blog.select_one(".post-body").get_text()
    assert jinja in pdf_text(project.output / "pdf/test-post.pdf")
    assert jinja in (project.output / "linkedin/test-post.txt").read_text(encoding="utf-8")
    assert "49" not in blog.get_text()


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 - shared on purpose: the server's log

    def do_GET(self) -> None:
        CountingHandler.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body{}")

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def loopback_server() -> Iterator[str]:
    CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_marker_shown_as_code_is_published_as_written(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    example = "```\n[[block:about]]\n```"
    project.post(POST.replace("More text.", f"Include a block like this:\n\n{example}"))
    code, text = project.build(capsys)
    assert code == 0, text
    page = html(project.output / "blog/test-post/index.html")
    assert [c.get_text().strip() for c in page.select("pre code")] == ["[[block:about]]"]
    for path in project.output.rglob("*"):
        if path.suffix in (".html", ".txt"):
            assert "OMNIPRESSBLOCK" not in path.read_text(encoding="utf-8"), path


def test_nothing_is_fetched_from_content_or_templates(
    project: Project, loopback_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = loopback_server
    project.post(POST.replace("Intro paragraph.", f"Intro paragraph.\n\n![chart]({url}/chart.png)"))
    onepager = project.templates / "pdf/onepager.html"
    onepager.write_text(
        onepager.read_text()
        .replace("</head>", f'<link rel="stylesheet" href="{url}/pdf.css"></head>')
        .replace("<main>", f'<main><img src="{url}/pixel.png" alt="">')
    )
    css = project.templates / "pdf/onepager.css"
    css.write_text(f'@import url("{url}/import.css");\n' + css.read_text())
    base = project.templates / "blog/base.html"
    base.write_text(
        base.read_text().replace("</head>", f'<link rel="stylesheet" href="{url}/blog.css"></head>')
    )
    code, text = project.build(capsys)
    assert CountingHandler.requests == []
    assert code == 0, text
    for path in ("/chart.png", "/pdf.css", "/pixel.png", "/import.css", "/blog.css"):
        assert f"{url}{path}" in text, f"{path} not reported:\n{text}"
    # each named once, against the file that holds it
    assert text.count(f"{url}/import.css") == 1
    assert "templates/pdf/onepager.css:1: warning: the one-pager's design refers to" in text
    assert "onepager.html:" in text and f"refers to {url}/pixel.png" in text


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "images/../../../secret.png"])
def test_paths_leaving_the_project_are_refused(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str], path: str
) -> None:
    project, before = built
    project.post(POST.replace("Intro paragraph.", f"Intro paragraph.\n\n![x]({path})"))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert f"path '{path}' leaves the project" in text


@pytest.mark.parametrize(
    ("logo", "message"),
    [
        ("../../etc/passwd", "logo '../../etc/passwd' is not a file inside content/"),
        ("images/../site.yaml", "logo 'images/../site.yaml' is not an image"),
    ],
)
def test_a_logo_outside_the_project_or_not_an_image_is_refused(
    logo: str, message: str, built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    project, before = built
    site = project.content / "site.yaml"
    site.write_text(site.read_text() + f"logo: {logo}\n")
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert message in text


@pytest.mark.parametrize(
    "active",
    [
        "<script>alert(1)</script>",
        '<rect onload="alert(1)"/>',
        '<image href="https://t.test/p.png"/>',
    ],
)
def test_an_svg_with_a_script_or_a_remote_link_is_refused_not_published(
    active: str, built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    svg = (project.content / "logo.svg").read_text(encoding="utf-8")
    badge = write(project.content, "images/badge.svg", svg.replace("</svg>", f"\n{active}\n</svg>"))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    line = badge.read_text(encoding="utf-8").splitlines().index(active) + 1
    assert f"images/badge.svg:{line}: error: the SVG image contains" in text


def test_a_multi_megabyte_post_is_refused_with_its_size(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.post(POST + ("All work and no play. " * 50 + "\n\n") * 3000, "huge")
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "posts/huge.md: error: file is 3.2 MB; the limit is 2 MB" in text


def test_a_block_included_thousands_of_times_is_stopped(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.post(POST.replace("More text.", "[[block:stat-one]]\n\n" * 5000))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert text.count("too many block includes") == 1  # one clear error, not five thousand
    assert "limit: 200 includes" in text


@pytest.mark.parametrize(
    "pasted",
    [
        "[" * 20_000 + "x",  # Python-Markdown: minutes, growing with the square of the count
        "[a](" * 5_000,
        "\n".join("  " * depth + "- a" for depth in range(500)),  # RecursionError
        "*a " * 5_000 + "b" + " a*" * 5_000,
    ],
    ids=["open-brackets", "open-links", "nested-list", "nested-emphasis"],
)
def test_pathological_markdown_is_refused_before_it_is_converted(
    pasted: str, built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.post(POST.replace("More text.", "More text.\n\n" + pasted))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    line = POST.count("\n") + 2  # the pasted paragraph, after the last line of POST
    assert f"posts/test-post.md:{line}: error: too many" in text


def test_a_one_pager_that_cannot_fit_names_the_post_and_the_overflow(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    long_text = "A definition that goes on and on, far longer than any one-pager allows. " * 12
    for number in range(6):
        write(
            project.content,
            f"blocks/long-{number}.md",
            f"---\ntype: definition\nterm: Term {number}\n---\n{long_text}\n",
        )
    ids = ", ".join(f"long-{n}" for n in range(6))
    project.post(POST.replace("blocks: [stat-one]", f"blocks: [{ids}]"))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "the one-pager of 'test-post': the one-pager runs onto" in text
    assert "mm too long" in text and "about 0 mm" not in text


def test_a_linkedin_post_over_the_limit_names_the_post_and_the_count(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.post(POST.replace("A first paragraph.", "Far too much to say here. " * 130))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "LinkedIn post 'test-post': the post is 3," in text and "LinkedIn allows 3,000" in text


def test_debug_shows_the_traceback(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = built
    project.post(POST.replace("tags: [Testing]", "tags: [Testing"))
    code, text = project.build(capsys, "--debug")
    assert code == 1
    assert "Traceback" in text and "ContentError" in text


def test_a_second_build_at_the_same_time_is_refused(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    with open(project.root / ".output.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write("4242")
        handle.flush()
        code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "another build is writing" in text and "4242" in text


def test_an_interrupted_swap_is_recovered_on_the_next_run(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.output.rename(project.root / "output.previous")  # killed between the two renames
    project.post(POST.replace("tags: [Testing]", "tags: [Testing"))  # and the next build fails
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert not (project.root / "output.previous").exists()
