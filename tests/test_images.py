"""Images are published only when we can vouch for them: by their content (a PNG, JPEG, GIF or
WebP signature; an SVG that parses as a plain drawing), within a size read before the file is,
and never through a symbolic link. Every refusal goes through `python build.py`: exit code 1,
a message naming the file (and the line, in an SVG), and output/ untouched."""

from __future__ import annotations

import http.client
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from omnipress.content.images import MAX_IMAGE_BYTES, MAX_IMAGES_BYTES
from omnipress.content.svg import svg_findings
from tests.conftest import CONTENT
from tests.factory import POST, write
from tests.previewing import running_preview, seed_output
from tests.readers import html
from tests.test_hostile import Project, assert_failed_cleanly, snapshot

XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
OPEN = f'<svg xmlns="http://www.w3.org/2000/svg" {XLINK} viewBox="0 0 10 10">'
SECRET = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (grey pixels), so WeasyPrint and browsers can draw it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def images_in(pdf: Path) -> list[tuple[int, int]]:
    """(width, height) of each raster image the PDF's first page draws."""
    resources = PdfReader(pdf).pages[0]["/Resources"]
    objects = resources.get("/XObject", {})
    return [
        (int(o["/Width"]), int(o["/Height"]))
        for o in (ref.get_object() for ref in objects.values())
        if o.get("/Subtype") == "/Image"
    ]


def svg(*lines: str, first: str = OPEN) -> str:
    return "\n".join((first, *lines, "</svg>\n"))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Project, dict[str, bytes]]:
    """A small project after one good build, and that build's files byte for byte."""
    project = Project(tmp_path)
    code, text = project.build(capsys)
    assert code == 0, text
    return project, snapshot(project.output)


def use_logo(project: Project, relative: str) -> None:
    site = project.content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + f"logo: {relative}\n", encoding="utf-8")


def published(project: Project) -> str:
    """Every byte in output/, to show that nothing refused reached it."""
    return "\n".join(repr(data) for data in snapshot(project.output).values())


# ---------------------------------------------------------------- SVG: a plain drawing only

HOSTILE_SVGS = [
    pytest.param(
        svg('<s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script>'),
        2, "<s:script>", id="namespaced-script",
    ),
    pytest.param(
        svg('<script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script>'),
        2, "<script>", id="xhtml-script",
    ),
    pytest.param(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE svg [<!ENTITY s "&#60;script&#62;alert(1)&#60;/script&#62;">]>\n'
        + svg("<text>&s;</text>"),
        2, "<!DOCTYPE svg>", id="entity-expanding-to-script",
    ),
    pytest.param(
        '<!DOCTYPE svg [<!ENTITY k SYSTEM "file:///etc/passwd">]>\n' + svg("<text>&k;</text>"),
        1, "<!DOCTYPE svg>", id="external-entity",
    ),
    pytest.param(
        svg("<style>", '@import url("https://evil.test/x.css");', "</style>"),
        4, "<style>: CSS with '@import'", id="style-import",
    ),
    pytest.param(
        svg("<style>rect { fill: url(https://evil.test/p.png) }</style>"),
        2, "<style>: CSS url()", id="style-url",
    ),
    pytest.param(
        svg("<style>rect { fill: u\\72l(https://evil.test/p.png) }</style>"),
        2, "<style>: CSS with '\\'", id="style-escaped-url",
    ),
    pytest.param(
        svg("<rect width=\"5\" height=\"5\" style=\"fill: url('//evil.test/p')\"/>"),
        2, "style=\"fill: url('//evil.test/p')\"", id="style-attribute-url",
    ),
    pytest.param(
        svg('<rect width="5" height="5" fill="url(https://evil.test/p#g)"/>'),
        2, 'fill="url(https://evil.test/p#g)"', id="fill-url",
    ),
    pytest.param(
        svg('<use xlink:href="&#106;&#97;vascript:alert(1)"/>'),
        2, 'xlink:href="javascript:alert(1)"', id="entity-encoded-javascript-href",
    ),
    pytest.param(
        svg('<use href="&#x6A;avascript:alert(1)"/>'),
        2, 'href="javascript:alert(1)"', id="hex-encoded-javascript-href",
    ),
    pytest.param(
        svg('<image width="5" height="5" xlink:href="http://evil.test/pixel.png"/>'),
        2, 'xlink:href="http://evil.test/pixel.png"', id="xlink-href-to-http",
    ),
    pytest.param(
        svg('<use href="other.svg#star"/>'), 2, 'href="other.svg#star"', id="href-to-a-file"
    ),
    pytest.param(
        svg("<foreignObject>", '<p xmlns="http://www.w3.org/1999/xhtml"/>', "</foreignObject>"),
        2, "<foreignObject>", id="foreignObject",
    ),
    pytest.param(
        svg('<rect width="5" height="5"/>', first=OPEN.replace(">", ' onload="alert(1)">')),
        1, "onload=", id="event-handler",
    ),
    pytest.param(
        svg('<set attributeName="href" to="javascript:alert(1)"/>'), 2, "<set>", id="animation"
    ),
    pytest.param(
        '<?xml-stylesheet href="https://evil.test/x.css"?>\n' + svg(),
        1, "<?xml-stylesheet?>", id="stylesheet-instruction",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "named"), HOSTILE_SVGS)
