"""The social card read back: its size from the PNG's header, its words from the text of
the document it was rasterised from (kept in an ``iTXt`` chunk by the build).

Parsed by hand (the PNG chunk layout is four fields), so ``check`` needs no image library
to judge a card, and a file that is not a PNG is a fact, not an exception.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEXT_KEY = "omnipress:text"  # the iTXt keyword: the card's words, as laid out


@dataclass(frozen=True)
class CardFacts:
    """What a card says about itself: its pixel size, its bytes, its words."""

    width: int
    height: int
    size: int  # bytes
    text: str
    error: str | None = None


def read_card(data: bytes) -> CardFacts:
    if not data.startswith(SIGNATURE):
        return CardFacts(0, 0, len(data), "", "not a PNG image (its first bytes are not PNG's)")
    width = height = 0
    text = ""
    offset = len(SIGNATURE)
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        if len(body) < length:
            return CardFacts(width, height, len(data), text, "the PNG is cut short")
        if kind == b"IHDR" and length >= 8:
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"iTXt":
            text = _itxt(body, text)
        elif kind == b"IEND":
            break
        offset += 12 + length
    if not width:
        return CardFacts(0, 0, len(data), text, "the PNG has no header (IHDR)")
    return CardFacts(width, height, len(data), text)


def _itxt(body: bytes, found: str) -> str:
    """The card's text if this is its chunk: keyword, flag, method, language, keyword again."""
    keyword, _, rest = body.partition(b"\0")
    if keyword.decode("latin-1") != TEXT_KEY or len(rest) < 2:
        return found
    compressed, rest = rest[0], rest[2:]
    _language, _, rest = rest.partition(b"\0")
    _translated, _, value = rest.partition(b"\0")
    try:
        return (zlib.decompress(value) if compressed else value).decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        return found
