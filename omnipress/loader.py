"""Reading ``content/`` into a validated :class:`~omnipress.model.Project`.

Every problem is collected with its file and line rather than raised, so one run reports them
all. Front matter is read with YAML's safe loader and never evaluated as a template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from omnipress.errors import Problems, did_you_mean, find_line
from omnipress.model import (
    CHANNEL_NAMES,
    Block,
    Brand,
    Campaign,
    LinkedInSettings,
    Post,
    Project,
    Site,
    digest_of,
)
from omnipress.schema import (
    BLOCK_TYPES,
    CAMPAIGN_FIELDS,
    COMMON_BLOCK_FIELDS,
    ID_PATTERN,
    LINKEDIN_FIELDS,
    PDF_FIELDS,
    POST_FIELDS,
    SITE_FIELDS,
    FieldSpec,
    check_value,
)

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Past this a file is refused: real posts are tens of kilobytes; megabytes mean a paste gone
wrong, and Markdown's cost grows faster than linearly on some inputs."""

DEFAULT_COLORS = {
    "primary": "#0B3C5D",
    "accent": "#1FA39A",
    "text": "#1C2430",
    "muted": "#5B6675",
    "background": "#FFFFFF",
    "tint": "#EEF6F6",
}
DEFAULT_FONTS = {"heading": "Inter", "body": "Inter"}


@dataclass(frozen=True)
class SourceFile:
    """A content file split into its front matter and body, with line numbers kept."""

    path: Path
    meta: dict[str, Any]
    key_lines: dict[str, int]
    body: str
    body_line: int
    raw: str


def read_text(path: Path, problems: Problems) -> str | None:
    """The file's text, or None after recording why it cannot be read as content."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.error(f"cannot read the file: {exc.strerror}", path)
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.error(
            f"file is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1_048_576} MB",
            path,
            hint="split it into several posts or blocks; content files are normally a few KB",
        )
        return None
    if b"\x00" in data:
        problems.error(
            "this is a binary file, not text",
            path,
            hint="move images to content/images/; only .md and .yaml files belong here",
        )
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.error(
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} cannot be decoded)",
            path,
            line,
            hint="re-save the file as UTF-8 in your editor",
        )
        return None
    if not text.strip():
        problems.error("the file is empty", path, hint="add front matter and text, or delete it")
        return None
    return text.removeprefix("\ufeff")


def parse_yaml(
    text: str, path: Path, problems: Problems, first_line: int = 1
) -> tuple[Any, dict[str, int]] | None:
    """Safe-load YAML, mapping a syntax error to the file's own line numbers."""
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        problems.error(
            f"invalid YAML: {problem}",
            path,
            line,
            hint="check indentation, and quote text that contains ':' or starts with a symbol",
        )
        return None
    except yaml.YAMLError as exc:
        problems.error(f"invalid YAML: {exc}", path)
        return None
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines[str(key_node.value)] = first_line + key_node.start_mark.line
    return data, key_lines


def read_source(path: Path, problems: Problems) -> SourceFile | None:
    """Split a Markdown file into front matter and body, keeping line numbers."""
    text = read_text(path, problems)
    if text is None:
        return None
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        problems.error(
            "no front matter: the file must start with a line '---'",
            path,
            1,
            hint="start with ---, the fields (type:, title: …), then --- and the text",
        )
        return None
    try:
        fm_text, body = handler.split(text)
    except ValueError:
        problems.error("front matter is not closed by a line '---'", path, 1)
        return None
    first_line = text[: text.index(fm_text)].count("\n") + 1
    parsed = parse_yaml(fm_text, path, problems, first_line=first_line)
    if parsed is None:
        return None
    meta, key_lines = parsed
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.error("front matter must be 'key: value' lines", path, 2)
        return None
    body_start = text.index(body, len(fm_text)) if body else len(text)
    if body.startswith("\n"):  # the newline that ends the closing '---' line
        body, body_start = body[1:], body_start + 1
    body_line = text[:body_start].count("\n") + 1
    return SourceFile(path, meta, key_lines, body, body_line, text)


