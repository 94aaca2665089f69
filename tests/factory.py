"""Small, valid projects written from Python, for unit tests that need a precise input."""

from __future__ import annotations

import textwrap
from pathlib import Path

SITE = """\
name: Test Org
base_url: https://example.test
blog_path: /blog/
language: en-GB
default_cta: cta-main
boilerplate: about
default_hashtags: [Testing, Pipelines, Content]
legal: "© Test Org"
"""

BLOCKS = {
    "cta-main": """\
        ---
        type: cta
        label: Talk to us
        url: https://example.test/contact
        ---
        We answer within a day.
        """,
    "about": """\
        ---
        type: boilerplate
        title: About Test Org
        ---
        Test Org makes test content.
        """,
    "author": """\
        ---
        type: bio
        name: Ada Author
        role: Writer
        ---
        Ada writes tests.
        """,
    "stat-one": """\
        ---
        type: stat
        value: "42%"
        label: of tests pass first time
        source: Internal survey
        ---
        """,
}

POST = textwrap.dedent(
    """\
    ---
    title: A test post
    date: 2025-01-02
    author: author
    summary: A short summary of the test post.
    tags: [Testing]
    linkedin:
      hook: This is the hook of the post.
      body: |
        A first paragraph.

        [[block:stat-one]]
      hashtags: [Testing, Pipelines, Content]
    pdf:
      blocks: [stat-one]
    ---
    Intro paragraph.

    [[block:stat-one]]

    ## A heading

    More text.
    """
)


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def make_project(
    root: Path, blocks: dict[str, str] | None = None, posts: dict[str, str] | None = None
) -> Path:
    """A valid content/ directory under ``root``; returns the content directory."""
    content = root / "content"
    write(content, "site.yaml", SITE)
    for block_id, text in {**BLOCKS, **(blocks or {})}.items():  # dedented by write()
        write(content, f"blocks/{block_id}.md", text)
    for slug, text in (posts if posts is not None else {"test-post": POST}).items():
        write(content, f"posts/{slug}.md", text)
    return content
