"""citekb's CSL engine: numeric styles through the Markdown extension, the APA fixes made on
citeproc-py (names added where "et al." forms collide, label case, no "?."), and the adapter's
pin on the citeproc-py internals it patches."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import markdown
import pytest

from citekb.core.model import Citation, CitationMode, Cluster
from citekb.render import csl_patches as patches
from citekb.render import richtext as rt
from citekb.render.citeforms import render_cluster
from citekb.render.style import Engine, References, build_references
from citekb.site.markdown_ext import CitekbExtension
from support import GOLDEN, HOLT_BOWLBY_BIB, REPO, TESTS, shipped_style

if TYPE_CHECKING:
    from pathlib import Path

BIB = (
    HOLT_BOWLBY_BIB
    + r"""
@book{adams2001, author = {Adams, Ann}, title = {Zebra book},
  publisher = {Basic Books}, year = {2001}}
"""
)

PAGE = """# Numbers

First [@holt2015]. Then [@bowlby1969; @adams2001]. Again [@adams2001; @holt2015, p. 5].

<!-- citekb:bibliography -->
"""


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"differs from {path}"


@pytest.fixture
def bib(tmp_path: Path) -> str:
    path = tmp_path / "refs.bib"
    path.write_text(BIB, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("style", ["ieee", "nature"])
def test_numeric_style_numbers_works_in_order_of_first_citation(bib: str, style: str) -> None:
    ext = CitekbExtension(bibliography=[bib], style=shipped_style(style))
    html = markdown.markdown(PAGE, extensions=["toc", ext])
    check_golden(f"numeric-{style}.html", html + "\n")
    cites = re.findall(r'data-key="(\w+)">(?:<sup>)?\[?(\d+)', html)
    assert cites == [
        ("holt2015", "1"),
        ("bowlby1969", "2"),
        ("adams2001", "3"),
        ("holt2015", "1"),  # sorted by number inside the cluster, same number again
        ("adams2001", "3"),
    ]
    listed = re.findall(r'<li id="ref-(\w+)"', html)
    assert listed == ["holt2015", "bowlby1969", "adams2001"]
    texts = re.findall(r'id="reftext-\w+">\[?(\d+)[\].] ', html)
    assert texts == ["1", "2", "3"]


def article(key: str, authors: list[str], year: int, title: str) -> dict[str, Any]:
    return {
        "id": key,
        "type": "article-journal",
        "title": title,
        "author": [{"family": f, "given": "Ann"} for f in authors],
        "issued": {"date-parts": [[year]]},
        "container-title": "Journal of Tests",
    }


WORKS = [
    article("k1", ["Kapoor", "Bloom", "Montez", "Warren", "Hill"], 2017, "One"),
    article("k2", ["Kapoor", "Bloom", "Zucker", "Tang", "Lee"], 2017, "Two"),
    article("k3", ["Kapoor", "Bloom", "Zucker", "Tang", "Lee"], 2017, "Three"),
    article("s1", ["Smith", "Jones", "Lee"], 2019, "Alpha"),
    article("s2", ["Smith", "Jones", "Kim"], 2019, "Beta"),
    article("c1", ["Cacioppo", "Hawkley"], 2009, "Perceived isolation"),
    article("c2", ["Cacioppo", "Hawkley"], 2009, "Loneliness matters"),
    article("q1", ["Shmueli"], 2010, "To explain or to predict?"),
    article("q2", ["Doe"], 2011, "Stop!"),
    {
        "id": "e1",
        "type": "book",
        "title": "Poetics",
        "author": [{"literal": "Aristotle"}],
        "editor": [{"family": "Lucas", "given": "D. W."}],
        "issued": {"date-parts": [[1968]]},
        "publisher": "Clarendon Press",
    },
    {
        "id": "e2",
        "type": "book",
        "title": "History of animals",
        "author": [{"literal": "Aristotle"}],
        "editor": [{"family": "Bland", "given": "K. P."}],
        "translator": [{"family": "Bland", "given": "K. P."}],
        "issued": {"date-parts": [[1968]]},
        "publisher": "Clarendon Press",
    },
]


@pytest.fixture(scope="module")
def works(apa: Engine) -> References:
    return build_references({w["id"]: apa.format_one(w) for w in WORKS}, layout=apa.layout)


def cluster(*keys: str, mode: CitationMode = CitationMode.NORMAL) -> Cluster:
    return Cluster(tuple(Citation(k, mode, "p.md", 1, 1, 0) for k in keys), 0, 1)


def said(refs: References, *keys: str, mode: CitationMode = CitationMode.NORMAL) -> str:
    return "".join(rt.to_text(p.rich) for p in render_cluster(cluster(*keys, mode=mode), refs))


def test_apa_engine_fixes_golden(works: References) -> None:
    lines = []
    for item in works.ordered():
        lines.append(rt.to_text(item.reference))
        lines.append(
            f"  {said(works, item.key)} | {said(works, item.key, mode=CitationMode.IN_TEXT)}"
        )
    check_golden("apa-engine-fixes.txt", "\n".join(lines) + "\n")


def test_names_added_where_et_al_forms_collide(works: References) -> None:
    assert said(works, "k1") == "(Kapoor, Bloom, Montez, et al., 2017)"
    assert said(works, "k2", "k3") == "(Kapoor, Bloom, Zucker, et al., 2017a, 2017b)"
    assert said(works, "s1", mode=CitationMode.IN_TEXT) == "Smith, Jones, and Lee (2019)"
    assert said(works, "s2") == "(Smith, Jones, & Kim, 2019)"


def test_year_letters_only_for_identical_author_lists(works: References) -> None:
    years = {k: works.entries[k].year for k in ("k1", "k2", "k3", "s1", "s2", "c1", "c2")}
    assert years == {
        "k1": "2017",
        "k2": "2017b",
        "k3": "2017a",
        "s1": "2019",
        "s2": "2019",
        "c1": "2009b",  # "Loneliness matters" sorts before "Perceived isolation"
        "c2": "2009a",
    }


def test_no_period_after_question_or_exclamation(works: References) -> None:
    assert "To explain or to predict? Journal of Tests." in rt.to_text(
        works.entries["q1"].reference
    )
    assert "Stop! Journal" in rt.to_text(works.entries["q2"].reference)
    assert all("?." not in rt.to_text(w.reference) for w in works.ordered())


def test_editor_and_translator_labels_capitalised(works: References) -> None:
    assert "Poetics (D. W. Lucas, Ed.)." in rt.to_text(works.entries["e1"].reference)
    assert "(K. P. Bland, Ed. & Trans.)" in rt.to_text(works.entries["e2"].reference)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Why?. Next", "Why? Next"),
        ("Done.. Next", "Done. Next"),
        ("Wait... Next", "Wait... Next"),
        ("https://x.org/a?.b", "https://x.org/a?.b"),
    ],
)
def test_collapse_punctuation(before: str, after: str) -> None:
    from citekb.render.apa_fixes import collapse_punctuation

    assert rt.to_text(collapse_punctuation(rt.text(before))) == after


# --- the adapter: pinned to the citeproc-py it patches ------------------------------------


def test_citeproc_is_the_pinned_version() -> None:
    import citeproc

    assert citeproc.__version__ == patches.CITEPROC_VERSION
    pin = re.search(r'"citeproc-py==([\d.]+)"', (REPO / "pyproject.toml").read_text())
    assert pin is not None and pin.group(1) == patches.CITEPROC_VERSION


def test_patched_internals_exist() -> None:
    assert patches.missing_internals() == []


def test_every_patch_is_listed_as_pinned() -> None:
    """What ``adapt_citeproc()`` changes in citeproc-py (compared in a fresh interpreter) is
    exactly what ``PATCHED`` lists, so a new citeproc-py is checked for all of it."""
    script = TESTS / "render" / "citeproc_snapshot.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    changed = {tuple(key) for key in json.loads(out.stdout)}
    assert changed == set(patches.PATCHED)


def test_patches_are_applied_once(apa: Engine) -> None:
    from citeproc import model

    apa.format_one(WORKS[0])
    first = (model.Text._variable, model.Label.markup, model.Substitute.render)
    patches.number_placeholder()
    patches.case_labels()
    patches.suppress_substituted()
    assert (model.Text._variable, model.Label.markup, model.Substitute.render) == first
    assert model.Label._citekb_case and model.Text._citekb_number


def test_note_style_gives_each_cluster_a_numbered_note(bib: str) -> None:
    ext = CitekbExtension(bibliography=[bib], style=shipped_style("chicago-notes-bibliography"))
    html = markdown.markdown(PAGE, extensions=["toc", ext])
    check_golden("note-chicago.html", html + "\n")
    markers = re.findall(
        r'<sup class="citekb-noteref" id="noteref-(\d+)"><a href="#note-(\d+)"', html
    )
    assert markers == [("1", "1"), ("2", "2"), ("3", "3")]
    notes = re.findall(r'<li id="note-(\d+)" class="citekb-note">(.*?)</li>', html)
    assert [n for n, _ in notes] == ["1", "2", "3"]
    plain = [re.sub(r"<[^>]+>", "", body) for _, body in notes]
    # Chicago's initialize="false": given names in full
    assert plain[0].startswith("Julianne Holt-Lunstad et al., “Loneliness")
    assert plain[1].startswith("John Bowlby, Attachment and Loss (Basic Books, 1969); Ann Adams")
    assert all(".." not in p and ".;" not in p for p in plain)
    assert 'href="#cite-holt2015-1"' in html  # the reference list links back into the notes


TITLE_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"
  default-locale="en-US">
  <info><title>t</title><id>t</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><text variable="title" text-case="title"/></layout></bibliography>
</style>
"""


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "out-of-fashion initiatives: a second story",
            "Out-of-Fashion Initiatives: A Second Story",
        ),
        ("core self-evaluation traits—self-esteem", "Core Self-Evaluation Traits—Self-Esteem"),
        ("a cat/mouse problem to think about", "A Cat/Mouse Problem to Think About"),
        ("the iPhone and NASA in 07-x", "The iPhone and NASA in 07-x"),
    ],
)
def test_title_case_splits_compounds(tmp_path: Path, title: str, expected: str) -> None:
    path = tmp_path / "title.csl"
    path.write_text(TITLE_STYLE, encoding="utf-8")
    item = {"id": "t", "type": "book", "title": title, "language": "en"}
    assert rt.to_text(Engine(path).format_one(item).reference) == expected


