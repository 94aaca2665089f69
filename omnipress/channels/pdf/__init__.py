"""The pdf channel, one package: its declaration is the CHANNEL of its renderer."""

from omnipress.channels.pdf.render import CHANNEL

__all__ = ["CHANNEL"]
