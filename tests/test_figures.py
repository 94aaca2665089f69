"""What counts as a figure (a claim a reader could quote back) and what does not."""

from __future__ import annotations

import pytest

from omnipress.channels.readback import comparable, contains
from omnipress.text.figures import figure_values, figures_in


def values(text: str, ignore: tuple[str, ...] = ()) -> list[str]:
    return [f.value for f in figures_in(text, ignore)]


def test_numbers_percentages_money_and_years_are_figures() -> None:
    text = "Costs fell 40% (from £1.2m) in 2019 across 1,200 patients and 12 per cent of sites."
    assert values(text) == ["40%", "£1.2m", "2019", "1,200", "12 per cent"]


def test_dates_urls_and_guideline_names_are_not_figures() -> None:
    text = (
        "Published 5 November 2025 (2025-11-05). Follows ICH E6(R3) and E8(R1); see "
        "https://www.example.com/2024/report?id=77 for B2B details."
    )
    assert values(text) == []


def test_ignored_phrases_such_as_the_legal_line() -> None:
    legal = "© 2026 Example Ltd · Registered in England and Wales No. 00000000"
    assert values(f"7 disciplines.\n{legal}", ignore=(legal,)) == ["7"]


@pytest.mark.parametrize(
    "wrapped",
    [
        "The full article: https://www.example.test/insights/post- 0008/",
        "The full article: https://www.example.test/insights/po st-0008/",
        "Book call https://www.example.test/contact/1?utm_source=linkedin&utm_medium=docu\nment"
        "&utm_campaign=cam paign- 0",
        # printed whole once and wrapped once: the whole copy cut out does not hide the other
        "https://www.example.test/insights/post-0008/ then https://www.example.test/insights/"
        "post- 0008/",
    ],
)
def test_an_address_wrapped_anywhere_on_a_slide_leaves_no_figure_behind(wrapped: str) -> None:
    """A PDF's text layer splits a long address where the line broke: without the printed
    addresses in ``ignore``, ``0008`` and ``0`` read as figures (seen at 40 posts)."""
    printed = (
        "https://www.example.test/insights/post-0008/",
        "https://www.example.test/contact/1?utm_source=linkedin&utm_medium=document"
        "&utm_campaign=campaign-0",
    )
    assert values(wrapped) != []
    assert values(f"{wrapped} and 7 disciplines", ignore=printed) == ["7"]


def test_a_stat_glued_to_its_label_by_pdf_extraction_is_still_read() -> None:
    assert values("4clinical trial phases") == ["4"]


def test_sources_give_the_allowed_set() -> None:
    assert figure_values(["phase 1 to phase 4", "value 7"]) == {"1", "4", "7"}


def test_comparable_text_survives_pdf_extraction_but_keeps_numbers_apart() -> None:
    assert contains("scale-\nup and “quoted” ADaM", 'scale-up and "quoted" adam')
    assert contains("7biometrics disciplines", "7 biometrics disciplines")
    assert not contains("17 biometrics disciplines", "7 biometrics disciplines")
    assert comparable("E6(R3)") == "e|6|r|3|"


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("Costs fell 40% (from £1.2m) in 2019 across 1,200 patients.", {"40%", "2019"}),
        ("Costs fell 40% (from £1.2m) in 2019 across 1,200 patients.", set()),
        ("3 of 4 sites, 3 times: 4", {"3"}),
        ("No figures at all", {"1"}),
    ],
)
def test_figures_outside_the_allowed_are_those_figures_in_finds_with_the_same_context(
    text: str, allowed: set[str]
) -> None:
    from omnipress.text.figures import figures_outside

    expected = [f for f in figures_in(text) if f.value not in allowed]
    assert figures_outside(text, allowed) == expected
    assert all(f.context.startswith("…") and f.value in f.context for f in expected)
