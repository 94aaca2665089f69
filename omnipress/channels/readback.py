"""What every channel's read-back shares: an HTML parser (the blog page, the HTML a
one-pager was laid out from, a block's HTML) and the text comparisons (``words``,
``comparable``, ``contains``) that let two channels' words be held to each other.

``check`` proves the channels agree from what was actually written to ``output/``, not from
what the build meant to write. Each channel reads its own files back in its package
(``channels/<name>/readback.py``: bytes -> facts); nothing here knows a channel or a rule.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
OPTIONAL_END_TAGS = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "option"}
TEXTLESS_TAGS = {"script", "style", "template"}
TOKEN = re.compile(r"\d+|[^\W\d_]+")


@dataclass
class Element:
    """One HTML element of a parsed page, with its line for messages."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order.

        A stack, not nested generators: a page is walked a dozen times per read, and each
        level of ``yield from`` cost every element deep in the page a step more (the build
        reads every blog page it renders, see ``output_rules``)."""
        stack = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(reversed([c for c in element.children if isinstance(c, Element)]))

    @functools.cached_property
    def everything(self) -> list[Element]:
        """``iter()`` as a list, made once: read only after the page is parsed, and every
        read of a page searches it a dozen times."""
        return list(self.iter())

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(
        self, tag: str | None = None, cls: str | None = None, attr: str | None = None
    ) -> list[Element]:
        return [
            e
            for e in self.everything
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and (attr is None or attr in e.attrs)
        ]

    def first(self, tag: str | None = None, cls: str | None = None) -> Element | None:
        found = self.find_all(tag, cls)
        return found[0] if found else None

    def text(self) -> str:
        """The element's text with whitespace collapsed, as a reader would see it."""
        parts: list[str] = []
        self._collect(parts)
        return " ".join("".join(parts).split())

    def _collect(self, parts: list[str]) -> None:
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in TEXTLESS_TAGS:
                if child.tag in {"br", "p", "div", "li", "dt", "dd", "h1", "h2", "h3"}:
                    parts.append(" ")
                child._collect(parts)
                if child.tag in {"p", "div", "li", "dt", "dd", "td", "th"}:
                    parts.append(" ")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, 1)
        self.stack = [self.root]
        self.doctype: str | None = None
        self.problems: list[str] = []

    def handle_decl(self, decl: str) -> None:
        if decl.lower().startswith("doctype"):
            self.doctype = decl[7:].strip()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.getpos()[0])
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(
            Element(tag, {k: v or "" for k, v in attrs}, self.getpos()[0])
        )

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        open_tags = [e.tag for e in self.stack]
        if tag not in open_tags:
            self.problems.append(f"line {self.getpos()[0]}: </{tag}> closes nothing")
            return
        while self.stack[-1].tag != tag:
            unclosed = self.stack.pop()
            if unclosed.tag not in OPTIONAL_END_TAGS:
                self.problems.append(
                    f"line {unclosed.line}: <{unclosed.tag}> is never closed "
                    f"(</{tag}> on line {self.getpos()[0]} closes it)"
                )
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass(frozen=True)
class HtmlDocument:
    root: Element
    doctype: str | None
    problems: tuple[str, ...]


def parse_html(text: str) -> HtmlDocument:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    for element in builder.stack[1:]:
        if element.tag not in OPTIONAL_END_TAGS | {"html", "body", "head"}:
            builder.problems.append(f"line {element.line}: <{element.tag}> is never closed")
    return HtmlDocument(builder.root, builder.doctype, tuple(builder.problems))


def words(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


@functools.lru_cache(maxsize=1024)
def comparable(text: str) -> str:
    """Text reduced to what survives every channel: letters and numbers, in order.

    PDF extraction loses spaces (a stat value glued to its label), breaks lines inside
    hyphenated words and turns quotes into typographic ones; HTML adds its own spacing. So
    punctuation and spacing are dropped, case folded, and numbers fenced with ``|`` so that
    ``7 disciplines`` never matches inside ``17 disciplines``. Remembered: a file's text is
    searched for each block it shows.
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u00ad", "")
    return "".join(f"|{t}|" if t[0].isdigit() else t for t in TOKEN.findall(text))


def contains(haystack: str, needle: str) -> bool:
    """Does ``haystack`` show the words of ``needle``, whatever the spacing and hyphenation?"""
    wanted = comparable(needle)
    return bool(wanted) and wanted in comparable(haystack)


# PDFium may not be entered from two threads at once, even for different documents, and the
# preview checks in a thread of its own: every channel that reads a PDF with it takes this.
PDFIUM_LOCK = threading.Lock()


def unembedded_fonts(reader: Any) -> Iterator[str]:
    """The fonts a PDF (read by pypdf) uses without embedding them."""
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and font.get("/DescendantFonts"):
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is None:
                continue  # Type 3 fonts draw their glyphs in the file itself
            descriptor = descriptor.get_object()
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                yield str(font.get("/BaseFont"))
