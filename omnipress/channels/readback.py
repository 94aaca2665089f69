"""Reading built files back: blog pages parsed, PDF text, metadata and links, LinkedIn text.

``check`` proves the channels agree from what was actually written to ``output/``, not from
what the build meant to write; a hand edit, a template slip or a stale file shows up here.
Nothing in this module knows a rule: it turns files into facts, and ``check`` judges them.
"""

from __future__ import annotations

import functools
import hashlib
import json
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


@dataclass(frozen=True)
class LinkOnPage:
    label: str
    url: str
    block_id: str | None
    line: int


@dataclass(frozen=True)
class Image:
    src: str
    alt: str | None
    line: int


@dataclass(frozen=True)
class Script:
    type: str
    src: str | None
    in_head: bool
    line: int


@dataclass(frozen=True)
class BlogFacts:
    """What a blog page says, as a reader (and a search engine) sees it."""

    document: HtmlDocument
    lang: str | None
    title: str | None
    h1s: tuple[str, ...]
    description: str | None
    canonical: str | None
    meta: dict[str, str]  # name or property -> content
    json_ld: dict[str, Any] | None
    author: str | None
    date_iso: str | None
    date_text: str | None
    ctas: tuple[LinkOnPage, ...]
    images: tuple[Image, ...]
    scripts: tuple[Script, ...]
    handlers: tuple[str, ...]  # "line N: <tag onclick>" and javascript: URLs
    blocks: dict[str, list[str]]  # block id -> the text of each element that shows it
    has_charset: bool
    article_text: str = ""  # what the reader reads: the <article> without its byline


def _article_text(root: Element) -> str:
    """The post as read, without the byline (its date and reading time are not claims)."""
    article = root.first("article")
    if article is None:
        return ""
    text = article.text()
    byline = article.first(cls="post-meta")
    return text.replace(byline.text(), " ", 1) if byline else text


def read_blog(data: bytes) -> BlogFacts:
    document = parse_html(data.decode("utf-8", errors="replace"))
    root = document.root
    html = root.first("html")
    head = root.first("head")
    head_ids = {id(e) for e in head.iter()} if head else set()
    meta: dict[str, str] = {}
    has_charset = False
    for element in root.find_all("meta"):
        key = element.get("name") or element.get("property")
        if key:
            meta[key] = element.get("content") or ""
        has_charset = has_charset or "charset" in element.attrs
    canonical = next(
        (e.get("href") for e in root.find_all("link") if e.get("rel") == "canonical"), None
    )
    title = root.first("title")
    author = root.first(cls="post-author")
    time = next((e for e in root.find_all("time") if "post-date" in e.classes), None)
    return BlogFacts(
        article_text=_article_text(root),
        document=document,
        lang=html.get("lang") if html else None,
        title=title.text() if title else None,
        h1s=tuple(e.text() for e in root.find_all("h1")),
        description=meta.get("description"),
        canonical=canonical,
        meta=meta,
        json_ld=_json_ld(root),
        author=author.text() if author else None,
        date_iso=time.get("datetime") if time else None,
        date_text=time.text() if time else None,
        ctas=tuple(_ctas(root)),
        images=tuple(
            Image(e.attrs.get("src", ""), e.get("alt"), e.line) for e in root.find_all("img")
        ),
        scripts=tuple(
            Script(e.get("type") or "", e.get("src"), id(e) in head_ids, e.line)
            for e in root.find_all("script")
        ),
        handlers=tuple(_active_content(root)),
        blocks=_block_texts(root),
        has_charset=has_charset,
    )


def _json_ld(root: Element) -> dict[str, Any] | None:
    for script in root.find_all("script"):
        if script.get("type") == "application/ld+json":
            raw = "".join(c for c in script.children if isinstance(c, str))
            try:
                data = json.loads(raw)
            except ValueError:
                return {}
            return data if isinstance(data, dict) else {}
    return None


