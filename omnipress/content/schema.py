"""Schemas as data: which fields each kind of file and each block type takes.

Adding a block type means adding one row to :data:`BLOCK_TYPES` (and its templates); the
loader and the scaffolder (`new block`) both read these tables, so they cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omnipress.content.links import Refusal, base_url_problem, path_problem, url_problem

# the id grammar lives with the other rules for names (names.py); re-exported here, where the
# field tables and the scaffolder have always found it
from omnipress.content.names import ID_PATTERN as ID_PATTERN
from omnipress.content.names import ID_RULE, id_problem, is_id
from omnipress.content.names import MAX_ID_LENGTH as MAX_ID_LENGTH
from omnipress.errors import Problems, did_you_mean

if TYPE_CHECKING:
    from omnipress.content.model import Post

HASHTAG_PATTERN = re.compile(r"\A[A-Z0-9][A-Za-z0-9]*\Z")


@dataclass(frozen=True)
class FieldSpec:
    """One front-matter field: its name, its kind, whether it is required, and a sentence
    that explains it (shown in errors and in scaffolded files)."""

    name: str
    kind: str  # a key of KINDS: "str", "url", "base-url", "path", "date", "map", "id", …
    required: bool = False
    help: str = ""
    example: Any = None


@dataclass(frozen=True)
class BlockType:
    name: str
    fields: tuple[FieldSpec, ...]
    body_required: bool
    help: str


COMMON_BLOCK_FIELDS = (
    FieldSpec("id", "id", help="the block's id; defaults to the file name"),
    FieldSpec("type", "str", required=True, help="the block type"),
    FieldSpec(
        "variants",
        "map",
        help="per-channel text replacing the body: keys blog, pdf, linkedin",
        example={"linkedin": "A shorter form for LinkedIn."},
    ),
)

BLOCK_TYPES: dict[str, BlockType] = {
    t.name: t
    for t in (
        BlockType(
            "cta",
            (
                FieldSpec("label", "str", True, "the button text", "Submit an RFI"),
                FieldSpec(
                    "url",
                    "url",
                    True,
                    "where the button goes (absolute https URL)",
                    "https://www.example.com/contact",
                ),
            ),
            body_required=False,
            help="a call to action: a label and a target URL",
        ),
        BlockType(
            "boilerplate",
            (FieldSpec("title", "str", False, "heading above the text", "About us"),),
            body_required=True,
            help="the standard 'about the company' paragraph",
        ),
        BlockType(
            "definition",
            (FieldSpec("term", "str", True, "the term being defined", "Term"),),
            body_required=True,
            help="a term and its definition",
        ),
        BlockType(
            "stat",
            (
                FieldSpec("value", "str", True, "the figure exactly as it must read", "42%"),
                FieldSpec("label", "str", True, "what the figure counts", "of something"),
                FieldSpec("source", "str", True, "where the figure comes from", "Source"),
            ),
            body_required=False,
            help="a key statistic: one figure, what it means and its source",
        ),
        BlockType(
            "quote",
            (
                FieldSpec("attribution", "str", True, "who said it", "Name Surname"),
                FieldSpec("role", "str", False, "their role", "Job title"),
            ),
            body_required=True,
            help="a quotation; the body is the quote itself",
        ),
        BlockType(
            "bio",
            (
                FieldSpec("name", "str", True, "the author's name", "Name Surname"),
                FieldSpec("role", "str", True, "the author's role", "Job title"),
            ),
            body_required=True,
            help="an author biography",
        ),
        BlockType(
            "takeaways",
            (
                FieldSpec("title", "str", False, "heading above the list", "Key takeaways"),
                FieldSpec(
                    "items",
                    "list[str]",
                    True,
                    "three or four short points",
                    ["First point", "Second point", "Third point"],
                ),
            ),
            body_required=False,
            help="a short list of key points",
        ),
    )
}

SITE_FIELDS = (
    FieldSpec("name", "str", True, "organisation name"),
    FieldSpec("tagline", "str"),
    FieldSpec("base_url", "base-url", True, "the blog's public address"),
    FieldSpec("blog_path", "path", help="path of the blog under base_url, e.g. /insights/"),
    FieldSpec("language", "str", help="BCP 47 language tag, e.g. en-GB"),
    FieldSpec("default_cta", "id", True, "CTA block used when a post names none"),
    FieldSpec("boilerplate", "id", help="boilerplate block shown in footers"),
    FieldSpec("default_hashtags", "list[str]"),
    FieldSpec("utm_campaign", "str", help="utm_campaign of the base (non-campaign) outputs"),
    FieldSpec("legal", "str", help="legal line in every footer"),
    FieldSpec("logo", "str", help="logo image, relative to content/"),
    FieldSpec("brand", "map", help="colors and fonts"),
    FieldSpec("pdf", "map", help="one-pager settings: page_size"),
    FieldSpec("approvals", "map", help="review before publishing: required: [medical, legal]"),
    FieldSpec("claims", "map", help="unsourced: warning (default) or error"),
)

POST_FIELDS = (
    FieldSpec("title", "str", True, "the headline", "A clear, specific headline"),
    FieldSpec("slug", "id", help="URL name; defaults to the file name"),
    FieldSpec("date", "date", True, "publication date, YYYY-MM-DD", None),
    FieldSpec("updated", "date", help="date of the last substantive update"),
    FieldSpec("author", "id", True, "id of a bio block", None),
    FieldSpec(
        "summary",
        "str",
        True,
        "one or two sentences: meta description and PDF intro",
        "One or two sentences that say what the reader gets.",
    ),
    FieldSpec("description", "str", help="meta description if it should differ from summary"),
    FieldSpec("tags", "list[str]", example=["Biometrics"]),
    FieldSpec("cta", "id", help="CTA block id; defaults to the site's default_cta"),
)
"""A post's own fields; each channel's section (``linkedin:``, ``pdf:``) follows them, as its
package declares it: see :class:`Section` and :func:`post_fields`."""


@dataclass(frozen=True)
class Section:
    """A channel's part of a post's front matter, declared by the channel's package: the
    loader validates it, `new post` writes it, the post carries what ``value`` makes of it.

    The content layer is below the channels and cannot import them, so their registry tells
    this module its sections (:func:`tell_channels`) when it is built, at start-up."""

    key: str  # the front-matter key: "linkedin"
    fields: tuple[FieldSpec, ...]
    required: bool
    help: str  # what the section is, as the post's own field table says it
    value: Callable[[dict[str, Any], int | None], Any]  # (fields, the key's line) -> settings
    scaffold: Callable[[Any], dict[str, str]]  # the site's defaults -> YAML `new post` writes
    markdown: tuple[str, ...] = ()  # fields holding Markdown: held to the body's limits
    blocks: tuple[str, ...] = ()  # fields listing block ids: each must exist, each is a use

    @property
    def row(self) -> FieldSpec:
        return FieldSpec(self.key, "map", self.required, self.help)

    def field_of(self, settings: Any, name: str) -> Any:
        """One field of what ``value`` made: a dataclass's attribute or a mapping's item,
        so the content layer reads a section by its field names, never by its channel."""
        if isinstance(settings, Mapping):
            return settings.get(name)
        return getattr(settings, name)


@dataclass
class ChannelSchema:
    """What the content layer knows of the channels: their names (a block's ``variants``
    keys) and their front-matter sections, sorted by key after the post's own fields."""

    names: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()


