"""A note style's later citations in citekb's own pages (CSL ``position``): a work's first
note in full, later notes in the style's short form, "Ibid." right after the same work, on
the HTML the Markdown extension renders."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from citekb.core.model import Citation, CitationMode
from citekb.render.cite_positions import Position, note_positions
from citekb.render.citeset import References
from citekb.render.formatted import Formatted
from citekb.site.markdown_ext import CitekbExtension
from support import HOLT_BOWLBY_BIB, shipped_style

BIB = HOLT_BOWLBY_BIB
PAGE = (
    "One [@bowlby1969]. Two [@bowlby1969]. Three [@bowlby1969, p. 5]. Four [@holt2015].\n\n"
    "Five [@bowlby1969, p. 7]. Six [@holt2015, p. 9]. Seven [see @holt2015, p. 9].\n\n"
    "Eight [As shown above. @holt2015, p. 9]. Nine [Cf. @holt2015, p. 9].\n"
)
FULL = "John Bowlby, Attachment and Loss (Basic Books, 1969)."
HOLT = (
    "Julianne Holt-Lunstad et al., “Loneliness and Social Isolation as Risk Factors for Mortality,”"
)


def notes(tmp_path: Path, style: str) -> list[str]:
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    ext = CitekbExtension(bibliography=[str(bib)], style=shipped_style(style))
    html = markdown.markdown(PAGE, extensions=[ext])
    bodies = re.findall(r'<li id="note-\d+" class="citekb-note">(.*?) <a class="citekb-back"', html)
    return [re.sub(r"<[^>]+>", "", body) for body in bodies]


def test_a_note_style_with_ibid_gives_full_then_ibid_then_short_forms(tmp_path: Path) -> None:
    got = notes(tmp_path, "chicago-notes-bibliography-subsequent-ibid")
    assert len(got) == 9
    assert got[0] == FULL
    assert got[1:3] == ["Ibid.", "Ibid., p. 5."]
    assert got[3].startswith(HOLT + " Perspectives on Psychological Science 10, no. 2")
    short = got[4]  # Bowlby again after another work: the short form, no publisher
    assert short.startswith("Bowlby, Attachment and Loss") and short.endswith(", p. 7.")
    assert "Basic Books" not in short and "John Bowlby" not in short
    assert got[5].startswith("Holt-Lunstad et al., “Loneliness") and got[5].endswith(",” p. 9.")
    assert "Perspectives" not in got[5]
    assert got[6] == "see ibid."  # the same page again; a prefix keeps "ibid." lower case
    assert got[7:] == ["As shown above. Ibid.", "Cf. ibid."]  # unless it ends a sentence


def test_a_note_style_without_ibid_repeats_the_short_form(tmp_path: Path) -> None:
    got = notes(tmp_path, "chicago-notes-bibliography")
    assert got[0] == FULL
    assert all(n.startswith("Bowlby, Attachment and Loss") for n in (got[1], got[2], got[4]))
    assert got[2].endswith(", p. 5.") and got[4].endswith(", p. 7.")
    assert not any("ibid" in n.casefold() for n in got)
    assert got[6].startswith("see Holt-Lunstad et al.") and got[6].endswith(",” p. 9.")


def cite(key: str, offset: int, locator: str = "") -> Citation:
    return Citation(key, CitationMode.NORMAL, "p.md", 1, offset + 1, offset, locator=locator)


@pytest.mark.parametrize(
    ("notes_", "expected"),
    [
        # same work in the next note, alone in the note before: ibid
        ([["a"], ["a"]], ["first", "ibid"]),
        # the note before held two citations: never ibid for a note's first citation
        ([["b", "a"], ["a"]], ["first", "first", "subsequent"]),
        ([["a", "b"], ["a"]], ["first", "first", "subsequent"]),
        # inside one note, right after the same work
        ([["a", "a"]], ["first", "ibid"]),
    ],
)
def test_positions_follow_the_csl_rules(notes_: list[list[str]], expected: list[str]) -> None:
    refs = References({k: Formatted(k, (k,), (k,), "2000", (k,)) for k in "ab"})
    offset = iter(range(100))
    clusters = [[cite(k, next(offset)) for k in note] for note in notes_]
    got = note_positions(clusters, refs)
    assert [got[c.offset].value for note in clusters for c in note] == expected


def test_a_locator_decides_between_ibid_and_subsequent() -> None:
    refs = References({"a": Formatted("a", ("a",), ("a",), "2000", ("a",))})
    clusters = [
        [cite("a", 0, "p. 3")],
        [cite("a", 1)],
        [cite("a", 2, "p. 4")],
        [cite("a", 3, "p. 4")],
    ]
    got = note_positions(clusters, refs)
    assert [got[i] for i in range(4)] == [
        Position.FIRST,
        Position.SUBSEQUENT,  # "Ibid." would point at p. 3
        Position.IBID,  # right after one without a locator: "Ibid., p. 4"
        Position.IBID_SAME,  # the same page again: "Ibid."
    ]


def test_later_forms_survive_the_cache(tmp_path: Path) -> None:
    from citekb.render.style import Engine

    engine = Engine(Path(shipped_style("chicago-notes-bibliography-subsequent-ibid")))
    item = {
        "id": "k",
        "type": "book",
        "title": "Alpha",
        "author": [{"family": "Doe", "given": "J"}],
    }
    formatted = engine.format_one(item)
    assert formatted.later is not None and formatted.later.ibid == (
        "ibid",
    )  # the note's period comes after
    assert Formatted.from_json("k", formatted.to_json()) == formatted
    apa = Engine(Path(shipped_style("apa")))
    assert apa.format_one(item).later is None  # only note styles carry them
    assert "later" not in apa.format_one(item).to_json()
