"""Every field value that becomes a URL, a file name or CSS is checked against a strict grammar
where it is read (issue 14: "Nothing lost, nothing leaked"): bad values stop the build with the
file, the line, the field and a fix, and output/ stays as it was; good ones still build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from omnipress.channels.linkedin.rules import CAMEL_CASE
from omnipress.channels.linkedin.settings import LINKEDIN_FIELDS
from omnipress.channels.pdf.settings import PDF_FIELDS
from omnipress.cli import main
from omnipress.content.brand import COLOR, COLOR_NAME, FONT_NAME
from omnipress.content.links import url_problem
from omnipress.content.names import ID_PATTERN, is_id, suggest_id
from omnipress.content.schema import (
    BLOCK_TYPES,
    CAMPAIGN_FIELDS,
    COMMON_BLOCK_FIELDS,
    HASHTAG_PATTERN,
    POST_FIELDS,
    SITE_FIELDS,
    FieldSpec,
    check_value,
)
from tests.conftest import CONTENT, TEMPLATES
from tests.factory import POST, SITE, make_project, write
from tests.readers import html

# --- a built project, copied for each test ----------------------------------------------------


def snapshot(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}


class Built:
    """A small valid project after one good build; ``before`` is that build, byte for byte."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.templates = root / "templates"
        self.output = root / "output"
        self.before = snapshot(self.output)

    def run(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.err + captured.out

    def build(self, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
        return self.run(
            capsys,
            "build",
            "--content", str(self.content),
            "--templates", str(self.templates),
            "--output", str(self.output),
            "--jobs", "1",
        )  # fmt: skip

    def refused(self, capsys: pytest.CaptureFixture[str]) -> str:
        """The build's report, after checking it failed on content, not on a bug, and that
        output/ was left exactly as it was."""
        code, text = self.build(capsys)
        assert code == 1, text
        assert "Traceback" not in text and "internal error" not in text, text
        assert "output/ was left as it was" in text
        assert snapshot(self.output) == self.before
        return text

    def site(self, text: str) -> None:
        write(self.content, "site.yaml", text)


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fields")
    content = make_project(root)
    shutil.copytree(TEMPLATES, root / "templates")
    shutil.copy(CONTENT / "images/logo.svg", content / "logo.svg")
    code = main(
        ["build", "--content", str(content), "--templates", str(root / "templates"),
         "--output", str(root / "output"), "--jobs", "1"]
    )  # fmt: skip
    assert code == 0
    return root


@pytest.fixture
def built(built_once: Path, tmp_path: Path) -> Built:
    root = tmp_path / "project"
    shutil.copytree(built_once, root, symlinks=True)
    return Built(root)


def line_of(text: str, start: str) -> int:
    """The 1-based line of ``text`` that starts with ``start``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


# --- URLs --------------------------------------------------------------------------------------

# (a URL, what the message must say about it)
BAD_URLS = [
    ("https://example.test/contact ", "a space at character 29"),
    ("https://example.test/con tact", "a space at character 25"),
    (" https://example.test/contact", "a space at character 1"),
    ("https://example.test/contact\n", "U+000A LINE FEED"),
    ("https://example.test/\ncontact", "U+000A LINE FEED"),
    ("https://example.test/contact\t", "U+0009 TAB"),
    ('https://example.test/"><script>alert(1)</script>', "a double quote"),
    ("https://example.test/'onmouseover=", "a single quote"),
    ("https://example.test/<b>", "an angle bracket"),
    ("https://example.test\\contact", "a backslash"),
    ("https://example.test/\u202etcatnoc", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("https://example.test/con\u200btact", "U+200B ZERO WIDTH SPACE"),
    ("https://example.test/con\u00adtact", "U+00AD SOFT HYPHEN"),
    ("https://example.test/\u00a0", "U+00A0 NO-BREAK SPACE"),
    ("https://example.test/\u2028", "U+2028 LINE SEPARATOR"),
    ("https://example.test/\x7f", "U+007F"),
    ("https://user:pass@example.test/contact", "a user name or password"),
    ("https://example.test@evil.test/", "a user name or password"),
    ("https://example.test:99999/contact", "port '99999'"),
    ("https://example.test:0/contact", "port '0'"),
    ("https://example.test:/contact", "port ''"),
    ("https://example.test:http/contact", "port 'http'"),
    ("https://[::1", "cannot be read as a URL"),
    ("https://[not-an-ip]/", "cannot be read as a URL"),
    ("https://[v1.x]/", "no valid host name"),
    ("https:///contact", "no valid host name"),
    ("https://exa_mple.test/", "no valid host name"),
    ("https://-example.test/", "no valid host name"),
    ("https://example..test/", "no valid host name"),
    ("ftp://example.test/file", "does not start with https:// or http://"),
    ("javascript:alert(1)", "does not start with https:// or http://"),
    ("//example.test/contact", "does not start with https:// or http://"),
    ("example.test/contact", "does not start with https:// or http://"),
    ("https:example.test", "does not start with https:// or http://"),
    ("https://bücher.example/", "'ü' (U+00FC"),
    ("https://example.test/caf\u00e9", "U+00E9"),
    ("https://example.test/100%", "'%' at character 25"),
    ("https://example.test/%zz", "'%' at character 22"),
]


def yaml_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, escapes and all (JSON's, plus DEL, which YAML
    does not allow raw)."""
    return json.dumps(text).replace("\x7f", "\\x7f")


@pytest.mark.parametrize(("url", "said"), BAD_URLS, ids=[repr(u) for u, _ in BAD_URLS])
def test_a_bad_cta_url_is_refused_where_it_is_written(
    built: Built, capsys: pytest.CaptureFixture[str], url: str, said: str
) -> None:
    cta = f"---\ntype: cta\nlabel: Talk\nurl: {yaml_quoted(url)}\n---\n"
    write(built.content, "blocks/cta-main.md", cta)
    text = built.refused(capsys)
    assert "cta-main.md:4: error: cta block: field 'url' " in text, text
    assert said in text and repr(url) in text  # the whole value, invisible characters escaped
    assert "hint:" in text and "python build.py" not in text  # a fix in the file, not a rebuild


@pytest.mark.parametrize("invisible", ["\u202e", "\u200b", "\u00a0", "\u2028", "\x7f", "\t"])
def test_invisible_characters_are_shown_escaped_never_raw(
    built: Built, capsys: pytest.CaptureFixture[str], invisible: str
) -> None:
    url = f"https://example.test/a{invisible}b"
    write(
        built.content,
        "blocks/cta-main.md",
        f"---\ntype: cta\nlabel: Talk\nurl: {yaml_quoted(url)}\n---\n",
    )
    text = built.refused(capsys)
    assert invisible not in text
    assert "'https://example.test/a" + repr(invisible)[1:-1] + "b'" in text


@pytest.mark.parametrize(
    ("base_url", "said"),
    [
        ("https://example.test ", "a space"),
        ("https://[::1", "cannot be read"),
        ("https://user:pw@example.test", "user name or password"),
        ("https://example.test:70000", "port '70000'"),
        ("https://example.test/?utm=x", "'?' or '#'"),
        ("https://example.test/#top", "'?' or '#'"),
        ("example.test", "does not start with https://"),
    ],
)
def test_the_site_base_url_goes_through_the_same_validator(
    built: Built, capsys: pytest.CaptureFixture[str], base_url: str, said: str
) -> None:
    built.site(SITE.replace("base_url: https://example.test", f'base_url: "{base_url}"'))
    text = built.refused(capsys)
    line = line_of(SITE, "base_url:")
    assert f"site.yaml:{line}: error: site: field 'base_url' " in text and said in text


@pytest.mark.parametrize("blog_path", ["/my blog/", '/blog/"><x>', "/../", "/a//b/", "/ü/"])
def test_the_blog_path_must_be_an_address_path(
    built: Built, capsys: pytest.CaptureFixture[str], blog_path: str
) -> None:
    built.site(SITE.replace("blog_path: /blog/", f"blog_path: '{blog_path}'"))
    text = built.refused(capsys)
    assert f"site.yaml:{line_of(SITE, 'blog_path:')}: error: site: field 'blog_path'" in text


URL_FIELDS = [
    spec
    for table in (
        SITE_FIELDS,
        POST_FIELDS,
        LINKEDIN_FIELDS,
        PDF_FIELDS,
        CAMPAIGN_FIELDS,
        COMMON_BLOCK_FIELDS,
        *(t.fields for t in BLOCK_TYPES.values()),
    )
    for spec in table
    if spec.kind in {"url", "base-url"}
]


@pytest.mark.parametrize("spec", URL_FIELDS, ids=lambda s: s.name)
@pytest.mark.parametrize(("url", "said"), BAD_URLS[::3], ids=[u for u, _ in BAD_URLS[::3]])
def test_every_url_field_of_every_file_uses_the_one_validator(
    spec: FieldSpec, url: str, said: str
) -> None:
    refusal = check_value(spec, url)
    assert refusal is not None
    message, hint = refusal
    assert f"field '{spec.name}'" in message and said in message and hint


GOOD_URLS = [
    "https://www.example.com",
    "https://www.example.com/contact?topic=rfi&lang=en#form",
    "http://example.com:8080/a/b/",
    "https://[2001:db8::1]:8443/x",
    "https://192.0.2.1/x",
    "https://xn--bcher-kva.example/caf%C3%A9",
    "HTTPS://Example.COM/Path",
    "https://example.com./trailing-dot",
    "https://a.example/path;params?q=a+b&r=%20",
    "https://a.example/x?utm_source=old&a=1",
]


@pytest.mark.parametrize("url", GOOD_URLS)
def test_good_urls_build_and_pass_check(
    built: Built, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    assert url_problem(url) is None
    write(built.content, "blocks/cta-main.md", f'---\ntype: cta\nlabel: Talk\nurl: "{url}"\n---\n')
    code, text = built.build(capsys)
    assert code == 0, text
    code, report = built.run(
        capsys,
        "check",
        "--content", str(built.content),
        "--templates", str(built.templates),
        "--output", str(built.output),
    )  # fmt: skip
    assert code == 0, report


def test_a_non_ascii_url_is_refused_with_the_form_to_write_instead(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    write(built.content, "blocks/cta-main.md",
          "---\ntype: cta\nlabel: Talk\nurl: https://bücher.example/café?q=ü\n---\n")  # fmt: skip
    text = built.refused(capsys)
    assert "https://xn--bcher-kva.example/caf%C3%A9?q=%C3%BC" in text


# --- CSS: brand colour names and values, fonts ------------------------------------------------


def site_with_brand(colors: str = "", fonts: str = "", pdf: str = "") -> str:
    brand = "brand:\n"
    brand += f"  colors:\n{colors}" if colors else ""
    brand += f"  fonts:\n{fonts}" if fonts else ""
    return SITE + (brand if colors or fonts else "") + (f"pdf:\n{pdf}" if pdf else "")


BAD_COLOR_NAMES = [
    "x: red; } @media screen { body { background: url(http://evil.test/x) } } :root { --y",
    "primary;}body{background:url(//evil.test)}",
    "accent dark",
    "Accent",
    "--accent",
    "1st",
    "accent\\n",
    "accent\\u202e",
    "accent_dark",
    "a" * 41,
]


@pytest.mark.parametrize("name", BAD_COLOR_NAMES)
def test_a_colour_name_that_is_not_an_identifier_is_refused(
    built: Built, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    site = site_with_brand(colors=f'    "{name}": "#123456"\n')
    built.site(site)
    text = built.refused(capsys)
    line = line_of(site, '    "')
    assert f"site.yaml:{line}: error: brand colour name " in text
    assert "--color-NAME" in text


def test_a_colour_name_that_is_not_text_is_refused(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    built.site(site_with_brand(colors='    5: "#123456"\n    null: "#123456"\n'))
    text = built.refused(capsys)
    # the read layer refuses keys that are not text before the brand is looked at
    assert "site.yaml:11: error: the key '5' under 'brand.colors'" in text
    assert "site.yaml:12: error: the key 'null' under 'brand.colors'" in text


@pytest.mark.parametrize(
    "value",
    ["#fff\\n", "red", "#ffff", "#12345g", "url(http://evil.test/)", "#fff;} body{x:y",
     "#fff\\u200b", " #fff"],
)  # fmt: skip
def test_a_colour_that_is_not_a_hex_colour_is_refused(
    built: Built, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    site = site_with_brand(colors=f'    primary: "#0B3C5D"\n    accent: "{value}"\n')
    built.site(site)
    text = built.refused(capsys)
    line = line_of(site, "    accent:")
    assert f"site.yaml:{line}: error: brand colour 'accent' must be a hex colour" in text
    assert "\u200b" not in text and "brand colour 'primary'" not in text


@pytest.mark.parametrize(
    "font", ['Inter\\"', "Inter\\n", "Inter; } body {", "url(x)", "Inter\\\\", "", " Inter"]
)
def test_a_font_that_is_not_a_family_name_is_refused(
    built: Built, capsys: pytest.CaptureFixture[str], font: str
) -> None:
    site = site_with_brand(fonts=f'    heading: "{font}"\n')
    built.site(site)
    text = built.refused(capsys)
    assert f"site.yaml:{line_of(site, '    heading:')}: error: brand font 'heading'" in text


@pytest.mark.parametrize(
    ("brand", "said"),
    [
        ("  colors: [red, blue]\n", "field 'colors' must be a mapping"),
        ("  fonts: Inter\n", "field 'fonts' must be a mapping"),
    ],
)
def test_brand_sections_of_the_wrong_shape_are_refused(
    built: Built, capsys: pytest.CaptureFixture[str], brand: str, said: str
) -> None:
    site = SITE + "brand:\n" + brand
    built.site(site)
    text = built.refused(capsys)
    assert said in text and f"site.yaml:{line_of(site, '  ')}: error: site brand: " in text


def test_custom_colour_names_reach_the_pages_and_unknown_fonts_are_ignored(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    built.site(
        site_with_brand(
            colors='    accent-dark: "#123456"\n',
            fonts='    heading: Source Sans 3\n    title: "x\\"; } body { color: red"\n',
        )
    )
    code, text = built.build(capsys)
    assert code == 0, text
    assert "font 'title' is ignored" in text
    style = html(built.output / "blog/test-post/index.html").style
    assert style is not None
    assert "--color-accent-dark: #123456;" in style.text
    assert '--font-heading: "Source Sans 3";' in style.text and "color: red" not in style.text


STYLE_REGION = re.compile(r"<style\b[^>]*>(.*?)</style>|style=\"([^\"]*)\"", re.S)
EXPRESSION = re.compile(r"{{\s*(.*?)\s*}}|{%\s*(.*?)\s*%}")
# what templates may print into CSS: values the loader checked against a grammar (brand.py)
CHECKED_FOR_CSS = {
    "for name, value in site.brand.colors.items()",
    "endfor",
    "name",
    "value",
    "site.brand.fonts.heading",
    "site.brand.fonts.body",
    "site.page_size",
    *(
        f"site.brand.colors.{name}"
        for name in ("primary", "accent", "text", "muted", "background", "tint")
    ),
}


def css_expressions(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    regions = [text] if path.suffix == ".css" else [a or b for a, b in STYLE_REGION.findall(text)]
    return {a or b for region in regions for a, b in EXPRESSION.findall(region)}


@pytest.mark.parametrize(
    "template",
    sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".css", ".html"}),
    ids=lambda p: str(p.relative_to(TEMPLATES)),
)
def test_templates_print_only_checked_values_into_css(template: Path) -> None:
    """A template that prints another content value into CSS would reopen the hole: every
    {{ … }} in a stylesheet or a <style> must be one of the values brand.py checks."""
    assert css_expressions(template) <= CHECKED_FOR_CSS


# --- page size -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "points"),
    [("Letter", (612, 792)), ("letter", (612, 792)), ("LEGAL", (612, 1008)),
     ("A4", (595.28, 841.89)), ("a4", (595.28, 841.89))],
)  # fmt: skip
def test_the_one_pager_is_printed_on_the_page_size_asked_for(
    built: Built, capsys: pytest.CaptureFixture[str], size: str, points: tuple[float, float]
) -> None:
    built.site(SITE + f"pdf:\n  page_size: {size}\n")
    code, text = built.build(capsys)
    assert code == 0, text
    pages = PdfReader(built.output / "pdf/test-post.pdf").pages
    assert len(pages) == 1
    box = pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(points, abs=0.01)


@pytest.mark.parametrize(
    "size", ["banana", "'A4; } body { background: url(http://evil.test/) }'", '"A4\\n"',
             "letter landscape", "A6", "''", "4", "[A4]"],
)  # fmt: skip
def test_a_page_size_not_supported_is_refused_listing_those_that_are(
    built: Built, capsys: pytest.CaptureFixture[str], size: str
) -> None:
    site = SITE + f"pdf:\n  page_size: {size}\n"
    built.site(site)
    text = built.refused(capsys)
    assert f"site.yaml:{line_of(site, '  page_size:')}: error: site pdf: " in text
    assert "page_size" in text
    assert "A4, A5, A3, Letter, Legal" in text or "must be text" in text


# --- names: slugs, ids, file names -----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["x\n", "x\r\n", "Post", "my post", "café", "../x", "-x", "x_y", "a" * 81, "\u200bx", ""],
)
def test_the_id_grammar_has_no_loophole(value: str) -> None:
    assert not is_id(value)
    assert ID_PATTERN.match(value) is None and ID_PATTERN.search(value) is None


@pytest.mark.parametrize(
    ("pattern", "good"),
    [(ID_PATTERN, "stat-one"), (HASHTAG_PATTERN, "ClinicalTrials"), (CAMEL_CASE, "Biometrics"),
     (COLOR_NAME, "accent-dark"), (COLOR, "#0B3C5D"), (FONT_NAME, "Source Sans 3")],
    ids=["id", "hashtag", "camel-case", "colour-name", "colour", "font"],
)  # fmt: skip
@pytest.mark.parametrize("tail", ["\n", "\r\n", " ", "\u200b"])
def test_no_whole_value_pattern_lets_a_final_newline_through(
    pattern: re.Pattern[str], good: str, tail: str
) -> None:
    """'$' matches before a final newline: every pattern that validates a whole value is
    anchored with \\A…\\Z, so .match(), .search() and .fullmatch() all refuse the tail."""
    assert pattern.fullmatch(good)
    for check in (pattern.match, pattern.search, pattern.fullmatch):
        assert check(good + tail) is None


@pytest.mark.parametrize(
    ("slug", "better"),
    [('"x\\n"', "x"), ('"My Post"', "my-post"), ("café", "cafe"), ("../x", "x"),
     ('"x\\u200b"', "x"), ("a" * 81, "a" * 80), ("'#'", "my-name")],
)  # fmt: skip
def test_a_slug_that_is_not_an_id_is_refused_with_one_that_is(
    built: Built, capsys: pytest.CaptureFixture[str], slug: str, better: str
) -> None:
    post = POST.replace("title: A test post", f"title: A test post\nslug: {slug}")
    write(built.content, "posts/test-post.md", post)
    text = built.refused(capsys)
    assert f"test-post.md:{line_of(post, 'slug:')}: error: post: field 'slug' must be an id" in text
    assert f"hint: for example {better!r}" in text


def test_a_block_id_or_a_pdf_block_that_is_not_an_id_is_refused(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    block = '---\ntype: stat\nid: "stat-one\\n"\nvalue: "1"\nlabel: one\nsource: me\n---\n'
    write(built.content, "blocks/stat-one.md", block)
    post = POST.replace("blocks: [stat-one]", 'blocks: ["stat-one\\n"]')
    write(built.content, "posts/test-post.md", post)
    text = built.refused(capsys)
    assert "stat-one.md:3: error: stat block: field 'id' must be an id" in text
    assert f"test-post.md:{line_of(post, '  blocks:')}: error: post pdf: field 'blocks'" in text


@pytest.mark.parametrize(
    ("folder", "name", "better"),
    [
        ("posts", "Café_Über.md", "cafe-uber.md"),
        ("posts", "My Post.md", "my-post.md"),
        ("posts", "my-post .md", "my-post.md"),
        ("posts", "post.v2.md", "post-v2.md"),
        ("posts", "日本語.md", "my-post.md"),
        ("posts", "x\u200b.md", "x.md"),
        ("blocks", "Stat One.md", "stat-one.md"),
        ("blocks", "stat_one.md", "stat-one.md"),
        ("campaigns", "Spring Launch.yaml", "spring-launch.yaml"),
        ("campaigns", "ÉTÉ-2026.yml", "ete-2026.yml"),
    ],
)
def test_a_content_file_name_that_is_not_an_id_is_refused_with_a_better_name(
    built: Built, capsys: pytest.CaptureFixture[str], folder: str, name: str, better: str
) -> None:
    source = {
        "posts": built.content / "posts/test-post.md",
        "blocks": built.content / "blocks/stat-one.md",
        "campaigns": None,
    }[folder]
    if source is None:
        write(built.content, f"campaigns/{name}", "title: Spring\nposts: [test-post]\n")
    else:
        source.rename(built.content / folder / name)
    text = built.refused(capsys)
    kind = folder.removesuffix("s")
    assert f"{kind} file name {name!r} cannot be used" in text
    assert f"hint: rename the file to {better}" in text


def test_a_post_with_a_bad_file_name_still_has_its_other_problems_reported(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    (built.content / "posts/test-post.md").unlink()
    write(built.content, "posts/My Post.md", POST.replace("date: 2025-01-02", "date: soon"))
    text = built.refused(capsys)
    assert "post file name 'My Post.md'" in text and "field 'date' must be a date" in text


@pytest.mark.parametrize(
    ("text", "fallback", "expected"),
    [("Café_Über", "x", "cafe-uber"), ("  --A  B--  ", "x", "a-b"), ("日本", "my-post", "my-post"),
     ("a" * 100, "x", "a" * 80), ("Straße 2026", "x", "strae-2026")],
)  # fmt: skip
def test_suggested_names_are_ids(text: str, fallback: str, expected: str) -> None:
    assert suggest_id(text, fallback) == expected and is_id(expected)


@pytest.mark.parametrize("kind", ["post", "block", "campaign"])
@pytest.mark.parametrize("name", ["abc\n", "Abc", "a b", "a/b", "\u200babc", "abc\u202e", "é"])
def test_new_refuses_a_name_that_is_not_an_id(
    built: Built, capsys: pytest.CaptureFixture[str], kind: str, name: str
) -> None:
    before = sorted(p for p in built.content.rglob("*"))
    extra = ["--type", "stat"] if kind == "block" else []
    code, text = built.run(capsys, "new", kind, name, "--content", str(built.content), *extra)
    assert code == 2, text
    assert "cannot be the name of a" in text and "lowercase letters, digits and dashes" in text
    assert sorted(p for p in built.content.rglob("*")) == before


# --- a URL urllib cannot read, anywhere else: never a crash ----------------------------------

UNREADABLE_URLS = ["https://[::1", "https://::1]/x", "https://[not-an-ip]/x.png"]


@pytest.mark.parametrize("url", UNREADABLE_URLS)
@pytest.mark.parametrize(
    "body",
    ["![a chart]({url})", '<img src="{url}" alt="a chart">', "[a link]({url})", "<{url}>"],
)
def test_an_unreadable_url_in_a_post_body_is_removed_not_a_crash(
    built: Built, capsys: pytest.CaptureFixture[str], url: str, body: str
) -> None:
    write(built.content, "posts/test-post.md", POST.replace("More text.", body.format(url=url)))
    code, text = built.build(capsys)
    assert "internal error" not in text and "Traceback" not in text
    assert code == 0, text
    page = (built.output / "blog/test-post/index.html").read_text(encoding="utf-8")
    assert f'="{url}' not in page  # neither an image's src nor a link's href


@pytest.mark.parametrize("url", UNREADABLE_URLS)
def test_check_reports_an_unreadable_url_edited_into_an_output(
    built: Built, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    page = built.output / "blog/test-post/index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("https://example.test/contact?", url + "?", 1), encoding="utf-8")
    code, report = built.run(
        capsys,
        "check",
        "--content", str(built.content),
        "--templates", str(built.templates),
        "--output", str(built.output),
    )  # fmt: skip
    assert code == 1, report
    assert "internal error" not in report and "Traceback" not in report
    assert "consistency.cta-url" in report and url in report


def test_every_site_problem_is_reported_in_one_run(
    built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    site = site_with_brand(
        colors='    "a;}b": "#123456"\n    accent: red\n',
        fonts="    body: 'x\"'\n",
        pdf="  page_size: B5\n",
    ).replace("base_url: https://example.test", "base_url: https://example.test:99999")
    built.site(site)
    text = built.refused(capsys)
    for start, said in [
        ("base_url:", "field 'base_url' has the port '99999'"),
        ('    "a;}b"', "brand colour name 'a;}b'"),
        ("    accent:", "brand colour 'accent' must be a hex colour"),
        ("    body:", "brand font 'body'"),
        ("  page_size:", "page_size 'B5'"),
    ]:
        assert f"site.yaml:{line_of(site, start)}: error: " in text and said in text
    assert "5 error(s)" in text


@pytest.mark.parametrize("size", ["A4", "Letter", "A5"])
def test_a_one_pager_too_long_for_its_page_size_says_by_how_much(
    built: Built, capsys: pytest.CaptureFixture[str], size: str
) -> None:
    built.site(SITE + f"pdf:\n  page_size: {size}\n")
    long_label = " ".join(["a long label that keeps going"] * 80)
    write(built.content, "blocks/stat-one.md",
          f"---\ntype: stat\nvalue: '42%'\nlabel: {long_label}\nsource: Survey\n---\n")  # fmt: skip
    text = built.refused(capsys)
    found = re.search(r"runs onto \d+ pages \(about (\d+) mm too long\)", text)
    assert found is not None, text
    assert int(found.group(1)) > 0
