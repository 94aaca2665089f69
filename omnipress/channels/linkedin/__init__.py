"""The LinkedIn channel: ``linkedin/<slug>.txt``, plain UTF-8 text ready to paste."""

from omnipress.channels.base import Channel
from omnipress.channels.linkedin.checks import check_linkedin
from omnipress.channels.linkedin.preview import linkedin_card
from omnipress.channels.linkedin.readback import read_linkedin
from omnipress.channels.linkedin.render import (
    block_text,
    render_linkedin,
    sources,
)
from omnipress.channels.linkedin.rules import RULES
from omnipress.channels.linkedin.settings import SECTION

CHANNEL = Channel(
    name="linkedin",
    label="LinkedIn text",
    subject="LinkedIn post",
    path="linkedin/{slug}.txt",
    media_type="text/plain; charset=utf-8",
    utm_source="linkedin",
    utm_medium="social",
    per_campaign=True,
    templates=("linkedin/*",),
    render=render_linkedin,
    read_back=read_linkedin,
    rules=RULES,
    checks=check_linkedin,
    block_text=block_text,
    section=SECTION,
    preview="preview/channels/linkedin.html",
    preview_card=linkedin_card,
    sources=sources,
)

__all__ = ["CHANNEL"]
