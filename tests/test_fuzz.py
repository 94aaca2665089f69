"""Whatever a post contains, the build either succeeds or fails with a clean report: never a
traceback, never an 'internal error'."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from omnipress.cli import main
from tests.conftest import TEMPLATES
from tests.factory import POST, make_project, write

VALID = frontmatter.loads(POST)
BROKEN = ["[[block:missing]]", "[[block:]]", "![i](../../etc/passwd)", "see [[block:about]] inline"]
FRAGMENTS = [
    "[[block:stat-one]]", "[[block:about]]", "[[block:stat-one",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:x()">a</a>',
    "{{ 7*7 }}", "{% include 'x' %}", "**bold**", "# Heading one", "[^1]", "[^1]: note",
    "| a | b |\n|---|---|\n| 1 | 2 |", "![i](https://t.test/p.png)",
    "- item\n- item", "```\ncode\n```", "\u202e\u200b\ufeff", "𝐁𝐨𝐥𝐝", "---", "{: #id onclick=x }",
    "```\n[[block:about]]\n```", "    [[block:about]]", "[[ Block:about ]]", "a\r\nb\r\n",
    "[" * 300 + "x" + "]" * 300,
]  # fmt: skip
# YAML that parses into values a loader must refuse politely
ODD_YAML = [
    "date: 2025-13-45", "date: 2025-02-30 10:00:00", "title: !!binary aGVsbG8=", "[a, b]",
    "date: 2025-01-02\ndate: 2025-01-03", "linkedin: {hook: 7}",
]  # fmt: skip

scalars = st.one_of(
    st.text(max_size=80),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=8,
)


@st.composite
def front_matter(draw: st.DrawFn) -> dict[str, Any]:
    meta = dict(VALID.metadata)
    for key in list(meta):
        choice = draw(st.sampled_from(["keep"] * 8 + ["replace", "drop"]))
        if choice == "replace":
            meta[key] = draw(values)
        elif choice == "drop":
            del meta[key]
    meta.update(draw(st.dictionaries(st.text(min_size=1, max_size=12), values, max_size=3)))
    return meta


pieces = st.text(max_size=120) | st.sampled_from(FRAGMENTS * 6 + BROKEN)
bodies = st.lists(pieces, max_size=8).map(lambda parts: "\n\n".join([*parts, "Closing words."]))


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    meta=front_matter(),
    body=bodies,
    raw_yaml=st.sampled_from([None] * 9 + ODD_YAML) | st.text(max_size=60),
)
def test_any_post_builds_or_fails_cleanly(
    meta: dict[str, Any], body: str, raw_yaml: str | None
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        content = make_project(root, posts={})
        front = raw_yaml if raw_yaml is not None else yaml.safe_dump(meta, allow_unicode=True)
        write(content, "posts/fuzzed.md", "")
        (content / "posts/fuzzed.md").write_text(f"---\n{front}\n---\n{body}\n", encoding="utf-8")
        templates = root / "templates"
        shutil.copytree(TEMPLATES, templates)
        code, text = run(content, templates, root / "output")
        event(f"exit {code}")
        assert code in (0, 1), text
        assert "Traceback" not in text and "internal error" not in text, text
        if code == 1:
            assert "error" in text and not (root / "output" / "manifest.json").exists()


def run(content: Path, templates: Path, output: Path) -> tuple[int, str]:
    import contextlib
    import io

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(stderr):
        code = main(["build", "--content", str(content), "--templates", str(templates),
                     "--output", str(output)])  # fmt: skip
    return code, stderr.getvalue()
