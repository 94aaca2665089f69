"""The PDF channel: ``pdf/<slug>.pdf``, a designed one-pager rendered by WeasyPrint.

WeasyPrint is the slow part of a build (its import alone costs most of a second), so it is
imported only here, only when a PDF is actually rendered, and one :class:`PdfEngine` per
process keeps the parsed stylesheet and the font configuration warm across posts.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omnipress.channels.base import Channel, Job, Rendered, RenderEnvironment, report_rules
from omnipress.channels.drawn import drawn_words
from omnipress.channels.htmlblocks import HtmlBlockRenderer, html_block_text
from omnipress.channels.pdf.glyphs import boxes_drawn, boxes_reported, warn_boxes
from omnipress.channels.pdf.onepager import MIN_FILL, most_that_fit, onepager_blocks
from omnipress.channels.pdf.readback import PdfFacts, read_pdf
from omnipress.channels.pdf.rules import PDF_ONE_PAGE
from omnipress.channels.pdf.settings import chosen_blocks
from omnipress.channels.views import cta_view, post_view
from omnipress.channels.weasyprint_engine import WarmWeasyPrint
from omnipress.content.model import Project
from omnipress.content.resolve import closure, effective_cta
from omnipress.errors import find_line

STYLESHEET = "pdf/onepager.css"
TEMPLATE = "pdf/onepager.html"
PX_TO_MM = 25.4 / 96
PDF_VARIANT = "pdf/ua-1"  # tagged, with language and title: readable by screen readers


def harfbuzz_subset_available() -> bool:
    """WeasyPrint falls back to fontTools without it: ~4× slower and not reproducible."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from weasyprint.text.ffi import harfbuzz_subset
    return harfbuzz_subset is not None


@dataclass(frozen=True)
class PdfResult:
    data: bytes
    pages: int
    overflow_mm: float
    refused: tuple[str, ...]
    files: tuple[Path, ...] = ()  # what WeasyPrint read: the stylesheet, images, fonts
    fill: float = 1.0  # how much of the first page's height the content uses, 0 to 1
    boxes: tuple[str, ...] = ()  # characters no font has, drawn as empty boxes


@dataclass(frozen=True)
class LaidOutFacts:
    """What ``check`` reads from a one-pager's page count and properties, known from the
    layout without reading the PDF back: WeasyPrint writes exactly these (Info's Title,
    Author = the authors joined, Subject = the description, Keywords joined; the catalog's
    Lang; structure tags for a PDF/UA variant)."""

    pages: int
    metadata: dict[str, str]
    lang: str | None
    tagged: bool

    @classmethod
    def of(cls, layout: Layout) -> LaidOutFacts:
        meta = layout.document.metadata
        return cls(
            pages=layout.pages,
            metadata={
                "title": meta.title or "",
                "author": ", ".join(meta.authors or ()),
                "subject": meta.description or "",
                "keywords": ", ".join(meta.keywords or ()),
            },
            lang=meta.lang or None,
            tagged=PDF_VARIANT.startswith("pdf/ua"),
        )


def pdf_date(w3c: str | None) -> str:
    """A W3C date (the page's ``dcterms.created``) as WeasyPrint writes it into the PDF's
    CreationDate ("D:20250202"; "": none)."""
    from weasyprint.pdf import _w3c_date_to_pdf

    return (_w3c_date_to_pdf(w3c, "created") or "") if w3c else ""


def built_facts(layout: Layout, result: PdfResult, laid_out: LaidOutFacts) -> PdfFacts:
    """What ``check`` reads back from ``result.data`` (:func:`read_pdf`), for its verdicts
    (check/seed.py), known from what WeasyPrint wrote the file from instead of reading it:
    parsing its structure again with pypdf costs ~8 ms of pure Python a one-pager, and
    PDFium's text ~6 ms, together ~10 % of a build.

    The text is the words the layout draws, in the order it draws them, as PDFium reads them
    (channels/drawn.py). The properties, language and tags come from WeasyPrint's metadata
    (:class:`LaidOutFacts`), the creation date as WeasyPrint writes it from that metadata;
    the link annotations from the layout's links, in page order (an external link becomes a
    URI action; no other kind is expected here, so any other is read from the file); every
    font is embedded (WeasyPrint embeds each font file, or draws a bitmap font as a Type 3
    font in the file); no empty boxes when it reported none while drawing (it writes the CMap
    that maps characters to ``.notdef`` only for the ones it reported). A one-pager with empty
    boxes, a link of another kind, or boxes that could not be heard is read back whole.
    ``tests/test_agree.py`` holds the two equal."""
    links: list[str] = []
    for page in layout.document.pages:
        for kind, target, _rectangle, _box in page.links:
            if kind != "external":
                return read_pdf(result.data)
            links.append(target)
    if result.boxes or not boxes_reported():
        return read_pdf(result.data)
    return PdfFacts(
        pages=layout.pages,
        text=" ".join(filter(None, (drawn_words(page) for page in layout.document.pages))),
        metadata={**laid_out.metadata, "creation_date": pdf_date(layout.document.metadata.created)},
        links=tuple(links),
        other_annotations=0,
        lang=laid_out.lang,
        tagged=laid_out.tagged,
        unembedded_fonts=(),
    )


