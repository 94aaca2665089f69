"""The Jinja environment every channel renders with, noting each template it loads.

It lives with the channels because rendering creates it; the build only reads what it noted
(into the manifest), so the build imports it from here and never the other way round.
"""

from __future__ import annotations

from typing import Any

import jinja2


class RecordingEnvironment(jinja2.Environment):
    """A Jinja environment that notes every template name it loads, from its cache or not,
    including those pulled in by ``extends``, ``include`` and ``import``."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.loaded: dict[str, None] = {}

    def _load_template(
        self,
        name: str,
        globals: Any,
    ) -> jinja2.Template:
        # Every get_template/select_template (and so every extends/include) passes here.
        self.loaded[name] = None
        return super()._load_template(name, globals)
