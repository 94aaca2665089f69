"""What a name may be: a post's slug, a block's id, a campaign's name, and so the file name of
each, since the file name is the name unless the front matter gives another. A name becomes an
output file name and part of a URL, and is printed into CSS class names.

A name with a capital, a space or an accent would build, then read back wrong (a URL
percent-encodes what a file name keeps as it is); a line break or a zero-width space hides in a
listing. So every name is held to one grammar where it is read, and a refusal suggests a name.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from omnipress.content.links import Refusal
from omnipress.errors import Problems

MAX_ID_LENGTH = 80  # an id is a file name and part of a URL; file systems stop at 255 bytes
# \A and \Z, not ^ and $: '$' also matches before a final newline, so "x\n" was an id (and
# then a file name). Anchored both ways, .match() and .fullmatch() agree.
ID_PATTERN = re.compile(rf"\A[a-z0-9][a-z0-9-]{{0,{MAX_ID_LENGTH - 1}}}\Z")
ID_RULE = f"lowercase letters, digits and dashes, at most {MAX_ID_LENGTH} characters"


def is_id(value: object) -> bool:
    """Lowercase letters, digits and dashes: safe as a file name, in a URL and in CSS."""
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def id_problem(value: str) -> Refusal | None:
    """Why ``value`` is not an id, with one to write instead, or None."""
    if is_id(value):
        return None
    return f"must be an id ({ID_RULE})", f"for example {suggest_id(value, 'my-name')!r}"


NOT_ID = re.compile(r"[^a-z0-9]+")


def suggest_id(text: str, fallback: str) -> str:
    """``text`` as an id: accents dropped, lowercase, every run of other characters one dash
    ("Café_Über" → "cafe-uber"); ``fallback`` when nothing is left of it."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = NOT_ID.sub("-", plain.lower()).strip("-")
    return words[:MAX_ID_LENGTH].rstrip("-") or fallback


def check_file_name(path: Path, kind: str, problems: Problems) -> bool:
    """False, after saying so with a better name, when ``path``'s name is not an id."""
    if is_id(path.stem):
        return True
    better = suggest_id(path.stem, f"my-{kind}") + path.suffix
    problems.error(
        f"{kind} file name {path.name!r} cannot be used: a {kind}'s file name is its "
        f"name in addresses and output files, so it must be {ID_RULE}",
        path,
        hint=f"rename the file to {better}",
    )
    return False
