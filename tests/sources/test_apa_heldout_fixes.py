"""The generic errors the held-out APA judgement found (benchmarks/apa_heldout_2026.yaml), each
fixed on the data side: a small BibTeX library rendered in APA, asserted on the reference text."""

from __future__ import annotations

from citekb.render.style import Engine
from citekb.sources import biblatex_fields as bx
from support import REPO, reference_texts


def test_apa_drops_a_publishers_business_designation(apa: Engine) -> None:
    """APA 9.29: no "Inc.", "Ltd.", "LLC", "GmbH"…; "Press", "Books" and "& Co." stay."""
    bib = """
@book{wiley, author = {Doe, Jane}, title = {One}, year = {2020},
  publisher = {John Wiley \\& Sons, Inc.}}
@book{springer, author = {Roe, Rob}, title = {Two}, year = {2020},
  publisher = {Springer Science+Business Media, LLC}}
@book{penguin, author = {Poe, Pat}, title = {Three}, year = {2020},
  publisher = {Penguin Books Ltd}}
@book{two, author = {Zoe, Zed}, title = {Four}, year = {2020},
  publisher = {Verlag Hans Huber AG and Oxford University Press}}
@book{co, author = {Moe, Max}, title = {Five}, year = {1890}, publisher = {Smith \\& Co.}}
"""
    refs = reference_texts(apa, bib)
    assert refs["wiley"] == "Doe, J. (2020). One. John Wiley & Sons."
    assert refs["springer"] == "Roe, R. (2020). Two. Springer Science+Business Media."
    assert refs["penguin"] == "Poe, P. (2020). Three. Penguin Books."
    assert refs["two"] == "Zoe, Z. (2020). Four. Verlag Hans Huber; Oxford University Press."
    assert refs["co"] == "Moe, M. (1890). Five. Smith & Co."
    assert bx.apa_publisher("AG") == "AG" and bx.apa_publisher("Elsevier B.V.") == "Elsevier"


def test_other_styles_keep_the_publishers_full_name() -> None:
    """Only APA drops designations: a style without APA's id keeps "Wiley Inc."."""
    source = (REPO / "tools/citekb/styles/apa.csl").read_text(encoding="utf-8")
    other = source.replace("/styles/apa</id>", "/styles/not-apa</id>")
    assert other != source
    engine = Engine(REPO / "tools/citekb/styles/apa.csl", other.encode())
    assert not engine.sentence_case
    bib = "@book{w, author = {Doe, J.}, title = {One}, year = {2020}, publisher = {Wiley Inc.}}"
    assert reference_texts(engine, bib)["w"].endswith(". Wiley Inc.")


def test_an_edition_in_words_is_a_number(apa: Engine) -> None:
    """APA 10.2 "(2nd ed.)" from "Second", "second edition", "2nd edition", "Third Edn"."""
    bib = """
@book{a, author = {Doe, A.}, title = {A}, year = {2020}, edition = {Second}, publisher = {P}}
@book{b, author = {Doe, B.}, title = {B}, year = {2020}, edition = {2nd edition},
  publisher = {P}}
@book{c, author = {Doe, C.}, title = {C}, year = {2020}, edition = {third Edn.}, publisher = {P}}
@book{d, author = {Doe, D.}, title = {D}, year = {2020}, edition = {Rev. ed.}, publisher = {P}}
"""
    refs = reference_texts(apa, bib)
    assert refs["a"] == "Doe, A. (2020). A (2nd ed.). P."
    assert refs["b"] == "Doe, B. (2020). B (2nd ed.). P."
    assert refs["c"] == "Doe, C. (2020). C (3rd ed.). P."
    assert refs["d"] == "Doe, D. (2020). D (Rev. ed.). P."
    assert bx.edition_number("zweite") == "zweite"


def test_an_eid_is_the_article_number(apa: Engine) -> None:
    """APA 10.1 "Article 124106" where an article has an ``eid`` (or ``articleno``) and no
    pages; with pages, the pages."""
    bib = """
@article{eid, author = {Doe, J.}, title = {X}, journaltitle = {J. Chem. Phys.}, volume = {150},
  number = {12}, eid = {124106}, date = {2019}}
@article{acm, author = {Roe, R.}, title = {Y}, journal = {ACM Comput. Surv.}, volume = {54},
  number = {2}, articleno = {42}, year = {2021}}
@article{paged, author = {Poe, P.}, title = {Z}, journal = {J}, volume = {1}, eid = {7},
  pages = {1--9}, year = {2021}}
"""
    refs = reference_texts(apa, bib)
    assert refs["eid"] == "Doe, J. (2019). X. J. Chem. Phys., 150(12), Article 124106."
    assert refs["acm"] == "Roe, R. (2021). Y. ACM Comput. Surv., 54(2), Article 42."
    assert refs["paged"] == "Poe, P. (2021). Z. J, 1, 1–9."


def test_a_film_is_a_film(apa: Engine) -> None:
    """APA 10.12 "[Film]": ``@movie``, or ``@video`` with ``entrysubtype = film``; a plain
    video stays a video recording."""
    bib = """
@movie{m, editor = {Kubrick, Stanley}, editortype = {director}, title = {A film},
  publisher = {MGM}, year = {1968}}
@video{v, author = {Kubrick, Stanley}, title = {Another}, entrysubtype = {film},
  publisher = {MGM}, year = {1964}}
@video{plain, author = {Doe, J.}, title = {A talk}, publisher = {TED}, year = {2010}}
"""
    refs = reference_texts(apa, bib)
    assert refs["m"] == "Kubrick, S. (Director). (1968). A film [Film]. MGM."
    assert refs["v"] == "Kubrick, S. (1964). Another [Film]. MGM."
    assert refs["plain"] == "Doe, J. (2010). A talk [Video recording]. TED."


def test_a_howpublished_url_is_the_works_url(apa: Engine) -> None:
    """A ``howpublished`` that is a URL (bare or ``\\url``) is the link, without a period;
    an entry's own ``url`` wins."""
    bib = """
@misc{bare, author = {Doe, J.}, title = {A page}, howpublished = {https://example.org/x},
  year = {2020}}
@misc{macro, author = {Roe, R.}, title = {A page}, howpublished = {\\url{https://example.org/y}},
  year = {2020}}
@misc{own, author = {Poe, P.}, title = {A page}, howpublished = {https://example.org/old},
  url = {https://example.org/new}, year = {2020}}
"""
    refs = reference_texts(apa, bib)
    assert refs["bare"] == "Doe, J. (2020). A page. https://example.org/x"
    assert refs["macro"] == "Roe, R. (2020). A page. https://example.org/y"
    assert refs["own"] == "Poe, P. (2020). A page. https://example.org/new"


def test_edtf_years_before_the_common_era(apa: Engine) -> None:
    """EDTF years are astronomical (``-0050`` is 51 BCE, ``0000`` 1 BCE); a ``y`` year is one of
    more than four digits: APA prints "51235 B.C.E.", never the raw "y-51234"."""
    bib = """
@misc{y, author = {Doe, J.}, title = {Old}, date = {y-51234}}
@misc{neg, author = {Roe, R.}, title = {Older}, date = {-0050}}
@misc{zero, author = {Poe, P.}, title = {Oldest}, date = {0000}}
"""
    refs = reference_texts(apa, bib)
    assert refs["y"] == "Doe, J. (51235 B.C.E.). Old."
    assert refs["neg"] == "Roe, R. (51 B.C.E.). Older."
    assert refs["zero"] == "Poe, P. (1 B.C.E.). Oldest."
    assert bx.parse_iso_range("-0050/0010") == {"date-parts": [[-51], [10]]}
