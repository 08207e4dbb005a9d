"""Slow: the CSL processor test suite through citekb's engine, when CITEKB_CSL_SUITE points at
its ``processor-tests/humans`` folder (fetch citation-style-language/test-suite; never commit
it). The floor is what the engine passes today (see benchmarks/README.md): it may only rise."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from support import BENCHMARKS

SUITE = os.environ.get("CITEKB_CSL_SUITE", "")
#: Passed fixtures per category today; a regression fails the test.
FLOOR = {
    "affix": 8,
    "bugreports": 75,
    "collapse": 20,
    "condition": 17,
    "date": 93,
    "decorations": 7,
    "disambiguate": 68,
    "display": 4,
    "etal": 4,
    "flipflop": 18,
    "form": 3,
    "fullstyles": 4,
    "group": 7,
    "integration": 13,
    "label": 18,
    "locale": 23,
    "locator": 5,
    "magic": 39,
    "name": 109,
    "nameattr": 97,
    "nameorder": 6,
    "namespaces": 1,
    "number": 18,
    "page": 10,
    "plural": 7,
    "position": 15,
    "punctuation": 16,
    "quotes": 4,
    "simplespace": 1,
    "sort": 53,
    "sortseparator": 1,
    "substitute": 5,
    "testers": 2,
    "textcase": 30,
    "unicode": 1,
    "variables": 5,
    "virtual": 1,
}

pytestmark = pytest.mark.skipif(
    not SUITE or not Path(SUITE).is_dir(), reason="CITEKB_CSL_SUITE not set to the suite"
)


def load_runner():  # type: ignore[no-untyped-def]
    path = BENCHMARKS / "csl_test_suite.py"
    spec = importlib.util.spec_from_file_location("csl_test_suite", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_csl_suite_pass_rates_do_not_fall() -> None:
    rates = load_runner().pass_rates(Path(SUITE))
    assert sum(p for p, _ in rates.values()) >= 808
    for category, floor in FLOOR.items():
        assert rates[category][0] >= floor, (category, rates[category])


def test_parse_fixture_reads_every_section() -> None:
    fixture = load_runner().parse_fixture(Path(SUITE) / "disambiguate_AddNamesSuccess.txt")
    assert fixture.mode == "citation"
    assert fixture.result == "Smith, Brown, et al. (1980); Smith, Beefheart, et al. (1980)"
    assert fixture.category == "disambiguate"
    assert len(fixture.input) == 2 and "<citation" in fixture.csl
