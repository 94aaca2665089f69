"""The read layer against hostile files, through `python build.py`'s own entry point: files too
big to read, text in the wrong encoding, YAML aliases that never end, keys that are not text,
and control characters that would rewrite the terminal a message is printed on."""

from __future__ import annotations

import io
import json
import re
import shutil
import textwrap
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from omnipress.build.builder import BuildOptions
from omnipress.channels.rules import Finding
from omnipress.check.checkmodel import CheckFinding
from omnipress.check.whereused import Use, WhereUsed
from omnipress.cli import main
from omnipress.errors import Problem, UsageError, did_you_mean
from omnipress.preview.server import Preview
from tests.conftest import TEMPLATES
from tests.factory import BLOCKS, POST, SITE, make_project, write

CAMPAIGN = "title: Spring launch\nposts: [test-post]\nutm:\n  campaign: spring\n"

# what a terminal would act on: the characters a message must never carry raw (ESC, BEL,
# CSI as C1, DEL, bidi overrides and isolates, and the line breaks that forge a new line)
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def snapshot(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}


class Project:
    """A copy of a small project built once, with the CLI pointed at it."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.output = root / "output"

    def run(self, capsys: pytest.CaptureFixture[str], command: str, *extra: str) -> tuple[int, str]:
        capsys.readouterr()
        paths = ["--content", str(self.content), "--templates", str(self.root / "templates")]
        code = main([command, *extra, *paths, "--output", str(self.output)])
        captured = capsys.readouterr()
        return code, captured.err + captured.out

    def build(self, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
        return self.run(capsys, "build")

    def write(self, relative: str, text: str) -> Path:
        return write(self.content, relative, text)

    def file(self, kind: str) -> str:
        """Where a file of this kind lives in the project."""
        return {
            "post": "posts/test-post.md",
            "block": "blocks/about.md",
            "campaign": "campaigns/spring.yaml",
            "site": "site.yaml",
        }[kind]

    def original(self, kind: str) -> str:
        return {
            "post": POST,
            "block": textwrap.dedent(BLOCKS["about"]),
            "campaign": CAMPAIGN,
            "site": SITE,
        }[kind]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One good build of a small project with a campaign, copied by each test."""
    root = tmp_path_factory.mktemp("pristine")
    make_project(root)
    write(root / "content", "campaigns/spring.yaml", CAMPAIGN)
    shutil.copytree(TEMPLATES, root / "templates")
    code = main(["build", "--content", str(root / "content"), "--templates",
                 str(root / "templates"), "--output", str(root / "output")])  # fmt: skip
    assert code == 0
    return root


@pytest.fixture
def built(pristine: Path, tmp_path: Path) -> tuple[Project, dict[str, bytes]]:
    """A fresh copy of the built project, and its output byte for byte."""
    root = tmp_path / "project"
    shutil.copytree(pristine, root, symlinks=True)
    project = Project(root)
    return project, snapshot(project.output)


def assert_failed_cleanly(code: int, text: str, project: Project, before: dict[str, bytes]) -> None:
    assert code == 1, text
    assert "Traceback" not in text and "internal error" not in text, text
    assert "output/ was left as it was" in text
    assert snapshot(project.output) == before


def with_front_matter_line(text: str, line: str, after: str) -> str:
    """``text`` with ``line`` inserted after the first line that starts with ``after``."""
    lines = text.splitlines(keepends=True)
    index = next(i for i, row in enumerate(lines) if row.startswith(after)) + 1
    return "".join(lines[:index]) + line + "\n" + "".join(lines[index:])


def line_of(text: str, needle: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if needle in row)


# ------------------------------------------------------------------ 12: size before reading


