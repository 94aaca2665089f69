"""The carousel read back: its pages, their sizes, the text of each slide, the smallest text
drawn, its properties and fonts. The build judges these same facts on the bytes it has just
written (a carousel is small, reading it back costs milliseconds), so build and check agree.

The text size comes from PDFium's text layer: ``FPDFText_GetFontSize`` gives each character's
font size in its own text space (WeasyPrint draws in CSS px under a 0.75 scale), and
``FPDFText_GetMatrix`` the matrix to the page (that scale included), so its vertical scale
times the font size is the size in points on the page; a page 810 pt wide is 1080 px wide,
so px = pt × 1080 / page width."""

from __future__ import annotations

import functools
import hashlib
import io
import math
from dataclasses import dataclass
from typing import Any

from omnipress.channels.readback import PDFIUM_LOCK, unembedded_fonts, words


@dataclass(frozen=True)
class CarouselFacts:
    pages: int
    sizes: tuple[tuple[float, float], ...]  # each page's width and height in points
    texts: tuple[str, ...]  # each slide's words, spacing collapsed
    smallest_px: float  # the smallest character drawn, in px at 1080 px width (0: no text)
    title: str
    lang: str | None
    unembedded_fonts: tuple[str, ...]
    size_bytes: int
    error: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def read_carousel(data: bytes) -> CarouselFacts:
    return _read_cached(hashlib.sha256(data).hexdigest(), data)


@functools.lru_cache(maxsize=32)
def _read_cached(_digest: str, data: bytes) -> CarouselFacts:
    import pypdf
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    try:
        sizes, texts, smallest = [], [], 0.0
        with PDFIUM_LOCK, pypdfium2.PdfDocument(data) as document:
            for page in document:
                width, height = page.get_size()
                sizes.append((round(width, 2), round(height, 2)))
                textpage = page.get_textpage()
                texts.append(page_text(textpage))
                scale = 1080 / width
                for index in range(textpage.count_chars()):
                    if textpage.get_text_range(index, 1).isspace():
                        continue
                    matrix = pdfium_c.FS_MATRIX()
                    pdfium_c.FPDFText_GetMatrix(textpage.raw, index, matrix)
                    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
                    px = size * math.hypot(matrix.c, matrix.d) * scale
                    smallest = px if smallest == 0.0 else min(smallest, px)
        reader: Any = pypdf.PdfReader(io.BytesIO(data), strict=False)
        info: Any = reader.metadata or {}
        root: Any = reader.trailer["/Root"]
        return CarouselFacts(
            pages=len(sizes),
            sizes=tuple(sizes),
            texts=tuple(texts),
            smallest_px=round(smallest, 2),
            title=str(info.get("/Title") or ""),
            lang=str(root["/Lang"]) if "/Lang" in root else None,
            unembedded_fonts=tuple(unembedded_fonts(reader)),
            size_bytes=len(data),
        )
    except Exception as exc:  # a damaged PDF is a finding (carousel.readable), never a crash
        return CarouselFacts(0, (), (), 0.0, "", None, (), len(data), str(exc) or "unreadable")


def page_text(textpage: Any) -> str:
    """One slide's words as PDFium reads them, spacing collapsed (the rules compare words, and
    the build reads the same words from the layout: channels/drawn.py). PDFium's whole-page
    range writes a line-end hyphen as U+FFFE (U+0002 by bounds): a real hyphen here."""
    text: str = textpage.get_text_range()
    return words(text.replace("\ufffe", "-").replace("\x02", "-"))
