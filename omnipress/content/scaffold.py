"""``python build.py new post|block|campaign NAME``: start a file without reading the schema.

Each file is written from the schema tables in :mod:`omnipress.content.schema` (so it cannot drift
from what the loader accepts), with a comment above every field saying what it is for, today's
date, and the site's defaults: its default CTA, its first author bio, its default hashtags.
A new post builds and passes ``check`` as it is; the marketer then replaces the placeholder
words. An existing file is never overwritten.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from omnipress.content import schema
from omnipress.content.schema import (
    BLOCK_TYPES,
    CAMPAIGN_FIELDS,
    COMMON_BLOCK_FIELDS,
    ID_PATTERN,
    MAX_ID_LENGTH,
    FieldSpec,
    post_fields,
)
from omnipress.errors import UsageError

KINDS = ("post", "block", "campaign")
FALLBACK_HASHTAGS = ("Marketing", "Insights", "News")
"""Used only to make up the 3 hashtags LinkedIn needs when site.yaml names fewer."""
FALLBACK_TAG = "News"
"""A new post's tag when no post has one yet (the PDF needs keywords); the most used tag
of the existing posts otherwise."""

POST_BODY = """\
Start with the point of the article in two or three sentences. This paragraph is what readers \
see first, on the blog and in search results.

## A first section

Write in short paragraphs. Keep every figure in a stat block and include it here on a line \
of its own, so the blog, the one-pager and LinkedIn quote it the same way.

## A second section

