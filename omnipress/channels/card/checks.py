"""The social card's rules, read from what the card can prove: its words are the text layer
of the document it was rasterised from (the PNG's ``iTXt`` chunk), and ``check`` renders the
card again and compares the PNG byte for byte, so those words are the pixels' words.

A check of pixels alone could not prove the title is legible (contrast, a logo drawn over
it) or that the text chunk was not forged together with the pixels; the README says so."""

from __future__ import annotations

from typing import Any

from omnipress.channels.card.readback import CardFacts
from omnipress.channels.checking import OutputFile as OutputRecord
from omnipress.channels.checking import PostChecker as PostCheck
from omnipress.channels.checking import clip
from omnipress.channels.readback import contains, words
from omnipress.channels.rules import REBUILD
from omnipress.errors import Finding


def unreadable(facts: Any) -> Finding | None:
    card: CardFacts = facts
    if not card.error:
        return None
    return Finding("card.readable", f"the card cannot be read: {card.error}", REBUILD)


def check_card(pc: PostCheck, record: OutputRecord, facts: Any) -> None:
    """The card's words against the post: its title, its stat and the brand."""
    card: CardFacts = facts
    ref = pc.ref
    if not contains(card.text, ref.title):
        pc.add(
            record,
            "card.title",
            "the title is not on the card (the text of the document it was drawn from)",
            expected=ref.title,
            found=clip(words(card.text), 120) or "missing",
            hint=REBUILD,
        )
    if pc.checks_content(record):
        for block_id in record.blocks:
            block = pc.project.blocks.get(block_id)
            if block is not None:
                pc.check_text_block(record, card.text, block)
        pc.check_figures(record, card.text)
