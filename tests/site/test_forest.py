"""Forest plots: block parsing, diagnostics with file:line, the SVG, the extension and check."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import markdown
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from citekb.cli.main import main
from citekb.render.forest import Block, Forest, Row, find_blocks, forest_svg, resolve
from citekb.site.markdown_ext import CitekbExtension
from citekb.site.sitedata import SiteData
from citekb.sources.evidence import parse_evidence
from support import REPO

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

SVG = "{http://www.w3.org/2000/svg}"
EVIDENCE = """\
a2010:
  type: meta-analysis
  status: V-primary
  findings:
    - id: a-or
      statement: Ties and survival (OR 1.50).
      locator: abstract
      status: V-primary
      figures:
        - {value: 1.50, measure: OR, ci: [1.42, 1.59], population: "all"}
    - id: a-or-noci
      statement: Living alone (OR 1.19).
      locator: abstract
      status: V-primary
      figures:
        - {value: 29, measure: percent, population: "more"}
        - {value: 1.19, measure: OR, population: "alone"}
    - id: a-rr
      statement: Stroke (RR 1.32).
      locator: abstract
      status: V-primary
      figures:
        - {value: 1.32, measure: RR, ci: [1.04, 1.68], population: "stroke"}
    - id: a-count
      statement: 148 studies.
      locator: abstract
      status: V-primary
      figures:
        - {value: 148, measure: count, population: "studies"}
