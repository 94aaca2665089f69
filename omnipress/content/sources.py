"""Reading content files safely: size limits, encodings, front matter with line numbers.

Everything a marketer can get wrong about a *file* (rather than its fields) is caught here and
reported with the file and line, so the loader above it deals only with well-formed data.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from omnipress.content.yamlnodes import (
    ALIAS_LIMIT,
    ANCHOR,
    CYCLE,
    alias_expansion,
    locate_alias,
    non_text_keys,
)
from omnipress.errors import Problems

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Past this a file is refused: real posts are tens of kilobytes; megabytes mean a paste gone
wrong, and Markdown's cost grows faster than linearly on some inputs."""

LINK_REFUSED = "symbolic links are not followed in content/"
LINK_HINT = "copy the file or folder into content/ instead of linking it"


@dataclass(frozen=True)
class SourceFile:
    """A content file split into its front matter and body, with line numbers kept."""

    path: Path
    meta: dict[str, Any]
    key_lines: dict[str, int]
    body: str
    body_line: int
    raw: str


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text, or None after recording why it cannot be read as content."""
    if path.is_symlink():  # site.yaml too: a link may point anywhere on the disk
        problems.error(LINK_REFUSED, path, hint=LINK_HINT)
        return None
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            # never more than the limit and a byte: the size said may be wrong (a file that
            # grows while it is read, one the system does not know the size of)
            data = b"" if size > MAX_FILE_BYTES else stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.error(f"cannot read the file: {exc.strerror}", path)
        return None
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        problems.error(
            f"file is {max(size, len(data)) / 1_048_576:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1_048_576} MB",
            path,
            hint="split it into several posts or blocks; content files are normally a few KB",
        )
        return None
    encoding = wide_encoding(data)
    if encoding is not None:
        problems.error(
            f"the file is saved as {encoding} text; content files must be UTF-8",
            path,
            hint="open it in your editor and save it again with the encoding UTF-8",
        )
        return None
    if b"\x00" in data:
        problems.error(
            "this is a binary file, not text",
            path,
            hint="move images to content/images/; only .md and .yaml files belong here",
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
            path,
            line,
            hint="re-save the file as UTF-8 in your editor",
        )
        return None
    if not text.strip():
        problems.error("the file is empty", path, hint="add front matter and text, or delete it")
        return None
    # Windows and old Mac line endings read as Unix ones: markers, fences and line numbers
    # then work the same whoever saved the file
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# text saved as UTF-16 or UTF-32 by an editor, with the byte-order mark most of them write;
# UTF-32's little-endian mark starts with UTF-16's, so it is tried first
WIDE_MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
# and without a mark: how each decodes, in the same order
WIDE_CODECS = (
    ("utf-32-le", "UTF-32"),
    ("utf-32-be", "UTF-32"),
    ("utf-16-le", "UTF-16"),
    ("utf-16-be", "UTF-16"),
)
WIDE_SAMPLE_BYTES = 4096


def wide_encoding(data: bytes) -> str | None:
    """'UTF-16' or 'UTF-32' for text saved in one of them, so the marketer is told to save it
    as UTF-8 rather than that it is binary (its zero bytes look binary). Without a byte-order
    mark the start of the file must decode to text with no control characters, a quarter of
    it ASCII at least (the front matter's keys): an image or other binary file fails that at
    once (a zero unit, an invalid code point), and so does UTF-8 text with a stray zero byte."""
    for mark, name in WIDE_MARKS:
        if data.startswith(mark):
            return name
    if b"\x00" not in data:
        return None
    sample = data[:WIDE_SAMPLE_BYTES]
    for codec, name in WIDE_CODECS:
        try:  # incremental: a sample cut inside a character is not an error
            text = codecs.getincrementaldecoder(codec)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        readable = all(char.isprintable() or char in "\t\n\r" for char in text)
        if text and readable and sum(char < "\x80" for char in text) * 4 >= len(text):
            return name
    return None


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(
    text: str, path: Path, problems: Problems, first_line: int = 1
) -> tuple[Any, dict[str, int]] | None:
    """Safe-load YAML, mapping a syntax error to the file's own line numbers."""
    loader = SAFE_LOADER(text)
    try:  # parsed once (with libyaml when installed: most of a no-op build was YAML)
        node = loader.get_single_node()
        refused = refuse_aliases(node, text, path, problems, first_line)
        if refused or refuse_non_text_keys(node, path, problems, first_line):
            return None
        data = loader.construct_document(node) if node is not None else None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow anywhere
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1])
        problems.error(
            f"invalid YAML: the character U+{code:04X} is not allowed ({exc.reason})",
            path,
            first_line + text[: max(text.find(chr(code)), 0)].count("\n"),
            hint="delete it: it is invisible in most editors, and is usually pasted from a "
            "terminal or a word processor",
        )
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        problems.error(
            f"invalid YAML: {problem}",
            path,
            line,
            hint="check indentation, and quote text that contains ':' or starts with a symbol",
        )
        return None
    except yaml.YAMLError as exc:
        problems.error(f"invalid YAML: {exc}", path)
        return None
    except (ValueError, TypeError, OverflowError) as exc:  # a value YAML reads but cannot make
        line = _bad_timestamp_line(loader, node, first_line)
        problems.error(
            f"not a date in the calendar ({exc})" if line else f"invalid value: {exc}",
            path,
            line,
            hint="dates are written YYYY-MM-DD and must exist, e.g. 2025-11-05",
        )
        return None
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    for name, line in _note_key_lines(node, "", first_line, key_lines):
        problems.warning(
            f"'{name}' is set twice; the value on line {line} wins",
            path,
            line,
            hint=f"delete one of the two '{name.rsplit('.', 1)[-1]}:' lines",
        )
    return data, key_lines


