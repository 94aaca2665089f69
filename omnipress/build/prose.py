"""House style and sourced claims, run over the project's sources: where each finding is.

The rules judge what a marketer wrote (posts, blocks, a post's title, summary and LinkedIn
text), not what the channels print: the finding then points at the file, line and column to
edit, the text a stat block inserts is never mistaken for prose, and no output depends on the
rules (a style edit renders nothing again). The build reports errors and warnings as content
problems (an error stops it); ``check`` lists them with suggestions too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from omnipress.content.model import Block, Post, Project
from omnipress.content.resolve import references_in
from omnipress.content.schema import section_blocks, section_fields, section_markdown
from omnipress.content.sources import read_text
from omnipress.content.styles import StyleRule
from omnipress.errors import Problem, Problems, Severity
from omnipress.text.claims import Claim, claims_in_view
from omnipress.text.house_style import Hit, style_hits
from omnipress.text.prose import position, readable

UNSOURCED = "claims.unsourced-figure"


@dataclass(frozen=True)
class Prose:
    """One text a marketer wrote: its file, the front-matter key it is the value of (None for
    the body below the front matter), the post it belongs to, and whether claims count in it
    (a post's words, not a block's: a figure in a block is the block's own business)."""

    path: Path
    text: str
    key: str | None
    post: str | None
    claims: bool


@dataclass(frozen=True)
class SourceFinding:
    """A rule's finding in a source file, with everything an editor or CI needs."""

    rule: str
    severity: Severity
    message: str
    hint: str
    path: Path
    line: int | None
    column: int | None
    matched: str
    replacement: str
    post: str | None

    def problem(self) -> Problem:
        return Problem(f"{self.message} [{self.rule}]", self.path, self.line, self.hint,
                       self.severity, self.column)  # fmt: skip


def post_prose(post: Post) -> Iterator[Prose]:
    yield Prose(post.path, post.body, None, post.slug, True)
    yield Prose(post.path, post.title, "title", post.slug, True)
    yield Prose(post.path, post.summary, "summary", post.slug, True)
    if post.description != post.summary:
        yield Prose(post.path, post.description, "description", post.slug, True)
    for key, text in section_fields(post):
        yield Prose(post.path, text, key, post.slug, True)


def block_prose(block: Block) -> Iterator[Prose]:
    yield Prose(block.path, block.body, None, None, False)
    for channel, text in block.variants.items():
        yield Prose(block.path, text, f"variants.{channel}", None, False)
    for name, value in block.fields.items():
        for text in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
            if isinstance(text, str):
                yield Prose(block.path, text, name, None, False)


@dataclass
class Places:
    """Offsets in a text turned into the file's line and column. The file is read again only
    for a text that has a finding (most have none), since the loaded values lost their place:
    YAML took the quotes and indentation off, the loader the blank lines around a body."""

    key_lines: dict[Path, dict[str, int]]
    files: dict[Path, list[str]] = field(default_factory=dict)

    def lines_of(self, path: Path) -> list[str]:
        if path not in self.files:
            self.files[path] = (read_text(path, Problems()) or "").split("\n")
        return self.files[path]

    def place(self, prose: Prose, offset: int, matched: str) -> tuple[int | None, int | None]:
        lines = self.lines_of(prose.path)
        index, column = position(prose.text, offset)
        value_lines = prose.text.split("\n")
        start = self.key_lines.get(prose.path, {}).get(prose.key or "", 1) - 1
        if prose.key is None:  # the body is the end of the file
            start = max(0, len(lines) - len(value_lines) - _trailing_blank(lines))
            return start + index + 1, column
        cursor = start
        for number, piece in enumerate(value_lines[: index + 1]):
            if not piece.strip():
                continue
            found = next((n for n in range(cursor, len(lines)) if piece in lines[n]), None)
            if found is None:
                break
            cursor = found
            if number == index:
                return found + 1, lines[found].find(piece) + column
        word = matched.split()[0] if matched.split() else matched
        for n in range(start, len(lines)):  # folded or escaped: the words themselves
            if word in lines[n]:
                return n + 1, lines[n].find(word) + 1
        return start + 1, None


def _trailing_blank(lines: list[str]) -> int:
    """Empty lines after the body, which the loader stripped (only line breaks)."""
    count = 0
    for line in reversed(lines):
        if line:
            break
        count += 1
    return count


def stat_numbers(project: Project) -> dict[str, list[str]]:
    """The number each stat block states -> the blocks stating it, for the hint that a
    figure written in prose is already a block's."""
    numbers: dict[str, list[str]] = {}
    for block in project.blocks.values():
        if block.type == "stat":
            number = normalised(str(block.field("value", "")))
            if number:
                numbers.setdefault(number, []).append(block.id)
    return numbers


def normalised(figure: str) -> str:
    return re.sub(r"[^\d.]", "", figure.replace(",", "")).strip(".")


def blocks_used(post: Post) -> set[str]:
    texts = [post.body, *section_markdown(post)]
    used = {ref.block_id for text in texts if "[[" in text for ref in references_in(text)}
    return used | {block_id for _, block_id in section_blocks(post)}


def unsourced_hint(number: str, post: Post, stats: dict[str, list[str]]) -> tuple[str, str]:
    """(hint, the marker to write instead) for a figure; the post's own stat blocks first."""
    holders = sorted(stats.get(number, []), key=lambda b: (b not in blocks_used(post), b))
    if holders:
        marker = f"[[block:{holders[0]}]]"
        return (f"the stat block '{holders[0]}' states this figure with its source: insert "
                f"{marker} on a line of its own instead of writing the figure"), marker  # fmt: skip
    return (
        "put the figure in a stat block (value, label, source) and insert it with "
        "[[block:ID]] on a line of its own, or write the sentence without the figure",
        "",
    )


MEMO_LIMIT = 50_000
_MEMO: dict[tuple[str, tuple[StyleRule, ...], bool], tuple[list[Hit], list[Claim]]] = {}


def matches(
    text: str, styles: tuple[StyleRule, ...], claims: bool
) -> tuple[list[Hit], list[Claim]]:
    """The rules' matches in one text, remembered by the text and the rules: the preview runs
    the rules over the whole project on every save (0.3–0.5 s at 500 posts), and a save
    changes a few texts. Positions only; what depends on the rest of the project (the claims
    setting, the stat blocks' figures, the file's lines) is worked out afresh each time."""
    key = (text, styles, claims)
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= MEMO_LIMIT:
            _MEMO.clear()
        view = readable(text)  # once, for both kinds of rule
        found = (style_hits(text, styles, view), claims_in_view(view) if claims else [])
        _MEMO[key] = found
    return found


def forget_matches() -> None:
    """Start with no remembered matches (a benchmark's cold run)."""
    _MEMO.clear()


def source_findings(project: Project) -> list[SourceFinding]:
    """Every house-style and claims finding in the project's posts and blocks, in file order."""
    places = Places({p.path: p.key_lines for p in project.posts.values()})
    stats = stat_numbers(project)
    styles = project.styles
    found: list[SourceFinding] = []
    texts = [t for post in project.posts.values() for t in post_prose(post)]
    texts += [t for block in project.blocks.values() for t in block_prose(block)]
    for prose in texts:
        if not prose.text:
            continue
        hits, claims = matches(prose.text, styles, prose.claims)
        for hit in hits:
            line, column = places.place(prose, hit.start, hit.matched)
            rule = hit.rule
            hint = (
                f"write '{hit.replacement}'"
                if hit.replacement
                else f"rephrase it (the rule: {rule.path.parent.name}/{rule.path.name}"
                + (f", {rule.link})" if rule.link else ")")
            )
            found.append(
                SourceFinding(rule.name, rule.level, hit.message, hint, prose.path, line,
                              column, hit.matched, hit.replacement, prose.post)
            )  # fmt: skip
        for claim in claims:
            post = project.posts[prose.post or ""]
            line, column = places.place(prose, claim.start, claim.figure)
            hint, marker = unsourced_hint(claim.number, post, stats)
            found.append(SourceFinding(
                UNSOURCED, project.site.claims,
                f"unsourced figure '{claim.figure}': a figure a reader sees needs a source on "
                "file", hint, prose.path, line, column, claim.figure, marker, prose.post,
            ))  # fmt: skip
    return sorted(found, key=lambda f: (str(f.path), f.line or 0, f.column or 0, f.rule))


def report_prose(project: Project, problems: Problems) -> None:
    """The findings a build reports: errors (which stop it) and warnings; suggestions are
    ``check``'s to list."""
    for finding in source_findings(project):
        if finding.severity is not Severity.SUGGESTION:
            problems.add(finding.problem())