def _ctas(root: Element) -> Iterator[LinkOnPage]:
    """The page's call to action: the ``post-cta`` box first, then any other CTA box."""
    boxes = root.find_all(cls="block-cta")
    boxes.sort(key=lambda e: "post-cta" not in e.classes)
    for box in boxes:
        button = box.first("a", cls="cta-button")
        if button is not None:
            yield LinkOnPage(
                button.text(), button.get("href") or "", box.get("data-block"), button.line
            )


def _active_content(root: Element) -> Iterator[str]:
    for element in root.iter():
        for name, value in element.attrs.items():
            if name.startswith("on"):
                yield f"line {element.line}: <{element.tag} {name}=…>"
            elif name in {"href", "src", "action"} and value.strip().lower().startswith(
                "javascript:"
            ):
                yield f'line {element.line}: <{element.tag} {name}="javascript:…">'
        if element.tag in {"iframe", "object", "embed"}:
            yield f"line {element.line}: <{element.tag}>"


def _block_texts(root: Element) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    for element in root.find_all(attr="data-block"):
        blocks.setdefault(element.attrs["data-block"], []).append(element.text())
    return blocks


@dataclass(frozen=True)
class PdfFacts:
    """What a PDF says: page count, extracted text, document info, link targets."""

    pages: int
    text: str
    metadata: dict[str, str]  # title, author, subject, keywords, creation_date
    links: tuple[str, ...]  # URI targets of link annotations, in page order
    other_annotations: int  # link annotations that are not URI actions (not clickable out)
    lang: str | None
    tagged: bool
    unembedded_fonts: tuple[str, ...]
    error: str | None = None
    boxes: tuple[str, ...] = ()  # characters no font had: drawn as empty boxes (.notdef)


def read_pdf(data: bytes) -> PdfFacts:
    return _read_pdf_cached(hashlib.sha256(data).hexdigest(), data)


@functools.lru_cache(maxsize=64)
def _read_pdf_cached(_digest: str, data: bytes) -> PdfFacts:
    """Text extraction is the slow part of ``check``; identical bytes give identical facts.

    The text comes from PDFium (C++, about five times faster than pypdf's pure-Python
    extractor on a one-pager; figures in the README); the document's structure (properties,
    tags, link annotations, fonts) from pypdf, because PDFium cannot tell which characters
    are drawn as empty boxes (it does not expose a font's encoding CMap), and once pypdf has
    parsed the catalogue for that, the other facts cost it next to nothing. Either reader
    failing is the same finding: the PDF cannot be read.
    """
    import io

    import pypdf

    try:
        pages, text = _pdfium_text(data)
        reader: Any = pypdf.PdfReader(io.BytesIO(data), strict=False)
        boxes = _missing_glyphs(reader)
        info: Any = reader.metadata or {}
        links, other = _annotations(reader)
        root: Any = reader.trailer["/Root"]
        mark_info = root.get("/MarkInfo")
        return PdfFacts(
            pages=pages,
            text=text,
            metadata={
                "title": str(info.get("/Title") or ""),
                "author": str(info.get("/Author") or ""),
                "subject": str(info.get("/Subject") or ""),
                "keywords": str(info.get("/Keywords") or ""),
                "creation_date": str(info.get("/CreationDate") or ""),
            },
            links=tuple(links),
            other_annotations=other,
            lang=str(root["/Lang"]) if "/Lang" in root else None,
            tagged=bool(mark_info and mark_info.get_object().get("/Marked")),
            unembedded_fonts=tuple(_unembedded_fonts(reader)),
            boxes=(*(c for c in dict.fromkeys(text) if c in boxes), *sorted(boxes - set(text))),
        )
    except Exception as exc:  # a damaged PDF is a finding (pdf.readable), never a crash
        return PdfFacts(0, "", {}, (), 0, None, False, (), error=str(exc) or type(exc).__name__)


# PDFium may not be entered from two threads at once, even for different documents, and the
# preview checks in a thread of its own.
_PDFIUM_LOCK = threading.Lock()
# Everything drawn, even off the page: pypdf read text wherever it was drawn, and so does this.
_EVERYWHERE = (-1e6, -1e6, 1e6, 1e6)