def validate_fields(
    specs: tuple[FieldSpec, ...],
    data: dict[str, Any],
    source: Path,
    key_lines: dict[str, int],
    problems: Problems,
    what: str,
) -> bool:
    """Check required fields, kinds and unknown keys. Returns False when an error was found."""
    ok = True
    known = {s.name for s in specs}
    for spec in specs:
        line = key_lines.get(spec.name)
        if spec.name not in data or data[spec.name] is None:
            if spec.required:
                problems.error(
                    f"{what}: required field '{spec.name}' is missing",
                    source,
                    None,
                    hint=f"add '{spec.name}:' — {spec.help}" if spec.help else "",
                )
                ok = False
            continue
        reason = check_value(spec, data[spec.name])
        if reason:
            problems.error(f"{what}: {reason}", source, line, hint=spec.help)
            ok = False
    for key in data:
        if key not in known:
            problems.warning(
                f"{what}: unknown field '{key}' is ignored",
                source,
                key_lines.get(str(key)),
                hint=did_you_mean(str(key), known),
            )
    return ok


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
    if not validate_fields(SITE_FIELDS, data, path, lines, problems, "site"):
        return None
    brand = data.get("brand") or {}
    pdf = data.get("pdf") or {}
    if not check_brand(brand, path, lines, problems) or not check_logo(data, root, path, problems):
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
        brand=Brand(
            colors={**DEFAULT_COLORS, **(brand.get("colors") or {})},
            fonts={**DEFAULT_FONTS, **(brand.get("fonts") or {})},
        ),
        page_size=str(pdf.get("page_size", "A4")),
        path=path,
        digest=digest_of(data),
    )


COLOR = re.compile(r"^#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?$")
FONT_NAME = re.compile(r"^[A-Za-z0-9 ._-]+$")


def check_brand(
    brand: dict[str, Any], path: Path, lines: dict[str, int], problems: Problems
) -> bool:
    """Brand values end up inside CSS: accept only colours and plain font names."""
    ok = True
    for name, value in (brand.get("colors") or {}).items():
        if not isinstance(value, str) or not COLOR.match(value):
            problems.error(
                f"brand colour {name!r} must be a hex colour like #0B3C5D, got {value!r}",
                path,
                lines.get("brand"),
            )
            ok = False
    for name, value in (brand.get("fonts") or {}).items():
        if not isinstance(value, str) or not FONT_NAME.match(value):
            problems.error(
                f"brand font {name!r} must be a font family name, got {value!r}",
                path,
                lines.get("brand"),
            )
            ok = False
    return ok


def check_logo(data: dict[str, Any], root: Path, path: Path, problems: Problems) -> bool:
    logo = data.get("logo")
    if logo is None:
        return True
    target = (root / logo).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        problems.error(
            f"logo {logo!r} is not a file inside content/",
            path,
            find_line(path, "logo:"),
            hint="put the logo in content/images/ and write logo: images/NAME.svg",
        )
        return False
    return True


def load_block(path: Path, problems: Problems) -> Block | None:
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
    block_id = meta.get("id", path.stem)
    if not ID_PATTERN.match(block_id):
        problems.error(
            f"block id {block_id!r} must be lowercase letters, digits and dashes",
            path,
            source.key_lines.get("id"),
            hint="rename the file, e.g. stat-trial-phases.md",
        )
        return None
    variants = meta.get("variants") or {}
    for channel, text in variants.items():
        if channel not in CHANNEL_NAMES or not isinstance(text, str):
            problems.error(
                f"variant {channel!r} must be text for one of the channels "
                + ", ".join(CHANNEL_NAMES),
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
    )


