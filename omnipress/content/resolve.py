"""Block includes: finding ``[[block:ID]]`` markers, checking every reference, and listing
which blocks an output uses.

The marker is deliberately not Jinja: content is data, so ``{{ … }}`` in a post must print as
written, while ``[[block:ID]]`` on a line of its own is the one thing the pipeline expands.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from omnipress.content.model import Block, Campaign, Post, Project
from omnipress.content.schema import section_blocks, section_markdown
from omnipress.errors import Problems, did_you_mean, find_line

# Forgiving about spacing and case ("[[ Block: cta-rfi ]]"): a typo must not publish the
# marker as text. Up to three spaces of indent, as in Markdown; four or more make it code.
MARKER = re.compile(
    r"^[ ]{0,3}\[\[[ \t]*block[ \t]*:[ \t]*([^\]\n]*?)[ \t]*\]\][ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
INLINE_MARKER = re.compile(r"\[\[[ \t]*block[ \t]*:[^\]\n]*\]\]", re.IGNORECASE)
FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})", re.MULTILINE)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
INDENTED = re.compile(r"^(?: {4}|\t)", re.MULTILINE)

MAX_DEPTH = 8
"""Blocks nest a level or two in practice; deeper chains are almost always a mistake."""
MAX_EXPANSIONS = 200
"""Includes expanded for one output. Bounds time and size when a block is included thousands
of times (by accident or on purpose) instead of building a multi-megabyte page."""


@dataclass(frozen=True)
class Reference:
    """One ``[[block:ID]]`` marker: the id and the file line it stands on."""

    block_id: str
    line: int | None


@dataclass(frozen=True)
class Text:
    """Markdown between markers."""

    markdown: str


Segment = Text | Reference


def code_ranges(text: str) -> list[tuple[int, int]]:
    """Where the text is code (fenced blocks and `code spans`): a marker there is an example
    to show, not an include."""
    ranges: list[tuple[int, int]] = []
    position = 0
    while (opening := FENCE.search(text, position)) is not None:
        fence = opening.group(1)
        closing = re.compile(rf"^[ ]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
        end_of_line = text.find("\n", opening.end())
        found = closing.search(text, end_of_line + 1) if end_of_line != -1 else None
        end = found.end() if found else len(text)
        ranges.append((opening.start(), end))
        position = end
    for span in CODE_SPAN.finditer(text):
        if not any(start <= span.start() < end for start, end in ranges):
            ranges.append(span.span())
    return ranges


def in_code(position: int, ranges: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in ranges)


def split_segments(text: str, first_line: int | None = None) -> list[Segment]:
    """Cut Markdown at its block markers, keeping the text between them."""
    segments: list[Segment] = []
    position = 0
    code = code_ranges(text) if "`" in text or "~~~" in text else []
    for match in MARKER.finditer(text):
        if code and in_code(match.start(), code):
            continue
        if match.start() > position:
            segments.append(Text(text[position : match.start()]))
        line = None if first_line is None else first_line + text.count("\n", 0, match.start())
        segments.append(Reference(match.group(1), line))
        position = match.end()
    if position < len(text):
        segments.append(Text(text[position:]))
    return segments


def references_in(text: str, first_line: int | None = None) -> list[Reference]:
    return list(_references(text, first_line))


@functools.lru_cache(maxsize=16384)
def _references(text: str, first_line: int | None) -> tuple[Reference, ...]:
    """Remembered per text (the references only, not copies of the text between them): a
    build asks for each post's and block's references again for every output (its approval
    sources, its blocks, the checks), and a long-lived preview again on every save, while
    they change only when their file does."""
    return tuple(s for s in split_segments(text, first_line) if isinstance(s, Reference))


def block_texts(block: Block) -> Iterator[tuple[str, int | None]]:
    """Every text of a block that may hold markers: the body and each channel variant."""
    yield block.body, block.body_line
    for text in block.variants.values():
        yield text, None


def post_texts(post: Post) -> Iterator[tuple[str, int | None]]:
    """Every text of a post that may hold markers: the body and the Markdown fields of its
    channels' sections, as each channel declares them."""
    yield post.body, post.body_line
    for text in section_markdown(post):
        yield text, None


