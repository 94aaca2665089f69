"""The LinkedIn text read back: its words as its rules judge them, and what was wrong with
its bytes (not UTF-8), which no other rule can judge past."""

from __future__ import annotations


def read_text(data: bytes) -> tuple[str, str | None]:
    """A LinkedIn text file: its text, and why it is not valid UTF-8 if it is not."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", errors="replace"), f"not UTF-8 at byte {exc.start}"


class Text(str):
    """The text read back, as its rules judge it (a ``str``), and what was wrong with its
    bytes, if anything (not UTF-8, a byte-order mark)."""

    problem: str | None = None


def read_linkedin(data: bytes) -> Text:
    decoded, problem = read_text(data)
    text = Text(decoded)
    text.problem = problem
    return text
