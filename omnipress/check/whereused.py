"""``python build.py where-used BLOCK_ID``: what changes if I edit this block?

Answered from the manifest (what the last build actually used, nested includes included) and
from content/ (the block's hash today), so each use says whether it is up to date. Posts
that include the block in content/ but were built before they did are listed too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from omnipress.build.manifest import Manifest, sha256_of
from omnipress.build.output_files import read_output_file
from omnipress.channels import by_name
from omnipress.content.approval_status import source_status
from omnipress.content.model import Project
from omnipress.content.resolve import children_of, effective_cta, post_texts, references_in
from omnipress.content.schema import section_blocks
from omnipress.errors import ContentError, Problems, UsageError, did_you_mean, make_printable


@dataclass(frozen=True)
class Use:
    file: str
    post: str
    channel: str
    campaign: str | None
    via: tuple[str, ...]  # the blocks that include it here; empty when used directly
    built_hash: str
    status: str  # "up to date" | "stale" | "edited by hand" | "missing"
    whole: bool = True  # False: the output shows only some fields (the author in a byline)

    def __post_init__(self) -> None:
        make_printable(self)  # names come from file names in content/ and from the manifest


@dataclass
class WhereUsed:
    block_id: str
    block_type: str | None
    path: str | None
    current_hash: str | None  # None when content/ cannot be loaded or no longer has it
    posts: list[str] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)
    unbuilt_posts: list[str] = field(default_factory=list)  # include it now, built before
    note: str = ""
    # approvals on: "approved", or what holds it back ("not approved by legal"); else None
    approval: str | None = None

    def __post_init__(self) -> None:
        make_printable(self)

    @property
    def up_to_date(self) -> bool:
        return all(use.status == "up to date" for use in self.uses) and not self.unbuilt_posts

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["up_to_date"] = self.up_to_date
        return data


def where_used(block_id: str, output: Path, content: Path) -> WhereUsed:
    """Every use of ``block_id``; UsageError for an unknown id or when there is no build."""
    from omnipress.build.builder import load_and_validate
    from omnipress.check.check import read_manifest_or_explain

    manifest = read_manifest_or_explain(output)
    project: Project | None
    note = ""
    try:
        project = load_and_validate(content, Problems())
    except ContentError as exc:
        project = None
        note = f"content/ has {len(exc.problems)} problem(s); current hashes are unknown"
    known = set(manifest.blocks) | (set(project.blocks) if project else set())
    if block_id not in known:
        raise UsageError(f"there is no block {block_id!r}", did_you_mean(block_id, known))
    block = project.blocks.get(block_id) if project else None
    recorded = manifest.blocks.get(block_id, {})
    uses = [
        _use(record_path, manifest, project, block_id, output)
        for record_path in sorted(
            r.path for r in manifest.outputs if r.block_hash(block_id) is not None
        )
    ]
    posts = sorted({use.post for use in uses})
    status = source_status(project, f"block:{block_id}") if project else None
    return WhereUsed(
        block_id=block_id,
        block_type=block.type if block else recorded.get("type"),
        path=str(block.path.relative_to(project.root.parent))
        if block and project
        else recorded.get("path"),
        current_hash=block.digest if block else None,
        posts=posts,
        campaigns=_campaigns(manifest, block_id),
        uses=uses,
        unbuilt_posts=sorted(_content_users(project, block_id) - set(posts)) if project else [],
        note=note or ("" if block or project is None else "the block is no longer in content/"),
        approval=status.summary if status else None,
    )


def _use(
    path: str, manifest: Manifest, project: Project | None, block_id: str, output: Path
) -> Use:
    record = manifest.by_path()[path]
    via: tuple[str, ...] = ()
    if project is not None:
        via = tuple(
            parent
            for parent in record.blocks
            if parent != block_id
            and parent in project.blocks
            and block_id in children_of(project.blocks[parent])
        )
    built = record.block_hash(block_id) or ""
    current = project.blocks[block_id].digest if project and block_id in project.blocks else None
    try:
        data: bytes | None = read_output_file(output, path).data
    except OSError:  # missing, or not a file inside output/: either way not the build's file
        data = None
    if data is None:
        status = "missing"
    elif sha256_of(data) != record.sha256:
        status = "edited by hand"
    elif current != built:
        status = "stale"
    else:
        status = "up to date"
    whole = block_id in record.blocks
    return Use(path, record.post, record.channel, record.campaign, via, built, status, whole)


def _campaigns(manifest: Manifest, block_id: str) -> list[str]:
    """Campaigns whose files use the block: their own variants, the files of their posts that
    no campaign has a variant of (the blog page, which every campaign links to), and
    campaigns whose CTA override is the block."""
    names: set[str] = set()
    for record in manifest.outputs:
        if record.block_hash(block_id) is None:
            continue
        channel = by_name(record.channel)
        if record.campaign is not None:
            names.add(record.campaign)
        elif channel is not None and not channel.per_campaign:
            names.update(record.campaigns)
    names.update(n for n, c in manifest.campaigns.items() if c.get("cta") == block_id)
    return sorted(names)


def _content_users(project: Project, block_id: str) -> set[str]:
    """Posts whose content uses the block today, directly or through other blocks."""
    users = set()
    for post in project.posts.values():
        roots = [r.block_id for text, _ in post_texts(post) for r in references_in(text)]
        roots += [block_id for _, block_id in section_blocks(post)]
        roots += [post.author, effective_cta(project, post, None).id]
        roots += [c.cta for c in project.campaigns_of(post.slug) if c.cta]
        if project.site.boilerplate:
            roots.append(project.site.boilerplate)
        seen: set[str] = set()
        stack = [r for r in roots if r in project.blocks]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(c for c in children_of(project.blocks[current]) if c in project.blocks)
        if block_id in seen:
            users.add(post.slug)
    return users
