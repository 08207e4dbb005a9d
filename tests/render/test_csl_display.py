"""CSL display and second-field-align (render/csl_display.py), rendered by citekb's engine."""

from __future__ import annotations

from test_csl_flipflop import render

from citekb.render.csl_display import lay_out


def test_display_attributes_become_divs() -> None:
    layout = '<text variable="title"/><text variable="note" display="indent"/>'
    assert render(layout, {"title": "Book", "note": "About it."}) == [
        'Book<div class="csl-indent">About it.</div>\n  '
    ]
    block = '<text variable="title" display="block"/><text value="x" display="left-margin"/>'
    assert render(block, {"title": "Doe"}) == [
        '\n\n    <div class="csl-block">Doe</div>\n\n    <div class="csl-left-margin">x</div>\n  '
    ]


def test_an_entry_without_display_is_unchanged() -> None:
    assert render('<text variable="title"/>', {"title": "Book"}) == ["Book"]
    assert lay_out("Book") == "Book"


def test_second_field_align_puts_the_first_field_in_the_margin() -> None:
    layout = '<text value="[1]"/><text variable="title" prefix=" "/>'
    entries = render(layout, {"title": "Book"}, attrs=' second-field-align="flush"')
    assert entries == [
        '\n    <div class="csl-left-margin">[1]</div><div class="csl-right-inline"> Book</div>\n  '
    ]
    # the layout's attributes are restored after rendering
    assert render(layout, {"title": "Book"}) == ["[1] Book"]


def test_the_layout_suffix_goes_inside_the_last_div_and_trailing_space_after_it() -> None:
    layout = '<group suffix="."><text variable="title" display="right-inline"/></group>'
    assert render(layout, {"title": "Here"}) == ['<div class="csl-right-inline">Here.</div>\n  ']
    margin = '<text value="1." suffix=" "/><text variable="title"/>'
    entries = render(margin, {"title": "Book "}, attrs=' second-field-align="flush"')
    assert entries == [
        '\n    <div class="csl-left-margin">1. </div><div class="csl-right-inline">Book</div>\n   '
    ]


def test_an_empty_block_gives_no_div() -> None:
    block, close = "\ue040", "\ue044"  # csl_display's markers for display="block"
    assert lay_out(f"{block}{close}x") == "x"
    assert (
        lay_out(f"{block}{close}{block}y{close}") == '\n\n    <div class="csl-block">y</div>\n\n  '
    )
