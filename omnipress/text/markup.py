"""Markdown to safe HTML, shared by every HTML channel (the blog and the PDF one-pager).

Content is pasted from web pages and CMS exports, so raw HTML in it is cleaned by a real
sanitiser (nh3) and the build says what it removed. Block markers are swapped for opaque
placeholders before Markdown runs and for the rendered block after sanitising, so a block's
trusted template markup is never mangled by Markdown nor stripped by the sanitiser.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from posixpath import normpath

import markdown
import nh3

from omnipress.content.links import url_parts
from omnipress.content.resolve import Reference, split_segments

MARKDOWN_EXTENSIONS = [
    "tables",
    "footnotes",
    "toc",
    "attr_list",
    "smarty",
    "fenced_code",
    "sane_lists",
    "abbr",
    "def_list",
]
MARKDOWN_CONFIG = {"footnotes": {"BACKLINK_TITLE": "Back to the text"}}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl",
    "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

PLACEHOLDER = "OMNIPRESSBLOCK{nonce}N{index}X"
PLACEHOLDER_PARAGRAPH = re.compile(r"<p>OMNIPRESSBLOCK([0-9a-f]+)N(\d+)X</p>")
IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
IMG_SRC = re.compile(r"""\ssrc\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
HIDDEN_IMAGE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|\b(?:width|height)\s*=\s*[\"']?[01](?:px)?[\"'\s/>]",
    re.IGNORECASE,
)
H1 = re.compile(r"<(/?)h1(\b[^>]*)>")


@dataclass
class Cleaning:
    """What the sanitiser took out of one piece of content, in words a marketer understands."""

    removed: list[str] = field(default_factory=list)
    refused_paths: list[str] = field(default_factory=list)


ImageResolver = Callable[[str], str | None]
"""Maps a content image path (``images/chart.png``) to the URL a channel should use, or None
when no such image exists in the project."""


def is_remote(url: str) -> bool:
    parts = url_parts(url)
    return bool(parts.scheme or parts.netloc or url.startswith("//"))


def escapes_project(path: str) -> bool:
    """True for a path that would leave the content directory (``../..``, absolute paths)."""
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path):
        return True
    return normpath(path.replace("\\", "/")).startswith("..")


class _TagCensus(HTMLParser):
    """Counts tags and (tag, attribute) pairs, to tell what sanitising removed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.attributes: dict[tuple[str, str], int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, _ in attrs:
            key = (tag, name)
            self.attributes[key] = self.attributes.get(key, 0) + 1


LOADED_BY: dict[str, str] = {
    "img": "src", "script": "src", "iframe": "src", "source": "src",
    "video": "src", "audio": "src", "embed": "src", "object": "data",
}  # fmt: skip
"""Elements a browser loads by itself when the page opens, and the attribute naming what."""
PRELOADING_RELS = {"stylesheet", "icon", "preload", "prefetch", "manifest", "modulepreload"}
"""``<link rel=…>`` values a browser loads by itself (not links a reader clicks)."""


def loaded_url(tag: str, attrs: Mapping[str, str]) -> str | None:
    """The URL a browser loads by itself for one element of a page, if any."""
    if tag == "link" and PRELOADING_RELS & set(attrs.get("rel", "").lower().split()):
        return attrs.get("href", "")
    if tag in LOADED_BY:
        return attrs.get(LOADED_BY[tag], "")
    return None


def remote_only(urls: Iterable[str | None]) -> list[str]:
    """The URLs among ``urls`` that another site serves: tracking risk, never fetched by us."""
    return [url for url in urls if url and is_remote(url) and not url.startswith("data:")]


def _census(html: str) -> _TagCensus:
    census = _TagCensus()
    census.feed(html)
    census.close()
    return census


def describe_removals(before: str, after: str) -> list[str]:
    """Name the elements and attributes the sanitiser dropped (``<script>``, ``onclick``…)."""
    old, new = _census(before), _census(after)
    removed = [f"<{tag}>" for tag in sorted(old.tags) if old.tags[tag] > new.tags.get(tag, 0)]
    removed += [
        f"{name}= on <{tag}>"
        for (tag, name) in sorted(old.attributes)
        if old.attributes[(tag, name)] > new.attributes.get((tag, name), 0)
        and f"<{tag}>" not in removed
        and name != "rel"
    ]
    return removed


def _drop_hidden_image(tag: str, cleaning: Cleaning) -> str:
    """Invisible images exist only to track readers: remove them outright. Images whose
    address is not a file or a web address (``file:``, ``data:``) are removed by name too,
    so the warning says which one went rather than just ``<img>``."""
    if HIDDEN_IMAGE.search(tag):
        cleaning.removed.append("hidden image (a tracking pixel)")
        return ""
    source = IMG_SRC.search(tag)
    if source is not None:
        scheme = url_parts(source.group(1)).scheme.lower()
        if scheme and scheme not in URL_SCHEMES and len(scheme) > 1:  # "c:" is a drive letter
            shown = source.group(1) if len(source.group(1)) <= 60 else source.group(1)[:57] + "…"
            cleaning.removed.append(f"image {shown} ({scheme}: addresses are not used)")
            return ""
    return tag


def sanitize_html(html: str, resolve_image: ImageResolver, cleaning: Cleaning) -> str:
    """Clean HTML produced from content; record what was removed into ``cleaning``."""

    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            if is_remote(value):
                cleaning.removed.append(f"remote image {value}")
                return None
            if escapes_project(value):
                cleaning.refused_paths.append(value)
                return None
            resolved = resolve_image(normpath(value))
            if resolved is None:
                cleaning.removed.append(f"image {value} (not found in content/images/)")
            return resolved
        if attribute == "style":
            return (
                value if re.fullmatch(r"\s*text-align:\s*(left|right|center);?\s*", value) else None
            )
        return value

    cleaner = nh3.Cleaner(
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
    )
    html = IMG_TAG.sub(lambda m: _drop_hidden_image(m.group(0), cleaning), html)
    demoted = H1.sub(r"<\1h2\2>", html)
    if demoted != html:
        cleaning.removed.append("<h1> in the text (turned into <h2>: the title is the only <h1>)")
    cleaned = IMG_WITHOUT_SRC.sub("", cleaner.clean(demoted))
    removals = describe_removals(demoted, cleaned)
    if any("image " in item for item in cleaning.removed):  # each one already named
        removals = [item for item in removals if item != "<img>"]
    cleaning.removed.extend(removals)
    return cleaned


def new_markdown() -> markdown.Markdown:
    """A Markdown converter with the extensions every channel agrees on; reuse it with reset()."""
    return markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG, output_format="html"
    )


@dataclass(frozen=True)
class Converted:
    html: str
    toc: str  # the table of contents of the headings, as an HTML list; "" without headings


def markdown_to_html(
    text: str,
    converter: markdown.Markdown,
    render_block: Callable[[Reference], str],
    resolve_image: ImageResolver,
    cleaning: Cleaning,
) -> Converted:
    """Markdown with block markers → sanitised HTML with each block's rendered markup in place."""
    prepared = prepare_markdown(text, converter, resolve_image)
    return fill_blocks(prepared, render_block, resolve_image, cleaning)


