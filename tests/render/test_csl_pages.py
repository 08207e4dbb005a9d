"""citekb's page ranges on citeproc-py (``render/csl_pages.py``), rendered by the adapted
engine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_csl_sort import render

from citekb.render.csl_pages import chicago16, format_pages

PAGE = '<group delimiter=" "><label variable="page"/><text variable="page"/></group>'


@pytest.mark.parametrize(
    ("range_format", "page", "expected"),
    [
        ("expanded", "110-5", "pages 110\u2013115"),
        ("expanded", "N110 - N5", "pages N110\u2013N115"),
        ("expanded", "N110 - 5", "pages N110-5"),
        ("expanded", "110 - N6", "pages 110-N6"),
        ("expanded", "000c23 - 22", "pages 000c23-22"),
        ("minimal", "n11564 - n1568", "pages n11564\u20138"),
        ("minimal", "415-532", "pages 415\u2013532"),
        ("chicago-16", "1496-1500", "pages 1496\u2013500"),
        ("chicago-16", "12991-123001", "pages 12991\u2013123001"),
        ("chicago-16", "101-108", "pages 101\u20138"),
        ("chicago-16", "100-104", "pages 100\u2013104"),
        ("expanded", "xxv-xxviii", "pages xxv\u2013xxviii"),
        ("expanded", "i-ix", "pages i\u2013ix"),
        ("expanded", "3\\-B", "page 3-B"),
        ("expanded", "Michaelson-Morely", "page Michaelson-Morely"),
        (None, "110-5", "pages 110\u20135"),
    ],
)
def test_page_ranges(range_format: str | None, page: str, expected: str) -> None:
    attrs = f' page-range-format="{range_format}"' if range_format else ""
    out = render([{"page": page}], mode="citation", attrs=attrs, citation=PAGE)
    assert out == expected


@given(st.integers(1, 99999), st.integers(1, 999999))
def test_chicago16_keeps_the_last_page_recoverable(first: int, extra: int) -> None:
    last = first + extra
    shown = chicago16(first, last)
    assert str(last).endswith(shown)
    power = 10 ** len(shown)
    assert shown == str(last) or first // power == last // power  # the dropped digits agree


@given(st.text(max_size=30))
def test_format_pages_never_fails(text: str) -> None:
    out = format_pages(text, "\u2013", lambda first, last: last, "minimal")
    assert isinstance(out, str)
