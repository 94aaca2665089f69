"""The PDF channel: ``pdf/<slug>.pdf``, a designed one-pager rendered by WeasyPrint, which
this package alone starts (its ``start`` hook) and keeps warm."""

from omnipress.channels.base import Channel
from omnipress.channels.pdf.checks import check_pdf, unreadable
from omnipress.channels.pdf.onepager import listed_blocks
from omnipress.channels.pdf.readback import read_pdf
from omnipress.channels.pdf.render import (
    block_text,
    onepager_html_as_built,
    render_pdf,
    sources,
    start_engine,
)
from omnipress.channels.pdf.rules import RULES
from omnipress.channels.pdf.settings import SECTION

CHANNEL = Channel(
    name="pdf",
    label="PDF one-pager",
    subject="the one-pager of",
    path="pdf/{slug}.pdf",
    media_type="application/pdf",
    utm_source="onepager",
    utm_medium="pdf",
    per_campaign=True,
    templates=("pdf/*", "blocks/*.html", "marks/*"),
    render=render_pdf,
    read_back=read_pdf,
    rules=RULES,
    checks=check_pdf,
    block_text=block_text,
    section=SECTION,
    preview="preview/channels/pdf.html",
    start=start_engine,
    laid_out_from=onepager_html_as_built,
    unreadable=unreadable,
    listed_blocks=listed_blocks,
    sources=sources,
)

__all__ = ["CHANNEL"]