def check_references(project: Project, problems: Problems) -> None:
    """Report every unknown id, wrong block type, misplaced marker and include cycle."""
    blocks = project.blocks

    def expect(
        block_id: str | None, block_type: str | None, path: Path, line: int | None, what: str
    ) -> None:
        if block_id is None:
            return
        block = blocks.get(block_id)
        if block is None and block_id in project.unreadable:
            return  # its own file's error says why
        # the line is looked for only for a problem: it reads the file again
        if block is None:
            problems.error(
                f"{what} refers to unknown block {block_id!r}",
                path,
                line or find_line(path, block_id),
                hint=did_you_mean(block_id, blocks),
            )
        elif block_type is not None and block.type != block_type:
            problems.error(
                f"{what} must be a {block_type} block, but {block_id!r} is a {block.type}",
                path,
                line or find_line(path, block_id),
                hint=did_you_mean_type(block_type, project),
            )

    def scan(text: str, first_line: int | None, path: Path) -> None:
        if "[[" not in text:  # most texts: no marker of any kind
            return
        for ref in references_in(text, first_line):
            expect(ref.block_id, None, path, ref.line, "include")
        inline = list(INLINE_MARKER.finditer(text))
        code = code_ranges(text) if inline and ("`" in text or "~~~" in text) else []
        standalone = {m.start() for m in MARKER.finditer(text)}
        for match in inline:
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : None if line_end == -1 else line_end]
            indented_code = INDENTED.match(line) and line.strip() == match.group(0)
            if line_start in standalone or indented_code or in_code(match.start(), code):
                continue
            problems.error(
                f"block marker {match.group(0)!r} must stand alone on its own line",
                path,
                find_line(path, match.group(0)),
                hint="put the marker on a line by itself, with blank lines around it",
            )

    site = project.site
    expect(site.default_cta, "cta", site.path, None, "site default_cta")
    expect(site.boilerplate, "boilerplate", site.path, None, "site boilerplate")
    for block in blocks.values():
        for text, line in block_texts(block):
            scan(text, line, block.path)
    for post in project.posts.values():
        for text, line in post_texts(post):
            scan(text, line, post.path)
        expect(post.author, "bio", post.path, None, "author")
        expect(post.cta, "cta", post.path, None, "cta")
        for field_name, block_id in section_blocks(post):
            expect(block_id, None, post.path, None, field_name)
    for campaign in project.campaigns.values():
        expect(campaign.cta, "cta", campaign.path, None, "overrides.cta")
        for slug in campaign.posts:
            if slug not in project.posts and slug not in project.unreadable:
                problems.error(
                    f"campaign lists unknown post {slug!r}",
                    campaign.path,
                    find_line(campaign.path, slug),
                    hint=did_you_mean(slug, project.posts, "posts"),
                )
    for cycle in find_cycles(project):
        first = blocks[cycle[0]]
        line = next(
            (
                ref.line
                for text, start in block_texts(first)
                for ref in references_in(text, start)
                if ref.block_id == cycle[1]
            ),
            None,
        )
        problems.error(
            "block include cycle: " + " → ".join(cycle),
            first.path,
            line,
            hint="remove one of these includes; a block cannot contain itself",
        )


def did_you_mean_type(block_type: str, project: Project) -> str:
    ids = sorted(b.id for b in project.blocks.values() if b.type == block_type)
    return f"{block_type} blocks: {', '.join(ids)}" if ids else f"no {block_type} block exists yet"


def children_of(block: Block, channel: str | None = None) -> list[str]:
    """Ids a block includes: in one channel's text, or in any of its texts."""
    if channel is not None:
        return [r.block_id for r in references_in(block.body_for(channel))]
    return [r.block_id for text, _ in block_texts(block) for r in references_in(text)]


def find_cycles(project: Project) -> list[list[str]]:
    """Each include cycle once, as the path that closes it (a → b → a)."""
    cycles: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(block_id: str, path: list[str]) -> None:
        state[block_id] = 1
        path.append(block_id)
        for child in children_of(project.blocks[block_id]):
            if child not in project.blocks:
                continue
            if state.get(child) == 1:
                cycle = [*path[path.index(child) :], child]
                key = frozenset(cycle)
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    cycles.append(cycle)
            elif state.get(child) is None:
                visit(child, path)
        path.pop()
        state[block_id] = 2

    for block_id in sorted(project.blocks):
        if block_id not in state:
            visit(block_id, [])
    return cycles


def effective_cta(project: Project, post: Post, campaign: Campaign | None) -> Block:
    """The CTA an output shows: the campaign's override, else the post's, else the site's."""
    cta_id = (campaign.cta if campaign else None) or post.cta or project.site.default_cta
    return project.blocks[cta_id]


def closure(project: Project, roots: list[str], channel: str) -> list[str]:
    """Roots plus everything they include in ``channel``, in first-use order."""
    ordered: list[str] = []
    stack = list(reversed(roots))
    while stack:
        block_id = stack.pop()
        if block_id in ordered or block_id not in project.blocks:
            continue
        ordered.append(block_id)
        stack.extend(reversed(children_of(project.blocks[block_id], channel)))
    return ordered
