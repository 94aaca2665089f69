"""Every URL decision in one place: which URLs content may hold, canonical post addresses
and UTM tagging."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import SplitResult, parse_qsl, quote, urlencode, urlsplit, urlunsplit

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
URL_PATTERN = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)


def with_utm(url: str, source: str, medium: str, campaign: str, extra: dict[str, str]) -> str:
    """``url`` tagged for analytics. Existing UTM parameters are replaced, other query
    parameters kept, so a CTA URL that already carries a query string stays valid."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in UTM_KEYS]
    tags = {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign}
    tags.update(
        {f"utm_{k}": v for k, v in extra.items() if k not in {"source", "medium", "campaign"}}
    )
    query += [(k, tags[k]) for k in UTM_KEYS if k in tags]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def without_utm(url: str) -> str:
    """The URL with analytics tags removed: what two channels must agree on (a URL urllib
    cannot read is returned as it is, and so agrees with nothing)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in UTM_KEYS]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def utm_params(url: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(url_parts(url).query) if k in UTM_KEYS}


SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def url_parts(url: str) -> SplitResult:
    """``urlsplit`` that never raises, for links read from content or from outputs: what
    urllib cannot read (``https://[::1``) keeps only its scheme, with the whole text as its
    path, so it counts as remote when it says http(s) and equals no real URL. Content URL
    *fields* are refused by :func:`url_problem` instead, with their file and line."""
    try:
        return urlsplit(url)
    except ValueError:
        scheme = SCHEME.match(url)
        return SplitResult(scheme.group(1).lower() if scheme else "", "", url, "", "")


# What a URL written in content may be. A link is copied into HTML attributes, PDF link
# annotations and LinkedIn text; anything a browser silently repairs or a reader cannot see
# (a trailing space, a right-to-left override, a zero-width space) makes the channels disagree
# or hides where the link really goes, so it is refused where it is written.
URL_SCHEMES = ("https", "http")
URL_EXAMPLE = "https://www.example.com/contact"
RETYPE = "type the address again, or copy it from the browser's address bar"
FORBIDDEN_IN_URL = {
    "\\": ("a backslash", "addresses use '/', never '\\'"),
    '"': ("a double quote", "a quote is not part of an address: remove it (or write %22)"),
    "'": ("a single quote", "a quote is not part of an address: remove it (or write %27)"),
    "<": ("an angle bracket '<'", "remove it: it is not part of an address (or write %3C)"),
    ">": ("an angle bracket '>'", "remove it: it is not part of an address (or write %3E)"),
    "`": ("a backtick", "remove it: it is not part of an address (or write %60)"),
}
HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOST_NAME = re.compile(rf"{HOST_LABEL}(?:\.{HOST_LABEL})*\.?")
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
PATH_SEGMENT = re.compile(r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*")

Refusal = tuple[str, str]
"""Why a value is refused and how to fix it: (reason, hint)."""


def invisible(char: str) -> bool:
    """Spaces, line breaks, control and format characters (bidi overrides, zero-width
    spaces): the Unicode categories C* and Z*."""
    return unicodedata.category(char)[0] in "CZ"


def char_name(char: str) -> str:
    """'U+202E RIGHT-TO-LEFT OVERRIDE': searchable, whatever the terminal shows."""
    name = CONTROL_NAMES.get(char) or unicodedata.name(char, "CONTROL CHARACTER")
    return f"U+{ord(char):04X} {name}"


CONTROL_NAMES = {"\n": "LINE FEED (a line break)", "\r": "CARRIAGE RETURN", "\t": "TAB"}


def url_problem(url: str) -> Refusal | None:
    """Why ``url`` cannot be published as a link, or None. The one validator of every URL
    field (site.yaml, cta blocks, campaigns, posts): http(s) only, a real host name, no user
    name or password, a port in 1–65535, nothing invisible, nothing urllib cannot read."""
    refusal = character_problem(url)
    if refusal:
        return refusal
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"cannot be read as a URL ({exc})", f"write a complete address, e.g. {URL_EXAMPLE}"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if parts.scheme not in URL_SCHEMES or not url.lower().startswith(f"{parts.scheme}://"):
        return "does not start with https:// or http://", (
            f"write the full address, e.g. {URL_EXAMPLE}"
        )
    if "@" in parts.netloc:
        return "contains a user name or password ('…@' before the host)", (
            "remove everything between // and @: a published link never carries credentials"
        )
    host = parts.hostname or ""
    if not host_is_valid(parts.netloc, host):
        return f"has no valid host name (found {host!r})", (
            f"write the site's name after //, e.g. {URL_EXAMPLE}"
        )
    if port == 0 or parts.netloc.endswith(":"):
        given = parts.netloc.rpartition(":")[2]
        return f"has the port {given!r}, which is not a port from 1 to 65535", (
            "remove ':' and the port after the host name (https needs none), or correct it"
        )
    bad = BAD_ESCAPE.search(url)
    if bad:
        return f"has a '%' at character {bad.start() + 1} not followed by two hex digits", (
            "write a literal '%' as %25"
        )
    return None


def character_problem(url: str) -> Refusal | None:
    """The first character no link may hold: invisible, a quote, a backslash, non-ASCII."""
    for position, char in enumerate(url, 1):
        if invisible(char):
            what = "a space" if char == " " else char_name(char)
            at_edge = url.strip() == url.strip().replace(char, "")
            return f"contains {what} at character {position}", (
                "delete the spaces and line breaks before and after the address"
                if at_edge
                else "a space inside an address is written %20"
                if char == " "
                else f"{RETYPE}: it holds a character you cannot see"
            )
        if char in FORBIDDEN_IN_URL:
            what, hint = FORBIDDEN_IN_URL[char]
            return f"contains {what} at character {position}", hint
        if not char.isascii():
            return f"contains {char!r} ({char_name(char)}) at character {position}", (
                "write the address as the browser's address bar copies it: " + ascii_form(url)
            )
    return None


def host_is_valid(netloc: str, host: str) -> bool:
    """A DNS name (international ones in their xn-- form), an IPv4 or a bracketed IPv6."""
    if netloc.startswith("["):
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return HOST_NAME.fullmatch(host) is not None


def ascii_form(url: str) -> str:
    """``url`` with an international host name in its xn-- form and other non-ASCII letters
    percent-encoded: what a browser sends, suggested in the hint."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = f":{parts.port}" if parts.port else ""
    except (ValueError, UnicodeError):
        return f"ASCII letters only, e.g. {URL_EXAMPLE}"
    rest = (quote(p, safe="/%:@!$&()*+,;=?-._~") for p in (parts.path, parts.query, parts.fragment))
    return urlunsplit((parts.scheme, host + port, *rest))


def base_url_problem(url: str) -> Refusal | None:
    """The blog's address: a URL that post paths can be appended to (no ? or #)."""
    refusal = url_problem(url)
    if refusal is None and ("?" in url or "#" in url):
        return "has a '?' or '#' part, so post addresses cannot follow it", (
            "write only the site's address, e.g. https://www.example.com"
        )
    return refusal


def path_problem(path: str) -> Refusal | None:
    """Why ``path`` cannot be the blog's path under base_url (``/insights/``), or None."""
    segments = path.strip("/").split("/")
    bad = next((s for s in segments if not PATH_SEGMENT.fullmatch(s)), None)
    if bad is None or path.strip("/") == "":
        return None
    shown = f"the part {bad!r}" if bad else "an empty part ('//')"
    return f"has {shown}, which cannot be in an address", (
        "use letters, digits, dashes and '/', e.g. /insights/"
    )
