"""One warm WeasyPrint, shared by the channels that lay out with it (the one-pager, the
carousel, the social card's page).

Starting WeasyPrint costs a second or more: the import, the font configuration, the parsed
stylesheet. A channel starts it once per process through its ``start`` hook and keeps it for
every later output. The fetcher reads only files inside the project, so nothing is ever
downloaded.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

PDF_VARIANT = "pdf/ua-1"


class WarmWeasyPrint:
    """WeasyPrint with its fonts configured and ``stylesheet`` (a template) parsed once."""

    def __init__(self, content_root: Path, templates: Path, stylesheet: str):
        # fontTools (the fallback subsetter) stamps the clock into fonts unless this is set.
        # Pinned, not defaulted: no output carries a build time, so a caller's value could
        # only make the same content build different bytes (and look changed to the cache).
        os.environ["SOURCE_DATE_EPOCH"] = "0"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration

        from omnipress.channels.fetcher import ProjectFetcher

        self.weasyprint = weasyprint
        self.content_root = content_root
        self.fetcher = ProjectFetcher([content_root, templates])
        self.font_config = FontConfiguration()
        self.stylesheet = weasyprint.CSS(
            filename=str(templates / stylesheet),
            font_config=self.font_config,
            url_fetcher=self.fetcher,
        )
        self.stylesheet_refused = tuple(self.fetcher.refused)
        self.stylesheet_files = (templates / stylesheet, *self.fetcher.fetched)

    def lay_out(self, html: str, pdf_variant: str = PDF_VARIANT) -> Any:
        """``html`` laid out (a ``weasyprint.Document``), with the project's files only."""
        return self.weasyprint.HTML(
            string=html, base_url=str(self.content_root) + "/", url_fetcher=self.fetcher
        ).render(
            font_config=self.font_config, stylesheets=[self.stylesheet], pdf_variant=pdf_variant
        )
