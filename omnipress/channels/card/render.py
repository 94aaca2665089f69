"""The social card: ``blog/<slug>/card.png``, the post's og:image, 1200 × 627 px.

Laid out by ``templates/card/`` with WeasyPrint (the same engine and fonts as the one-pager,
so the brand looks the same), written as a one-page PDF, then rasterised by PDFium
(pypdfium2): WeasyPrint (≥ 53) writes no PNG itself, pypdfium2 is already a dependency (the
one-pager's read-back) and a wheel, where poppler's ``pdftoppm`` is a system package and a
subprocess per card. The PNG is written by Pillow (WeasyPrint's own dependency) with no time
or software stamp, so the same content makes the same bytes.

The PDF's text layer (what WeasyPrint laid out, extracted by PDFium) travels inside the PNG
as an ``iTXt`` chunk: ``check`` reads the card's words from the document it was rasterised
from, and, re-rendering the card, that the pixels are the ones that document makes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from omnipress.channels.base import Channel, Job, Rendered, RenderEnvironment, report_rules
from omnipress.channels.card.readback import TEXT_KEY, read_card
from omnipress.channels.card.settings import card_of
from omnipress.channels.views import is_draft
from omnipress.content.model import Block, Project

TEMPLATE = "card/card.html"
STYLESHEET = "card/card.css"
TITLE_SIZES = (72, 64, 56, 48, 42)  # px, largest first: the first at which the card fits
PX_PER_PT = 96 / 72
TITLE_GAP = 24  # px kept between the title and the stat


@dataclass(frozen=True)
class StatView:
    value: str
    label: str
    source: str


class CardEngine:
    """A warm WeasyPrint for cards: its own stylesheet, the one-pager's fonts and fetcher."""

    def __init__(self, env: RenderEnvironment):
        from omnipress.channels.pdf.render import PdfEngine

        self.pdf = PdfEngine(env.project.root, env.templates)
        self.stylesheet = self.pdf.weasyprint.CSS(
            filename=str(env.templates / STYLESHEET),
            font_config=self.pdf.font_config,
            url_fetcher=self.pdf.fetcher,
        )

    def layout(self, html: str, root: str) -> Any:
        self.pdf.fetcher.fetched.clear()  # what this layout reads (the logo): the cache's
        return self.pdf.weasyprint.HTML(
            string=html, base_url=root + "/", url_fetcher=self.pdf.fetcher
        ).render(font_config=self.pdf.font_config, stylesheets=[self.stylesheet])


def start_engine(env: RenderEnvironment) -> CardEngine:
    return CardEngine(env)


def card_engine(env: RenderEnvironment, channel: Channel) -> CardEngine:
    engine = env.engine(channel)
    assert isinstance(engine, CardEngine), f"channel {channel.name!r} started another engine"
    return engine


def stat_block(env: RenderEnvironment, job: Job) -> Block | None:
    """The stat the post names in ``card.stat`` (None for another type of block, which
    :func:`report_stat_type` reports once per card)."""
    ids = card_of(job.post).stat
    block = env.project.blocks[ids[0]] if ids else None
    return block if block is not None and block.type == "stat" else None


def report_stat_type(env: RenderEnvironment, job: Job) -> None:
    ids = card_of(job.post).stat
    block = env.project.blocks[ids[0]] if ids else None
    if block is not None and block.type != "stat":
        env.problems.error(
            f"the social card of {job.post.slug!r}: card.stat names {block.id!r}, "
            f"a {block.type} block, not a stat",
            job.post.path,
            job.post.line_of("card.stat", "card"),
            hint="name a stat block (type: stat) or remove card.stat",
        )


def card_html(job: Job, env: RenderEnvironment, title_px: int) -> tuple[str, tuple[str, ...]]:
    """The card as HTML at one title size, and the blocks it shows."""
    project = env.project
    block = stat_block(env, job)
    stat = (
        StatView(block.field("value"), block.field("label"), block.field("source"))
        if block is not None
        else None
    )
    html = env.jinja.get_template(TEMPLATE).render(
        site=project.site,
        title=job.post.title,
        stat=stat,
        logo=project.site.logo,
        title_px=title_px,
        draft=is_draft(job),
    )
    return html, (block.id,) if block is not None else ()


