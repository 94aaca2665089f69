"""Reading built files back the way a person (or a reviewer) would: parsed, not grepped."""

from __future__ import annotations

import re
from pathlib import Path

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
