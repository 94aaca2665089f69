"""Is each file what the content renders to now? The manifest's hashes are not proof of that.

A file edited by hand with its sha256 restamped in ``manifest.json``, or a one-pager built from
another summary, passes every hash. So ``check`` renders the text channels again (Jinja and
Markdown: milliseconds, no WeasyPrint) and compares: a LinkedIn text and a blog page must be
byte for byte what the content makes, since rendering is deterministic (the build's files are
the same whatever ``--jobs``). A one-pager's PDF cannot be re-made that cheaply, so the HTML it is
laid out from (its channel's ``laid_out_from``) is rendered and the PDF's text, link targets
and properties must be that HTML's.

``consistency.PostCheck`` hands each file over as it reads it, so a PDF's text is extracted
once for both. Only outputs the freshness rules found current are compared: a stale output
is already reported as stale, and a file whose sha256 differs from the manifest as edited by
hand.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from omnipress.build.dependencies import output_key
from omnipress.build.manifest import OutputRecord, sha256_of
from omnipress.channels import Job, by_name
from omnipress.channels.approval import with_approval
from omnipress.channels.readback import Element, comparable, parse_html, words
from omnipress.check.checkcache import CheckCache
from omnipress.check.checkmodel import CheckContext
from omnipress.check.postcheck import clip, closest_passage, difference

RULE = "freshness.rendered"
REBUILD = "run `python build.py` to rebuild it, then `python build.py check` again"
BLOCK_TAGS = frozenset(("address", "article", "aside", "blockquote", "br", "dd", "div", "dl",
    "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul"))  # fmt: skip
"""Where a reader's eye (and a PDF's text) breaks: the text between two is one passage."""
UNDRAWN_TAGS = frozenset({"head", "script", "style", "template", "title"})
SNIPPET = 100
WEB_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
CSS_CONTENT = re.compile(r"""\bcontent\s*:\s*(["'])(.*?)(?<!\\)\1""")
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")


@dataclass(frozen=True)
class Difference:
    """Where a file first departs from what the content renders to now."""

    where: str  # "line 12", "the text", "the links"
    expected: str
    found: str


def check_rendered(ctx: CheckContext, record: OutputRecord, data: bytes) -> None:
    """Compare one output file, as read, with what its content renders to now."""
    job = _job(ctx, record)
    if job is None or not _current(ctx, record) or sha256_of(data) != record.sha256:
        return  # stale, or edited by hand: the freshness rules say so
    token = fresh_token(record)
    previous = ctx.cache.posts.get(record.post) if isinstance(ctx.cache, CheckCache) else None
    if previous is not None and previous.fresh(record.path, token):
        # found fresh before as these very bytes, built from inputs that all hash the same
        # today (its key, and _current): rendering is deterministic, so it still is
        ctx.verified[record.path] = token
        return
    compare = compare_bytes if job.channel.laid_out_from is None else compare_layout
    found = compare(ctx, job, record, data)
    if found is None:
        ctx.verified[record.path] = token
        return
    ctx.add(
        RULE,
        f"{record.path} is not what the content renders to now ({found.where} differs)"
        + _why(ctx, record),
        post=record.post,
        channel=record.channel,
        file=record.path,
        expected=found.expected,
        found=found.found,
        hint="output/ was edited or built by something else: " + REBUILD,
    )


def fresh_token(record: OutputRecord) -> str:
    """The bytes and the inputs (its key: toolchain, site, blocks, every input) a verdict of
    freshness holds for."""
    return f"{record.sha256} {record.key}"


def _job(ctx: CheckContext, record: OutputRecord) -> Job | None:
    post = ctx.project.posts.get(record.post)
    campaign = ctx.project.campaigns.get(record.campaign) if record.campaign else None
    channel = by_name(record.channel)
    if post is None or channel is None or (record.campaign and campaign is None):
        return None
    return with_approval(ctx.project, Job(post, campaign, channel))


def _current(ctx: CheckContext, record: OutputRecord) -> bool:
    """Not stale: the freshness rules have said all there is to say about stale outputs, and
    an output the next build would render again anyway (any input changed) is not compared."""
    return (
        record.post not in ctx.stale_posts
        and record.path not in ctx.stale_outputs
        and ctx.inputs.unchanged(record.blocks, record.depends)
    )


def _why(ctx: CheckContext, record: OutputRecord) -> str:
    """Say so when the file was built by another omnipress, set of libraries or fonts: the
    manifest's key for it, recomputed with this toolchain, then differs."""
    key = output_key(toolchain_digest(), ctx.project.site.digest, record.path, record.blocks,
                     record.depends)  # fmt: skip
    if key == record.key:
        return ""
    return "; it was built by another version of omnipress, its libraries or the fonts"


# -- text files: byte for byte ---------------------------------------------------------------


def compare_bytes(
    ctx: CheckContext, job: Job, _record: OutputRecord, data: bytes
) -> Difference | None:
    """The blog page, the LinkedIn text, the social card: exactly the bytes the content renders
    to (the card is reproducible: re-rendering it re-makes its pixels and its text)."""
    expected = job.channel.render(job, ctx.render_env).data
    if expected == data:
        return None
    if not job.channel.media_type.startswith("text/"):  # an image: no lines to point at
        return Difference(
            "the image", f"{len(expected):,} bytes as rendered", f"{len(data):,} bytes"
        )
    return first_line_difference(
        expected.decode("utf-8", "replace"), data.decode("utf-8", "replace")
    )


def first_line_difference(expected: str, found: str) -> Difference:
    """The first line that differs, each side cut around the first character that does."""
    pairs = itertools.zip_longest(expected.splitlines(True), found.splitlines(True))
    for number, (want, got) in enumerate(pairs, 1):
        if want == got:
            continue
        if want is None or got is None:
            return Difference(f"line {number}", _line(want), _line(got))
        if want.rstrip() == got.rstrip():  # invisible: trailing spaces, a Windows line end
            tails = (want[len(want.rstrip()) :], got[len(got.rstrip()) :])
            return Difference(f"the end of line {number}", repr(tails[0]), repr(tails[1]))
        column = _first_column(want, got)
        return Difference(f"line {number}", _cut(want, column), _cut(got, column))
    return Difference("the encoding", "UTF-8", "bytes that are not UTF-8")


def _first_column(a: str, b: str) -> int:
    """Where two lines part."""
    pairs = zip(a, b, strict=False)
    return next((i for i, (x, y) in enumerate(pairs) if x != y), min(len(a), len(b)))


def _line(text: str | None) -> str:
    return "(end of file)" if text is None else _cut(text, 0)


def _cut(line: str, column: int) -> str:
    """The line from a little before ``column``; characters one cannot see (a byte-order
    mark, a tab) written as escapes, so the difference shows."""
    line = line.rstrip("\r\n")
    start = max(0, column - SNIPPET // 3)
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in line[start : start + SNIPPET])
    return ("…" if start else "") + shown + ("…" if start + SNIPPET < len(line) else "")


# -- the one-pager: its PDF against its HTML -------------------------------------------------


def compare_layout(
    ctx: CheckContext, job: Job, record: OutputRecord, data: bytes
) -> Difference | None:
    """A laid-out file's (the one-pager PDF's) text, links and properties are those of the
    HTML it is laid out from, rendered now.

    The PDF's text comes out in drawing order (the running footer last, say) with its own
    spacing, so the HTML is cut into passages, one per paragraph, heading or list item; each
    must read, letters and numbers in order, somewhere in the PDF, and together they must
    account for all of its text: a changed word is a passage not found, an added one is text
    left over.
    """
    assert job.channel.read_back is not None and job.channel.laid_out_from is not None
    pdf = job.channel.read_back(data)
    if job.channel.unreadable and job.channel.unreadable(pdf):
        return None  # said by the channel's own rule
    html, stylesheet = job.channel.laid_out_from(job, ctx.render_env, set(record.blocks))
    document = parse_html(html).root
    expected = passages(document, lambda src: _image_text(ctx, src))
    return (
        _compare_text(expected, pdf.text, generated_text(stylesheet, document))
        or _compare_links(document, pdf.links)
        or _compare_properties(document, pdf.metadata)
    )


def passages(root: Element, image_text: Callable[[str], list[str]]) -> list[str]:
    """The text of the page as it is drawn, one passage per block of text, in page order;
    an image contributes the words drawn inside it (an SVG logo's name)."""
    found: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = words("".join(current))
        if text:
            found.append(text)
        current.clear()

    def walk(element: Element) -> None:
        for child in element.children:
            if isinstance(child, str):
                current.append(child)
            elif child.tag == "img":
                flush()
                found.extend(image_text(child.get("src") or ""))
            elif child.tag not in UNDRAWN_TAGS:
                if child.tag in BLOCK_TAGS:
                    flush()
                walk(child)
                if child.tag in BLOCK_TAGS:
                    flush()

    walk(root)
    flush()
    return found


def _image_text(ctx: CheckContext, src: str) -> list[str]:
    """The text an SVG image draws (its ``<text>`` elements); a bitmap draws none."""
    path: Path | None = ctx.project.assets.get(src)
    if path is None or path.suffix.lower() != ".svg":
        return []
    try:
        svg = parse_html(path.read_text(encoding="utf-8")).root
    except (OSError, UnicodeDecodeError):
        return []
    return [text for element in svg.find_all("text") if (text := element.text())]


def generated_text(stylesheet: Path, root: Element) -> list[str]:
    """Words the design adds with CSS ``content: "…"`` (in the stylesheet or the page's own
    ``<style>``): drawn in the PDF, absent from the HTML's text."""
    styles = [_read(stylesheet)]
    styles += ["".join(c for c in e.children if isinstance(c, str)) for e in root.find_all("style")]
    found = [m.group(2) for css in styles for m in CSS_CONTENT.finditer(css)]
    return [CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) for text in found]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _compare_text(expected: list[str], text: str, generated: list[str]) -> Difference | None:
    expected = [passage for passage in expected if comparable(passage)]  # "·" alone: no words
    pdf_words = words(text).split(" ")
    keys = [comparable(word) for word in pdf_words]
    haystack = "".join(keys)
    ends = list(itertools.accumulate(len(key) for key in keys))  # where each word's letters end
    taken = bytearray(len(haystack))
    spans: dict[int, tuple[int, int]] = {}
    # longest first, so a short passage ("Definition") cannot take the place of a long one
    for index in sorted(range(len(expected)), key=lambda i: -len(comparable(expected[i]))):
        span = _take(haystack, comparable(expected[index]), taken)
        if span is not None:
            spans[index] = span
    missing = next((i for i in range(len(expected)) if i not in spans), None)
    if missing is not None:
        passage = expected[missing]
        before = spans.get(missing - 1)
        if before is None:  # nothing to go by but the words themselves
            instead = closest_passage(text, passage)
        else:  # what the PDF says after the passage before it: where this one should be
            start = bisect.bisect_right(ends, before[1] - 1) + 1
            instead = " ".join(pdf_words[start : start + len(passage.split()) + 2])
        if difflib.SequenceMatcher(None, passage, instead, autojunk=False).ratio() < 0.5:
            return Difference("the text", clip(passage), clip(instead or "missing"))
        want, got = difference(passage, instead)  # the stretch that differs, in context
        return Difference("the text", clip(want), clip(got))
    for added in sorted({comparable(g) for g in generated} - {""}, key=len, reverse=True):
        while _take(haystack, added, taken) is not None:
            continue  # a quote's “ ”, a "Source: " prefix: as often as the design draws it
    left = taken.find(0)
    if left < 0:
        return None
    right = taken.find(1, left)
    first = bisect.bisect_right(ends, left)
    last = bisect.bisect_right(ends, (len(taken) if right < 0 else right) - 1)
    extra = " ".join(pdf_words[first : last + 1])
    return Difference("the text", "only the text of the one-pager's HTML", clip(f"also: {extra}"))


