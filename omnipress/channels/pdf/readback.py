"""The one-pager read back: page count, text, document properties, tags, links and fonts,
as facts for the PDF's rules, with PDFium for the text and pypdf for the structure."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from omnipress.channels.readback import PDFIUM_LOCK, unembedded_fonts, words


@dataclass(frozen=True)
class PdfFacts:
    """What a PDF says: page count, extracted text, document info, link targets."""

    pages: int
    text: str  # its words, as PDFium extracts them, separated by single spaces
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
            unembedded_fonts=tuple(unembedded_fonts(reader)),
            boxes=(*(c for c in dict.fromkeys(text) if c in boxes), *sorted(boxes - set(text))),
        )
    except Exception as exc:  # a damaged PDF is a finding (pdf.readable), never a crash
        return PdfFacts(0, "", {}, (), 0, None, False, (), error=str(exc) or type(exc).__name__)


# Everything drawn, even off the page: pypdf read text wherever it was drawn, and so does this.
_EVERYWHERE = (-1e6, -1e6, 1e6, 1e6)


def _pdfium_text(data: bytes) -> tuple[int, str]:
    """The page count and the words of every page, in the order they are drawn.

    PDFium writes a hyphen that ends a line as U+0002 joined to the next line's word. A
    line-end hyphen in these PDFs is always a real one (``submission-ready``; a soft hyphen
    is drawn as U+2010), so it becomes ``-`` again. Spacing is not kept: the rules compare
    words, and the build reads the same words from the layout (channels/drawn.py). (PDFium
    also spells out ligatures, ``ﬁ`` as ``fi``: the rules compare NFKC-folded text anyway.)
    """
    import pypdfium2

    with PDFIUM_LOCK, pypdfium2.PdfDocument(data) as document:
        texts = [page.get_textpage().get_text_bounded(*_EVERYWHERE) for page in document]
    return len(texts), words(" ".join(texts).replace("\x02", "-"))


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
