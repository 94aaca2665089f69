"""The carousel as the LinkedIn feed shows a document post, for the preview: every slide
rasterised with PDFium to a small PNG, put in the page as a ``data:`` image.

Generated on request, from the file the build wrote (nothing is added to ``output/``, whose
every file the manifest must account for), and remembered by the file's hash, so a page
reload costs nothing. PDFium draws a slide at preview size in a few milliseconds."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
from dataclasses import dataclass

from omnipress.channels.readback import PDFIUM_LOCK

THUMB_WIDTH = 432  # px: the first slide as the feed shows it; the others are shown smaller


@dataclass(frozen=True)
class CarouselCard:
    slides: tuple[str, ...]  # data: URIs of each slide's PNG, in order
    error: str = ""

    @property
    def first(self) -> str:
        return self.slides[0] if self.slides else ""

    @property
    def rest(self) -> tuple[str, ...]:
        return self.slides[1:]


def carousel_card(data: bytes) -> CarouselCard:
    return _card(hashlib.sha256(data).hexdigest(), data)


@functools.lru_cache(maxsize=32)
def _card(_digest: str, data: bytes) -> CarouselCard:
    import pypdfium2

    try:
        slides = []
        with PDFIUM_LOCK, pypdfium2.PdfDocument(data) as document:
            for page in document:
                image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil()
                buffer = io.BytesIO()
                image.save(buffer, format="PNG", optimize=True)
                encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
                slides.append("data:image/png;base64," + encoded)
        return CarouselCard(tuple(slides))
    except Exception as exc:  # a damaged file shows as such; check reports it
        return CarouselCard((), str(exc) or "unreadable")
