"""The blog page read back: what a reader (and a search engine) sees on it, as facts for the
blog's rules; the build reads every page it renders the same way, so a build that succeeds
cannot fail ``check``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from omnipress.channels.readback import Element, HtmlDocument, parse_html


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
    """What a blog page says, as a reader (and a search engine) sees it. Not the parsed page
    itself: the build keeps every page's facts for `check`, and the tree is four times the
    rest (~80 KB a page: 40 MB at 500 posts, sent from the workers to the build's process)."""

    doctype: str | None
    structure: tuple[str, ...]  # what the parser found wrong: unclosed or stray tags
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
    return blog_facts(parse_blog(data))


def parse_blog(data: bytes) -> HtmlDocument:
    return parse_html(data.decode("utf-8", errors="replace"))


def blog_facts(document: HtmlDocument) -> BlogFacts:
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
        doctype=document.doctype,
        structure=document.problems,
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
