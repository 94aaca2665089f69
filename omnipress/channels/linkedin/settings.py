"""The ``linkedin:`` section of a post's front matter, declared by the channel that uses it:
the loader validates it, `new post` writes it, the README lists it, from this one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from omnipress.content.loader import one_line
from omnipress.content.model import Post
from omnipress.content.scaffold import yaml_value
from omnipress.content.schema import FieldSpec, Section

LINKEDIN_FIELDS = (
    FieldSpec("hook", "str", True, "first sentence, ≤ 210 characters, ending a sentence"),
    FieldSpec("body", "str", help="Markdown; may include blocks"),
    FieldSpec("hashtags", "list[str]", help="3–5 CamelCase hashtags, without '#'"),
)


@dataclass(frozen=True)
class LinkedInSettings:
    """A post's ``linkedin:`` section, as the channel reads it (``post.settings["linkedin"]``);
    the content layer reads it only by the field names of :data:`SECTION`."""

    hook: str
    body: str
    hashtags: tuple[str, ...]
    body_line: int | None = None


NO_LINKEDIN = LinkedInSettings("", "", ())


def linkedin_of(post: Post) -> LinkedInSettings:
    """The post's ``linkedin:`` section; an empty one for a post made without it (a test's)."""
    found = post.settings.get(SECTION.key)
    return found if isinstance(found, LinkedInSettings) else NO_LINKEDIN


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
