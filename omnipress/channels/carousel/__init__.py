"""The carousel channel: ``linkedin/<slug>.carousel.pdf``, a LinkedIn document post (a PDF the
feed shows as swipeable 1080 × 1350 px slides), for the posts that declare ``carousel:``."""

from omnipress.channels.base import Channel
from omnipress.channels.carousel.checks import check_carousel, unreadable
from omnipress.channels.carousel.preview import carousel_card
from omnipress.channels.carousel.readback import read_carousel
from omnipress.channels.carousel.render import (
    block_text,
    render_carousel,
    sources,
    start_engine,
)
from omnipress.channels.carousel.rules import RULES
from omnipress.channels.carousel.settings import SECTION, has_carousel

CHANNEL = Channel(
    name="carousel",
    label="LinkedIn carousel",
    subject="the carousel of",
    path="linkedin/{slug}.carousel.pdf",
    media_type="application/pdf",
    utm_source="linkedin",
    utm_medium="document",
    per_campaign=True,
    templates=("carousel/*", "blocks/*.html", "marks/*"),
    render=render_carousel,
    read_back=read_carousel,
    rules=RULES,
    checks=check_carousel,
    block_text=block_text,
    section=SECTION,
    preview="preview/channels/carousel.html",
    preview_file=carousel_card,
    start=start_engine,
    unreadable=unreadable,
    applies=has_carousel,
    sources=sources,
)

__all__ = ["CHANNEL"]
