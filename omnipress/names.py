"""Content file names: a post's, a block's and a campaign's file name is its slug, id or name,
so it becomes an output file name and part of a URL.

A name with a capital, a space or an accent would build, then read back wrong (a URL
percent-encodes what a file name keeps as it is); a line break or a zero-width space hides in a
listing. So a file name is held to the id grammar where it is read, and a refusal suggests one.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from omnipress.errors import Problems
from omnipress.schema import ID_RULE, MAX_ID_LENGTH, is_id

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
