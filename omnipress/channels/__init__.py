"""The channels a post is published to. One row per channel; the build loops over this table
and knows no channel by name."""

from omnipress.channels import blog, linkedin, pdf
from omnipress.channels.base import Channel, Job, Rendered, RenderEnvironment, WarmRenderers

CHANNELS: tuple[Channel, ...] = (blog.CHANNEL, pdf.CHANNEL, linkedin.CHANNEL)

__all__ = ["CHANNELS", "Channel", "Job", "RenderEnvironment", "Rendered", "WarmRenderers"]
