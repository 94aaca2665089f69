"""Every URL decision in one place: canonical post addresses and UTM tagging."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


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
    """The URL with analytics tags removed: what two channels must agree on."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in UTM_KEYS]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def utm_params(url: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(urlsplit(url).query) if k in UTM_KEYS}