def refuse_aliases(
    node: yaml.Node | None, text: str, path: Path, problems: Problems, first_line: int
) -> bool:
    """True, after saying where, for aliases that pull in more than :data:`ALIAS_LIMIT`
    values or that never end: every later step (the digest, the key lines) would expand them."""
    if ANCHOR.search(text) is None:  # no anchor, no alias: the usual case, without a walk
        return False
    extra = alias_expansion(node)
    if extra != CYCLE and extra <= ALIAS_LIMIT:
        return False
    place = locate_alias(text, cyclic=extra == CYCLE)
    alias = f"*{place.anchor}" if place.anchor else "an alias"
    problems.error(
        f"invalid YAML: {alias} is inside the value it names, so it never ends"
        if place.cyclic
        else f"invalid YAML: aliases pull in more than {ALIAS_LIMIT:,} values (at {alias})",
        path,
        None if place.line is None else first_line + place.line,
        hint="write the values out instead of using &anchors and *aliases; front matter "
        "never needs them",
    )
    return True


def refuse_non_text_keys(
    node: yaml.Node | None, path: Path, problems: Problems, first_line: int
) -> bool:
    """True, after naming each, for keys that YAML reads as something other than text
    (``1:``, ``true:``, ``2026-01-01:``): no field has such a name, and Python cannot sort
    them next to the text keys."""
    bad = non_text_keys(node)
    for key in bad:
        under = f" under '{key.parent}'" if key.parent else ""
        problems.error(
            f"the key {key.written!r}{under} is read as {key.kind}, not as text",
            path,
            first_line + key.line,
            hint=f"put it in quotes: '{key.written}': …"
            if key.scalar
            else "a key is a name: write it as plain text, and the list or mapping after its ':'",
        )
    return bool(bad)


def _bad_timestamp_line(loader: Any, node: yaml.Node | None, first_line: int) -> int | None:
    """The line of the first date YAML recognises but cannot build (2025-13-45)."""
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop(0)
        if isinstance(current, yaml.ScalarNode):
            if current.tag == "tag:yaml.org,2002:timestamp":
                try:
                    loader.construct_yaml_timestamp(current)
                except (ValueError, TypeError, OverflowError):
                    return first_line + current.start_mark.line
        elif isinstance(current, yaml.MappingNode):
            stack.extend(child for pair in current.value for child in pair)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return None


def _note_key_lines(
    node: yaml.Node | None, prefix: str, first_line: int, out: dict[str, int]
) -> list[tuple[str, int]]:
    """Record the line of every key, nested ones by their dotted path (``linkedin.hashtags``),
    so a problem with a nested field points at its own line, not its parent's. Returns the
    keys written twice (YAML keeps the last silently), with the line of the one that wins."""
    if not isinstance(node, yaml.MappingNode):
        return []
    twice: list[tuple[str, int]] = []
    for key_node, value_node in node.value:
        name = prefix + str(key_node.value)
        line = first_line + key_node.start_mark.line
        if name in out:
            twice.append((name, line))
        out[name] = line  # YAML keeps the last one
        twice += _note_key_lines(value_node, name + ".", first_line, out)
    return twice


