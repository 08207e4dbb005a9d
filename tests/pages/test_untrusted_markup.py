"""Raw HTML a handout drops (handout-unsafe-html) and braced keys pandoc does not cite."""

from __future__ import annotations

import pytest

from citekb.checks.handout_html import unsafe_html
from citekb.pages.braced import mask_code, spaced_keys
from citekb.pages.page import parse_page

SAFE = """---
title: Safe
handout: true
---
# Safe

<a href="https://example.org/x">web</a> <a href="mailto:a@b.org">mail</a> <a href="#safe">up</a>
<img src="img/figure.png" alt="a figure"> <span style="color: red">red</span>

```html
<img src="file:///etc/passwd">
```

Inline `<a href="javascript:alert(1)">x</a>` is code.
"""


def test_ordinary_html_and_code_are_not_reported() -> None:
    page, _ = parse_page("docs/safe.md", "safe.md", SAFE)
    assert unsafe_html(page) == []


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ('<img src="file:///etc/passwd">', "a file: address"),
        ("<img src='http://127.0.0.1:8000/x.png'>", "a http: address"),
        ('<iframe src="https://evil.example/">', "a https: address"),
        ('<img src="/etc/passwd">', "an absolute path"),
        ('<img src="../../../../etc/passwd">', "a path that climbs out of its folder"),
        ('<a href="javascript:alert(1)">x</a>', "a link that is not http(s) or mailto:"),
        ('<a href="file:///etc/hostname">x</a>', "a link that is not http(s) or mailto:"),
        ('<a rel="nofollow attachment" href="https://x.org/a.pdf">x</a>', "a file attachment"),
        ('<link rel="attachment" href="notes.txt">', "a attachment: address"),
        ('<p style="background: url(http://127.0.0.1/x)">x</p>', "a http: address"),
        ("<style>p { background: url('file:///etc/passwd') }</style>", "a file: address"),
        ('<object data="file:///etc/shadow"></object>', "a file: address"),
        ('<img src="data:image/png;base64,' + "A" * 300_000 + '">', "a data: URI too large"),
    ],
)
def test_unsafe_html_in_a_handout_is_reported_at_its_tag(html: str, why: str) -> None:
    text = f"---\ntitle: H\nhandout: true\n---\n# H\n\nSome text.\n\n{html}\n"
    page, _ = parse_page("docs/h.md", "h.md", text)
    found = unsafe_html(page)
    assert [(d.code, d.location) for d in found] == [("handout-unsafe-html", "docs/h.md:9:1")]
    assert why in found[0].message


def test_braced_keys_with_spaces_outside_code_are_reported() -> None:
    text = "A [@{has space}] b `@{in code}` c @{fine}\n\n```\n@{a b}\n```\n\n[-@{x\ty}]\n"
    found = spaced_keys(text, "docs/p.md")
    assert [(d.code, d.location) for d in found] == [
        ("bad-citation", "docs/p.md:1:4"),
        ("bad-citation", "docs/p.md:7:3"),
    ]


def test_mask_code_keeps_offsets() -> None:
    text = "a `b` c ``d` e`` f `g\n~~~\nx\n~~~\nh"
    masked = mask_code(text)
    assert len(masked) == len(text)
    assert masked == "a     c          f `g\n   \n \n   \nh"
