"""The social card's one-output rules, on its facts (the PNG read back, in the build and in
``check`` alike)."""

from __future__ import annotations

from typing import Any

from omnipress.channels.output_rules import Expect, OutputRule
from omnipress.channels.rules import REBUILD
from omnipress.channels.views import CARD_HEIGHT, CARD_WIDTH
from omnipress.errors import Finding, Severity

NAME = "card"
CARD_SIZE = "card.size"
CARD_BYTES = "card.bytes"
MAX_BYTES = 5 * 1024 * 1024  # LinkedIn's and X's limit for a link image


def card_size(card: Any, expect: Expect) -> list[Finding]:
    if (card.width, card.height) == (CARD_WIDTH, CARD_HEIGHT):
        return []
    return [
        Finding(
            CARD_SIZE,
            f"the card is {card.width} × {card.height} px, not {CARD_WIDTH} × {CARD_HEIGHT}",
            "the card template must keep the page size it is given; " + REBUILD,
            expected=f"{CARD_WIDTH} × {CARD_HEIGHT}",
            found=f"{card.width} × {card.height}",
        )
    ]


def card_bytes(card: Any, expect: Expect) -> list[Finding]:
    if card.size < MAX_BYTES:
        return []
    return [
        Finding(
            CARD_BYTES,
            f"the card is {card.size / 1024 / 1024:.1f} MB; link previews take under 5 MB",
            "use a smaller logo image or fewer photographic backgrounds in templates/card/",
            expected="< 5 MB",
            found=f"{card.size} bytes",
        )
    ]


CARD_PNG = "the PNG read back: its header (IHDR) and its length"

RULES: tuple[OutputRule, ...] = (
    OutputRule(CARD_SIZE, NAME, Severity.ERROR, None, CARD_PNG, card_size),
    OutputRule(CARD_BYTES, NAME, Severity.ERROR, None, CARD_PNG, card_bytes),
)