CHANNELS = ChannelSchema()


def tell_channels(names: tuple[str, ...], sections: tuple[Section, ...]) -> None:
    """Called by ``omnipress.channels`` whenever its registry changes."""
    CHANNELS.names = names
    CHANNELS.sections = tuple(sorted(sections, key=lambda section: section.key))


def section_markdown(post: Post) -> Iterator[str]:
    """The Markdown a post holds in its channels' sections (a LinkedIn body): includes and
    markers are found there as in its body."""
    for section, settings in _sections_of(post):
        for name in section.markdown:
            yield section.field_of(settings, name) or ""


def section_texts(post: Post) -> Iterator[str]:
    """Every text field of a post's channel sections (a hook, a body): words its outputs may
    print, so a figure in them is the post's own."""
    for section, settings in _sections_of(post):
        for spec in section.fields:
            if spec.kind == "str":
                yield section.field_of(settings, spec.name) or ""


def section_fields(post: Post) -> Iterator[tuple[str, str]]:
    """(the field's dotted key, its text) for each text field of a post's channel sections:
    :func:`section_texts` with the place each is written, for a finding in one."""
    for section, settings in _sections_of(post):
        for spec in section.fields:
            if spec.kind == "str":
                yield f"{section.key}.{spec.name}", section.field_of(settings, spec.name) or ""


def section_blocks(post: Post) -> Iterator[tuple[str, str]]:
    """(field as a problem names it, block id) for each block a post's sections list (the
    one-pager's ``pdf.blocks``): uses of the block as much as an include is."""
    for section, settings in _sections_of(post):
        for name in section.blocks:
            for block_id in section.field_of(settings, name) or ():
                yield f"{section.key}.{name}", block_id


def _sections_of(post: Post) -> Iterator[tuple[Section, Any]]:
    for section in CHANNELS.sections:
        settings = post.settings.get(section.key)
        if settings is not None:
            yield section, settings


def post_fields() -> tuple[FieldSpec, ...]:
    """Every top-level field of a post: its own, then one map per channel section."""
    return POST_FIELDS + tuple(section.row for section in CHANNELS.sections)


