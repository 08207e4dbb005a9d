"""The typed JSON cache: round trips, and anything unfit is refused, never constructed."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.pages.page import Page, parse_page
from citekb.project.cache import (
    FORMAT,
    Unfit,
    decode_state,
    encode,
    load_state,
    read_sealed,
    save_state,
    write_sealed,
)

if TYPE_CHECKING:
    from pathlib import Path

PAGE = """---
title: A page
reviewed: 2024-01-02
tags: [a, b]
---
# A page

## Part

About 29% of adults [@smith2020, p. 3]. See [the part](#part) and @jones2019 [ch. 2].
"""

CHECKED = tuple[list[Diagnostic], int]


def roundtrip(value: object, kind: object) -> object:
    return decode_state(json.loads(json.dumps(encode(value))), kind)


def test_a_parsed_page_round_trips_with_its_dates() -> None:
    page, _ = parse_page("docs/a.md", "a.md", PAGE)
    back = roundtrip(page, Page)
    assert back == page
    assert isinstance(back, Page) and back.meta["reviewed"] == dt.date(2024, 1, 2)
    assert [c.key for c in back.citations] == ["smith2020", "jones2019"]


def test_a_check_result_round_trips(tmp_path: Path) -> None:
    found = [diagnostic(Code.UNKNOWN_KEY, "docs/a.md", 3, 6, "@x is not in the library", "fix")]
    path = tmp_path / "check.json"
    save_state(path, "key-1", (found, 4))
    assert load_state(path, "key-1", CHECKED) == (found, 4)
    assert load_state(path, "key-2", CHECKED) is None  # another key: stale
    saved = json.loads(read_sealed(path) or "null")
    assert saved["format"] == FORMAT and saved["key"] == "key-1"
    seal, _, body = path.read_bytes().partition(b"\n")
    path.write_bytes(seal + b"\n" + body.replace(b"key-1", b"key-3"))  # edited: seal broken
    assert read_sealed(path) is None and load_state(path, "key-3", CHECKED) is None


@pytest.mark.parametrize(
    "state",
    [
        [[["unknown-key", "error", "a.md", 1, 1, "m"]], 1],  # a field missing
        [[["no-such-code", "error", "a.md", 1, 1, "m", "h"]], 1],  # not a Code
        [[["unknown-key", "error", "a.md", "1", 1, "m", "h"]], 1],  # a string for an int
        [[["unknown-key", "error", "a.md", True, 1, "m", "h"]], 1],  # a bool for an int
        [[{"__class__": "os.system"}], 1],  # an object where a record belongs
        [[], 1, 2],  # one item too many
        "text",
    ],
)
def test_a_cache_of_the_wrong_shape_is_ignored(tmp_path: Path, state: object) -> None:
    path = tmp_path / "check.json"
    write_sealed(path, json.dumps({"format": FORMAT, "key": "k", "state": state}))
    assert load_state(path, "k", CHECKED) is None
    with pytest.raises(Unfit):
        decode_state(state, CHECKED)


@pytest.mark.parametrize(
    "data", [b"[" * 100_000, b"\x80\x03cos\nsystem\n", b"", b"{}", b"null", b'{"format": 3}']
)
def test_a_damaged_cache_file_is_ignored(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "check.json"
    path.write_bytes(data)
    assert load_state(path, "k", CHECKED) is None
    write_sealed(path, data.decode("latin-1"))  # sealed here, and still no state
    assert load_state(path, "k", CHECKED) is None


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("fields", {"title": 3}),
        ("fields", {"title": None}),
        ("field_lines", {"title": "3"}),
        ("field_lines", {"title": True}),
    ],
)
def test_plain_values_are_checked_one_by_one(where: str, value: object) -> None:
    """Objects and lists of strings or numbers decode on a fast path that still checks each
    value."""
    from citekb.core.model import Entry

    entry = Entry("k", "book", {"title": "T"}, "a.bib", 1, {"title": 2})
    data = encode((entry,))
    assert decode_state(data, tuple[Entry, ...]) == (entry,)
    data[0][2 if where == "fields" else 5] = value
    with pytest.raises(Unfit):
        decode_state(data, tuple[Entry, ...])
    with pytest.raises(Unfit):
        decode_state(["a", 1], tuple[str, ...])
    with pytest.raises(Unfit):
        decode_state([1, True], list[int])


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSONISH)
def test_decoding_any_json_either_fits_or_raises_unfit(data: object) -> None:
    try:
        result = decode_state(data, CHECKED)
    except Unfit:
        return
    found, count = result
    assert isinstance(count, int) and all(isinstance(d, Diagnostic) for d in found)


def test_a_same_size_edit_with_its_time_restored_changes_the_digest(tmp_path: Path) -> None:
    """Within one process the hash of an unchanged file is reused; an edit is seen even when
    its size and modification time are put back (the change time moves on)."""
    import hashlib
    import os

    from citekb.project.cache import add_contents

    page = tmp_path / "page.md"
    page.write_text("See [@smith2020].\n", encoding="utf-8")

    def digest() -> str:
        found = hashlib.sha256()
        add_contents(found, [page])
        return found.hexdigest()

    before, info = digest(), page.stat()
    assert digest() == before
    page.write_text("See [@smith2029].\n", encoding="utf-8")
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert page.stat().st_size == info.st_size
    assert digest() != before
