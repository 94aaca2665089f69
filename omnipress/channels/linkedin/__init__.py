"""The linkedin channel, one package: its declaration is the CHANNEL of its renderer."""

from omnipress.channels.linkedin.render import CHANNEL

__all__ = ["CHANNEL"]
