"""The blog channel: one static HTML page per post, ``blog/<slug>/index.html``. Its page is
the reference the other channels are held to once the content has changed."""

from omnipress.channels.base import Channel
from omnipress.channels.blog.checks import check_blog
from omnipress.channels.blog.readback import read_blog
from omnipress.channels.blog.render import (
    block_text,
    render_blog,
    sources,
)
from omnipress.channels.blog.rules import RULES

CHANNEL = Channel(
    name="blog",
    label="Blog post",
    subject="the blog page of",
    path="blog/{slug}/index.html",
    media_type="text/html",
    utm_source="blog",
    utm_medium="cta",
    per_campaign=False,
    templates=("blog/*", "blocks/*.html"),
    render=render_blog,
    read_back=read_blog,
    rules=RULES,
    checks=check_blog,
    block_text=block_text,
    preview="preview/channels/blog.html",
    reference=True,
    sources=sources,
)

__all__ = ["CHANNEL"]