def _take(haystack: str, needle: str, taken: bytearray) -> tuple[int, int] | None:
    """Mark the first place ``needle`` occurs that no other passage has taken."""
    if not needle:
        return None
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        if not any(taken[start:end]):
            taken[start:end] = b"\x01" * len(needle)
            return start, end
        start = haystack.find(needle, start + 1)
    return None


def _compare_links(root: Element, links: tuple[str, ...]) -> Difference | None:
    wanted = _web(a.get("href") or "" for a in root.find_all("a"))
    found = _web(links)
    if wanted == found:
        return None
    return Difference("the links", ", ".join(wanted) or "none", ", ".join(found) or "none")


def _web(urls: Iterable[str]) -> list[str]:
    """Links out of the document, each once. An in-page anchor is no link out, and a relative
    link becomes a file:// path of the machine that built the PDF: neither can be compared."""
    return sorted({url for url in urls if urlsplit(url).scheme in WEB_SCHEMES})


PROPERTIES = (("title", "title"), ("author", "author"), ("subject", "description"),
              ("keywords", "keywords"))  # fmt: skip
"""The PDF's document properties and the HTML they are made from: ``<title>`` and metas."""


def _compare_properties(root: Element, metadata: dict[str, str]) -> Difference | None:
    title = root.first("title")
    head = {e.get("name"): e.get("content") or "" for e in root.find_all("meta") if e.get("name")}
    head["title"] = title.text() if title else ""
    for prop, source in PROPERTIES:
        if words(metadata.get(prop, "")) != words(head.get(source) or ""):
            return Difference(
                f"the {prop} property", head.get(source) or "", metadata.get(prop, "")
            )
    return None


@functools.cache
def toolchain_digest() -> str:
    """This process's toolchain, hashed once: only asked when a file differs."""
    from omnipress.build.dependencies import toolchain_digest as digest

    return digest()
