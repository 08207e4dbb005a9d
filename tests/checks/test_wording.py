"""The wording checks: causal-language, certainty-words, missing-design, and study design."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.checks.rules import run_checks
from citekb.checks.wording import matcher
from citekb.core.config import ConfigError, parse_options
from citekb.project.load import load_project
from citekb.sources.design import DESIGNS, TYPE_DESIGNS, design_of
from citekb.sources.evidence import EVIDENCE_TYPES, parse_evidence
from support import REPO
from wording_eval import FIXTURE, load_items, score

if TYPE_CHECKING:
    from conftest import MakeSite

BIB = "\n".join(
    f"@misc{{{key}, title = {{{key}}}, year = {{2020}}}}"
    for key in ("cohort", "rct", "meta", "blog", "review")
)
EVIDENCE = """\
cohort: {type: cohort-study, status: V-primary}
rct: {type: randomised-controlled-trial, status: V-primary}
meta: {type: meta-analysis, status: V-primary}
blog: {type: blog, status: V-primary}
review:
  type: meta-analysis
  design: observational
  status: V-primary
"""
WORDING = {"causal-language", "certainty-words", "missing-design"}


def _check(make_site: MakeSite, body: str, yml: str | None = None) -> list[tuple[str, str]]:
    files = {
        "docs/index.md": "# Page\n\n" + body + "\n",
        "references/library.bib": BIB,
        "references/evidence.yaml": EVIDENCE,
    }
    if yml is not None:
        files["mkdocs.yml"] = yml
    root = make_site(files)
    found = run_checks(load_project(root))
    return [(d.code.value, f"{d.path}:{d.line}:{d.column}") for d in found if d.code in WORDING]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Loneliness causes heart disease [@cohort].", [("causal-language", "docs/index.md:3:12")]),
        ("Loneliness is linked with heart disease [@cohort].", []),
        ("The programme reduced loneliness [@rct].", []),
        (
            "Isolation raises the risk of death [@cohort].",
            [("causal-language", "docs/index.md:3:11")],
        ),
        ("This proves that [@rct] isolation matters.", [("certainty-words", "docs/index.md:3:6")]),
        ("Isolation lowers life expectancy [@blog].", [("causal-language", "docs/index.md:3:11")]),
        ("Loneliness may cause heart disease [@cohort].", []),
        ("Loneliness causes heart disease [@cohort; @rct].", []),
        ("Loneliness causes heart disease [@review].", [("causal-language", "docs/index.md:3:12")]),
        ("Does loneliness cause heart disease [@cohort]?", []),
        ('One man said "loneliness causes everything" [@cohort].', []),
        ("> Loneliness causes heart disease [@cohort].", []),
        ("The `causes` field is read from the source [@cohort].", []),
        ("Lonely people were not always isolated [@cohort].", []),
        (
            "People who are lonely never feel rested [@cohort].",
            [("certainty-words", "docs/index.md:3:23")],
        ),
        ("Loneliness causes heart disease.", []),
    ],
)
def test_done_means_sentences(
    make_site: MakeSite, sentence: str, expected: list[tuple[str, str]]
) -> None:
    assert _check(make_site, sentence) == expected


def test_message_names_verb_and_design_and_hint_offers_associative_wording(
    make_site: MakeSite,
) -> None:
    root = make_site(
        {
            "docs/index.md": "# Page\n\nLoneliness causes heart disease [@cohort].\n",
            "references/library.bib": BIB,
            "references/evidence.yaml": EVIDENCE,
        }
    )
    (found,) = [d for d in run_checks(load_project(root)) if d.code == "causal-language"]
    assert found.severity == "warning"
    assert found.message == (
        "`causes` claims cause and effect, but it cites `cohort` (observational studies)"
    )
    assert '"is linked with …"' in found.hint
    assert "people who … were more likely to" in found.hint


def test_undecided_meta_analysis_is_missing_design_at_its_record(make_site: MakeSite) -> None:
    found = _check(
        make_site, "Therapy reduces loneliness [@meta].\n\nIt also improves sleep [@meta]."
    )
    assert found == [("missing-design", "references/evidence.yaml:3:1")]


def test_inline_ignore_with_a_reason(make_site: MakeSite) -> None:
    body = (
        "<!-- citekb: ignore causal-language -- the cohort used a natural experiment -->\n"
        "Loneliness causes heart disease [@cohort].\n\n"
        "Isolation raises the risk of death [@cohort]. <!-- citekb: ignore causal-language -->"
    )
    assert _check(make_site, body) == []


def test_config_extends_the_word_lists(make_site: MakeSite) -> None:
    yml = (
        "site_name: Test KB\nplugins:\n  - citekb:\n      bibliography: [references/*.bib]\n"
    ) + (
        "      causal_verbs: ['set|sets off', 'bring|brings … about']\n"
        "      certainty_words: [settled science]\n"
    )
    body = (
        "Loneliness sets off inflammation [@cohort].\n\n"
        "Isolation brings early death about [@cohort].\n\n"
        "It is settled science [@rct]."
    )
    assert _check(make_site, body, yml) == [
        ("causal-language", "docs/index.md:3:12"),
        ("causal-language", "docs/index.md:5:11"),
        ("certainty-words", "docs/index.md:7:7"),
    ]
    assert _check(make_site, body) == []


def test_word_list_options_must_be_lists_of_strings() -> None:
    assert parse_options({"causal_verbs": ["sets off"]}).causal_verbs == ("sets off",)
    with pytest.raises(ConfigError, match="causal_verbs must be a list of strings"):
        parse_options({"causal_verbs": {"a": 1}})


def test_design_field_is_parsed_and_derived_from_type() -> None:
    evidence, problems = parse_evidence(EVIDENCE, "e.yaml")
    assert problems == []
    designs = {key: design_of(record) for key, record in evidence.records.items()}
    assert designs == {
        "cohort": "observational",
        "rct": "randomised",
        "meta": None,
        "blog": "press",
        "review": "observational",
    }
    _, problems = parse_evidence("x: {type: meta-analysis, design: rct, status: V-primary}", "e")
    assert [(p.code, p.line, p.column) for p in problems] == [("bad-evidence", 1, 34)]
    assert "design `rct`" in problems[0].message


def test_every_type_but_pooled_reviews_decides_a_design() -> None:
    assert set(TYPE_DESIGNS.values()) <= set(DESIGNS)
    undecided = {t for t in EVIDENCE_TYPES if t not in TYPE_DESIGNS}
    assert undecided == {"meta-analysis", "systematic-review"}


def test_our_evidence_gives_every_pooled_review_a_design() -> None:
    path = REPO / "references" / "evidence.yaml"
    evidence, _ = parse_evidence(path.read_text(encoding="utf-8"), str(path))
    assert all(design_of(r) is not None for r in evidence.records.values())


def test_trends_adjectives_and_aims_are_not_causal() -> None:
    find = matcher().find
    for sentence in (
        "Loneliness increases with age.",
        "Lonely adults had an increased risk of death.",
        "The programme was designed to reduce loneliness.",
        "The main causes of loneliness are bereavement and illness.",
        "A 29% increase in risk was seen.",
        "It is not clear whether loneliness causes depression or depression causes it.",
        "The authors argue that reducing isolation improves survival.",
    ):
        assert find(sentence) == [], sentence
    assert [m.phrase for m in find("Living alone raised the odds of depression.")] == ["raised"]
    assert [m.phrase for m in find("Being married protects men from death.")] == [
        "protects men from"
    ]


@pytest.mark.parametrize(
    "name", [FIXTURE.name, "causal_sentences_heldout.yaml"], ids=["tuned", "held-out"]
)
def test_precision_and_recall_on_the_labelled_sets(name: str) -> None:
    items = load_items(FIXTURE.parent / name)
    causal = sum(item.causal for item in items)
    assert abs(causal - (len(items) - causal)) <= len(items) // 4  # about half causal
    scores = score(items)
    assert scores.precision >= 0.9, scores.wrong()
    assert scores.recall >= 0.8, scores.wrong()


def test_labelled_sets_have_at_least_150_sentences_from_pages_and_written() -> None:
    items = load_items() + load_items(FIXTURE.parent / "causal_sentences_heldout.yaml")
    assert len(items) >= 150
    assert {item.source for item in items} == {"page", "written"}
    assert {item.design for item in items} == set(DESIGNS)


def test_long_sentences_stay_fast() -> None:
    find = matcher().find
    import time

    sentence = 'Loneliness "may" cause, lower the risk of, and “protect” ' * 4000 + "against it."
    start = time.perf_counter()
    find(sentence)
    assert time.perf_counter() - start < 2.0


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *[
                    "the",
                    "a",
                    "may",
                    "not",
                    "to",
                    "of",
                    ",",
                    ";",
                    ":",
                    "(",
                    ")",
                    '"',
                    "“",
                    "”",
                    "?",
                    "-",
                    "'",
                    "’",
                    "…",
                    "29%",
                    ".",
                ],
                "causes",
                "cause",
                "raised",
                "reduce",
                "lowers",
                "lower",
                "increased",
                "protects",
                "from",
                "makes",
                "more",
                "likely",
                "never",
                "always",
                "proves",
                "was",
                "by",
                "with",
                "argue",
                "people's",
                "LEADS",
                "to",
                "Isolation",
                "risk",
                "\n",
                "  ",
            ]
        ),
        max_size=60,
    )
)
def test_matcher_never_raises_and_points_inside_the_sentence(parts: list[str]) -> None:
    sentence = " ".join(parts)
    for match in matcher().find(sentence):
        assert 0 <= match.start < len(sentence)
        assert match.kind in {"causal", "certainty"}
        assert sentence.lower().startswith(match.phrase.split()[0], match.start)