def overflow_px(document: Any) -> float:
    """How far the title runs into the stat below it (or past the card's padding), measured
    on the layout, so nothing on the card is ever clipped or drawn over."""
    if len(document.pages) > 1:
        return float("inf")
    page = document.pages[0]._page_box
    card, title, stat = (_box(page, name) for name in ("card", "card-title", "card-stat"))
    if card is None or title is None:
        return 0.0
    bottom = title.position_y + title.margin_height()
    limit = stat.position_y - TITLE_GAP if stat is not None else card.content_box_y() + card.height
    return float(bottom - limit)


def _box(box: Any, name: str) -> Any:
    """The first box, depth first, of the element with class ``name``."""
    for child in getattr(box, "children", ()):
        element = getattr(child, "element", None)
        if element is not None and name in (element.get("class") or "").split():
            return child
        found = _box(child, name)
        if found is not None:
            return found
    return None


def rasterise(pdf: bytes) -> bytes:
    """The PDF's one page as a PNG, one pixel per CSS px, with its text (the card's words as
    PDFium extracts them from the page it draws: opened and loaded once for both). Never
    cropped nor scaled to size: a template that changed the page size shows as a card.size
    error."""
    import pypdfium2
    from PIL import PngImagePlugin

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        text = " ".join(str(page.get_textpage().get_text_bounded()).split())
        bitmap = page.render(scale=PX_PER_PT, may_draw_forms=False)
        # PDFium draws BGR, so Pillow decodes it into an RGB image of its own (a copy, safe
        # after the document closes): converting it to RGB again was a second 2 MB copy
        image = bitmap.to_pil()
    finally:
        document.close()
    info = PngImagePlugin.PngInfo()
    info.add_itxt(TEXT_KEY, text, zip=True)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)  # optimize=True: 3% smaller, 3.5x slower
    return out.getvalue()


@dataclass(frozen=True)
class Fitted:
    """The card laid out at the largest title size that fits (None: none fits)."""

    size: int | None
    document: Any  # weasyprint.Document, at the last size tried
    blocks: tuple[str, ...]


def fit_title(job: Job, env: RenderEnvironment) -> Fitted:
    """Lay the card out at each title size, largest first, until the title ends above the
    stat: the title is shrunk and wrapped, never cut."""
    engine = card_engine(env, job.channel)
    document, used = None, tuple[str, ...]()
    for size in TITLE_SIZES:
        html, used = card_html(job, env, size)
        document = engine.layout(html, str(env.project.root))
        if overflow_px(document) <= 0.5:
            return Fitted(size, document, used)
    return Fitted(None, document, used)


def render_card(job: Job, env: RenderEnvironment) -> Rendered:
    report_stat_type(env, job)
    fitted = fit_title(job, env)
    if fitted.size is None:
        env.problems.error(
            f"the social card of {job.post.slug!r}: the title does not fit on the card even "
            f"at {TITLE_SIZES[-1]} px ({len(job.post.title)} characters)",
            job.post.path,
            job.post.line_of("title"),
            hint="shorten the title (about 230 characters fit above a stat, 350 without one), "
            "or remove card.stat to give the title the whole card",
        )
    pdf = fitted.document.write_pdf()
    data = rasterise(pdf)
    facts = read_card(data)
    report_rules(job, env, facts)
    files = (env.templates / STYLESHEET, *card_engine(env, job.channel).pdf.fetcher.fetched)
    return Rendered(data, fitted.blocks, tuple(dict.fromkeys(files)), facts)


def block_text(env: RenderEnvironment, block_id: str) -> str:
    """A stat as the card prints it: its value and label."""
    block = env.project.blocks[block_id]
    if block.type != "stat":
        return ""
    return f"{block.field('value')} {block.field('label')}"


def sources(project: Project, job: Job) -> tuple[str, ...]:
    """The stat the card shows, if the post names one."""
    return card_of(job.post).stat
