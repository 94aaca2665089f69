"""House style rules, in Vale's format: ``content/styles/*.yml`` read, validated and compiled.

A team that already lints its prose with Vale brings its rules as they are, so the keys and
what they mean are Vale's. Only a subset is supported (:data:`EXTENDS`), and a rule that asks
for anything else is an error naming the file and the line: a rule read as matching less than
its author meant would let through exactly what it exists to stop.

Also here: the site's ``claims:`` setting, how severe an unsourced figure is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omnipress.content.sources import content_files, parse_yaml, read_text
from omnipress.errors import Problems, Severity, did_you_mean, printable

STYLES_FOLDER = "styles"
HOUSE_STYLE = "House"
"""The style name of a rule file written straight into ``content/styles/`` (Vale names a rule
``<Style>.<Rule>`` after its folder and file; ``content/styles/<Style>/<Rule>.yml`` keeps the
folder's name, so a Vale style folder can be copied in as it is)."""
SUFFIXES = (".yml", ".yaml")

LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "suggestion": Severity.SUGGESTION}
DEFAULT_LEVEL = "suggestion"  # Vale's default
SCOPES = ("text", "raw")
"""``text``: the words a reader reads (code, addresses, markup left out); ``raw``: the source as
written. Vale's other scopes (sentence, heading, …) need its document model and are refused."""


@dataclass(frozen=True)
class StyleRule:
    """One compiled rule. ``pattern`` finds candidates; for a substitution, ``swaps`` pairs
    each key (compiled alone) with its replacement, and the first key that matches the whole
    of a candidate says what to write; an occurrence rule fires past ``max``."""

    name: str  # "House.Spelling"
    extends: str
    level: Severity
    message: str
    pattern: re.Pattern[str]
    path: Path
    raw: bool = False  # scope: raw
    swaps: tuple[tuple[re.Pattern[str], str], ...] = ()
    max: int = 0
    link: str = ""


@dataclass(frozen=True)
class Key:
    """A key a rule may hold: what its value must be (a name in :data:`VALUES`)."""

    name: str
    value: str
    required: bool = False


@dataclass(frozen=True)
class Extends:
    """One supported ``extends:`` kind: its keys and what Vale's docs call it."""

    name: str
    keys: tuple[Key, ...]
    default_message: str
    one_of: tuple[str, ...] = ()  # at least one of these keys is required


COMMON_KEYS = (
    Key("extends", "text", True),
    Key("message", "text"),
    Key("level", "level"),
    Key("scope", "scope"),
    Key("link", "text"),
    Key("description", "text"),
)

EXTENDS: dict[str, Extends] = {
    e.name: e
    for e in (
        Extends(
            "existence",
            (
                Key("tokens", "patterns"),
                Key("raw", "patterns"),
                Key("ignorecase", "bool"),
                Key("nonword", "bool"),
            ),
            "'%s' is not in the house style.",
            one_of=("tokens", "raw"),
        ),
        Extends(
            "substitution",
            (
                Key("swap", "swap", True),
                Key("ignorecase", "bool"),
                Key("nonword", "bool"),
            ),
            "Use '%s' instead of '%s'.",
        ),
        Extends(
            "occurrence",
            (
                Key("token", "pattern", True),
                Key("max", "count", True),
                Key("ignorecase", "bool"),
            ),
            "More than %s of '%s'.",
        ),
    )
}


@dataclass
class RuleFile:
    """A rule file being read: where it is, its keys' lines, and the problems it has."""

    path: Path
    name: str
    text: str
    lines: dict[str, int]
    problems: Problems
    ok: bool = True

    def error(self, message: str, key: str | None, hint: str, item: str | None = None) -> None:
        line = self.lines.get(key) if key else None
        if item is not None and line is not None:
            line = item_line(self.text, line, item) or line
        self.problems.error(f"style rule {self.name}: {message}", self.path, line or 1, hint)
        self.ok = False


def item_line(text: str, after: int, item: str) -> int | None:
    """The line, from ``after`` on, that holds a list item or mapping key (a token): YAML
    keeps no line for list items, and a bad regex must be pointed at."""
    for number, line in enumerate(text.splitlines()[after - 1 :], after):
        if item in line:
            return number
    return None


def load_styles(content: Path, problems: Problems) -> tuple[StyleRule, ...]:
    """Every rule under ``content/styles/`` (files, and one level of style folders), sorted
    by name; every problem of every file reported."""
    folder = content / STYLES_FOLDER
    paths = [(HOUSE_STYLE, p) for p in content_files(folder, SUFFIXES, problems)]
    if folder.is_dir() and not folder.is_symlink():
        for style in sorted(folder.iterdir()):
            if style.is_dir() and not style.name.startswith("."):
                paths += [(style.name, p) for p in content_files(style, SUFFIXES, problems)]
    rules = [load_rule(f"{style}.{path.stem}", path, problems) for style, path in paths]
    return tuple(sorted((r for r in rules if r is not None), key=lambda r: r.name))


