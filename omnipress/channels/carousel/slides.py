"""Which slides a post's carousel has, as data: the cover, the summary, one slide per block of
``carousel.slides`` (a takeaways block spread over as many as its items need), the CTA.

Each slide is laid out on its own (see :mod:`render`), so a slide whose text does not fit is
named with its block rather than spilling onto a silent extra page."""

from __future__ import annotations

from dataclasses import dataclass

from omnipress.content.model import Block

SLIDE_TYPES = ("stat", "definition", "quote", "takeaways")  # the block types a slide shows
TAKEAWAYS_PER_SLIDE = 3  # items a phone reader takes in at one swipe


@dataclass(frozen=True)
class Slide:
    """One slide: its kind (``cover``, ``summary``, a block type, ``cta``), the block it
    shows if any, and for a takeaways block the items on this slide."""

    kind: str
    block: str | None = None
    items: tuple[str, ...] = ()
    part: int = 1  # a takeaways block spread over several slides: which one this is
    parts: int = 1

    def describe(self, number: int) -> str:
        """How a problem names the slide: 'slide 3 (stat block 'stat-x')'."""
        if self.block is None:
            return f"slide {number} (the {self.kind} slide)"
        part = f", part {self.part} of {self.parts}" if self.parts > 1 else ""
        return f"slide {number} ({self.kind} block {self.block!r}{part})"


def block_slides(block: Block) -> list[Slide]:
    """The slides one block takes: one, or for takeaways one per few items."""
    if block.type != "takeaways":
        return [Slide(block.type, block.id)]
    items = tuple(str(item) for item in block.field("items") or ())
    count = max(1, -(-len(items) // TAKEAWAYS_PER_SLIDE))
    size = max(1, -(-len(items) // count))  # balanced: 4 items are 2 + 2, not 3 + 1
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [()]
    return [
        Slide("takeaways", block.id, chunk, number, len(chunks))
        for number, chunk in enumerate(chunks, 1)
    ]


def plan(blocks: list[Block]) -> list[Slide]:
    """Every slide of a carousel, in order."""
    middle = [slide for block in blocks for slide in block_slides(block)]
    return [Slide("cover"), Slide("summary"), *middle, Slide("cta")]
