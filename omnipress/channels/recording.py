"""The Jinja environment every channel renders with, noting each template it loads.

It lives with the channels because rendering creates it; the build only reads what it noted
(into the manifest), so the build imports it from here and never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

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


V = TypeVar("V")


class Recording(dict[str, V]):
    """A dict that remembers which keys were read, which were only tested with ``in``, and
    whether anyone looked at all of it (iterated, counted)."""

    def __init__(self, data: Mapping[str, V]):
        super().__init__(data)
        self.read: dict[str, None] = {}
        self.probed: dict[str, None] = {}
        self.everything = False

    def __getitem__(self, key: str) -> V:
        self.read[key] = None
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read[key] = None
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.probed[key] = None
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self.everything = True
        return super().__iter__()

    def __len__(self) -> int:
        self.everything = True
        return super().__len__()

    def keys(self) -> Any:
        self.everything = True
        return super().keys()

    def values(self) -> Any:
        self.everything = True
        return super().values()

    def items(self) -> Any:
        self.everything = True
        return super().items()

    def seen(self) -> tuple[str, ...]:
        """Every key whose value or presence something depended on: all of them once
        anyone looked at the whole mapping."""
        if self.everything:
            return tuple(self)
        return tuple(dict.fromkeys([*self.read, *self.probed]))
