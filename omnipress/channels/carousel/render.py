"""The carousel: ``linkedin/<slug>.carousel.pdf``, a LinkedIn document post of 1080 × 1350 px
slides, rendered by WeasyPrint.

Each slide is its own HTML document, laid out on its own: a slide whose text runs onto a
second page is an error naming the slide and its block, never a silent extra slide. The
one-page layouts are then written as one PDF (``Document.copy`` of all their pages), which
WeasyPrint supports for documents laid out with one font configuration."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from markupsafe import Markup

from omnipress.channels.base import Channel, Job, Rendered, RenderEnvironment, report_rules
from omnipress.channels.carousel.readback import CarouselFacts
from omnipress.channels.carousel.settings import carousel_of
from omnipress.channels.carousel.slides import SLIDE_TYPES, Slide, plan
from omnipress.channels.drawn import drawn_words
from omnipress.channels.htmlblocks import HtmlBlockRenderer, html_block_text
from omnipress.channels.linkedin.settings import linkedin_of
from omnipress.channels.views import cta_view, post_view
from omnipress.channels.weasyprint_engine import WarmWeasyPrint
from omnipress.content.model import Project
from omnipress.content.resolve import closure, effective_cta

STYLESHEET = "carousel/carousel.css"
TEMPLATE = "carousel/slide.html"
PDF_VARIANT = "pdf/ua-1"  # tagged, with language and title, like the one-pager
SLIDE_WIDTH_PX = 1080  # what the text-size rule measures against
PT_PER_PX = 0.75


class CarouselEngine(WarmWeasyPrint):
    """One warm WeasyPrint for slides: a font configuration, the parsed stylesheet, a fetcher
    that reads only project files."""

    def __init__(self, content_root: Path, templates: Path):
        super().__init__(content_root, templates, STYLESHEET)
        self.files = self.stylesheet_files

    def layout(self, html: str) -> Any:
        return self.lay_out(html, PDF_VARIANT)

    def write(self, documents: list[Any]) -> bytes:
        pages = [page for document in documents for page in document.pages]
        data: bytes = documents[0].copy(pages).write_pdf(pdf_variant=PDF_VARIANT)
        return data


def start_engine(env: RenderEnvironment) -> CarouselEngine:
    return CarouselEngine(env.project.root, env.templates)


def carousel_engine(env: RenderEnvironment, channel: Channel) -> CarouselEngine:
    engine = env.engine(channel)
    assert isinstance(engine, CarouselEngine), f"channel {channel.name!r} started another engine"
    return engine


def slide_html(job: Job, env: RenderEnvironment) -> tuple[list[tuple[Slide, str]], tuple[str, ...]]:
    """Every slide as its own HTML document, and the blocks the carousel shows."""
    project, post = env.project, job.post
    settings = carousel_of(post)
    ids = settings.slides if settings else ()
    blocks = HtmlBlockRenderer(env, job.channel.name, lambda p: p if p in project.assets else None)
    shown = [project.blocks[i] for i in ids if i in project.blocks]
    for block in shown:
        if block.type not in SLIDE_TYPES:
            env.problems.error(
                # the post's own front matter, the same for every campaign variant: said once
                f"the carousel of {post.slug!r}: a {block.type} block ({block.id!r}) cannot be "
                "a slide",
                post.path,
                post.line_of("carousel.slides", "carousel"),
                hint="carousel.slides lists " + ", ".join(SLIDE_TYPES) + " blocks",
            )
    slides = plan([b for b in shown if b.type in SLIDE_TYPES])
    cta = cta_view(project, job)
    blocks.note(cta.id)
    template = env.jinja.get_template(TEMPLATE)
    view = post_view(project, job)
    hook = linkedin_of(post).hook
    documents = []
    for number, slide in enumerate(slides, 1):
        body = blocks.block(slide.block) if slide.block and slide.kind != "takeaways" else ""
        if slide.kind == "takeaways" and slide.block:
            blocks.note(slide.block)
        html = template.render(
            site=project.site,
            post=view,
            slide=slide,
            number=number,
            count=len(slides),
            body=Markup(body),
            hook=hook,
            cta=cta,
            title=project.blocks[slide.block].field("title") if slide.block else None,
        )
        documents.append((slide, html))
    return documents, tuple(blocks.used)


def render_carousel(job: Job, env: RenderEnvironment) -> Rendered:
    engine = carousel_engine(env, job.channel)
    slides, used = slide_html(job, env)
    laid_out = []
    for number, (slide, html) in enumerate(slides, 1):
        document = engine.layout(html)
        if len(document.pages) != 1:
            env.problems.error(
                f"the carousel of {job.named}: {slide.describe(number)} runs onto "
                f"{len(document.pages)} pages [carousel.one-page-per-slide]",
                job.post.path,
                job.post.line_of("carousel.slides", "carousel"),
                hint="shorten that block's text for this channel (variants: carousel: …), or "
                "show another block",
            )
        laid_out.append(document)
    data = engine.write(laid_out)
    facts = laid_out_facts(laid_out, data)
    report_rules(job, env, facts)
    kept = built_facts(facts, laid_out) if env.keep_facts else None
    return Rendered(data, used, engine.files, kept)


def laid_out_facts(documents: list[Any], data: bytes) -> CarouselFacts:
    """What the build's rules need, from the layout WeasyPrint has already made, instead of
    reading the PDF back (~24 ms a carousel, a sixth of its cost). These are exactly what
    ``check`` reads from the file: WeasyPrint writes each page at its CSS size (1 px = 0.75
    pt), the first slide's title and language, and draws each text box at its computed font
    size (the slides use no transforms). Whether fonts are embedded only the file can tell:
    that rule is ``check``'s (``checks.py``), as the one-pager's is."""
    from weasyprint.formatting_structure.boxes import TextBox

    pages = [page for document in documents for page in document.pages]
    smallest = 0.0
    for page in pages:
        scale = SLIDE_WIDTH_PX / page.width
        for box in page._page_box.descendants():
            if isinstance(box, TextBox) and box.text.strip():
                px = box.style["font_size"] * scale
                smallest = px if smallest == 0.0 else min(smallest, px)
    meta = documents[0].metadata if documents else None
    return CarouselFacts(
        pages=len(pages),
        sizes=tuple((round(p.width * PT_PER_PX, 2), round(p.height * PT_PER_PX, 2)) for p in pages),
        texts=(),
        smallest_px=round(smallest, 2),
        title=(meta.title or "") if meta else "",
        lang=(meta.lang or None) if meta else None,
        unembedded_fonts=(),
        size_bytes=len(data),
    )


def built_facts(laid_out: CarouselFacts, documents: list[Any]) -> CarouselFacts:
    """What ``check`` reads back from the file (:func:`read_carousel`), for its verdicts
    (check/seed.py): the layout's facts (the same as the file's, see :func:`laid_out_facts`)
    with each slide's words as the layout draws them, which are the words PDFium reads
    (channels/drawn.py). Every font is embedded: WeasyPrint embeds each font file (or draws a
    bitmap font as a Type 3 font in the file). Reading the file back whole cost ~24 ms a
    carousel, mostly pypdf parsing its structure and a Python loop over every character's
    size; its text alone, ~6 ms of PDFium loading its pages; the walk, under 1 ms.
    ``tests/test_carousel.py`` holds the two equal."""
    texts = tuple(drawn_words(page) for document in documents for page in document.pages)
    return replace(laid_out, texts=texts)


def block_text(env: RenderEnvironment, block_id: str) -> str:
    return html_block_text(env, "carousel", block_id)


def sources(project: Project, job: Job) -> tuple[str, ...]:
    """The slides' blocks with what they include, and the CTA of the closing slide."""
    settings = carousel_of(job.post)
    slides = closure(project, list(settings.slides if settings else ()), job.channel.name)
    return (*slides, effective_cta(project, job.post, job.campaign).id)
