"""The blog channel, one package: its declaration is the CHANNEL of its renderer."""

from omnipress.channels.blog.render import CHANNEL

__all__ = ["CHANNEL"]
