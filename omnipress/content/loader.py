"""Reading ``content/`` into a validated :class:`~omnipress.content.model.Project`.

Every problem is collected with its file and line rather than raised, so one run reports them
all. Front matter is read with YAML's safe loader and never evaluated as a template.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from omnipress.content import schema
from omnipress.content.approvals import (
    Approvals,
    load_book,
    read_settings,
    source_name,
    source_sha256,
)
from omnipress.content.brand import brand_of, check_brand, page_size
from omnipress.content.images import IMAGE_SUFFIXES, collect_images, vet_image
from omnipress.content.model import (
    Block,
    Campaign,
    Post,
    Project,
    Site,
    digest_of,
)
from omnipress.content.names import check_file_name
from omnipress.content.resolve import MARKER
from omnipress.content.schema import (
    BLOCK_TYPES,
    CAMPAIGN_FIELDS,
    COMMON_BLOCK_FIELDS,
    SITE_FIELDS,
    post_fields,
    validate_fields,
)
from omnipress.content.sources import (
    check_markup_limits,
    content_files,
    parse_yaml,
    read_source,
    read_text,
    rel_name,
)
from omnipress.content.styles import claims_setting, load_styles
from omnipress.errors import Problems, did_you_mean, find_line


def load_site(root: Path, problems: Problems) -> Site | None:
    path = root / "site.yaml"
    if not path.is_file():
        problems.error("content/site.yaml is missing", path, hint="see README: 'site.yaml'")
        return None
    text = read_text(path, problems)
    if text is None:
        return None
    parsed = parse_yaml(text, path, problems)
    if parsed is None:
        return None
    data, lines = parsed
    if not isinstance(data, dict):
        problems.error("site.yaml must be 'key: value' lines", path, 1)
        return None
    fields_ok = validate_fields(SITE_FIELDS, data, path, lines, problems, "site")
    brand = data.get("brand") or {}
    pdf = data.get("pdf") or {}
    # what reaches CSS is checked even when another field is wrong: all problems in one run
    size = page_size(pdf, path, lines, problems) if isinstance(pdf, dict) else None
    css_ok = isinstance(brand, dict) and check_brand(brand, path, lines, problems)
    roles = read_settings(data.get("approvals"), path, lines, problems)
    claims = claims_setting(data.get("claims"), path, lines, problems)
    if not (fields_ok and css_ok and size and claims) or not check_logo(data, root, path, problems):
        return None
    if roles is None:
        return None
    return Site(
        name=data["name"],
        tagline=data.get("tagline", ""),
        base_url=data["base_url"].rstrip("/"),
        blog_path=data.get("blog_path", "/blog/"),
        language=data.get("language", "en"),
        default_cta=data["default_cta"],
        boilerplate=data.get("boilerplate"),
        default_hashtags=tuple(data.get("default_hashtags") or ()),
        utm_campaign=data.get("utm_campaign", "evergreen"),
        legal=data.get("legal", ""),
        logo=data.get("logo"),
        brand=brand_of(brand),
        page_size=size,
        path=path,
        # what only the prose rules read leaves the outputs' key alone: no output changes
        digest=digest_of({k: v for k, v in data.items() if k not in PROSE_ONLY}),
        claims=claims,
        approvals=roles,
    )


PROSE_ONLY = ("claims",)


def check_logo(data: dict[str, Any], root: Path, path: Path, problems: Problems) -> bool:
    """The logo is published beside the blog and embedded in every PDF: it is vetted as any
    image is (by its content), and may not be reached through a link leaving content/."""
    logo = data.get("logo")
    if logo is None:
        return True
    target = (root / logo).resolve()
    problem = None
    if not target.is_relative_to(root) or not target.is_file():
        problem = f"logo {logo!r} is not a file inside content/"
    elif target.suffix.lower() not in IMAGE_SUFFIXES:
        problem = f"logo {logo!r} is not an image ({', '.join(IMAGE_SUFFIXES)})"
    if problem:
        problems.error(
            problem,
            path,
            find_line(path, "logo:"),
            hint="put the logo in content/images/ and write logo: images/NAME.svg",
        )
        return False
    return vet_image(target, problems)


def load_block(path: Path, problems: Problems) -> Block | None:
    well_named = check_file_name(path, "block", problems)
    source = read_source(path, problems)
    if source is None:
        return None
    meta = source.meta
    block_type = meta.get("type")
    if not isinstance(block_type, str) or block_type not in BLOCK_TYPES:
        problems.error(
            f"block type {block_type!r} is not known" if block_type else "block has no 'type'",
            path,
            source.key_lines.get("type"),
            hint="type must be one of: " + ", ".join(BLOCK_TYPES),
        )
        return None
    spec = BLOCK_TYPES[block_type]
    specs = COMMON_BLOCK_FIELDS + spec.fields
    if not validate_fields(specs, meta, path, source.key_lines, problems, f"{block_type} block"):
        return None
    block_id = meta.get("id", path.stem)  # both checked: 'id:' as a field, the file's name
    variants = meta.get("variants") or {}
    for channel, text in variants.items():
        if channel not in schema.CHANNELS.names or not isinstance(text, str):
            problems.error(
                f"variant {channel!r} must be text for one of the channels "
                + ", ".join(schema.CHANNELS.names),
                path,
                source.key_lines.get("variants"),
            )
            return None
    body = source.body.strip("\n")
    if spec.body_required and not body.strip():
        problems.error(
            f"a {block_type} block needs text below its front matter",
            path,
            source.body_line,
            hint=spec.help,
        )
        return None
    texts: list[tuple[str, int | None]] = [(body, source.body_line)] + [
        (text, source.key_lines.get(f"variants.{channel}")) for channel, text in variants.items()
    ]
    if not all(within_markup_limits(t, path, line, problems) for t, line in texts):
        return None
    if not well_named:
        return None
    fields = {f.name: meta[f.name] for f in spec.fields if f.name in meta}
    return Block(
        id=block_id,
        type=block_type,
        fields=fields,
        body=body,
        variants=dict(variants),
        path=path,
        body_line=source.body_line,
        digest=digest_of(block_type, fields, body, variants),
        text_sha256=source_sha256(source.raw),
    )


def within_markup_limits(text: str, path: Path, line: int | None, problems: Problems) -> bool:
    """Markers are taken out before Markdown sees the text, so they do not count."""
    plain = MARKER.sub("", text) if "[[" in text else text
    return check_markup_limits(plain, path, line or 1, problems)


def one_line(text: str) -> str:
    """Runs of spaces and line breaks as one space: HTML shows them so, and a title must read
    the same in the PDF, the page and the LinkedIn post (YAML folds long lines into spaces)."""
    return " ".join(text.split())


def load_post(path: Path, problems: Problems) -> Post | None:
    well_named = check_file_name(path, "post", problems)
    source = read_source(path, problems)
    if source is None:
        return None
    meta = source.meta
    post_ok = validate_fields(post_fields(), meta, path, source.key_lines, problems, "post")
    sections = schema.CHANNELS.sections  # each channel's, as its package declares it
    raw = {s.key: meta.get(s.key) if s.required else meta.get(s.key) or {} for s in sections}
    found: dict[str, dict[str, Any]] = {k: v for k, v in raw.items() if isinstance(v, dict)}
    if len(found) != len(raw):
        return None  # already said by the check of the post's own fields
    lines = source.key_lines
    sections_ok = [
        validate_fields(
            s.fields,
            found[s.key],
            path,
            lines,
            problems,
            f"post {s.key}",
            f"{s.key}.",
            lines.get(s.key),
        )
        for s in sections
    ]
    if not (post_ok and all(sections_ok) and well_named):  # all checked, then give up
        return None
    body = source.body.strip("\n")
    if not body.strip():
        problems.error("the post has no text below its front matter", path, source.body_line)
        return None
    texts: list[tuple[str, int | None]] = [(body, source.body_line)] + [
        (found[s.key].get(name) or "", lines.get(f"{s.key}.{name}"))
        for s in sections
        for name in s.markdown
    ]
    if not all(within_markup_limits(t, path, line, problems) for t, line in texts):
        return None
    return Post(
        slug=meta.get("slug", path.stem),
        title=one_line(meta["title"]),
        date=meta["date"],
        author=meta["author"],
        summary=one_line(meta["summary"]),
        description=one_line(meta.get("description") or meta["summary"]),
        tags=tuple(meta.get("tags") or ()),
        cta=meta.get("cta"),
        settings={s.key: s.value(found[s.key], lines.get(s.key)) for s in sections},
        body=body,
        path=path,
        body_line=source.body_line,
        digest=digest_of(meta, body),
        key_lines=source.key_lines,
        text_sha256=source_sha256(source.raw),
    )


def load_campaign(path: Path, problems: Problems) -> Campaign | None:
    well_named = check_file_name(path, "campaign", problems)
    text = read_text(path, problems)
    if text is None:
        return None
    parsed = parse_yaml(text, path, problems)
    if parsed is None:
        return None
    data, lines = parsed
    if not isinstance(data, dict):
        problems.error("a campaign file must be 'key: value' lines", path, 1)
        return None
    if not validate_fields(CAMPAIGN_FIELDS, data, path, lines, problems, "campaign"):
        return None
    if not well_named:
        return None
    utm = {str(k): str(v) for k, v in (data.get("utm") or {}).items()}
    for key in utm:
        if key not in CAMPAIGN_UTM_KEYS:
            problems.warning(
                f"campaign: utm.{key} is ignored (utm_source and utm_medium are set by each "
                "channel)",
                path,
                lines.get(f"utm.{key}"),
                hint=did_you_mean(key, CAMPAIGN_UTM_KEYS, "utm keys"),
            )
    for slug in sorted({s for s in data["posts"] if data["posts"].count(s) > 1}):
        problems.warning(
            f"campaign: post {slug!r} is listed more than once", path, lines.get("posts")
        )
    overrides = data.get("overrides") or {}
    hashtags = overrides.get("hashtags")
    return Campaign(
        name=path.stem,
        title=data["title"],
        description=data.get("description", ""),
        posts=tuple(data["posts"]),
        utm=utm,
        cta=overrides.get("cta"),
        hashtags=tuple(hashtags) if hashtags else None,
        path=path,
        digest=digest_of(data),
    )


CAMPAIGN_UTM_KEYS = ("campaign", "content", "term")

_Item = TypeVar("_Item", Block, Post, Campaign)

# what two files claiming one name are told: (what the name is, how to fix it)
DUPLICATE_BLOCK = ("block id", "give one of them another id (the file name, or 'id:')")
DUPLICATE_POST = ("slug", "give one of the posts another 'slug:'")
DUPLICATE_CAMPAIGN = ("campaign name", "rename one of the files (the file name is the campaign)")


def _load_all(
    folder: Path,
    suffixes: tuple[str, ...],
    load: Callable[[Path, Problems], _Item | None],
    name_of: Callable[[_Item], str],
    duplicate: tuple[str, str],
    problems: Problems,
    unreadable: set[str],
) -> dict[str, _Item]:
    """Every file of one kind, keyed by its name; two files claiming one name is an error
    naming both, because silently keeping either would publish the wrong one."""
    loaded: dict[str, _Item] = {}
    for path in content_files(folder, suffixes, problems):
        item = load(path, problems)
        if item is None:
            unreadable.add(path.stem)
            continue
        name = name_of(item)
        if name in loaded:
            what, hint = duplicate
            problems.error(
                f"duplicate {what} {name!r}: defined in {rel_name(loaded[name].path)} "
                f"and in {rel_name(path)}",
                path,
                hint=hint,
            )
            continue
        loaded[name] = item
    return loaded


def load_project(root: Path, problems: Problems) -> Project | None:
    """Load and validate everything; None when the content cannot be built at all."""
    root = root.resolve()
    if not root.is_dir():
        problems.error(f"content directory {root} does not exist", root)
        return None
    site = load_site(root, problems)
    unreadable: set[str] = set()
    blocks = _load_all(
        root / "blocks", (".md",), load_block, lambda b: b.id, DUPLICATE_BLOCK, problems, unreadable
    )
    posts = _load_all(
        root / "posts", (".md",), load_post, lambda p: p.slug, DUPLICATE_POST, problems, unreadable
    )
    campaigns = _load_all(
        root / "campaigns", (".yaml", ".yml"), load_campaign, lambda c: c.name,
        DUPLICATE_CAMPAIGN, problems, set(),
    )  # fmt: skip
    assets = collect_images(root, problems)
    styles = load_styles(root, problems)
    if site is None:
        return None
    approvals = load_approvals(root, site, blocks, posts, unreadable, problems)
    return Project(root, site, blocks, posts, campaigns, assets, frozenset(unreadable),
                   styles, approvals)  # fmt: skip


def load_approvals(
    root: Path,
    site: Site,
    blocks: dict[str, Block],
    posts: dict[str, Post],
    unreadable: set[str],
    problems: Problems,
) -> Approvals:
    """The site's roles, ``approvals.yaml`` (checked even while approvals are off, so
    turning them on finds no surprise) and the hash of every approvable source."""
    hashes = {source_name("block", k): b.text_sha256 for k, b in blocks.items()}
    hashes.update({source_name("post", k): p.text_sha256 for k, p in posts.items()})
    book = load_book(root, hashes, unreadable, site.approvals, problems)
    if book is not None and not site.approvals:
        problems.warning(
            "approvals.yaml is ignored: site.yaml does not turn approvals on",
            book.path,
            hint="add approvals: {required: [medical, legal]} to site.yaml to mark every "
            "output that is not approved as a draft",
        )
    return Approvals(site.approvals, book, hashes)