@pytest.mark.parametrize("where", ["images/badge.svg", "brand/logo.svg"], ids=["image", "logo"])
def test_an_svg_that_is_more_than_a_drawing_is_refused_and_not_published(
    text: str, line: int, named: str, where: str,
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    project, before = built
    write(project.content, where, text)
    if where.startswith("brand/"):  # outside images/: only the logo's own vetting sees it
        use_logo(project, where)
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    assert f"content/{where}:{line}: error: the SVG image contains {named}" in output
    assert "evil.test" not in published(project) and "alert" not in published(project)


def test_an_unsafe_logo_in_images_is_reported_once_not_once_per_use(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    write(project.content, "images/logo.svg", svg("<script>alert(1)</script>", "<a/>"))
    use_logo(project, "images/logo.svg")  # vetted as the logo, and as an image of images/
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    assert output.count("images/logo.svg:2: error: the SVG image contains <script>") == 1
    assert output.count("images/logo.svg:3: error: the SVG image contains <a>") == 1
    assert "2 error(s)" in output


def test_an_svg_that_is_not_well_formed_is_refused_with_its_line(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    write(project.content, "images/a.svg", svg("<text>&undeclared;</text>"))
    write(project.content, "images/b.svg", svg("<g>", "<rect/>"))
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + svg("<title>Café</title>")
    (project.content / "images/c.svg").write_bytes(latin.encode("latin-1"))  # served as UTF-8
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    assert "images/a.svg:2: error: the SVG image is not well-formed XML: undefined entity" in output
    assert "images/b.svg:4: error: the SVG image is not well-formed XML: mismatched tag" in output
    assert "images/c.svg:3: error: the SVG image is not well-formed XML: not well-formed" in output


DRAWINGS = [
    pytest.param((CONTENT / "images/logo.svg").read_text(encoding="utf-8"), id="example-logo"),
    pytest.param(
        svg(
            "<title>Chart</title><desc>Two bars</desc>",
            '<defs><linearGradient id="g" x2="1"><stop offset="0" stop-color="#0B3C5D"/>'
            '<stop offset="1" stop-color="#1FA39A"/></linearGradient>'
            '<clipPath id="c"><rect width="9" height="9"/></clipPath>'
            '<symbol id="s" viewBox="0 0 2 2"><circle cx="1" cy="1" r="1"/></symbol></defs>',
            '<g clip-path="url(#c)" transform="translate(1 1)">'
            '<rect width="4" height="8" fill="url(#g)" style="stroke: url(#g); opacity: .9"/>'
            '<use xlink:href="#s" x="5" width="2" height="2"/></g>',
        ),
        id="gradient-clip-use",
    ),
    pytest.param(
        svg(
            "<style>/* brand */ .a { fill: #1FA39A; font-family: Inter, sans-serif }</style>",
            '<text class="a" x="1" y="9" aria-label="Label" data-id="t1">Hi <tspan dx="1">'
            "&amp; bye</tspan></text>",
            '<image width="2" height="2" href="data:image/png;base64,iVBORw0KGgo="/>',
        ),
        id="style-text-embedded-png",
    ),
    pytest.param(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!-- Generator: Adobe Illustrator 24.0.0, SVG Export Plug-In -->\n"
        f'<svg version="1.1" id="Layer_1" xmlns="http://www.w3.org/2000/svg" {XLINK} x="0px" '
        'y="0px" viewBox="0 0 100 100" style="enable-background:new 0 0 100 100;" '
        'xml:space="preserve">\n<style type="text/css">\n\t.st0{fill:#1FA39A;}\n</style>\n'
        '<circle class="st0" cx="50" cy="50" r="40" data-name="Dot"/>\n</svg>\n',
        id="illustrator-export",
    ),
    pytest.param(
        '<svg width="24" height="24" viewBox="0 0 24 24" fill="none" '
        'xmlns="http://www.w3.org/2000/svg">\n'
        '<g clip-path="url(#clip0)" filter="url(#shadow)">\n'
        '<mask id="m" style="mask-type:alpha" maskUnits="userSpaceOnUse" x="0" y="0" '
        'width="24" height="24"><rect width="24" height="24" fill="#C4C4C4"/></mask>\n'
        '<path fill-rule="evenodd" clip-rule="evenodd" d="M12 2L2 22h20L12 2z" fill="#0B3C5D"/>'
        "\n</g>\n<defs>\n"
        '<filter id="shadow" x="0" y="0" width="24" height="24" filterUnits="userSpaceOnUse" '
        'color-interpolation-filters="sRGB"><feFlood flood-opacity="0" result="bg"/>'
        '<feOffset dy="1"/><feGaussianBlur stdDeviation="0.5"/>'
        '<feBlend mode="normal" in2="bg" result="e1"/></filter>\n'
        '<clipPath id="clip0"><rect width="24" height="24" fill="white"/></clipPath>\n'
        "</defs>\n</svg>\n",
        id="figma-export",
    ),
]


@pytest.mark.parametrize("text", DRAWINGS)
def test_a_plain_drawing_passes(text: str) -> None:
    assert svg_findings(text.encode("utf-8")) == []


# ---------------------------------------------------------------- only real images


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>",
         "not an image: only .png, .jpg, .jpeg, .gif, .webp, .svg files are published"),
        ("notes/readme.txt", b"hello", "not an image: only .png"),
        ("id_rsa.png", SECRET, "named .png but not a PNG image"),
        ("alert.gif", b"alert(1)//GIF89a", "named .gif but not a GIF image"),
        ("empty.webp", b"", "named .webp but not a WebP image"),
        ("photo.jpg", png(), "this is a PNG image named .jpg"),
        ("page.svg", b"<html><body>hi</body></html>",
         'the SVG image contains <html>: the drawing must start with <svg xmlns='),
    ],
)  # fmt: skip
def test_a_file_that_is_not_the_image_its_name_says_is_refused_and_not_published(
    name: str, data: bytes, message: str,
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    project, before = built
    (project.content / "images" / name).parent.mkdir(parents=True, exist_ok=True)
    (project.content / "images" / name).write_bytes(data)
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    assert f"content/images/{name}" in output and message in output, output
    assert not any(Path(path).name == Path(name).name for path in snapshot(project.output))


def test_a_logo_that_is_not_an_image_is_refused(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    (project.content / "brand").mkdir()
    (project.content / "brand/logo.png").write_bytes(SECRET)
    use_logo(project, "brand/logo.png")
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    assert "content/brand/logo.png: error: named .png but not a PNG image" in output


def test_real_images_of_every_type_are_published_byte_for_byte(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    images = {
        "images/chart.png": png(),
        "images/photos/Team.JPG": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64),
        "images/spinner.gif": b"GIF89a\x01\x00\x01\x00" + bytes(32),
        "images/hero.webp": b"RIFF\x1a\x00\x00\x00WEBPVP8L" + bytes(32),
        "images/badge.svg": DRAWINGS[1].values[0].encode("utf-8"),
    }
    for name, data in images.items():
        (project.content / name).parent.mkdir(parents=True, exist_ok=True)
        (project.content / name).write_bytes(data)
    (project.content / "images/.DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    project.post(POST.replace("More text.", "![A bar chart](images/chart.png)"))
    use_logo(project, "images/chart.png")  # WeasyPrint draws it in the one-pager
    code, output = project.build(capsys)
    assert code == 0, output
    files = snapshot(project.output)
    for name, data in images.items():
        assert files[f"blog/assets/{name}"] == data
    assert not any(".DS_Store" in path for path in files)  # hidden files are not published
    page = html(project.output / "blog/test-post/index.html")
    assert [img["src"] for img in page.select(".post-body img")] == ["../assets/images/chart.png"]
    assert images_in(project.output / "pdf/test-post.pdf") == [(2, 2)]


# ---------------------------------------------------------------- symbolic links


def outside(root: Path) -> Path:
    """A folder next to content/ holding what must never be published: a key, and a real PNG
    (a link is refused for where it points, not only for what it holds)."""
    folder = root / "home"
    folder.mkdir()
    (folder / "id_rsa").write_bytes(SECRET)
    (folder / "photo.png").write_bytes(png())
    return folder


def link_images_folder(project: Project, home: Path) -> str:
    shutil.rmtree(project.content / "images", ignore_errors=True)
    (project.content / "images").symlink_to(home, target_is_directory=True)
    return "content/images: error: symbolic links are not followed in content/"


def link_sub_folder(project: Project, home: Path) -> str:
    (project.content / "images").mkdir(exist_ok=True)
    (project.content / "images/team").symlink_to(home, target_is_directory=True)
    return "content/images/team: error: symbolic links are not followed in content/"


def link_one_image(project: Project, home: Path) -> str:
    (project.content / "images").mkdir(exist_ok=True)
    (project.content / "images/photo.png").symlink_to(home / "photo.png")
    return "content/images/photo.png: error: symbolic links are not followed in content/"


def link_blocks_folder(project: Project, home: Path) -> str:
    shutil.copytree(project.content / "blocks", home / "blocks")
    shutil.rmtree(project.content / "blocks")
    (project.content / "blocks").symlink_to(home / "blocks", target_is_directory=True)
    return "content/blocks: error: symbolic links are not followed in content/"


def link_site_yaml(project: Project, home: Path) -> str:
    shutil.move(project.content / "site.yaml", home / "site.yaml")
    (project.content / "site.yaml").symlink_to(home / "site.yaml")
    return "content/site.yaml: error: symbolic links are not followed in content/"


def link_logo(project: Project, home: Path) -> str:
    shutil.copy(project.content / "logo.svg", home / "logo.svg")
    (project.content / "images").mkdir(exist_ok=True)
    (project.content / "images/logo.svg").symlink_to(home / "logo.svg")
    use_logo(project, "images/logo.svg")
    return "content/site.yaml:9: error: logo 'images/logo.svg' is not a file inside content/"


@pytest.mark.parametrize(
    "make_link",
    [link_images_folder, link_sub_folder, link_one_image, link_blocks_folder, link_site_yaml,
     link_logo],
)  # fmt: skip
def test_a_path_through_a_symbolic_link_is_refused_folders_included(
    make_link: Callable[[Project, Path], str],
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Run from the project's folder, as a marketer would: names are shown relative to it,
    and a problem with a link names the link, not the folder it points to."""
    project, before = built
    message = make_link(project, outside(project.root))
    monkeypatch.chdir(project.root)
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    assert any(line.startswith(message) for line in output.splitlines()), output
    assert b"PRIVATE KEY" not in b"".join(snapshot(project.output).values())


# ---------------------------------------------------------------- sizes


def sparse(path: Path, size: int, head: bytes) -> Path:
    """A file that claims ``size`` bytes but uses almost no disk, and cannot be read into
    memory when ``size`` is past what the machine has."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        file.write(head)
        file.truncate(size)
    return path


@pytest.mark.parametrize("where", ["images/huge.png", "images/huge.svg", "brand/huge.svg"])
def test_an_oversize_image_is_refused_by_its_size_without_being_read(
    where: str, built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    """One tebibyte: a build that read it would fail for memory (a traceback), not refuse it."""
    project, before = built
    sparse(project.content / where, 2**40, png() if where.endswith(".png") else OPEN.encode())
    if where.startswith("brand/"):
        use_logo(project, where)
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    assert f"content/{where}: error: the image is 1024.0 GB; images may be at most 10.0 MB" in (
        output
    )


def test_images_together_have_a_limit(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    count = MAX_IMAGES_BYTES // MAX_IMAGE_BYTES + 1
    for number in range(count):  # each within the limit for one image
        sparse(project.content / f"images/photo-{number:02}.png", MAX_IMAGE_BYTES, png())
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    total = count * MAX_IMAGE_BYTES // 2**20
    assert f"content/images: error: content/images/ holds {total}.0 MB of images; the limit " in (
        output
    )


# ---------------------------------------------------------------- the preview's policy


CSP = "Content-Security-Policy"


def header(port: int, path: str, name: str) -> str | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, path
        return response.getheader(name)
    finally:
        connection.close()


def test_every_file_the_preview_serves_from_output_carries_a_restrictive_policy(
    example_output: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    seed_output(example_output, output)
    served = [
        "blog/cro-or-cdmo/index.html", "blog/assets/images/logo.svg", "blog/assets/style.css",
        "pdf/cro-or-cdmo.pdf", "linkedin/cro-or-cdmo.txt", "manifest.json", "index.html",
        "blog/assets/images/stray.html",
    ]  # fmt: skip
    with running_preview(output) as live:  # it builds first: a stray file goes in after
        (output / "blog/assets/images/stray.html").write_text("<script>alert(1)</script>")
        policies = {path: header(live.port, "/output/" + path, CSP) for path in served}
        assert header(live.port, "/", CSP) is None  # the preview's own pages run their script
    for path, policy in policies.items():
        assert policy is not None, f"{path} is served without a {CSP}"
        directives = dict(d.strip().partition(" ")[::2] for d in policy.split(";"))
        assert directives["default-src"] == "'none'", path
        assert not {"script-src", "connect-src", "object-src", "frame-src"} & set(directives)
        assert directives["frame-ancestors"] == "'self'"  # the preview may frame it
        assert "http" not in policy and "*" not in policy, path


def test_every_image_problem_is_reported_in_one_run(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    images = project.content / "images"
    write(project.content, "images/page.html", "<script>alert(1)</script>")
    sparse(images / "huge.jpg", 2 * MAX_IMAGE_BYTES, b"\xff\xd8\xff")
    write(project.content, "images/busy.svg", svg(*["<script/>"] * 8))
    (images / "home").symlink_to(outside(project.root), target_is_directory=True)
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    for expected in (
        "images/page.html: error: not an image",
        "images/huge.jpg: error: the image is 20.0 MB",
        "images/busy.svg:6: error: the SVG image contains <script>",  # the first five, by line
        "images/busy.svg: error: the SVG image contains 3 more such thing(s)",
        "images/home: error: symbolic links are not followed",
    ):
        assert expected in output, output
    assert "images/busy.svg:7:" not in output
