"""Round two (images): handout images are bounded. An SVG `<use>` bomb (3 KB) or an image past
the size limit is a `handout-image-limit` warning at its line, and the handout writer leaves
it out in well under a minute; a link out of the project puts no image into a PDF."""

from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader
from security_helpers import no_traceback, run

if TYPE_CHECKING:
    from pathlib import Path


def use_bomb(levels: int = 9, fan: int = 10) -> str:
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' width="100" height="100"><defs><rect id="l0" width="1" height="1"/>'
    ]
    for i in range(1, levels + 1):
        uses = "".join(f'<use xlink:href="#l{i - 1}"/>' for _ in range(fan))
        parts.append(f'<g id="l{i}">{uses}</g>')
    parts.append(f'</defs><use xlink:href="#l{levels}"/></svg>')
    return "".join(parts)


SMALL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><defs>'
    '<circle id="c" r="4"/></defs><use href="#c" x="5" y="5"/><use href="#c" x="15" y="15"/></svg>'
)


def handout(body: str) -> str:
    return f"---\ntitle: Handout\nhandout: true\nreviewed: 2026-01-01\n---\n# Handout\n\nTalk to people [@smith2020].\n\n{body}\n"


def test_the_bomb_is_small() -> None:
    assert len(use_bomb()) < 3500


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("![bomb](img/bomb.svg)", 10, 1),
        ('Text <img src="img/bomb.svg" alt="b">', 10, 6),
        (
            f'<img alt="d" src="data:image/svg+xml;base64,{base64.b64encode(use_bomb().encode()).decode()}">',
            10,
            1,
        ),
        (f"<div>{use_bomb()}</div>", 10, 6),
        ("![loop](img/loop.svg)", 10, 1),
    ],
)
def test_a_use_bomb_is_found_by_check_and_left_out_of_the_handout(
    site, body: str, line: int, column: int
) -> None:
    loop = '<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>'
    root = site(
        {
            "docs/h.md": handout(body),
            "docs/img/bomb.svg": use_bomb(),
            "docs/img/loop.svg": loop,
        }
    )
    check = run(root, "check", timeout=60)
    no_traceback(check)
    assert (
        f"docs/h.md:{line}:{column}: warning[handout-image-limit] the printed handout leaves"
        in (check.stdout)
    ), check.stdout
    (root / "site").mkdir()
    started = time.monotonic()
    result = run(root, "handouts", timeout=120)
    no_traceback(result)
    assert time.monotonic() - started < 90
    pdf = root / "site" / "handouts" / "h.pdf"
    assert pdf.exists(), result.stderr
    assert "Talk to people" in PdfReader(pdf).pages[0].extract_text()


def test_a_small_svg_with_use_is_fine(site) -> None:
    root = site({"docs/h.md": handout("![dots](img/dots.svg)"), "docs/img/dots.svg": SMALL_SVG})
    check = run(root, "check", timeout=60)
    no_traceback(check)
    assert "handout-image-limit" not in check.stdout


def test_an_image_past_the_size_limit_is_found(site) -> None:
    root = site({"docs/h.md": handout("![big](big.png)")})
    with (root / "docs" / "big.png").open("wb") as handle:
        handle.truncate(17 * 1024 * 1024)
    check = run(root, "check", timeout=60)
    no_traceback(check)
    assert (
        "docs/h.md:10:1: warning[handout-image-limit] the printed handout leaves this image out:"
        " not read: it has 17,825,792 bytes, more than 16,777,216"
    ) in check.stdout


def test_a_linked_outside_image_never_reaches_the_pdf(site, tmp_path: Path) -> None:
    secret = tmp_path / "secret.svg"
    secret.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><text>TOPSECRET-IMG</text></svg>', encoding="utf-8"
    )
    root = site({"docs/h.md": handout("![s](img/secret.svg)"), "docs/img/.keep": ""})
    (root / "docs" / "img" / "secret.svg").symlink_to(secret)
    check = run(root, "check", timeout=60)
    assert "docs/img/secret.svg:0:0: error[outside-project]" in check.stdout
    (root / "site").mkdir()
    result = run(root, "handouts", timeout=120)
    no_traceback(result)
    pdf = root / "site" / "handouts" / "h.pdf"
    assert pdf.exists()
    assert b"TOPSECRET" not in pdf.read_bytes()
    assert "TOPSECRET" not in PdfReader(pdf).pages[0].extract_text()
