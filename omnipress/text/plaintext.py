"""Markdown to LinkedIn-ready plain text.

LinkedIn shows text as typed: asterisks stay asterisks, tags stay tags, and only one link
should survive. So Markdown is first turned into (sanitised) HTML, which settles every syntax
question once, and this module walks that HTML to write paragraphs, "•" bullets and plain
words: emphasis markers, link targets, images and footnote references are dropped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown

from omnipress.text.markup import Cleaning, sanitize_html

BULLET = "•"
BLOCK_TAGS = {"p", "div", "blockquote", "table", "tr", "ul", "ol", "dl", "pre", "figure",
              "h2", "h3", "h4", "h5", "h6", "dd", "dt", "hr", "caption"}  # fmt: skip
SKIPPED_TAGS = {"sup", "img"}  # footnote references and images have no place in a post


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.list_depth = 0
        self.skip_depth = 0
        self.in_footnotes = 0
        self.cells: list[str] | None = None

    def flush(self) -> None:
        text = re.sub(r"[ \t\r\f\v]+", " ", "".join(self.current))
        text = "\n".join(line.strip() for line in text.split("\n")).strip()
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.in_footnotes or (tag == "div" and "footnote" in classes):
            self.in_footnotes += tag == "div"
            return
        if tag in SKIPPED_TAGS:
            self.skip_depth += tag != "img"
            return
        if tag == "li":
            self.flush()
            self.current.append(f"{BULLET} ")
        elif tag in {"ul", "ol"}:
            self.flush()
            self.list_depth += 1
        elif tag == "br":
            self.current.append("\n")
        elif tag in {"td", "th"}:
            self.cells = self.cells if self.cells is not None else []
            self.current.append(" — " if self.cells else "")
            self.cells.append(tag)
        elif tag in BLOCK_TAGS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if self.in_footnotes:
            if tag == "div":
                self.in_footnotes -= 1
            return
        if tag in SKIPPED_TAGS:
            self.skip_depth -= tag != "img"
            return
        if tag in {"ul", "ol"}:
            self.list_depth -= 1
            self.flush()
        elif tag == "li":
            self.flush()
        elif tag == "tr":
            self.cells = None
            self.flush()
        elif tag in BLOCK_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.in_footnotes or self.skip_depth:
            return
        self.current.append(data.replace("\n", " "))

    def text(self) -> str:
        self.flush()
        return "\n\n".join(_group_bullets(self.paragraphs))


def _group_bullets(paragraphs: list[str]) -> list[str]:
    """Keep consecutive bullets together as one paragraph, the way people write lists."""
    grouped: list[str] = []
    for paragraph in paragraphs:
        if grouped and paragraph.startswith(BULLET) and grouped[-1].startswith(BULLET):
            grouped[-1] += "\n" + paragraph
        else:
            grouped.append(paragraph)
    return grouped


def html_to_text(html: str) -> str:
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()


def markdown_to_text(text: str, converter: markdown.Markdown, cleaning: Cleaning) -> str:
    """Plain text for LinkedIn from a Markdown fragment (no block markers in it)."""
    converter.reset()
    html = sanitize_html(converter.convert(text), lambda path: path, cleaning)
    return html_to_text(html)
