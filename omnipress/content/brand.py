"""The values of site.yaml that are printed into CSS: brand colours (names and values), font
families and the one-pager's page size.

A template can escape HTML, but nothing escapes CSS: a colour *name* that closes the ``:root``
rule can add rules of its own, and one ``url(…)`` makes every reader's browser fetch a stranger's
address. So each value is held, where it is read, to a grammar that cannot close a rule, start a
string or name a URL: a name is an identifier, a colour a hex colour, a font a plain family
name, a page size one of a few keywords.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from omnipress.content.model import Brand
from omnipress.content.schema import FieldSpec, validate_fields
from omnipress.errors import Problems

DEFAULT_COLORS = {
    "primary": "#0B3C5D",
    "accent": "#1FA39A",
    "text": "#1C2430",
    "muted": "#5B6675",
    "background": "#FFFFFF",
    "tint": "#EEF6F6",
}
DEFAULT_FONTS = {"heading": "Inter", "body": "Inter"}

COLOR_NAME = re.compile(r"\A[a-z][a-z0-9-]{0,39}\Z")  # becomes the CSS variable --color-NAME
COLOR = re.compile(r"\A#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?\Z")
# printed inside "…": words of letters, digits, '.', '_', '-', one space apart, 64 at most
FONT_NAME = re.compile(r"\A(?=.{1,64}\Z)[A-Za-z0-9._-]+(?: [A-Za-z0-9._-]+)*\Z")

PAGE_SIZES = {"A4": "a4", "A5": "a5", "A3": "a3", "Letter": "letter", "Legal": "legal"}
"""The one-pager's page sizes, as people write them (any case) → the CSS ``size`` keyword."""
DEFAULT_PAGE_SIZE = "A4"

BRAND_FIELDS = (
    FieldSpec("colors", "map", help="colour names and hex values, e.g. primary: '#0B3C5D'"),
    FieldSpec("fonts", "map", help="font families: heading and body"),
)
SITE_PDF_FIELDS = (
    FieldSpec("page_size", "str", help="the one-pager's paper: " + ", ".join(PAGE_SIZES)),
)


def check_brand(
    brand: dict[str, Any], path: Path, lines: dict[str, int], problems: Problems
) -> bool:
    """Every colour name, colour and font is safe to print into CSS; False after saying why
    not. All of them are checked, so one run names every bad value."""
    brand_line = lines.get("brand")
    if not validate_fields(BRAND_FIELDS, brand, path, lines, problems, "site brand", "brand.",
                           brand_line):  # fmt: skip
        return False
    ok = True
    for name, value in (brand.get("colors") or {}).items():
        line = lines.get(f"brand.colors.{name}") or lines.get("brand.colors")
        if not isinstance(name, str) or not COLOR_NAME.fullmatch(name):
            problems.error(
                f"brand colour name {_show(name)} must be a lowercase word (letters, digits, "
                "dashes; at most 40), since it becomes the CSS variable --color-NAME",
                path,
                line,
                hint="rename it, e.g. primary, accent or accent-dark",
            )
            ok = False
        if not isinstance(value, str) or not COLOR.fullmatch(value):
            problems.error(
                f"brand colour {_show(name)} must be a hex colour like #0B3C5D, got {_show(value)}",
                path,
                line,
                hint="write # and 3 or 6 hex digits, in quotes: '#0B3C5D'",
            )
            ok = False
    for role, value in (brand.get("fonts") or {}).items():
        line = lines.get(f"brand.fonts.{role}") or lines.get("brand.fonts")
        if role not in DEFAULT_FONTS:
            problems.warning(
                f"site brand: font {_show(role)} is ignored",
                path,
                line,
                hint=f"the fonts are {' and '.join(DEFAULT_FONTS)}",
            )
        elif not isinstance(value, str) or not FONT_NAME.fullmatch(value):
            problems.error(
                f"brand font {role!r} must be a font family name, got {_show(value)}",
                path,
                line,
                hint="letters, digits, spaces, '.', '_' and '-' only, e.g. Inter or Source Sans 3",
            )
            ok = False
    return ok


def brand_of(brand: dict[str, Any]) -> Brand:
    """The site's brand, checked by :func:`check_brand`: defaults for what it leaves out, and
    only the fonts the stylesheets use."""
    fonts = brand.get("fonts") or {}
    return Brand(
        colors={**DEFAULT_COLORS, **(brand.get("colors") or {})},
        fonts={role: fonts.get(role, default) for role, default in DEFAULT_FONTS.items()},
    )


def page_size(
    pdf: dict[str, Any], path: Path, lines: dict[str, int], problems: Problems
) -> str | None:
    """The CSS page size of ``pdf.page_size`` (A4 when not set), or None after saying why the
    value is not one the one-pager is made for."""
    if not validate_fields(SITE_PDF_FIELDS, pdf, path, lines, problems, "site pdf", "pdf.",
                           lines.get("pdf")):  # fmt: skip
        return None
    given = pdf.get("page_size", DEFAULT_PAGE_SIZE)
    by_name = {name.lower(): css for name, css in PAGE_SIZES.items()}
    if isinstance(given, str) and given.lower() in by_name:
        return by_name[given.lower()]
    problems.error(
        f"site pdf: page_size {_show(given)} is not a page size the one-pager supports",
        path,
        lines.get("pdf.page_size") or lines.get("pdf"),
        hint="use one of: " + ", ".join(PAGE_SIZES) + " (capitals do not matter)",
    )
    return None


def _show(value: object) -> str:
    """repr, which writes what cannot be seen as escapes, cut to a readable length."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:59] + "…"