def read_source(path: Path, problems: Problems) -> SourceFile | None:
    """Split a Markdown file into front matter and body, keeping line numbers."""
    text = read_text(path, problems)
    if text is None:
        return None
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        problems.error(
            "no front matter: the file must start with a line '---'",
            path,
            1,
            hint="start with ---, the fields (type:, title: …), then --- and the text",
        )
        return None
    try:
        fm_text, body = handler.split(text)
    except ValueError:
        problems.error("front matter is not closed by a line '---'", path, 1)
        return None
    first_line = text[: text.index(fm_text)].count("\n") + 1
    parsed = parse_yaml(fm_text, path, problems, first_line=first_line)
    if parsed is None:
        return None
    meta, key_lines = parsed
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.error("front matter must be 'key: value' lines", path, 2)
        return None
    body_start = text.index(body, len(fm_text)) if body else len(text)
    if body.startswith("\n"):  # the newline that ends the closing '---' line
        body, body_start = body[1:], body_start + 1
    body_line = text[:body_start].count("\n") + 1
    return SourceFile(path, meta, key_lines, body, body_line, text)


@dataclass(frozen=True)
class MarkupLimit:
    """How much of one kind of Markdown syntax a text may hold. Python-Markdown's time grows
    faster than linearly with unclosed brackets and its recursion with nesting, so a pasted
    page of ``[[[[`` would otherwise stall or crash a build; real posts stay far below."""

    what: str
    count: Callable[[str], int]  # in one paragraph
    per_paragraph: int
    per_text: int | None  # None: a limit on each paragraph only


MARKUP_LIMITS = (
    MarkupLimit("'[' brackets", lambda text: text.count("["), 200, 2_000),
    MarkupLimit("'*' and '_' marks", lambda text: text.count("*") + text.count("_"), 600, 20_000),
    MarkupLimit(
        "levels of indentation (nested lists or quotes)",
        lambda text: max((_depth(line) for line in text.splitlines()), default=0),
        40,
        None,
    ),
)


def _depth(line: str) -> int:
    stripped = line.lstrip(" \t>")
    return (len(line) - len(stripped)) // 2


DEEP_LINE = re.compile(r"^[ \t>]{80}", re.MULTILINE)  # 40 levels of two spaces


def check_markup_limits(text: str, path: Path, first_line: int, problems: Problems) -> bool:
    """False, after saying where, when a text holds more syntax than any real post does."""
    if (  # the usual case, decided without cutting the text up (a no-op build reads it all)
        text.count("[") <= MARKUP_LIMITS[0].per_paragraph
        and text.count("*") + text.count("_") <= MARKUP_LIMITS[1].per_paragraph
        and DEEP_LINE.search(text) is None
    ):
        return True
    totals = dict.fromkeys((limit.what for limit in MARKUP_LIMITS), 0)
    line = first_line
    for paragraph in re.split(r"(\n[ \t]*\n)", text):
        for limit in MARKUP_LIMITS:
            found = limit.count(paragraph)
            totals[limit.what] += found
            over_total = limit.per_text is not None and totals[limit.what] > limit.per_text
            if found > limit.per_paragraph or over_total:
                whole = found <= limit.per_paragraph
                problems.error(
                    f"too many {limit.what} "
                    + (f"in the text (over {limit.per_text})" if whole else
                       f"in one paragraph ({found}; at most {limit.per_paragraph})"),
                    path,
                    line,
                    hint="this looks pasted or generated rather than written: remove it or "
                    "split it up",
                )  # fmt: skip
                return False
        line += paragraph.count("\n")
    return True


def rel_name(path: Path) -> str:
    """'blocks/cta.md': enough of a path to find the file, short enough to read."""
    return f"{path.parent.name}/{path.name}"


def content_files(folder: Path, suffixes: tuple[str, ...], problems: Problems) -> list[Path]:
    """The content files of one folder, sorted, with strays reported rather than ignored."""
    if folder.is_symlink():  # a linked folder is read from wherever it points
        problems.error(LINK_REFUSED, folder, hint=LINK_HINT)
        return []
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name.endswith("~"):
            continue
        if path.is_symlink():
            problems.error(LINK_REFUSED, path, hint=LINK_HINT)
        elif path.is_file() and path.suffix in suffixes:
            found.append(path)
        elif path.is_file():
            problems.warning(
                f"ignored: only {' and '.join(suffixes)} files are read here",
                path,
                hint="move images to content/images/",
            )
    return found