"""
EV, _ = parse_evidence(EVIDENCE, "references/evidence.yaml")


def block(*lines: str) -> str:
    return "```forest\n" + "\n".join(lines) + "\n```\n"


def test_blocks_are_found_with_their_lines_labels_and_title() -> None:
    text = "# T\n\n" + block("title: Survival", "a-or | All ties", "", "a-or-noci") + "after\n"
    (found,) = find_blocks(text)
    assert found.start == 3 and found.end == 8
    assert found.title == "Survival"
    assert [(i.finding, i.label, i.line) for i in found.items] == [
        ("a-or", "All ties", 5),
        ("a-or-noci", "", 7),
    ]
    assert find_blocks("```python\na-or\n```\n") == []
    assert find_blocks("~~~forest\na-or\n~~~\n")[0].items[0].finding == "a-or"


@given(st.text(max_size=200))
def test_find_blocks_never_fails(text: str) -> None:
    for found in find_blocks("```forest\n" + text):
        assert found.start <= found.end


@pytest.mark.parametrize(
    ("lines", "codes"),
    [
        (("a-or", "a-or-noci"), []),
        (("a-nosuch",), [("forest-unknown-finding", 2)]),
        (("a-or", "a-count"), [("forest-no-figures", 3)]),
        (("a-or", "a-rr"), [("forest-mixed-measures", 1)]),
        ((), [("forest-no-figures", 1)]),
    ],
)
def test_resolve_reports_each_problem_at_its_line(
    lines: tuple[str, ...], codes: list[tuple[str, int]]
) -> None:
    (found,) = find_blocks(block(*lines))
    forest, problems = resolve(found, EV, "docs/p.md")
    assert [(d.code, d.line) for d in problems] == codes
    assert all(d.path == "docs/p.md" and d.hint for d in problems)
    assert (forest is None) == bool(codes)


def test_mixed_measures_names_both() -> None:
    (found,) = find_blocks(block("a-or", "a-rr"))
    (problem,) = resolve(found, EV, "p.md")[1]
    assert "OR (line 2)" in problem.message and "RR (line 3)" in problem.message


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


FOREST = Forest(
    "Survival",
    "OR",
    (
        Row("All ties", "Holt-Lunstad et al., 2010", 1.5, (1.42, 1.59)),
        Row("Living <alone>", "", 1.19, None),
        Row("Protective", "", 0.71, (0.5, 0.98)),
    ),
)


def test_svg_is_accessible_and_has_every_figure_as_text() -> None:
    root = parse(forest_svg(FOREST, "f1"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "f1-title f1-desc"
    assert root.find(f"{SVG}title").text == "Survival"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text or ""  # type: ignore[union-attr]
    assert "log scale" in desc and "no effect (OR 1)" in desc
    assert "All ties (Holt-Lunstad et al., 2010): OR 1.50 (1.42\u20131.59)" in desc
    assert "Living <alone>: OR 1.19 (CI not reported)" in desc
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for figure in ("1.50 (1.42\u20131.59)", "1.19 (no CI)", "0.71 (0.50\u20130.98)"):
        assert figure in texts
    assert "OR (CI)" in texts
    assert "Living <alone>" in texts  # escaped in the markup, intact as text
    assert any((t or "").startswith("Odds ratio (OR), log scale") for t in texts)


def test_the_scale_is_logarithmic_and_the_null_line_is_at_one() -> None:
    root = parse(forest_svg(FOREST, "f"))
    null = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "null")
    marks = [float(r.get("x", 0)) + 5 for r in root.iter(f"{SVG}rect")]
    x1 = float(null.get("x1", 0))
    # log scale: 1 -> 1.5 and 1/1.5 -> 1 are equally long, so distances compare as logs
    d_up = marks[0] - x1
    d_down = x1 - marks[2]
    assert d_up / d_down == pytest.approx(math.log(1.5) / -math.log(0.71), rel=0.02)
    ticks = {t.text for t in root.iter(f"{SVG}text") if t.get("class") == "muted"}
    assert "1" in ticks


def test_the_extension_draws_the_block_inline_and_shows_problems(tmp_path: Path) -> None:
    site = SiteData(evidence=EV, page="docs/p.md")
    text = "# T\n\nBefore.\n\n" + block("title: Ties", "a-or | All") + "\nAfter.\n"
    out = markdown.markdown(text, extensions=["fenced_code", CitekbExtension(site)])
    assert out.count("<svg") == 1 and "<code" not in out
    assert '<figure class="citekb-forest" id="forest-1">' in out
    assert "<figcaption>Ties</figcaption>" in out
    assert out.index("Before.") < out.index("<svg") < out.index("After.")
    bad = markdown.markdown(block("a-nosuch"), extensions=[CitekbExtension(site)])
    assert "citekb-forest-error" in bad and "a-nosuch" in bad and "<svg" not in bad


def test_citekb_check_reports_forest_problems_with_file_and_line(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    bib = "@article{a2010, author={A, B}, title={T}, journal={J}, year={2010}}\n"
    yml = (
        "site_name: T\nsite_url: https://kb.realsite.net/\nplugins:\n  - citekb:\n"
        "      bibliography: [references/*.bib]\n      evidence: references/evidence.yaml\n"
    )
    page = "# P\n\nCited [@a2010].\n\n" + block("a-or", "a-nosuch", "a-rr")
    root = make_site(
        {
            "mkdocs.yml": yml,
            "references/lib.bib": bib,
            "references/evidence.yaml": EVIDENCE,
            "docs/p.md": page,
        }
    )
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--no-cache"])
    assert result.exit_code == 1
    found = re.findall(r"^(docs/p\.md:\d+):\d+: error\[([a-z-]+)\]", result.output, re.M)
    assert sorted(found) == [
        ("docs/p.md:5", "forest-mixed-measures"),
        ("docs/p.md:7", "forest-unknown-finding"),
    ]


def test_this_projects_pages_draw_their_plots() -> None:

    from citekb.project.load import load_project

    project = load_project(REPO)
    pages = {p.name: p for p in project.pages}
    for name, count in (("health-effects.md", 3), ("handout-connection-health.md", 1)):
        blocks = find_blocks(pages[name].text)
        assert len(blocks) == count
        for found in blocks:
            forest, problems = resolve(found, project.evidence, name)
            assert problems == [] and forest is not None


def test_blocks_at_most_forty_rows() -> None:
    many = Block(tuple(find_blocks(block(*["a-or"] * 41))[0].items), "", 1, 43)
    problems = resolve(many, EV, "p.md")[1]
    assert [d.code for d in problems] == ["forest-no-figures"]


def test_standalone_extension_reads_its_own_evidence_file(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text(EVIDENCE, encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text("", encoding="utf-8")
    ext = CitekbExtension(bibliography=[str(bib)], evidence=str(evidence))
    out = markdown.markdown(block("a-rr | Stroke"), extensions=[ext])
    assert "1.32 (1.04\u20131.68)" in out and "Relative risk (RR)" in out
    missing = CitekbExtension(evidence=str(tmp_path / "nope.yaml"))
    assert "citekb-forest-error" in markdown.markdown(block("a-rr"), extensions=[missing])


def test_a_block_shown_inside_another_fence_is_an_example_not_a_plot() -> None:
    text = "````markdown\n```forest\na-or\n```\n````\n\n" + block("a-rr")
    (found,) = find_blocks(text)
    assert [i.finding for i in found.items] == ["a-rr"] and found.start == 7
    site = SiteData(evidence=EV)
    out = markdown.markdown(text, extensions=["fenced_code", CitekbExtension(site)])
    assert out.count("<svg") == 1 and "```forest" in out  # the example stays code
