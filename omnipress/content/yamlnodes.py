"""Checks on a composed YAML document, made before it becomes Python values.

Two things YAML allows and content never needs would otherwise reach the build: aliases
(``*name``) that repeat a value so often that hashing the front matter expands it into
billions of values (or into itself, endlessly), and keys that are not text (``1:``,
``true:``, ``2026-01-01:``), which Python cannot sort next to text keys. Both are found on
the node graph libyaml composes, where an alias is the very node it names, so nothing is
expanded to find them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

ALIAS_LIMIT = 1_000
"""How many values aliases may pull in beyond those written out. Sharing a list of hashtags
costs a handful; a few hundred bytes of nested aliases can make a billion."""

ANCHOR = re.compile(r"(?:^|[\s\[{,])&\S")
"""Where an anchor could start (``key: &name``, ``- &name``, ``[&name``): no anchor, no alias,
and a file with only an "R&D" or a "Q & A" in its text is decided without a walk."""

CYCLE = -1
"""What :func:`alias_expansion` returns for an alias inside the value it names."""

TAG = "tag:yaml.org,2002:"

# what YAML made of a key that is not text, by its tag, in the words of the message
KEY_KINDS = {
    "int": "a number",
    "float": "a number",
    "bool": "true/false",
    "null": "empty (null)",
    "timestamp": "a date",
    "binary": "binary data",
    "seq": "a list",
    "map": "a mapping",
    "set": "a set",
    "omap": "a list",
    "pairs": "a list",
}
TEXT_KEY_TAGS = {TAG + "str", TAG + "merge"}  # '<<: *base' merges a mapping: not a key


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def alias_expansion(root: yaml.Node | None) -> int:
    """How many more values the document holds once every alias is written out than it
    holds as written; :data:`CYCLE` when an alias is inside the value it names. Each node is
    visited once (sizes are remembered), so a bomb costs no more to measure than to read."""
    if root is None:
        return 0
    size: dict[int, int] = {}  # id(node) -> values in it, expanded
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            continue
        if key in size:
            continue
        if key in open_nodes:
            return CYCLE
        open_nodes.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in open_nodes:
                return CYCLE
            if id(child) not in size:
                stack.append((child, False))
    return size[id(root)] - len(size)


class _AliasCounter(yaml.SafeLoader):
    """The pure-Python composer, counting what each alias pulls in as it meets it: slower
    than libyaml, so used only to say where a document already refused went too far."""

    def __init__(self, text: str):
        super().__init__(text)
        self.pulled_in = 0
        self.open_anchors: list[str] = []

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            if event.anchor in self.open_anchors:
                raise _Found(event.start_mark.line, event.anchor, cyclic=True)
            if event.anchor in self.anchors:
                self.pulled_in += _size(self.anchors[event.anchor])
                if self.pulled_in > ALIAS_LIMIT:
                    raise _Found(event.start_mark.line, event.anchor, cyclic=False)
            return super().compose_node(parent, index)
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.open_anchors.append(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            if anchor is not None:
                self.open_anchors.pop()


def _size(node: yaml.Node) -> int:
    return alias_expansion(node) + _distinct(node)


def _distinct(node: yaml.Node) -> int:
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) not in seen:
            seen.add(id(current))
            stack.extend(_children(current))
    return len(seen)


class _Found(Exception):
    """Stops the count at the alias that went too far."""

    def __init__(self, line: int, anchor: str, cyclic: bool):
        super().__init__(anchor)
        self.line, self.anchor, self.cyclic = line, anchor, cyclic


@dataclass(frozen=True)
class AliasPlace:
    """The alias that made a document too big, or endless: its line (0-based) and name."""

    line: int | None
    anchor: str | None
    cyclic: bool


def locate_alias(text: str, cyclic: bool) -> AliasPlace:
    """Where the alias is that :func:`alias_expansion` refused the document for."""
    counter = _AliasCounter(text)
    try:
        counter.get_single_node()
    except _Found as found:
        return AliasPlace(found.line, found.anchor, found.cyclic)
    except yaml.YAMLError:
        pass
    finally:
        counter.dispose()
    return AliasPlace(None, None, cyclic)


@dataclass(frozen=True)
class BadKey:
    """A mapping key YAML read as something other than text."""

    line: int  # 0-based, in the text given
    written: str  # as it reads in the file ("…" for a list or mapping)
    kind: str  # "a number", "true/false", …
    parent: str  # dotted path of the mapping it is in; "" at the top
    scalar: bool  # one value, which quotes make text; not a list or a mapping


def non_text_keys(root: yaml.Node | None) -> list[BadKey]:
    """Every key that is not text, at any depth, in the order they are written. Run on every
    file of every build, so scalars (most of a document) are never put on the stack."""
    found: list[BadKey] = []
    seen: set[int] = set()  # collections already looked at: an alias is looked at once
    stack: list[tuple[yaml.Node, str]] = [(root, "")] if root is not None else []
    while stack:
        node, parent = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((c, parent) for c in node.value if not isinstance(c, yaml.ScalarNode))
        if not isinstance(node, yaml.MappingNode):
            continue  # a document that is one scalar: the loader says what it should be
        for key, value in node.value:
            is_text = isinstance(key, yaml.ScalarNode) and key.tag in TEXT_KEY_TAGS
            if not is_text:
                kind = KEY_KINDS.get(key.tag.removeprefix(TAG), f"a value tagged {key.tag}")
                scalar = isinstance(key, yaml.ScalarNode)
                written = key.value if scalar else "…"
                line = key.start_mark.line
                found.append(BadKey(line, written, kind, parent.rstrip("."), scalar))
            if not isinstance(value, yaml.ScalarNode):  # a merged mapping ('<<') is its parent's
                named = is_text and key.tag != TAG + "merge"
                stack.append((value, f"{parent}{key.value}." if named else parent))
    return sorted(found, key=lambda bad: bad.line)