CAMPAIGN_FIELDS = (
    FieldSpec("title", "str", True, "campaign name as people say it"),
    FieldSpec("description", "str"),
    FieldSpec("posts", "list[id]", True, "slugs of the posts in the campaign"),
    FieldSpec("utm", "map", help="UTM parameters; campaign defaults to the file name"),
    FieldSpec("overrides", "map", help="cta: a CTA block id; hashtags: a list"),
)


def as_date(value: Any) -> Any:
    """Dates as people write them: a quoted "2025-11-05" and a date with a time are the day
    they name (a post has no time of day). Anything else is left for the check to refuse."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def template_fields(block_type: str, fields: dict[str, Any]) -> dict[str, Any]:
    """A block's fields with every field of its type present (None when left out), so a
    template can test an optional field (``{% if fields.role %}``) under strict undefined."""
    known = BLOCK_TYPES.get(block_type)
    absent = {spec.name: None for spec in known.fields} if known else {}
    return {**absent, **fields}


@dataclass(frozen=True)
class Kind:
    """What a field of one kind must be: said in errors, tested by ``fits``; ``grammar``
    explains a refused text value precisely (a URL's stray space) when there is more to say
    than 'must be …'."""

    expected: str
    fits: Callable[[Any], bool]
    grammar: Callable[[str], Refusal | None] | None = None


def _text_kind(grammar: Callable[[str], Refusal | None]) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and grammar(v) is None


KINDS: dict[str, Kind] = {
    "str": Kind("text", lambda v: isinstance(v, str) and v.strip() != ""),
    "url": Kind("an absolute http(s) URL", _text_kind(url_problem), url_problem),
    "base-url": Kind("the site's http(s) address", _text_kind(base_url_problem), base_url_problem),
    "path": Kind("a path such as /insights/", _text_kind(path_problem), path_problem),
    "date": Kind("a date that exists, written YYYY-MM-DD", lambda v: isinstance(v, date)),
    "list[str]": Kind(
        "a list of text items", lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v)
    ),
    "map": Kind("a mapping of keys to values", lambda v: isinstance(v, dict)),
    "id": Kind(f"an id ({ID_RULE})", is_id, id_problem),
    "list[id]": Kind("a list of ids", lambda v: isinstance(v, list) and all(map(is_id, v))),
}


def check_value(spec: FieldSpec, value: Any) -> Refusal | None:
    """Why ``value`` does not fit ``spec`` and how to fix it, or None when it fits."""
    kind = KINDS[spec.kind]
    if kind.fits(value):
        return None
    refusal = kind.grammar(value) if kind.grammar and isinstance(value, str) else None
    if refusal:
        reason, hint = refusal
        return f"field '{spec.name}' {reason}: {_show(value)}", hint
    return f"field '{spec.name}' must be {kind.expected}, got {_describe(value)}", spec.help


def _show(value: str, limit: int = 200) -> str:
    """The whole value (a stray space at the end of a long URL is the point), with what a
    reader cannot see written as an escape (repr escapes categories C* and Z*, bar ' ')."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _describe(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"{shown!r}" if value.strip() else "an empty text"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}"[:60]


def validate_fields(
    specs: tuple[FieldSpec, ...],
    data: dict[str, Any],
    source: Path,
    key_lines: dict[str, int],
    problems: Problems,
    what: str,
    prefix: str = "",
    missing_line: int | None = 1,
) -> bool:
    """Check required fields, kinds and unknown keys. Returns False when an error was found.

    ``prefix`` is the dotted path of a nested mapping (``linkedin.``) for finding key lines;
    a missing field is reported at ``missing_line``: where it belongs (the start of the front
    matter, or its parent key), since it has no line of its own.
    """
    ok = True
    known = {s.name for s in specs}
    for spec in specs:
        if spec.kind == "date" and spec.name in data:
            data[spec.name] = as_date(data[spec.name])
        line = key_lines.get(prefix + spec.name)
        if spec.name not in data or data[spec.name] is None:
            if spec.required:
                problems.error(
                    f"{what}: required field '{spec.name}' is missing",
                    source,
                    line or missing_line,
                    hint=f"add '{spec.name}:' — {spec.help}" if spec.help else "",
                )
                ok = False
            continue
        refusal = check_value(spec, data[spec.name])
        if refusal:
            reason, hint = refusal
            problems.error(f"{what}: {reason}", source, line, hint=hint)
            ok = False
    for key in data:
        if key not in known:
            problems.warning(
                f"{what}: unknown field '{key}' is ignored",
                source,
                key_lines.get(prefix + str(key)),
                hint=did_you_mean(str(key), known, "fields"),
            )
    return ok