@pytest.mark.parametrize("kind", ["post", "block", "campaign", "site"])
def test_a_file_over_the_limit_is_refused_without_being_read(
    kind: str, built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    """A 64 MB sparse file costs no disk; read whole it would cost 64 MB of memory."""
    project, before = built
    path = project.content / project.file(kind)
    with path.open("wb") as stream:
        stream.truncate(64 * 1024 * 1024)
    tracemalloc.start()
    try:
        code, text = project.build(capsys)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_failed_cleanly(code, text, project, before)
    assert f"{project.file(kind)}: error: file is 64.0 MB; the limit is 2 MB" in text
    assert peak < 16 * 1024 * 1024, f"{peak / 1_048_576:.0f} MB allocated"


# ------------------------------------------------------------------ 16: wide encodings


WIDE = [
    ("utf-16", "UTF-16"),  # with a byte-order mark, as Windows editors save it
    ("utf-16-le", "UTF-16"),
    ("utf-16-be", "UTF-16"),
    ("utf-32", "UTF-32"),
    ("utf-32-le", "UTF-32"),
    ("utf-32-be", "UTF-32"),
]


@pytest.mark.parametrize("kind", ["post", "block", "campaign", "site"])
@pytest.mark.parametrize(("codec", "name"), WIDE)
def test_a_file_saved_as_utf16_or_utf32_is_named_so(
    kind: str,
    codec: str,
    name: str,
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, before = built
    path = project.content / project.file(kind)
    path.write_bytes(path.read_text(encoding="utf-8").encode(codec))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert f"{project.file(kind)}: error: the file is saved as {name} text" in text
    assert "save it again with the encoding UTF-8" in text
    assert "binary" not in text


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 60, 90)).save(buffer, format=fmt)
    return buffer.getvalue()


BINARIES: dict[str, Callable[[], bytes]] = {
    "png": lambda: image_bytes("PNG"),
    "jpeg": lambda: image_bytes("JPEG"),
    "gif": lambda: image_bytes("GIF"),
    "zeros": lambda: bytes(4096),
    "every byte": lambda: bytes(range(256)) * 16,
    "UTF-8 with zero bytes": lambda: POST.replace("\n", "\n\x00").encode("utf-8"),
    "UTF-8 CJK with zero bytes": lambda: ("标题：测试\x00" * 200).encode("utf-8"),
}


