"""Markdown → LinkedIn plain text: what survives and what must not."""

from __future__ import annotations

import pytest

from omnipress.channels.linkedin.rules import check_linkedin_markup
from omnipress.text.markup import Cleaning, new_markdown
from omnipress.text.plaintext import markdown_to_text


def to_text(markdown: str) -> str:
    return markdown_to_text(markdown, new_markdown(), Cleaning())


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    assert (
        to_text("First line\nsame paragraph.\n\nSecond.") == "First line same paragraph.\n\nSecond."
    )


def test_emphasis_and_code_markers_disappear() -> None:
    text = to_text("We **really** mean *it*, and `code` too; __also__ this.")
    assert text == "We really mean it, and code too; also this."
    assert check_linkedin_markup(text) == []


def test_links_keep_their_words_and_lose_their_target() -> None:
    text = to_text("Read [our guide](https://example.test/guide) today.")
    assert text == "Read our guide today."
    assert "http" not in text


def test_lists_become_bullets_grouped_in_one_paragraph() -> None:
    text = to_text("Intro:\n\n- one\n- two\n\n1. first\n2. second\n")
    assert text == "Intro:\n\n• one\n• two\n• first\n• second"


def test_headings_become_their_own_paragraph_without_hashes() -> None:
    assert to_text("## Why it matters\n\nBecause.") == "Why it matters\n\nBecause."


def test_typographic_quotes_and_dashes() -> None:
    assert to_text('It\'s "quoted" -- see?') == "It’s “quoted” – see?"


def test_footnotes_and_images_are_dropped() -> None:
    text = to_text("A claim.[^1] ![chart](images/c.png)\n\n[^1]: The source.")
    assert text == "A claim."


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>Safe words.",
        '<b onclick="x()">Safe words.</b>',
        "<style>p{}</style>Safe words.",
        '<img src="https://tracker.test/p.png" style="display:none">Safe words.',
    ],
)
def test_raw_html_never_reaches_the_text(markdown: str) -> None:
    cleaning = Cleaning()
    text = markdown_to_text(markdown, new_markdown(), cleaning)
    assert text == "Safe words."
    assert cleaning.removed  # and the build is told what was removed


def test_jinja_in_content_stays_literal() -> None:
    text = to_text("Total: {{ 7*7 }} {% include base.html %} {{ config }}")
    assert text == "Total: {{ 7*7 }} {% include base.html %} {{ config }}"


def test_tables_become_readable_rows() -> None:
    text = to_text("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert text == "a — b\n\n1 — 2"
