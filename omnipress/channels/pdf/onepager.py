"""What a one-pager shows when its post does not say, and whether its page looks finished.

A post without ``pdf.blocks`` used to get a title, a summary and a call to action: two thirds
of an A4 page blank, and no one was told. Now it shows the blocks the article itself includes,
in the article's order, as many as fit on the one page; and any one-pager whose content fills
less than about half its page is reported, so a thin one-pager is a choice, not an accident.
"""

from __future__ import annotations

from collections.abc import Callable

from omnipress.channels.pdf.settings import chosen_blocks
from omnipress.content.model import Post, Project
from omnipress.content.resolve import references_in

SHOWN_ELSEWHERE = {
    "cta": "the call-to-action band",
    "boilerplate": "the footer",
}
"""Block types the one-pager's design prints in a place of its own (``pdf/onepager.html``):
the post's CTA in its band, the site's boilerplate in the footer. Repeated among the blocks,
they would only take the room of something else."""

MIN_FILL = 0.5
"""Below this share of its page, a one-pager looks unfinished."""


def default_blocks(project: Project, post: Post) -> tuple[str, ...]:
    """The blocks the post's body includes (``[[block:ID]]``, not in code), first use first,
    without those the one-pager shows in their own place."""
    chosen: list[str] = []
    for reference in references_in(post.body):
        block = project.blocks.get(reference.block_id)
        if block is None or block.type in SHOWN_ELSEWHERE or block.id in chosen:
            continue
        chosen.append(block.id)
    return tuple(chosen)


def onepager_blocks(project: Project, post: Post) -> tuple[tuple[str, ...], bool]:
    """(the blocks to show, whether the post chose them): a post's own ``pdf.blocks`` are
    shown as written (too many is the post's error to fix); the default is trimmed to fit."""
    chosen = chosen_blocks(post)
    if chosen:
        return chosen, True
    return default_blocks(project, post), False


def most_that_fit(count: int, fits: Callable[[int], bool]) -> int:
    """The largest n < ``count`` for which ``fits(n)`` (0 when none does), for a caller that
    already knows ``count`` does not fit. A block added never makes the page shorter, so this
    searches down from the top in growing steps, then bisects: usually one block too many
    costs one more layout, and the worst case about 2·log2(count)."""
    high, step = count, 1  # high: known not to fit
    while True:
        low = max(high - step, 0)
        if fits(low):
            break
        if low == 0:
            return 0
        high, step = low, step * 2
    while high - low > 1:  # low fits, high does not
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


def listed_blocks(project: Project, post: Post) -> tuple[str, ...]:
    """The blocks the one-pager is held to showing: the post's ``pdf.blocks``, or the build's
    default choice (a block's words missing from them is a ``pdf.blocks`` finding)."""
    return onepager_blocks(project, post)[0]
