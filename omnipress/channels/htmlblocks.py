"""Expanding blocks into HTML, for the channels that are HTML (the blog and the one-pager).

Each block type has one template, ``templates/blocks/<type>.html``; the blog and the PDF style
it with their own CSS, so a block reads the same words in both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from omnipress.channels.base import RenderEnvironment
from omnipress.channels.readback import parse_html
from omnipress.content.expander import BlockExpander
from omnipress.content.model import Block, Post
from omnipress.content.resolve import Reference
from omnipress.content.schema import template_fields
from omnipress.text.markup import fill_blocks, prepare_markdown


@dataclass
class HtmlBlockRenderer:
    """Renders blocks for one output, remembering which blocks it used."""

    env: RenderEnvironment
    channel: str
    resolve_image: Callable[[str], str | None]
    includes: BlockExpander[Markup] = field(init=False)

    def __post_init__(self) -> None:
        self.includes = BlockExpander(
            self.env.project.blocks, self.env.problems, self.render, Markup("")
        )

    @property
    def used(self) -> list[str]:
        return self.includes.used

    def note(self, block_id: str) -> None:
        self.includes.note(block_id)

    def block(self, block_id: str, depth: int = 0) -> Markup:
        """One block as HTML, with the blocks it includes expanded in place."""
        return self.includes.include(block_id, depth)

    def render(self, block: Block, depth: int) -> Markup:
        body = self.markdown(block.body_for(self.channel), block, depth)
        template = self.env.jinja.get_template(f"blocks/{block.type}.html")
        return Markup(
            template.render(
                block=block,
                fields=template_fields(block.type, block.fields),
                body=body,
                channel=self.channel,
            )
        )

    def markdown(self, text: str, source: Block | Post, depth: int = 0) -> Markup:
        return self.document(text, source, depth)[0]

    def document(self, text: str, source: Block | Post, depth: int = 0) -> tuple[Markup, Markup]:
        """A whole Markdown text as HTML, and the table of contents of its headings."""
        # Converting and sanitising is most of the cost, and the same for every output that
        # shows this text in this channel (a CTA, the boilerplate): done once per process.
        prepared = self.env.prepared
        key = (self.channel, text)
        if key not in prepared:
            prepared[key] = prepare_markdown(text, self.env.converter, self.resolve_image)
        converted = fill_blocks(
            prepared[key],
            lambda ref: self.reference(ref, depth),
            self.resolve_image,
            self.env.cleaning_for(source.path),
        )
        return Markup(converted.html), Markup(converted.toc)

    def reference(self, ref: Reference, depth: int) -> str:
        return str(self.includes.include(ref.block_id, depth + 1))


def html_block_text(env: RenderEnvironment, channel: str, block_id: str) -> str:
    """A block's words as a reader of an HTML channel's file sees them (nested blocks
    included): what ``check`` looks for in the page or the PDF's text."""
    html = HtmlBlockRenderer(env, channel, lambda path: None).block(block_id)
    return parse_html(str(html)).root.text()
