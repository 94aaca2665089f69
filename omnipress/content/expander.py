"""Expanding ``[[block:ID]]`` includes for one output, whatever the output's format.

Every renderer (HTML for the blog and the one-pager, plain text for LinkedIn) must stop the
same runaway includes the same way: a chain nested too deep, a cycle that slipped past
:func:`omnipress.content.resolve.check_references`, or one block included thousands of times.
The guard, its one error and the list of blocks an output used live here, once; a format
gives only how it renders one block (its body and template) and, for text it walks here, how
it renders the words between markers and joins the pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from omnipress.content.model import Block
from omnipress.content.resolve import MAX_DEPTH, MAX_EXPANSIONS, Reference, split_segments
from omnipress.errors import Problems

Rendered = TypeVar("Rendered")  # what a format makes of a block: Markup for HTML, str for text


@dataclass
class BlockExpander(Generic[Rendered]):
    """The includes of one output: each expanded through ``render``, under one guard.

    ``render(block, depth)`` renders a block in the format; the includes in its own text go
    back through :meth:`include` at ``depth + 1``, so the guard sees the whole chain.
    ``nothing`` is what a refused include renders to.
    """

    blocks: Mapping[str, Block]
    problems: Problems
    render: Callable[[Block, int], Rendered]
    nothing: Rendered
    used: list[str] = field(default_factory=list)  # first-use order: the manifest's list
    expansions: int = 0
    exhausted: bool = False  # the error is said once per output, not once per include

    def note(self, block_id: str) -> None:
        if block_id not in self.used:
            self.used.append(block_id)

    def include(self, block_id: str, depth: int = 0) -> Rendered:
        """One block, rendered, unless the output has gone too deep or included too much."""
        block = self.blocks[block_id]
        self.expansions += 1
        if depth > MAX_DEPTH or self.expansions > MAX_EXPANSIONS:
            if not self.exhausted:
                self.exhausted = True
                self.problems.error(
                    f"too many block includes while rendering {block_id!r} "
                    f"(limit: {MAX_EXPANSIONS} includes, {MAX_DEPTH} levels deep)",
                    block.path,
                    hint="a block is probably included far more often than intended",
                )
            return self.nothing
        self.note(block_id)
        return self.render(block, depth)

    def expand(
        self,
        text: str,
        depth: int,
        words: Callable[[str], Rendered],
        join: Callable[[list[Rendered]], Rendered],
    ) -> Rendered:
        """``text`` with each marker replaced by its block and the Markdown between markers
        through ``words``, joined. (HTML cannot walk here: Markdown must convert a whole text
        at once, so :mod:`omnipress.text.markup` leaves placeholders and calls :meth:`include`
        for each.)"""
        return join(
            [
                self.include(segment.block_id, depth + 1)
                if isinstance(segment, Reference)
                else words(segment.markdown)
                for segment in split_segments(text)
            ]
        )
