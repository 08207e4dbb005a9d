"""The APA reference list built from a small library: order and year letters (APA 9.44-9.48)."""

from __future__ import annotations

from citekb.render.style import Engine, build_references
from support import reference_texts


def reference_list(engine: Engine, bib: str) -> list[str]:
    """Every entry of ``bib`` as the reference list shows it, in its order."""
    return list(reference_texts(engine, bib).values())


def test_same_author_and_year_lettered_by_title(apa: Engine) -> None:
    """APA 9.47: by title, "A"/"An"/"The" ignored, the editor's "(Ed.)" ignored; the letters
    follow that order (biblatex-examples ``gaonkar``/``gaonkar:in``, ``westfahl``)."""
    bib = """
@incollection{chapter, author = {Gaonkar, Dilip Parameshwar}, title = {On Alternative
  Modernities}, booktitle = {Alternative Modernities}, editor = {Gaonkar, Dilip Parameshwar},
  publisher = {Duke University Press}, date = {2001}, pages = {1--23}}
@collection{book, editor = {Gaonkar, Dilip Parameshwar}, title = {Alternative Modernities},
  publisher = {Duke University Press}, date = {2001}}
@article{the, author = {Gaonkar, Dilip Parameshwar}, title = {The Next Step},
  journaltitle = {Public Culture}, volume = {11}, date = {2001}}
@article{ox, author = {Name, N.}, title = {Ox test}, journaltitle = {J}, date = {2018}}
@article{oxalone, author = {Name, N.}, title = {Ox}, journaltitle = {J}, date = {2018}}
"""
    assert reference_list(apa, bib) == [
        "Gaonkar, D. P. (Ed.). (2001a). Alternative modernities. Duke University Press.",
        "Gaonkar, D. P. (2001b). The next step. Public Culture, 11.",
        "Gaonkar, D. P. (2001c). On alternative modernities. In D. P. Gaonkar (Ed.), "
        "Alternative modernities (pp. 1–23). Duke University Press.",
        "Name, N. (2018a). Ox. J.",
        "Name, N. (2018b). Ox test. J.",
    ]


def test_no_date_first_then_years_then_in_press(apa: Engine) -> None:
    """APA 9.46: "n.d." before dated works, earliest first, "in press" last; a year alone
    before the same year with a month (a newspaper's date)."""
    bib = """
@article{late, author = {Roe, Rita}, title = {Zeta}, journaltitle = {J}, date = {2019}}
@article{early, author = {Roe, Rita}, title = {Beta}, journaltitle = {J}, date = {2015}}
@article{nodate, author = {Roe, Rita}, title = {Alpha}, journaltitle = {J}}
@article{press, author = {Roe, Rita}, title = {Gamma}, journaltitle = {J}, pubstate = {inpress}}
"""
    years = [text.split("(", 1)[1].split(")")[0] for text in reference_list(apa, bib)]
    assert years == ["n.d.", "2015", "2019", "in press"]


def test_a_set_and_its_member_are_one_work_without_letters(apa: Engine) -> None:
    """A biblatex ``@set`` stands for its first member: cited under both keys it is one work,
    "Glashow, S. (1961)", not "1961a" and "1961b"; another work of that year still gets one."""
    bib = """
@set{stdmodel, entryset = {glashow,weinberg}}
@article{glashow, author = {Glashow, Sheldon}, title = {Partial symmetries},
  journaltitle = {Nucl. Phys.}, volume = {22}, pages = {579--588}, date = {1961}}
@article{weinberg, author = {Weinberg, Steven}, title = {A model of leptons},
  journaltitle = {Phys. Rev. Lett.}, volume = {19}, date = {1967}}
"""
    texts = reference_list(apa, bib)
    assert (
        texts[0]
        == texts[1]
        == ("Glashow, S. (1961). Partial symmetries. Nucl. Phys., 22, 579–588.")
    )
    other = bib + "@article{later, author = {Glashow, Sheldon}, title = {Zeta},"
    other += " journaltitle = {J}, date = {1961}}\n"
    assert [t[:22] for t in reference_list(apa, other)[:3]] == ["Glashow, S. (1961a). P"] * 2 + [
        "Glashow, S. (1961b). Z"
    ]


def test_an_author_date_style_without_parentheses_orders_the_same_way() -> None:
    """Chicago's "Smith, John, ed. 2001." sorts by the names without ", ed.", then year, then
    title without its article, as APA's "(Ed.)" does."""
    from citekb.render.formatted import Formatted

    def work(key: str, text: str, year: str) -> Formatted:
        return Formatted(key, (text,), ("Smith",), year, (f"Smith {year}",), names=("Smith",))

    works = {
        "ed": work("ed", "Smith, John, ed. 2001. An Apple Book. Chicago: Press.", "2001"),
        "own": work("own", "Smith, John. 2001. The Zebra Book. Chicago: Press.", "2001"),
        "early": work("early", "Smith, John. 1999. Middle. Chicago: Press.", "1999"),
    }
    refs = build_references(works)
    assert [(f.key, f.year) for f in refs.ordered()] == [
        ("early", "1999"),
        ("ed", "2001a"),
        ("own", "2001b"),
    ]