def load_rule(name: str, path: Path, problems: Problems) -> StyleRule | None:
    text = read_text(path, problems)
    if text is None:
        return None
    parsed = parse_yaml(text, path, problems)
    if parsed is None:
        return None
    data, lines = parsed
    if not isinstance(data, dict):
        problems.error(
            f"style rule {name}: the file must be 'key: value' lines",
            path,
            1,
            hint="start with 'extends: existence' (or substitution, occurrence)",
        )
        return None
    rule = RuleFile(path, printable(name), text, lines, problems)
    extends = data.get("extends")
    kind = EXTENDS.get(extends) if isinstance(extends, str) else None
    if kind is None:
        rule.error(
            f"extends: {extends!r} is not supported" if extends else "'extends:' is missing",
            "extends" if extends else None,
            "omnipress supports Vale's " + ", ".join(EXTENDS) + " rules",
        )
        return None
    keys = {key.name: key for key in COMMON_KEYS + kind.keys}
    values: dict[str, Any] = {}
    for key_name, value in data.items():
        spec = keys.get(str(key_name))
        if spec is None:
            rule.error(
                f"'{key_name}' is not a key omnipress supports with extends: {kind.name}",
                str(key_name),
                did_you_mean(str(key_name), keys, "keys"),
            )
            continue
        values[spec.name] = VALUES[spec.value](rule, spec.name, value)
    for spec in keys.values():
        if spec.required and spec.name not in data:
            rule.error(f"'{spec.name}:' is missing", None, f"extends: {kind.name} needs it")
    if kind.one_of and not any(k in data for k in kind.one_of):
        rule.error(
            " or ".join(f"'{key}'" for key in kind.one_of) + " is missing",
            None,
            f"extends: {kind.name} needs the words to find: tokens: [word, …]",
        )
    if not rule.ok:
        return None
    return BUILDERS[kind.name](rule, kind, values)


# -- values: each checks one key's value, reports with its line, returns what the rule keeps --


def _text(rule: RuleFile, key: str, value: Any) -> str:
    if not isinstance(value, str):
        rule.error(f"'{key}' must be text", key, "quote it: " + f"{key}: '…'")
        return ""
    return value