@pytest.mark.parametrize("binary", sorted(BINARIES))
def test_a_binary_file_is_still_called_binary(
    binary: str, built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    (project.content / "posts/test-post.md").write_bytes(BINARIES[binary]())
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "posts/test-post.md: error: this is a binary file, not text" in text
    assert "UTF-16" not in text and "UTF-32" not in text


# ------------------------------------------------------------------ 16: hints name fields


UNKNOWN_FIELDS = [  # (file, after which line, the line, what the warning is about)
    ("post", "title:", "zzzzzz: 1", "post: unknown field 'zzzzzz'"),
    ("post", "  hook:", "  qqqqqq: 1", "post linkedin: unknown field 'qqqqqq'"),
    ("block", "type:", "wwwwww: 1", "boilerplate block: unknown field 'wwwwww'"),
    ("campaign", "title:", "xxxxxx: 1", "campaign: unknown field 'xxxxxx'"),
    ("site", "name:", "yyyyyy: 1", "site: unknown field 'yyyyyy'"),
]


@pytest.mark.parametrize(("kind", "after", "line", "warning"), UNKNOWN_FIELDS)
def test_an_unknown_field_lists_the_known_fields_not_ids(
    kind: str,
    after: str,
    line: str,
    warning: str,
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, _ = built
    project.write(project.file(kind), with_front_matter_line(project.original(kind), line, after))
    code, text = project.build(capsys)
    assert code == 0, text
    assert warning in text
    assert "hint: known fields: " in text and "known ids" not in text


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["build", "--only", "zzzzzz"], "hint: known posts and campaigns: spring, test-post"),
        (["where-used", "zzzzzz"], "hint: known ids: about, author, cta-main, stat-one"),
    ],
)
def test_a_usage_hint_names_what_it_lists(
    command: list[str],
    expected: str,
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, before = built
    code, text = project.run(capsys, *command)
    assert code == 2, text
    assert expected in text
    assert snapshot(project.output) == before


def test_a_campaign_listing_an_unknown_post_lists_the_known_posts(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    project.write("campaigns/spring.yaml", CAMPAIGN.replace("[test-post]", "[test-post, qqqqqq]"))
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert "campaign lists unknown post 'qqqqqq'" in text and "hint: known posts: test-post" in text


@pytest.mark.parametrize(
    ("noun", "expected"), [(None, "known ids: a-one, b-two"), ("fields", "known fields: a-one")]
)
def test_did_you_mean_names_what_it_lists(noun: str | None, expected: str) -> None:
    hint = did_you_mean("zzz", ["a-one", "b-two"], *([noun] if noun else []))
    assert hint.startswith(expected)


# ------------------------------------------------------------------ 8: aliases


def bomb(levels: int, width: int, indent: str = "") -> str:
    """YAML that reads as a few lines and expands to width ** levels values."""
    rows = [f"{indent}lol0: &a0 [{', '.join(['lol'] * width)}]"]
    rows += [
        f"{indent}lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)
    ]
    return "\n".join(rows)


def map_bomb(levels: int, width: int, merge: bool = False) -> str:
    """The same with mappings, or with merge keys ('<<'), which YAML flattens by copying."""
    rows = ["m0: &m0 {x: 1, y: 2, z: 3}"]
    for i in range(1, levels):
        aliases = [f"*m{i - 1}"] * width
        pairs = (
            f"<<: [{', '.join(aliases)}], k{i}: 1"
            if merge
            else ", ".join(f"k{j}: {alias}" for j, alias in enumerate(aliases))
        )
        rows.append(f"m{i}: &m{i} {{{pairs}}}")
    return "\n".join(rows)


# a million values or fewer: enough to prove the limit, cheap enough to run without it
ALIAS_CASES = [  # (file, after which line, the YAML, the message, the alias it names)
    ("post", "title:", bomb(6, 10), "aliases pull in more than 1,000 values", "*a1"),
    ("post", "  hook:", bomb(6, 10, "  "), "aliases pull in more than 1,000 values", "*a1"),
    ("block", "type:", bomb(6, 10), "aliases pull in more than 1,000 values", "*a1"),
    ("campaign", "title:", bomb(6, 10), "aliases pull in more than 1,000 values", "*a1"),
    ("site", "name:", bomb(6, 10), "aliases pull in more than 1,000 values", "*a1"),
    ("post", "title:", map_bomb(5, 9), "aliases pull in more than 1,000 values", "*m2"),
    ("post", "title:", map_bomb(5, 9, True), "aliases pull in more than 1,000 values", "*m2"),
    ("post", "title:", "loop: &l [1, *l]", "is inside the value it names", "*l"),
    ("block", "type:", "loop: &l {a: {b: *l}}", "is inside the value it names", "*l"),
    ("site", "name:", "brand: &b {colors: *b}", "is inside the value it names", "*b"),
]


@pytest.mark.parametrize(("kind", "after", "yaml_text", "message", "alias"), ALIAS_CASES)
def test_aliases_that_expand_too_far_are_refused_with_their_line(
    kind: str,
    after: str,
    yaml_text: str,
    message: str,
    alias: str,
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, before = built
    text_written = with_front_matter_line(project.original(kind), yaml_text, after)
    project.write(project.file(kind), text_written)
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    assert message in text, text
    named = re.search(r"invalid YAML: (?:aliases .* \(at )?(\*\w+)", text)
    assert named is not None and named.group(1) == alias
    line = line_of(text_written, alias)
    assert f"{project.file(kind)}:{line}: error: invalid YAML: " in text, text
    assert "write the values out instead of using &anchors and *aliases" in text


@pytest.mark.parametrize(
    ("kind", "after", "yaml_text"),
    [
        ("post", "title:", "shared: &tags [A, B, C]\nagain: *tags"),
        ("post", "title:", "r_and_d: R&D, Q&A and *stars*"),
        ("campaign", "title:", "base: &base {campaign: spring}\nextra: {<<: *base, term: x}"),
    ],
)
def test_a_small_alias_still_builds(
    kind: str,
    after: str,
    yaml_text: str,
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, _ = built
    project.write(
        project.file(kind), with_front_matter_line(project.original(kind), yaml_text, after)
    )
    code, text = project.build(capsys)
    assert code == 0, text
    assert "unknown field" in text  # read, and warned about like any unknown field


# ------------------------------------------------------------------ 9: keys that are not text


KEY_CASES = [  # (file, after which line, the YAML, its key's row, the key shown, what it is)
    ("post", "title:", "1: one", "1: one", "'1'", "a number"),
    ("post", "  hook:", "  2: x", "  2: x", "'2' under 'linkedin'", "a number"),
    ("post", "pdf:", "  true: y", "  true: y", "'true' under 'pdf'", "true/false"),
    ("post", "title:", "2025-01-01: new", "2025-01-01: new", "'2025-01-01'", "a date"),
    ("post", "title:", "~: nothing", "~: nothing", "'~'", "empty (null)"),
    ("post", "title:", "1.5: x", "1.5: x", "'1.5'", "a number"),
    ("post", "title:", "? [a, b]\n: x", "? [a, b]", "'…'", "a list"),
    ("post", "title:", "!x bar: y", "!x bar: y", "'bar'", "a value tagged !x"),
    ("post", "title:", "n: {<<: {4: x}}", "n: {<<: {4: x}}", "'4' under 'n'", "a number"),
    ("block", "type:", "yes: no", "yes: no", "'yes'", "true/false"),
    ("block", "type:", "variants:\n  1: x", "  1: x", "'1' under 'variants'", "a number"),
    ("campaign", "  campaign:", "  true: y", "  true: y", "'true' under 'utm'", "true/false"),
    ("campaign", "title:", "overrides:\n  3: x", "  3: x", "'3' under 'overrides'", "a number"),
    ("site", "name:", "2026: x", "2026: x", "'2026'", "a number"),
    ("site", "name:", "brand:\n  colors:\n    7: '#fff'", "    7: '#fff'",
     "'7' under 'brand.colors'", "a number"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "after", "yaml_text", "row", "key", "what"), KEY_CASES)
def test_a_key_that_is_not_text_is_an_error_with_its_line(
    kind: str,
    after: str,
    yaml_text: str,
    row: str,
    key: str,
    what: str,
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, before = built
    written = with_front_matter_line(project.original(kind), yaml_text, after)
    project.write(project.file(kind), written)
    code, text = project.build(capsys)
    assert_failed_cleanly(code, text, project, before)
    line = written.splitlines().index(row) + 1
    assert f"{project.file(kind)}:{line}: error: the key {key} is read as {what}" in text, text
    quoted = "hint: put it in quotes: " + key.split(" under ")[0] + ": …"
    assert quoted in text or (what == "a list" and "hint: a key is a name" in text), text


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("post", "---\njust words\n---\nBody.\n", "front matter must be 'key: value' lines"),
        ("post", "---\n- a list\n---\nBody.\n", "front matter must be 'key: value' lines"),
        ("campaign", "just words\n", "a campaign file must be 'key: value' lines"),
        ("site", "- a list\n", "site.yaml must be 'key: value' lines"),
    ],
)
def test_a_document_that_is_not_a_mapping_says_so(
    kind: str,
    text: str,
    message: str,
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The key walk meets a document without keys at all: it leaves it to the loader."""
    project, before = built
    project.write(project.file(kind), text)
    code, output = project.build(capsys)
    assert_failed_cleanly(code, output, project, before)
    assert message in output and "invalid value" not in output


@pytest.mark.parametrize("kind", ["post", "block", "campaign", "site"])
def test_check_and_where_used_stop_cleanly_on_a_key_that_is_not_text(
    kind: str, built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, before = built
    after = {"post": "title:", "block": "type:", "campaign": "title:", "site": "name:"}[kind]
    project.write(project.file(kind), with_front_matter_line(project.original(kind), "1: one",
                                                             after))  # fmt: skip
    code, text = project.run(capsys, "check")
    assert code == 1, text
    assert "Check stopped" in text and "the key '1' is read as a number" in text
    assert "Traceback" not in text and "internal error" not in text
    code, text = project.run(capsys, "where-used", "stat-one")
    assert code == 0, text
    assert "content/ has 1 problem(s)" in text and "post test-post" in text
    assert "Traceback" not in text and "internal error" not in text
    code, text = project.run(capsys, "where-used", "stat-one", "--format", "json")
    assert code == 0 and json.loads(text)["note"].startswith("content/ has 1 problem(s)")
    assert snapshot(project.output) == before


def test_new_stops_cleanly_on_a_key_that_is_not_text_in_site_yaml(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = built
    project.write("site.yaml", SITE + "2026: x\n")
    capsys.readouterr()
    code = main(["new", "post", "my-post", "--content", str(project.content)])
    text = capsys.readouterr().err
    assert code == 1, text
    assert "site.yaml:9: error: the key '2026' is read as a number" in text
    assert "Nothing was written" in text and not (project.content / "posts/my-post.md").exists()


# ------------------------------------------------------------------ 7: control characters


HOSTILE_KEYS = [  # YAML double-quoted escapes, so the file itself is valid YAML
    ("\\e[2K\\e[1Gsorce", "\\x1b[2K\\x1b[1Gsorce"),  # erase the line, back to its start
    ("\\e]0;pwned\\asorce", "\\x1b]0;pwned\\x07sorce"),  # set the window title (OSC … BEL)
    ("\\x9b31msorce", "\\x9b31msorce"),  # CSI as one C1 character
    ("sorce\\u202etxt.exe", "sorce\\u202etxt.exe"),  # right-to-left override
    ("sorce\\u2067x\\u2069", "sorce\\u2067x\\u2069"),  # right-to-left isolate
    ("sorce\\x7f\\b\\b", "sorce\\x7f\\x08\\x08"),  # DEL, backspaces
    (
        "sorce\\ncontent/posts/x.md:1: error: forged",  # a new line that looks like a problem
        "sorce\\ncontent/posts/x.md:1: error: forged",
    ),
]


@pytest.mark.parametrize(("key", "shown"), HOSTILE_KEYS)
def test_control_characters_in_a_yaml_key_are_shown_escaped(
    key: str,
    shown: str,
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, _ = built
    project.write(
        "posts/test-post.md", with_front_matter_line(POST, f'"{key}": x', "title:")
    )  # fmt: skip
    code, text = project.build(capsys)
    assert code == 0, text
    assert f"unknown field '{shown}' is ignored" in text
    assert not RAW_CONTROL.search(text), repr(text)
    assert not any(row.startswith("content/posts/x.md") for row in text.splitlines())


def test_a_control_character_in_a_file_name_is_shown_escaped(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    project, _ = built
    (project.content / "posts/\x1b[2Knotes\u202e.txt").write_text("stray", encoding="utf-8")
    code, text = project.build(capsys)
    assert code == 0, text
    assert "posts/\\x1b[2Knotes\\u202e.txt: warning: ignored: only .md files" in text
    assert not RAW_CONTROL.search(text), repr(text)


@pytest.mark.parametrize(
    ("raw", "code"), [("\x1b", "U+001B"), ("\x07", "U+0007"), ("\ufffe", "U+FFFE")]
)
def test_a_raw_control_character_in_front_matter_names_its_line(
    raw: str,
    code: str,
    built: tuple[Project, dict[str, bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    project, before = built
    written = POST.replace("summary: A short", f"summary: A {raw}[2K short")
    project.write("posts/test-post.md", written)
    exit_code, text = project.build(capsys)
    assert_failed_cleanly(exit_code, text, project, before)
    line = line_of(written, "summary:")
    assert f"posts/test-post.md:{line}: error: invalid YAML: the character {code}" in text
    assert not RAW_CONTROL.search(text) and "\n  in " not in text


def test_check_shows_text_read_back_from_output_escaped(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    """A file in output/ edited by hand (or by a tool) is quoted in `check`'s findings."""
    project, _ = built
    linkedin = project.output / "linkedin/test-post.txt"
    text = linkedin.read_text(encoding="utf-8")
    linkedin.write_text(text.replace("A first paragraph.", "\x1b[2K\u202e 977 reasons."))
    code, report = project.run(capsys, "check")
    assert code == 1, report
    assert "\\x1b[2K\\u202e 977" in report
    assert not RAW_CONTROL.search(report), repr(report)
    code, report = project.run(capsys, "check", "--format", "json")
    assert code == 1
    findings = json.loads(report)["findings"]
    assert any("\\x1b[2K" in f["found"] for f in findings)
    assert not any(RAW_CONTROL.search(str(value)) for f in findings for value in f.values())


HOSTILE = "\x1b[31m\x07\x00\x7f\x9b\u202e\u2066\u2028\r\n\tend"
ESCAPED = "\\x1b[31m\\x07\\x00\\x7f\\x9b\\u202e\\u2066\\u2028\\r\\n\\tend"

# every kind of message, made with hostile text in each of its text fields
MESSAGE_TYPES: dict[str, Callable[[str], Any]] = {
    "Problem": lambda t: Problem(t, Path(t), 3, hint=t),
    "CheckFinding": lambda t: CheckFinding(t, t, t, "error", t, t, post=t, channel=t, file=t),
    "rules.Finding": lambda t: Finding(t, t, t, "error", t, t),
    "where-used Use": lambda t: Use(t, t, t, t, (t,), t, t),
    "WhereUsed": lambda t: WhereUsed(t, t, t, t, [t], [t], [], [t], t),
    "UsageError": lambda t: UsageError(t, t),
}


@pytest.mark.parametrize("kind", sorted(MESSAGE_TYPES))
def test_every_message_type_escapes_its_text_where_it_is_made(kind: str) -> None:
    message = MESSAGE_TYPES[kind](HOSTILE)
    if isinstance(message, Problem):
        texts = [message.location(), *message.format().split("\n    hint: ")]
    else:
        texts = [
            str(item)
            for value in vars(message).values()
            for item in (value if isinstance(value, (list, tuple)) else [value])
        ]
    for text in texts:
        assert not RAW_CONTROL.search(text) and "\n" not in text, repr(text)
    assert all(ESCAPED in text for text in texts if "end" in text)
    assert sum(ESCAPED in text for text in texts) >= 2


@pytest.mark.parametrize(
    "text", ["plain", "Café — “quoted” ✓ 数据 🎉", "tab-free, line-free", "R&D: 42%"]
)
def test_printable_text_is_left_as_it_is(text: str) -> None:
    from omnipress.errors import UNPRINTABLE, printable

    assert printable(text) is text
    assert not UNPRINTABLE.search(text)


def test_the_preview_shows_messages_escaped(
    built: tuple[Project, dict[str, bytes]], capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve` prints the first build's problems and logs every later one; the page lists
    them: all three from the same problems, so all three escaped."""
    project, _ = built
    project.write("posts/\x1b[2Kbad\u202e.md", POST.replace("title: A test post\n", ""))
    logged: list[str] = []
    preview = Preview(
        BuildOptions(project.content, project.root / "templates", project.output),
        log=logged.append,
    )
    snapshot = preview.rebuild()
    assert not snapshot.ok
    assert "content/posts/\\x1b[2Kbad\\u202e.md:1" in [p.where for p in snapshot.errors]
    page = preview.index_html().decode("utf-8")
    assert "posts/\\x1b[2Kbad\\u202e.md:1" in page
    for text in [page, *logged]:
        assert not RAW_CONTROL.search(text), repr(text)
