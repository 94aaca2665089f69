"""The social card channel: ``blog/<slug>/card.png``, the post's og:image (1200 × 627 px),
laid out by WeasyPrint from ``templates/card/`` and rasterised by PDFium. One per post:
a campaign's variants link to the post's blog page, and so show the post's card."""

from omnipress.channels.base import Channel
from omnipress.channels.card.checks import check_card, unreadable
from omnipress.channels.card.readback import read_card
from omnipress.channels.card.render import (
    block_text,
    render_card,
    sources,
    start_engine,
)
from omnipress.channels.card.rules import RULES
from omnipress.channels.card.settings import SECTION

CHANNEL = Channel(
    name="card",
    label="Social card",
    subject="the social card of",
    path="blog/{slug}/card.png",
    media_type="image/png",
    utm_source="card",
    utm_medium="social",
    per_campaign=False,
    templates=("card/*", "marks/*"),
    render=render_card,
    read_back=read_card,
    rules=RULES,
    checks=check_card,
    block_text=block_text,
    section=SECTION,
    preview="preview/channels/card.html",
    start=start_engine,
    unreadable=unreadable,
    sources=sources,
)

__all__ = ["CHANNEL"]
