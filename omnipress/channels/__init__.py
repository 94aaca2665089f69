"""The channels a post is published to: the registry, one line per channel package.

Everything after the registry (the build, ``check``, where-used, the preview, ``new post``)
loops over :func:`registered` and knows no channel by name. To add a channel, write
``channels/<name>/`` (its ``CHANNEL``, templates, read-back and rules) and add one line here.
"""

from omnipress.channels import blog, card, carousel, linkedin, pdf
from omnipress.channels.base import (
    Channel,
    ChannelError,
    Job,
    Rendered,
    RenderEnvironment,
    WarmRenderers,
    checked,
)
from omnipress.channels.output_rules import OutputRule
from omnipress.content.schema import tell_channels

CHANNELS: tuple[Channel, ...] = ()
OUTPUT_RULES: tuple[OutputRule, ...] = ()  # every channel's one-output rules, in its order


def install(channels: tuple[Channel, ...]) -> None:
    """Make ``channels`` the registry, refused if a channel has no read-back or no rules (see
    ``checked``), and tell the content layer, which is below the channels and cannot ask,
    their names (a block's ``variants``) and front-matter sections (``linkedin:``)."""
    global CHANNELS, OUTPUT_RULES
    CHANNELS = checked(channels)
    OUTPUT_RULES = tuple(rule for channel in CHANNELS for rule in channel.rules)
    sections = tuple(c.section for c in CHANNELS if c.section is not None)
    tell_channels(tuple(c.name for c in CHANNELS), sections)


install(
    (
        blog.CHANNEL,
        pdf.CHANNEL,
        linkedin.CHANNEL,
        carousel.CHANNEL,
        card.CHANNEL,
    )
)


def registered() -> tuple[Channel, ...]:
    """The channels, read at call time: what :func:`register` (or a test) added counts."""
    return CHANNELS


def register(channel: Channel) -> None:
    """Add a channel that lives outside this package (a plugin, a test's), checked like the
    others; registering a name twice is refused."""
    install((*CHANNELS, channel))


def by_name(name: str) -> Channel | None:
    """The channel a manifest record names; None for one no longer registered."""
    return next((channel for channel in CHANNELS if channel.name == name), None)


__all__ = [
    "CHANNELS",
    "OUTPUT_RULES",
    "Channel",
    "ChannelError",
    "Job",
    "RenderEnvironment",
    "Rendered",
    "WarmRenderers",
    "by_name",
    "install",
    "register",
    "registered",
]
