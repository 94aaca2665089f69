"""Reading built files back the way a person (or a reviewer) would: parsed, not grepped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from pypdf import PdfReader


def squash(text: str) -> str:
    """Whitespace-normalised text, so line breaks in a PDF do not hide a match."""
    text = text.replace("\u00ad", "").replace("-\n", "-")
    return re.sub(r"\s+", " ", text).strip()


def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pdf_text(path: Path) -> str:
    return squash(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))


def pdf_links(path: Path) -> list[str]:
    links = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                links.append(str(action["/URI"]))
    return links


def pdf_pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def linkedin_link(text: str) -> str:
    (link,) = re.findall(r"https?://\S+", text)
    return link


class OpenedDocuments:
    """Every document PDFium and pypdf open while installed: to prove what was not read."""

    def __init__(self, monkeypatch: Any) -> None:
        import io

        import pypdf
        import pypdfium2

        self.opened: list[bytes] = []
        pdfium_open, pypdf_open = pypdfium2.PdfDocument, pypdf.PdfReader

        def pdfium(data: Any, *args: Any, **kwargs: Any) -> Any:
            self.opened.append(bytes(data) if isinstance(data, (bytes, bytearray)) else b"")
            return pdfium_open(data, *args, **kwargs)

        def reader(stream: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(stream, io.BytesIO):
                self.opened.append(stream.getvalue())
            return pypdf_open(stream, *args, **kwargs)

        monkeypatch.setattr(pypdfium2, "PdfDocument", pdfium)
        monkeypatch.setattr(pypdf, "PdfReader", reader)

    def any_of(self, files: list[Path]) -> list[str]:
        """The files among ``files`` whose bytes were opened."""
        return [str(path) for path in files if path.read_bytes() in self.opened]