@dataclass(frozen=True)
class Layout:
    """One one-pager laid out but not yet written: enough to count its pages and measure it,
    so choosing what fits costs layouts only, and the chosen one is written once."""

    html: str
    document: Any  # weasyprint.Document
    refused: tuple[str, ...]
    files: tuple[Path, ...]
    boxes: tuple[str, ...] = ()  # characters WeasyPrint reported as empty boxes while laying out

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    @property
    def fill(self) -> float:
        """The share of the first page's content area, top to bottom, that the content uses
        (the running footer sits in the page margin and does not count)."""
        page = self.document.pages[0]._page_box
        root = page.children[0]
        used = root.position_y + root.margin_height() - page.content_box_y()
        return float(max(0.0, min(1.0, used / page.height)))


class PdfEngine(WarmWeasyPrint):
    """One warm WeasyPrint: a font configuration, the parsed one-pager stylesheet, a fetcher."""

    def __init__(self, content_root: Path, templates: Path):
        super().__init__(content_root, templates, STYLESHEET)
        self.harfbuzz = harfbuzz_subset_available()
        self.harfbuzz_warned = False  # said once per process, by the first PDF rendered

    def layout(self, html: str) -> Layout:
        self.fetcher.refused[:] = self.stylesheet_refused
        self.fetcher.fetched.clear()
        with boxes_drawn() as boxes:
            document = self.lay_out(html, PDF_VARIANT)
        files = (*self.stylesheet_files, *self.fetcher.fetched)
        return Layout(html, document, tuple(self.fetcher.refused), files, tuple(boxes))

    def write(self, layout: Layout) -> PdfResult:
        document = layout.document
        first = document.pages[0]
        overflow = (
            self.overflow_mm(layout.html, first.width, first._page_box.height)
            if layout.pages > 1
            else 0.0
        )
        with boxes_drawn() as drawn:  # WeasyPrint reports empty boxes as it draws them
            data = document.write_pdf(pdf_variant=PDF_VARIANT)
        boxes = tuple(dict.fromkeys([*layout.boxes, *drawn]))
        return PdfResult(data, layout.pages, overflow, layout.refused, layout.files, layout.fill,
                         boxes)  # fmt: skip

    def render(self, html: str) -> PdfResult:
        return self.write(self.layout(html))

    def overflow_mm(self, html: str, width: float, available: float) -> float:
        """How far the content runs past the first page, measured on one endless page as wide
        as the real one (``!important``: the page's own size is set in the document)."""
        endless = self.weasyprint.CSS(
            string=f"@page {{ size: {width}px 5000mm !important; }}", font_config=self.font_config
        )
        document = self.weasyprint.HTML(
            string=html, base_url=str(self.content_root) + "/", url_fetcher=self.fetcher
        ).render(font_config=self.font_config, stylesheets=[self.stylesheet, endless])
        page = document.pages[0]
        root = page._page_box.children[0]
        used = root.position_y + root.margin_height() - page._page_box.content_box_y()
        return max(0.0, (used - available) * PX_TO_MM)


def render_onepager_html(
    job: Job, env: RenderEnvironment, block_ids: tuple[str, ...] | None = None
) -> tuple[str, tuple[str, ...]]:
    """The one-pager as HTML, before WeasyPrint: also what tests and `check` can read.
    ``block_ids``: the blocks to show; by default all the post's (before any are left out
    to fit the page)."""
    project = env.project
    if block_ids is None:
        block_ids = onepager_blocks(project, job.post)[0]
    blocks = HtmlBlockRenderer(env, "pdf", lambda path: path if path in project.assets else None)
    shown = [blocks.block(block_id) for block_id in block_ids]
    cta = cta_view(project, job)
    blocks.note(cta.id)
    cta_text = blocks.markdown(cta.text, project.blocks[cta.id]) if cta.text else ""
    boilerplate = blocks.block(project.site.boilerplate) if project.site.boilerplate else None
    html = env.jinja.get_template(TEMPLATE).render(
        site=project.site,
        post=post_view(project, job),
        blocks=shown,
        cta=cta,
        cta_text=cta_text,
        boilerplate=boilerplate,
        logo=project.site.logo,
    )
    return html, tuple(blocks.used)


def lay_out_onepager(job: Job, env: RenderEnvironment) -> tuple[Layout, tuple[str, ...]]:
    """The one-pager laid out, and the blocks it uses. The post's own ``pdf.blocks`` are laid
    out as they are; the default blocks lose blocks from the end until the page is one.
    Each try is rendered afresh, so a block left out is not among the blocks the manifest
    says the PDF shows (and `check` does not look for it)."""
    block_ids, chosen_by_post = onepager_blocks(env.project, job.post)
    tries: dict[int, tuple[Layout, tuple[str, ...]]] = {}

    def attempt(count: int) -> tuple[Layout, tuple[str, ...]]:
        if count not in tries:
            html, used = render_onepager_html(job, env, block_ids[:count])
            tries[count] = pdf_engine(env, job.channel).layout(html), used
        return tries[count]

    count = len(block_ids)
    if not chosen_by_post and count and attempt(count)[0].pages > 1:
        count = most_that_fit(count, lambda n: attempt(n)[0].pages == 1)
    return attempt(count)