@dataclass(frozen=True)
class Prepared:
    """Markdown converted and sanitised, each block marker still a placeholder: the costly
    half of :func:`markdown_to_html`, the same for every output that shows the text in one
    channel, so it can be kept and reused (see ``HtmlBlockRenderer``)."""

    html: str
    toc: str
    nonce: str
    references: tuple[Reference, ...]
    removed: tuple[str, ...]  # what sanitising removed (Cleaning.removed)
    refused_paths: tuple[str, ...]
    images: tuple[str, ...]  # every image path the resolver was asked about


def prepare_markdown(
    text: str, converter: markdown.Markdown, resolve_image: ImageResolver
) -> Prepared:
    nonce = secrets.token_hex(6)
    pieces: list[str] = []
    references: list[Reference] = []
    for segment in split_segments(text):
        if isinstance(segment, Reference):
            placeholder = PLACEHOLDER.format(nonce=nonce, index=len(references))
            pieces.append(f"\n\n{placeholder}\n\n")
            references.append(segment)
        else:
            pieces.append(segment.markdown)
    asked: list[str] = []

    def resolve(path: str) -> str | None:
        asked.append(path)
        return resolve_image(path)

    cleaning = Cleaning()
    converter.reset()
    html = sanitize_html(converter.convert("".join(pieces)), resolve, cleaning)
    # No headings, no table of contents: Markdown still makes an empty list, and the blog
    # would print an "In this article" box around nothing.
    headings = getattr(converter, "toc_tokens", None)
    toc = sanitize_toc(getattr(converter, "toc", "")) if headings else ""
    return Prepared(html, toc, nonce, tuple(references), tuple(cleaning.removed),
                    tuple(cleaning.refused_paths), tuple(asked))  # fmt: skip


def fill_blocks(
    prepared: Prepared,
    render_block: Callable[[Reference], str],
    resolve_image: ImageResolver,
    cleaning: Cleaning,
) -> Converted:
    """Report what sanitising removed, ask for the same images again (so whoever records an
    output's inputs sees them), and put each block's markup in place of its marker."""
    cleaning.removed.extend(prepared.removed)
    cleaning.refused_paths.extend(prepared.refused_paths)
    for path in prepared.images:
        resolve_image(path)

    def expand(match: re.Match[str]) -> str:  # one compiled pattern: the nonce is checked here
        if match.group(1) != prepared.nonce:
            return match.group(0)
        return render_block(prepared.references[int(match.group(2))])

    return Converted(PLACEHOLDER_PARAGRAPH.sub(expand, prepared.html), prepared.toc)


@functools.lru_cache(maxsize=256)
def sanitize_toc(toc: str) -> str:
    """A table of contents holds only the headings' links (and is the same empty list for
    most blocks): sanitise each distinct one once."""
    return sanitize_html(toc, lambda path: None, Cleaning())