def _pdfium_text(data: bytes) -> tuple[int, str]:
    """The page count and the text of every page, pages joined by a line break.

    PDFium ends lines with CRLF, and writes a hyphen that ends a line as U+0002 joined to the
    next line's word. A line-end hyphen in these PDFs is always a real one (``submission-
    ready``; a soft hyphen is drawn as U+2010), so it becomes ``-`` again. (PDFium also
    spells out ligatures, ``ﬁ`` as ``fi``: the rules compare NFKC-folded text anyway.)
    """
    import pypdfium2

    with _PDFIUM_LOCK, pypdfium2.PdfDocument(data) as document:
        texts = [page.get_textpage().get_text_bounded(*_EVERYWHERE) for page in document]
    text = "\n".join(texts).replace("\r\n", "\n").replace("\x02", "-")
    return len(texts), text


CID_CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+(\d+)")
BF_CHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def _missing_glyphs(reader: Any) -> set[str]:
    """The characters drawn as empty boxes because no font had them.

    When no font has a character (an emoji, CJK), WeasyPrint draws .notdef and gives the
    font an embedded CMap that sends those codes to glyph 0 instead of ``/Identity-H``.
    ``/ToUnicode`` still maps each code to its character, so the text reads whole (PDFium
    decodes the embedded CMap); the codes that CMap sends to glyph 0 are the boxes.
    """
    boxes: set[str] = set()
    for font in _fonts(reader):
        encoding = font.get("/Encoding")
        stream: Any = encoding.get_object() if encoding is not None else None
        if font.get("/Subtype") != "/Type0" or not hasattr(stream, "get_data"):
            continue
        cmap: bytes = stream.get_data()
        if b"<0000> <ffff>" not in cmap.lower():  # two-byte codes, as WeasyPrint writes them
            continue
        notdef = {int(code, 16) for code, cid in CID_CHAR.findall(cmap) if int(cid) == 0}
        to_unicode = font.get("/ToUnicode")
        if notdef and to_unicode is not None:
            for code, text in BF_CHAR.findall(to_unicode.get_object().get_data()):
                if int(code, 16) in notdef:
                    boxes.add(bytes.fromhex(text.decode()).decode("utf-16-be", "replace"))
    return boxes


def _fonts(reader: Any) -> Iterator[Any]:
    """Every font dictionary of every page, those of its form XObjects included."""
    seen: set[int] = set()

    def walk(resources: Any) -> Iterator[Any]:
        resources = resources.get_object() if resources is not None else {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            if id(font) not in seen:
                seen.add(id(font))
                yield font
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
                seen.add(id(xobject))
                yield from walk(xobject.get("/Resources"))

    for page in reader.pages:
        yield from walk(page.get("/Resources"))


def _annotations(reader: Any) -> tuple[list[str], int]:
    links: list[str] = []
    other = 0
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annotation = ref.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            action = action.get_object() if action is not None else None
            if action is not None and action.get("/S") == "/URI":
                links.append(str(action.get("/URI")))
            elif annotation.get("/Dest") is None:
                other += 1
    return links, other


def _unembedded_fonts(reader: Any) -> Iterator[str]:
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


def read_text(data: bytes) -> tuple[str, str | None]:
    """A LinkedIn text file: its text, and why it is not valid UTF-8 if it is not."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", errors="replace"), f"not UTF-8 at byte {exc.start}"


def words(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return " ".join(text.split())


def comparable(text: str) -> str:
    """Text reduced to what survives every channel: letters and numbers, in order.

    PDF extraction loses spaces (a stat value glued to its label), breaks lines inside
    hyphenated words and turns quotes into typographic ones; HTML adds its own spacing. So
    punctuation and spacing are dropped, case folded, and numbers fenced with ``|`` so that
    ``7 disciplines`` never matches inside ``17 disciplines``.
    """
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u00ad", "")
    return "".join(f"|{t}|" if t[0].isdigit() else t for t in TOKEN.findall(text))


def contains(haystack: str, needle: str) -> bool:
    """Does ``haystack`` show the words of ``needle``, whatever the spacing and hyphenation?"""
    wanted = comparable(needle)
    return bool(wanted) and wanted in comparable(haystack)