def load_post(path: Path, problems: Problems) -> Post | None:
    source = read_source(path, problems)
    if source is None:
        return None
    meta = source.meta
    if not validate_fields(POST_FIELDS, meta, path, source.key_lines, problems, "post"):
        return None
    linkedin = meta["linkedin"]
    pdf = meta.get("pdf") or {}
    linkedin_ok = validate_fields(
        LINKEDIN_FIELDS, linkedin, path, source.key_lines, problems, "post linkedin"
    )
    pdf_ok = validate_fields(PDF_FIELDS, pdf, path, source.key_lines, problems, "post pdf")
    if not (linkedin_ok and pdf_ok):
        return None
    body = source.body.strip("\n")
    if not body.strip():
        problems.error("the post has no text below its front matter", path, source.body_line)
        return None
    linkedin_line = source.key_lines.get("linkedin")
    return Post(
        slug=meta.get("slug", path.stem),
        title=meta["title"].strip(),
        date=meta["date"],
        author=meta["author"],
        summary=meta["summary"].strip(),
        description=(meta.get("description") or meta["summary"]).strip(),
        tags=tuple(meta.get("tags") or ()),
        cta=meta.get("cta"),
        linkedin=LinkedInSettings(
            hook=linkedin["hook"].strip(),
            body=(linkedin.get("body") or "").strip("\n"),
            hashtags=tuple(linkedin.get("hashtags") or ()),
            body_line=linkedin_line,
        ),
        pdf_blocks=tuple(pdf.get("blocks") or ()),
        body=body,
        path=path,
        body_line=source.body_line,
        digest=digest_of(meta, body),
    )


def load_campaign(path: Path, problems: Problems) -> Campaign | None:
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
    utm = {str(k): str(v) for k, v in (data.get("utm") or {}).items()}
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


def rel_name(path: Path) -> str:
    """'blocks/cta.md': enough of a path to find the file, short enough to read."""
    return f"{path.parent.name}/{path.name}"


def content_files(folder: Path, suffixes: tuple[str, ...], problems: Problems) -> list[Path]:
    """The content files of one folder, sorted, with strays reported rather than ignored."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name.endswith("~"):
            continue
        if path.is_symlink():
            problems.error(
                "symbolic links are not followed in content/",
                path,
                hint="copy the file here instead of linking it",
            )
        elif path.is_file() and path.suffix in suffixes:
            found.append(path)
        elif path.is_file():
            problems.warning(
                f"ignored: only {' and '.join(suffixes)} files are read here",
                path,
                hint="move images to content/images/",
            )
    return found


def load_project(root: Path, problems: Problems) -> Project | None:
    """Load and validate everything; None when the content cannot be built at all."""
    root = root.resolve()
    if not root.is_dir():
        problems.error(f"content directory {root} does not exist", root)
        return None
    site = load_site(root, problems)
    blocks: dict[str, Block] = {}
    unreadable: set[str] = set()
    for path in content_files(root / "blocks", (".md",), problems):
        block = load_block(path, problems)
        if block is None:
            unreadable.add(path.stem)
            continue
        if block.id in blocks:
            problems.error(
                f"duplicate block id {block.id!r}: defined in {rel_name(blocks[block.id].path)} "
                f"and in {rel_name(path)}",
                path,
                hint="give one of them another id (the file name, or 'id:')",
            )
            continue
        blocks[block.id] = block
    posts: dict[str, Post] = {}
    for path in content_files(root / "posts", (".md",), problems):
        post = load_post(path, problems)
        if post is None:
            unreadable.add(path.stem)
            continue
        if post.slug in posts:
            problems.error(
                f"duplicate slug {post.slug!r}: used by {rel_name(posts[post.slug].path)} "
                f"and by {rel_name(path)}",
                path,
                hint="give one of the posts another 'slug:'",
            )
            continue
        posts[post.slug] = post
    campaigns: dict[str, Campaign] = {}
    for path in content_files(root / "campaigns", (".yaml", ".yml"), problems):
        campaign = load_campaign(path, problems)
        if campaign is not None:
            campaigns[campaign.name] = campaign
    assets = (
        {
            str(p.relative_to(root)): p
            for p in sorted((root / "images").rglob("*"))
            if p.is_file() and not p.is_symlink()
        }
        if (root / "images").is_dir()
        else {}
    )
    if site is None:
        return None
    return Project(root, site, blocks, posts, campaigns, assets, frozenset(unreadable))
