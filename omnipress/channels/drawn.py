"""The text a WeasyPrint layout draws, in the order it draws it: what a PDF reader extracts.

The build judges the PDFs it writes (the one-pager, the carousel) by the facts ``check`` reads
back from them, and keeps those facts as ``check``'s verdicts (check/seed.py). Reading the text
back with PDFium costs ~6 ms a one-pager, most of it PDFium loading the page (every glyph's
outline, to place it): about 5 % of a build whose rendering costs what the bare libraries
cost. Yet the build holds the layout those glyphs were drawn from. WeasyPrint draws each text
box's text, in the order of CSS's painting algorithm (its ``draw_stacking_context``), and
PDFium reads the text in the order it is drawn; so walking the layout in that order gives
the words PDFium reads, in the same order, for the cost of a walk (~1 ms).

What the walk must do as PDFium does:

- a line that ends with ``-`` runs on into the next line (PDFium joins the two, and the
  read-back writes the hyphen back: ``submission-ready``);
- an SVG image draws its ``<text>`` elements as text (the logo's name).

Spacing is not compared: both sides keep words only (:func:`words`), so a line break and a
space read the same. ``tests/test_agree.py`` and ``tests/test_carousel.py`` hold the two
readings equal, fact for fact, on the examples, the fixtures and a generated library; a
design whose text the two would read differently (text drawn over text, say) shows there,
and ``check --no-cache`` always reads the files themselves.
"""

from __future__ import annotations

import re
from typing import Any

from omnipress.channels.readback import words

LINE_END_HYPHEN = re.compile(r"-\n+")


def drawn_words(page: Any) -> str:
    """The words of one laid-out page (a ``weasyprint.Page``), in drawing order."""
    walk = _Walk()
    walk.context(walk.stacking.from_page(page._page_box))
    return words(LINE_END_HYPHEN.sub("-", "".join(walk.parts)))


class _Walk:
    """WeasyPrint's drawing order (``weasyprint/draw/__init__.py``), keeping only the text:
    a stacking context's negative layers, floats, in-flow blocks and their lines, then its
    positioned layers."""

    def __init__(self) -> None:
        from weasyprint.formatting_structure import boxes
        from weasyprint.stacking import StackingContext

        self.boxes, self.stacking = boxes, StackingContext  # imported with the engine only
        self.parts: list[str] = []

    def context(self, context: Any) -> None:
        boxes = self.boxes
        matrix = context.box.transformation_matrix
        if matrix is not None and not matrix.determinant:
            return  # squashed flat: WeasyPrint draws nothing of it
        for child in context.negative_z_contexts:
            self.context(child)
        for child in context.float_contexts:
            self.context(child)
        if isinstance(context.box, boxes.InlineBox):
            self.inline(context.box)
        self.blocks({context.box: context.blocks_and_cells})
        for child in (*context.zero_z_contexts, *context.positive_z_contexts):
            self.context(child)

    def blocks(self, blocks_and_cells: dict[Any, Any]) -> None:
        boxes = self.boxes
        for block, nested in blocks_and_cells.items():
            if isinstance(block, boxes.ReplacedBox):
                self.image(block)
            elif block.children and isinstance(block.children[-1], boxes.LineBox):
                for child in block.children:
                    self.inline(child)
            self.blocks(nested)

    def inline(self, box: Any) -> None:
        boxes = self.boxes
        if isinstance(box, self.stacking):  # an inline-block
            self.context(box)
        elif isinstance(box, (boxes.InlineBox, boxes.LineBox)):
            line = isinstance(box, boxes.LineBox)
            if line:
                self.parts.append("\n")
            for child in box.children:
                if isinstance(child, boxes.TextBox):
                    self.text(child)
                else:
                    self.inline(child)
            if line:
                self.parts.append("\n")
        elif isinstance(box, boxes.InlineReplacedBox):
            self.image(box)
        elif isinstance(box, boxes.TextBox):  # a list marker
            self.text(box)

    def text(self, box: Any) -> None:
        if box.style["visibility"] == "visible":
            self.parts.append(box.text)

    def image(self, box: Any) -> None:
        """An SVG draws its ``<text>`` as text; a bitmap draws none."""
        if box.style["visibility"] != "visible" or not box.width or not box.height:
            return
        svg = getattr(box.replacement, "_svg", None)  # weasyprint.images.SVGImage
        root = getattr(getattr(svg, "tree", None), "_etree_node", None)
        if root is None:
            return
        for element in root.iter():
            if isinstance(element.tag, str) and element.tag.rpartition("}")[2] == "text":
                self.parts.append("\n" + "".join(element.itertext()) + "\n")