End with what the reader should do next. The call to action appears below the article by \
itself.
"""


@dataclass(frozen=True)
class Scaffold:
    path: Path
    text: str
    next_step: str


@dataclass(frozen=True)
class SiteDefaults:
    name: str
    default_cta: str
    author: str | None
    authors: tuple[str, ...]
    ctas: tuple[str, ...]
    hashtags: tuple[str, ...]
    tag: str
    newest_post: str | None


def yaml_value(value: Any) -> str:
    """A value as YAML; JSON's strings and lists are valid YAML, and unambiguous."""
    if isinstance(value, date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


EXTRA_HELP = {
    "tags": "topics, shown above the title on the blog and as the PDF's keywords",
    "description": "one or two sentences on what the campaign is for",
}
"""Comments for the few schema fields whose table row has no help sentence."""

COMMENTED_EXAMPLES = {
    "variants": '# variants:\n#   linkedin: "A shorter form for LinkedIn."\n',
    "overrides": "# overrides:\n#   cta: {cta}\n#   hashtags: {hashtags}\n",
}
"""Optional maps, shown commented out with an example of their keys."""


def comment(spec: FieldSpec, indent: str = "") -> str:
    help_text = spec.help or EXTRA_HELP.get(spec.name, spec.name)
    return f"{indent}# {help_text}{' (required)' if spec.required else ''}\n"


def fields_text(
    specs: tuple[FieldSpec, ...],
    values: dict[str, str],
    indent: str = "",
    examples: dict[str, str] | None = None,
) -> str:
    """One commented line per field; fields without a value here are shown commented out."""
    text = ""
    for spec in specs:
        text += comment(spec, indent)
        if spec.name in values:
            text += f"{indent}{spec.name}:{values[spec.name]}\n"
        elif examples and spec.name in examples:
            text += examples[spec.name]
        elif spec.example is not None and not isinstance(spec.example, dict):
            text += f"{indent}# {spec.name}: {yaml_value(spec.example)}\n"
        else:
            text += f"{indent}# {spec.name}:\n"
    return text


def read_defaults(content: Path) -> SiteDefaults:
    """The site's defaults and what exists already, read with the real loader."""
    from omnipress.content.loader import load_block, load_post, load_site
    from omnipress.errors import ContentError, Problems

    content = content.resolve()
    problems = Problems()
    site = load_site(content, problems)
    if site is None:
        raise ContentError(problems.items)
    blocks = [load_block(p, Problems()) for p in sorted((content / "blocks").glob("*.md"))]
    posts = [load_post(p, Problems()) for p in sorted((content / "posts").glob("*.md"))]
    authors = tuple(b.id for b in blocks if b is not None and b.type == "bio")
    ctas = tuple(b.id for b in blocks if b is not None and b.type == "cta")
    loaded = sorted((p for p in posts if p is not None), key=lambda p: (p.date, p.slug))
    tags = Counter(tag for post in loaded for tag in post.tags)
    hashtags = tuple(site.default_hashtags[:5])
    hashtags += tuple(t for t in FALLBACK_HASHTAGS if t not in hashtags)[
        : max(0, 3 - len(hashtags))
    ]
    return SiteDefaults(
        name=site.name,
        default_cta=site.default_cta,
        author=authors[0] if authors else None,
        authors=authors,
        ctas=ctas,
        hashtags=hashtags,
        tag=tags.most_common(1)[0][0] if tags else FALLBACK_TAG,
        newest_post=loaded[-1].slug if loaded else None,
    )


MAX_NAME_LENGTH = MAX_ID_LENGTH  # the name is a file name and part of a URL


def title_from(name: str) -> str:
    words = " ".join(name.replace("-", " ").split())
    return words[:1].upper() + words[1:]


def post_text(slug: str, today: date, site: SiteDefaults) -> str:
    values = {
        "title": f" {yaml_value(title_from(slug))}",
        "date": f" {yaml_value(today)}",
        "author": f" {site.author or ''}",
        "summary": " "
        + yaml_value(
            "One or two sentences that say what the reader gets: the meta description, "
            "and the introduction on the one-pager."
        ),
        "tags": f" {yaml_value([site.tag])}",
        "cta": f" {site.default_cta}",
    }
    for section in schema.CHANNELS.sections:  # each channel's, as its package declares it
        text = fields_text(section.fields, section.scaffold(site), "  ")
        values[section.key] = "\n" + text.rstrip("\n")
    authors = ", ".join(site.authors) or "none yet: `python build.py new block ID --type bio`"
    header = (
        f"# A new post for {site.name}. Replace the placeholder words, then run\n"
        "# `python build.py serve` to see the blog page, the PDF and the LinkedIn post.\n"
        "# Include a reusable block with [[block:ID]] on a line of its own in the text.\n"
        f"# Authors (bio blocks): {authors}. CTAs: {', '.join(site.ctas) or 'none yet'}.\n"
    )
    return f"---\n{header}\n{fields_text(post_fields(), values)}---\n{POST_BODY}"


def block_text(block_id: str, type_name: str) -> str:
    block_type = BLOCK_TYPES[type_name]
    values = {"type": f" {type_name}"}
    values.update({f.name: f" {yaml_value(f.example)}" for f in block_type.fields})
    specs = block_type.fields + tuple(s for s in COMMON_BLOCK_FIELDS if s.name == "variants")
    header = (
        f"# A {type_name} block: {block_type.help}.\n"
        f"# Use it in a post (or another block) with [[block:{block_id}]] on a line of its own,\n"
        "# or list its id under pdf: blocks: in a post to show it on the one-pager.\n"
    )
    fields = fields_text(specs, values, examples=COMMENTED_EXAMPLES)
    body = (
        f"The text of this {type_name} block, in Markdown.\n"
        if block_type.body_required
        else "Optional text shown with the block, in Markdown; delete it if not needed.\n"
    )
    return f"---\n{header}type: {type_name}\n{fields}---\n{body}"


def campaign_text(name: str, site: SiteDefaults) -> str:
    posts = [site.newest_post] if site.newest_post else []
    values = {
        "title": f" {yaml_value(title_from(name))}",
        "description": " " + yaml_value("One or two sentences on what the campaign is for."),
        "posts": f" {yaml_value(posts)}",
        "utm": f"\n  campaign: {name}",
    }
    header = (
        f"# A campaign for {site.name}: its posts get their own PDF and LinkedIn variants in\n"
        f"# output/campaigns/{name}/, tagged utm_campaign={name}.\n"
        "# To give them another call to action or other hashtags, uncomment overrides.\n"
    )
    overrides = COMMENTED_EXAMPLES["overrides"].format(
        cta=site.ctas[-1] if site.ctas else "CTA-BLOCK-ID", hashtags=yaml_value(list(site.hashtags))
    )
    return f"{header}\n{fields_text(CAMPAIGN_FIELDS, values, examples={'overrides': overrides})}"


def plan(kind: str, name: str, block_type: str | None, content: Path, today: date) -> Scaffold:
    """The file to write, or UsageError naming what is allowed."""
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(
            f"a {kind} name can have at most {MAX_NAME_LENGTH} characters ({len(name)} given)",
            "a short name makes a short address: why-biometrics-matters",
        )
    if not ID_PATTERN.fullmatch(name):
        raise UsageError(
            f"{name!r} cannot be the name of a {kind}",
            "use lowercase letters, digits and dashes, starting with a letter or a digit, "
            "e.g. why-biometrics-matters",
        )
    if kind != "block" and block_type is not None:
        raise UsageError("--type is only for `new block`", f"try: new {kind} {name}")
    if kind == "block":
        allowed = ", ".join(BLOCK_TYPES)
        if block_type is None:
            raise UsageError("`new block` needs --type", f"the block types are: {allowed}")
        if block_type not in BLOCK_TYPES:
            raise UsageError(f"unknown block type {block_type!r}", f"use one of: {allowed}")
        path = content / "blocks" / f"{name}.md"
        return Scaffold(
            path,
            block_text(name, block_type),
            f"use it in a post with [[block:{name}]] on a line of its own",
        )
    if not content.is_dir():
        raise UsageError(f"no content directory at {content}", "pass --content DIR")
    site = read_defaults(content)
    if kind == "post":
        path = content / "posts" / f"{name}.md"
        step = "run `python build.py serve` and open the post to watch it as you write"
        return Scaffold(path, post_text(name, today, site), step)
    path = content / "campaigns" / f"{name}.yaml"
    return Scaffold(path, campaign_text(name, site), "list its posts, then build")
