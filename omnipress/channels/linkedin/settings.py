"""The ``linkedin:`` section of a post's front matter, declared by the channel that uses it:
the loader validates it, `new post` writes it, the README lists it, from this one table."""

from __future__ import annotations

from typing import Any

from omnipress.content.loader import one_line
from omnipress.content.model import LinkedInSettings
from omnipress.content.scaffold import yaml_value
from omnipress.content.schema import FieldSpec, Section

LINKEDIN_FIELDS = (
    FieldSpec("hook", "str", True, "first sentence, ≤ 210 characters, ending a sentence"),
    FieldSpec("body", "str", help="Markdown; may include blocks"),
    FieldSpec("hashtags", "list[str]", help="3–5 CamelCase hashtags, without '#'"),
)

HOOK = "One sentence that makes the right reader stop scrolling and want the rest."
LINKEDIN_BODY = (
    "Two or three short paragraphs in plain words: what the article says and why it matters.\n"
    "\n"
    "No links here: the link to the article and the call to action are added for you.\n"
)


def settings(data: dict[str, Any], line: int | None) -> LinkedInSettings:
    return LinkedInSettings(
        hook=one_line(data["hook"]),
        body=(data.get("body") or "").strip("\n"),
        hashtags=tuple(data.get("hashtags") or ()),
        body_line=line,
    )


def scaffold(site: Any) -> dict[str, str]:
    """What `new post` writes: a placeholder hook and body, the site's hashtags."""
    body = "".join(f"    {line}\n" if line else "\n" for line in LINKEDIN_BODY.split("\n"))
    return {
        "hook": f" {yaml_value(HOOK)}",
        "body": " |\n" + body.rstrip("\n"),
        "hashtags": f" {yaml_value(list(site.hashtags))}",
    }


SECTION = Section(
    key="linkedin",
    fields=LINKEDIN_FIELDS,
    required=True,
    help="hook, body and hashtags of the LinkedIn post",
    value=settings,
    scaffold=scaffold,
    markdown=("body",),
)