@pytest.mark.parametrize(
    ("given", "pages", "expected"),
    [
        ("Shun-ichi", "16187-92", "Amari, S.-i. (2000). T. Journal, 16187–16192."),
        ("james", "1-9", "Amari, J. (2000). T. Journal, 1–9."),
        ("Jean-Pierre", "227-37", "Amari, J.-P. (2000). T. Journal, 227–237."),
        ("J. B. de C. M.", "5", "Amari, J. B. de C. M. (2000). T. Journal, 5."),
    ],
)
def test_initials_and_expanded_page_ranges(
    apa: Engine, given: str, pages: str, expected: str
) -> None:
    item = {
        "id": "x",
        "type": "article-journal",
        "title": "T",
        "author": [{"family": "Amari", "given": given}],
        "issued": {"date-parts": [[2000]]},
        "container-title": "Journal",
        "page": pages,
    }
    assert rt.to_text(apa.format_one(item).reference) == expected


def test_number_of_volumes_and_no_stray_edition_label(apa: Engine) -> None:
    volumes = {
        "id": "k",
        "type": "book",
        "title": "The art of computer programming",
        "author": [{"family": "Knuth", "given": "Donald E."}],
        "issued": {"date-parts": [[1984], [1986]]},
        "number-of-volumes": "5",
        "publisher": "Addison-Wesley",
    }
    assert rt.to_text(apa.format_one(volumes).reference) == (
        "Knuth, D. E. (1984–1986). The art of computer programming (Vols. 1–5). Addison-Wesley."
    )
    manual = {
        "id": "cms",
        "type": "report",
        "title": "The Chicago manual of style",
        "edition": "15",
        "issued": {"date-parts": [[2003]]},
        "publisher": "University of Chicago Press",
    }
    assert rt.to_text(apa.format_one(manual).reference) == (
        "The Chicago manual of style (15th ed.). (2003). University of Chicago Press."
    )


def test_container_author_is_printed(apa: Engine) -> None:
    chapter = {
        "id": "c",
        "type": "chapter",
        "title": "Sur la logique",
        "author": [{"family": "Cavaillès", "given": "Jean"}],
        "container-author": [{"family": "Cavaillès", "given": "Jean"}],
        "container-title": "Œuvres complètes",
        "page": "1-9",
        "issued": {"date-parts": [[1994]]},
        "publisher": "Hermann",
    }
    assert "In J. Cavaillès, Œuvres complètes (pp. 1–9). Hermann." in rt.to_text(
        apa.format_one(chapter).reference
    )
