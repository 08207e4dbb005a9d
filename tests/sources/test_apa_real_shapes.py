"""Entry shapes of real libraries (biblatex-examples, Zotero Better BibTeX exports) rendered in
APA: each test renders a small library and asserts on the reference text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from support import reference_texts

if TYPE_CHECKING:
    from citekb.render.style import Engine


def test_a_volume_range_is_vols(apa: Engine) -> None:
    """APA 10.2 "(Vols. 1–3)": CSL counts "1–3" as numeric (citeproc-py did not: "Title: 1–3");
    a hyphen between two numbers is a range's en dash (Zotero writes "1-5")."""
    bib = """
@book{begovic, author = {Begović, Milan}, title = {Giga Barićeva}, date = {2002},
  volume = {1--3}, publisher = {Zagreb}}
@book{ea, editor = {Versteegh, Kees}, title = {Encyclopedia}, date = {2009}, volume = {1-5},
  publisher = {Brill}}
@book{one, author = {Begović, Milan}, title = {Other}, date = {2003}, volume = {2},
  publisher = {Zagreb}}
"""
    refs = reference_texts(apa, bib)
    assert refs["begovic"] == "Begović, M. (2002). Giga barićeva (Vols. 1–3). Zagreb."
    assert refs["ea"] == "Versteegh, K. (Ed.). (2009). Encyclopedia (Vols. 1–5). Brill."
    assert refs["one"] == "Begović, M. (2003). Other (Vol. 2). Zagreb."


def test_a_report_number_with_a_hyphen_is_one_number(apa: Engine) -> None:
    """APA 10.4 "(Report No. 123)": "99-02" is one number (it does not rise), not "Nos."."""
    bib = """
@report{padhye, author = {Padhye, J.}, title = {A model}, type = {techreport},
  number = {99-02}, institution = {UMass}, date = {1999}}
"""
    assert reference_texts(apa, bib)["padhye"] == (
        "Padhye, J. (1999). A model (Technical Report No. 99-02). UMass."
    )


def test_a_volume_by_its_own_author_is_not_by_him_again(apa: Engine) -> None:
    """biblatex-examples ``nietzsche:ksa1``: ``bookauthor`` equal to ``author`` is no "By F.
    Nietzsche" inside the parentheses."""
    bib = """
@book{ksa1, author = {Nietzsche, Friedrich}, bookauthor = {Nietzsche, Friedrich},
  title = {Die Geburt der Tragödie}, maintitle = {Sämtliche Werke}, volume = {1},
  editor = {Colli, Giorgio and Montinari, Mazzino}, date = {1988}, langid = {german},
  publisher = {dtv}}
"""
    assert reference_texts(apa, bib)["ksa1"] == (
        "Nietzsche, F. (1988). Sämtliche Werke: Vol. 1. Die Geburt der Tragödie"
        " (G. Colli & M. Montinari, Eds.). dtv."
    )


def test_a_periodical_issue_is_its_title_in_its_journal(apa: Engine) -> None:
    """biblatex ``@periodical`` with ``issuetitle`` (``jcg``): APA 10.1's special issue,
    "Issue title. (2011). [Special issue]. Journal, 35(4).", not "Journal (No. 4). (2011). 35."."""
    bib = """
@periodical{jcg, title = {Computers and Graphics}, year = 2011,
  issuetitle = {Semantic {3D} Media and Content}, volume = 35, number = 4}
"""
    assert reference_texts(apa, bib)["jcg"] == (
        "Semantic 3D media and content. (2011). [Special issue]. Computers and Graphics, 35(4)."
    )


def test_two_publishers_one_named_of_something(apa: Engine) -> None:
    """APA 9.29: biblatex's "and" between two publishers is a semicolon, also when the first
    is "… of …" (biblatex-examples ``hammond``); one name with "of … and …" is kept."""
    bib = """
@book{hammond, author = {Hammond, Christopher}, title = {Crystallography}, date = {1997},
  publisher = {International Union of Crystallography and Oxford University Press}}
@book{hhs, author = {Doe, Jane}, title = {Health}, date = {2000},
  publisher = {U.S. Department of Health and Human Services}}
"""
    refs = reference_texts(apa, bib)
    assert refs["hammond"].endswith(
        "International Union of Crystallography; Oxford University Press."
    )
    assert refs["hhs"].endswith("U.S. Department of Health and Human Services.")