def _bool(rule: RuleFile, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        rule.error(f"'{key}' must be true or false, got {value!r}", key, f"{key}: true")
        return False
    return value


def _level(rule: RuleFile, key: str, value: Any) -> Severity:
    if not isinstance(value, str) or value not in LEVELS:
        rule.error(f"level {value!r} is not a level", key, "level: " + " | ".join(LEVELS))
        return Severity.SUGGESTION
    return LEVELS[value]


def _scope(rule: RuleFile, key: str, value: Any) -> str:
    if value not in SCOPES:
        rule.error(
            f"scope {value!r} is not supported",
            key,
            "write scope: text (the words a reader reads) or scope: raw (the source as "
            "written), or leave it out",
        )
        return "text"
    return str(value)


def _count(rule: RuleFile, key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        rule.error(f"'{key}' must be a whole number, got {value!r}", key, f"{key}: 3")
        return 0
    return value


def _pattern(rule: RuleFile, key: str, value: Any, item: str | None = None) -> str:
    """A regular expression as Vale writes it (Go's RE2 syntax, which Python's reads too);
    one that is invalid or matches empty text (it would match everywhere) is an error."""
    if not isinstance(value, str) or not value.strip():
        rule.error(f"'{key}' must hold non-empty text, got {value!r}", key, "quote it", item)
        return ""
    try:
        compiled = re.compile(scoped_flags(value))
    except re.error as exc:
        rule.error(
            f"{value!r} in '{key}' is not a valid regular expression ({exc.msg}"
            + (f" at character {exc.pos + 1})" if exc.pos is not None else ")"),
            key,
            "rules are regular expressions: write \\( \\) \\[ \\. \\* \\+ \\? for those "
            "characters themselves",
            value,
        )
        return ""
    if compiled.search("") is not None:
        rule.error(f"{value!r} in '{key}' matches empty text, so everywhere", key,
                   "a token must match at least one character", value)  # fmt: skip
        return ""
    return value


def _patterns(rule: RuleFile, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        rule.error(f"'{key}' must be a list of words or patterns", key, f"{key}: [word, …]")
        return ()
    return tuple(_pattern(rule, key, item, str(item)) for item in value)


def _swap(rule: RuleFile, key: str, value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not value:
        rule.error("'swap' must map what to find to what to write", key,
                   "swap:\n  organization: organisation")  # fmt: skip
        return ()
    pairs = []
    for found, replacement in value.items():
        if not isinstance(replacement, str):
            rule.error(f"the replacement of {found!r} must be text", f"{key}.{found}",
                       f"quote it: {found}: '…'")  # fmt: skip
            continue
        pairs.append((_pattern(rule, f"{key}.{found}", found), replacement))
    return tuple(pairs)


VALUES: dict[str, Callable[[RuleFile, str, Any], Any]] = {
    "text": _text,
    "bool": _bool,
    "level": _level,
    "scope": _scope,
    "count": _count,
    "pattern": _pattern,
    "patterns": _patterns,
    "swap": _swap,
}


LEADING_FLAGS = re.compile(r"\A\(\?([aiLmsux]+)\)")


def scoped_flags(pattern: str) -> str:
    """``(?i)word`` as ``(?i:word)``: Go allows flags anywhere, Python only at the start of
    the whole expression, and rules' patterns are joined into one."""
    found = LEADING_FLAGS.match(pattern)
    return f"(?{found.group(1)}:{pattern[found.end() :]})" if found else pattern


def bounded(alternatives: str, nonword: bool) -> str:
    """Vale's tokens match whole words (``\\b…\\b``) unless the rule says ``nonword: true``."""
    return alternatives if nonword else rf"\b(?:{alternatives})\b"


# -- builders: the compiled rule of each kind ---------------------------------------------


def _common(rule: RuleFile, kind: Extends, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": rule.name,
        "extends": kind.name,
        "level": values.get("level", LEVELS[DEFAULT_LEVEL]),
        "message": values.get("message") or kind.default_message,
        "path": rule.path,
        "raw": values.get("scope") == "raw",
        "link": values.get("link", ""),
    }


def _flags(values: dict[str, Any]) -> int:
    return re.IGNORECASE if values.get("ignorecase") else 0


def _existence(rule: RuleFile, kind: Extends, values: dict[str, Any]) -> StyleRule:
    parts = []
    tokens = values.get("tokens", ())
    if tokens:
        joined = "|".join(scoped_flags(t) for t in tokens)
        parts.append(bounded(joined, values.get("nonword", False)))
    if values.get("raw"):  # Vale joins raw's items into one expression, as written
        parts.append("".join(scoped_flags(r) for r in values["raw"]))
    pattern = re.compile("|".join(f"(?:{p})" for p in parts), _flags(values))
    return StyleRule(**_common(rule, kind, values), pattern=pattern)


def _substitution(rule: RuleFile, kind: Extends, values: dict[str, Any]) -> StyleRule:
    """One alternation finds every key at once (a group per key would make Python's regular
    expressions three times slower on every text); the rare match is then told by key."""
    flags = _flags(values)
    swaps = tuple((re.compile(scoped_flags(f), flags), r) for f, r in values["swap"])
    joined = "|".join(f"(?:{scoped_flags(f)})" for f, _ in values["swap"])
    pattern = re.compile(bounded(joined, values.get("nonword", False)), flags)
    return StyleRule(**_common(rule, kind, values), pattern=pattern, swaps=swaps)


def _occurrence(rule: RuleFile, kind: Extends, values: dict[str, Any]) -> StyleRule:
    pattern = re.compile(scoped_flags(values["token"]), _flags(values))
    return StyleRule(**_common(rule, kind, values), pattern=pattern, max=values["max"])


BUILDERS: dict[str, Callable[[RuleFile, Extends, dict[str, Any]], StyleRule]] = {
    "existence": _existence,
    "substitution": _substitution,
    "occurrence": _occurrence,
}


# -- the site's claims setting --------------------------------------------------------------

CLAIMS_LEVELS = {"warning": Severity.WARNING, "error": Severity.ERROR}
CLAIMS_KEYS = ("unsourced",)


def claims_setting(
    value: Any, path: Path, lines: dict[str, int], problems: Problems
) -> Severity | None:
    """How severe an unsourced figure is (``claims: {unsourced: warning | error}`` in
    site.yaml; a warning when not set), or None after saying what is wrong with the setting."""
    if value is None:
        return Severity.WARNING
    if not isinstance(value, dict):
        problems.error("site: 'claims' must be a mapping", path, lines.get("claims"),
                       hint="claims:\n  unsourced: error")  # fmt: skip
        return None
    ok = True
    for key, level in value.items():
        line = lines.get(f"claims.{key}") or lines.get("claims")
        if key not in CLAIMS_KEYS:
            problems.error(f"site: claims.{key} is not a setting", path, line,
                           hint=did_you_mean(str(key), CLAIMS_KEYS, "settings"))  # fmt: skip
            ok = False
        elif not isinstance(level, str) or level not in CLAIMS_LEVELS:
            problems.error(
                f"site: claims.unsourced must be warning or error, got {level!r}",
                path,
                line,
                hint="error stops the build on a figure without a source; warning lists it",
            )
            ok = False
    return CLAIMS_LEVELS[value.get("unsourced", "warning")] if ok else None