def render_pdf(job: Job, env: RenderEnvironment) -> Rendered:
    layout, used = lay_out_onepager(job, env)
    engine = pdf_engine(env, job.channel)
    warn_if_fonts_are_subset_slowly(env, engine)
    result = engine.write(layout)
    post = job.post
    laid_out = LaidOutFacts.of(layout)
    report_rules(
        job,
        env,
        laid_out,
        {PDF_ONE_PAGE: f" (about {result.overflow_mm:.0f} mm too long)"},
    )
    if result.pages == 1 and result.fill < MIN_FILL:
        env.problems.warning(  # rounded, so a post's campaign variants say it once
            f"the one-pager of {post.slug!r} is less than half full: its content ends "
            f"about {round(result.fill * 20) * 5}% of the way down the page",
            post.path,
            post.line_of("pdf.blocks", "pdf"),
            hint=(
                "add blocks to pdf.blocks"
                if chosen_blocks(post)
                else "list the blocks it should show in pdf.blocks (any blocks, not only those "
                "the article includes)"
            ),
        )
    for url in result.refused:
        template = written_in(env.templates, url)
        env.problems.warning(
            f"the one-pager of {post.slug!r} refers to {url}, which was not loaded"
            if template is None
            else f"the one-pager's design refers to {url}, which was not loaded",
            template or post.path,
            find_line(template, url) if template else None,
            hint="use files inside the project; the build never downloads anything",
        )
    if result.boxes:
        warn_boxes(env.problems, f"{job.channel.subject} {job.named}", env.project, post, used,
                   result.boxes, env.templates / TEMPLATE)  # fmt: skip
    facts = built_facts(layout, result, laid_out) if env.keep_facts else None
    return Rendered(result.data, used, result.files, facts)


def written_in(templates: Path, url: str) -> Path | None:
    """The template file that names ``url``, so a remote font in the stylesheet is reported
    once, against the stylesheet, instead of against every post."""
    for path in sorted(templates.rglob("*")):
        try:
            if path.is_file() and url in path.read_text(encoding="utf-8", errors="ignore"):
                return path
        except OSError:
            continue
    return None


def warn_if_fonts_are_subset_slowly(env: RenderEnvironment, engine: PdfEngine) -> None:
    """Once per process that renders PDFs: say what a missing HarfBuzz subsetter costs."""
    if engine.harfbuzz or engine.harfbuzz_warned:
        return
    engine.harfbuzz_warned = True
    env.notices.warning(
        "HarfBuzz font subsetting (libharfbuzz-subset0) is not installed, so WeasyPrint "
        "subsets fonts with fontTools: PDFs take about 4× longer to render, and are "
        "reproducible only because the build sets SOURCE_DATE_EPOCH",
        hint="install it with `sudo apt-get install libharfbuzz-subset0` (or run `make setup`)",
    )


def start_engine(env: RenderEnvironment) -> PdfEngine:
    """The channel's ``start`` hook: one warm WeasyPrint per process, on the first PDF."""
    return PdfEngine(env.project.root, env.templates)


def pdf_engine(env: RenderEnvironment, channel: Channel) -> PdfEngine:
    """The one-pager's engine, as its own type (the environment keeps engines opaque)."""
    engine = env.engine(channel)
    assert isinstance(engine, PdfEngine), f"channel {channel.name!r} started another engine"
    return engine


def block_text(env: RenderEnvironment, block_id: str) -> str:
    return html_block_text(env, "pdf", block_id)


def onepager_html_as_built(
    job: Job, env: RenderEnvironment, built_with: set[str]
) -> tuple[str, Path]:
    """The one-pager's HTML with the blocks the build showed, and its stylesheet. A post
    without ``pdf.blocks`` shows as many of its default blocks as fit, which only a layout
    can tell; rather than lay it out again, its prefixes, longest first, are rendered (Jinja
    only) until one uses exactly the blocks the manifest recorded."""
    stylesheet = env.templates / STYLESHEET
    block_ids, chosen_by_post = onepager_blocks(env.project, job.post)
    if not chosen_by_post:
        for count in range(len(block_ids), -1, -1):
            html, used = render_onepager_html(job, env, block_ids[:count])
            if set(used) == built_with:
                return html, stylesheet
    return render_onepager_html(job, env, block_ids)[0], stylesheet


def sources(project: Project, job: Job) -> tuple[str, ...]:
    """What the one-pager may show (all its default blocks: which fit is known only once it
    is laid out), its CTA and boilerplate with what they include, and the author's byline."""
    roots = [
        *onepager_blocks(project, job.post)[0],
        effective_cta(project, job.post, job.campaign).id,
    ]
    if project.site.boilerplate:
        roots.append(project.site.boilerplate)
    return (*closure(project, roots, job.channel.name), job.post.author)