def test_zotero_films_news_and_talks(apa: Engine) -> None:
    """Better BibTeX exports: a film's director is ``editor`` with ``editortype = director``
    (APA 10.12 "(Director)", not "(Ed.)"); a newspaper article is ``@article`` with
    ``entrysubtype = newspaper`` (APA 10.1: dated to the day); a talk is ``@unpublished``
    at a venue, a conference paper names its event (APA 10.5), whose "10th" keeps its case
    (CSL's capitalize-first leaves a word that starts with a digit alone)."""
    bib = """
@video{kubrick, title = {Dr. {Strangelove}}, editor = {Kubrick, Stanley},
  editortype = {director}, date = {1964}}
@article{boas, entrysubtype = {newspaper}, title = {Stikord}, author = {Boas, Anders},
  date = {2014-07-04}, journaltitle = {Weekendavisen}, pages = {12}}
@unpublished{derasmo, type = {lecture}, title = {The Craft of Writing},
  author = {D'Erasmo, Stacy}, date = {2000-04-26}, venue = {Northwestern University}}
@inproceedings{castillo, title = {Authoritarianism}, author = {Castillo, J.},
  date = {2011-07}, eventtitle = {10th Annual Meeting of the ISPP}}
"""
    refs = reference_texts(apa, bib)
    assert refs["kubrick"] == "Kubrick, S. (Director). (1964). Dr. Strangelove [Video recording]."
    assert refs["boas"] == "Boas, A. (2014, July 4). Stikord. Weekendavisen, 12."
    assert refs["derasmo"] == "D’Erasmo, S. (2000, April 26). The craft of writing [Lecture]."
    assert refs["castillo"] == (
        "Castillo, J. (2011, July). Authoritarianism. 10th Annual Meeting of the ISPP."
    )


def test_a_bracketed_label_before_the_title(apa: Engine) -> None:
    """Zotero's arXiv page titles start "[1506.07365]": the word after it starts the title and
    keeps its capital (APA 6.17: the first word of a title is capitalised)."""
    bib = """
@misc{e2c, title = {[1506.07365] Embed to Control: A Locally Linear Latent Dynamics Model},
  url = {https://arxiv.org/abs/1506.07365}, urldate = {2019-11-15}}
"""
    assert reference_texts(apa, bib)["e2c"].startswith(
        "[1506.07365] Embed to control: A locally linear latent dynamics model. (n.d.)."
    )


def test_eponyms_keep_their_capital(apa: Engine) -> None:
    """APA 6.14 with Merriam-Webster: a person's name in a term of science, or the adjective
    made from it, stays capitalised in sentence case without braces (TMwR ``Lambert1992``,
    the thesis's ``chen2014stochastic``), also where a Google Scholar export wrote it in lower
    case ("approximate bayesian inference"); the common words around it do not."""
    bib = """
@article{zip, author = {Lambert, Diane}, title = {Zero-Inflated Poisson Regression, with an
  Application to Defects in Manufacturing}, journal = {Technometrics}, year = {1992}}
@inproceedings{hmc, author = {Chen, Tianqi}, title = {Stochastic Gradient Hamiltonian Monte
  Carlo}, booktitle = {International Conference on Machine Learning}, year = {2014}}
@article{brain, author = {Knill, David C.}, title = {The Bayesian Brain: The Role of
  Uncertainty}, journal = {Trends in Neurosciences}, year = {2004}}
"""
    bib += """
@article{scholar, author = {Mirchev, Atanas}, title = {Approximate bayesian inference in
  spatial environments}, journal = {arXiv}, year = {2018}}
@article{cloth, author = {Doe, Jane}, title = {Hessian and gauss: Two fabrics}, journal = {J},
  year = {2000}}
"""
    refs = reference_texts(apa, bib)
    assert "Zero-inflated Poisson regression, with an application to defects" in refs["zip"]
    assert "Approximate Bayesian inference in spatial environments." in refs["scholar"]
    assert "Hessian and gauss: Two fabrics." in refs["cloth"]  # the cloth, the unit
    assert "Stochastic gradient Hamiltonian Monte Carlo." in refs["hmc"]
    assert "The Bayesian brain: The role of uncertainty." in refs["brain"]
