"""The files ``citekb init`` writes: pure functions from the answers to ``{path: text}``.

Every value a person typed goes into ``mkdocs.yml`` as a JSON string (valid YAML in double
quotes), so no answer can add a key or a tag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

#: Crisis lines by country, from this project's own knowledge base (records 54-57 of its
#: findings); any other country gets the local emergency number and a note to add its lines.
CRISIS_LINES: dict[str, tuple[tuple[str, str], ...]] = {
    "US": (
        (
            "US",
            "call or text 988, or chat at 988lifeline.org. In immediate danger, call 911.",
        ),
    ),
    "Canada": (("Canada", "call or text 9-8-8, in English or French, 24/7."),),
    "UK": (
        ("UK", "Samaritans, free on 116 123, 24/7."),
        ("England", "NHS 111, and choose the mental health option."),
    ),
}
ELSEWHERE = ("Elsewhere", "call your local emergency number.")
#: Countries whose handouts default to US Letter paper.
LETTER_COUNTRIES = frozenset({"US", "Canada"})

SAMPLE_KEY = "holtlunstad2015"
SAMPLE_BIB = """\
@article{holtlunstad2015,
  author = {Holt-Lunstad, Julianne and Smith, Timothy B. and Baker, Mark and Harris, Tyler and Stephenson, David},
  title = {Loneliness and Social Isolation as Risk Factors for Mortality: A Meta-Analytic Review},
  journal = {Perspectives on Psychological Science},
  volume = {10},
  number = {2},
  pages = {227--237},
  year = {2015},
  doi = {10.1177/1745691614568352}
}
"""


@dataclass(frozen=True)
class Answers:
    """What ``citekb init`` asks, with its defaults."""

    name: str = "My knowledge base"
    site_url: str = ""  # empty: left out of mkdocs.yml, with a comment
    health: bool = False
    country: str = ""  # for health content: whose crisis lines go on the handouts
    paper: str = "a4"


def country_name(text: str) -> str:
    """``us``, ``USA``, ``United States`` -> ``US``; a known country's canonical name, else
    the text as typed (stripped)."""
    folded = text.strip().casefold().replace(".", "")
    aliases = {
        "us": "US",
        "usa": "US",
        "united states": "US",
        "united states of america": "US",
        "ca": "Canada",
        "canada": "Canada",
        "uk": "UK",
        "gb": "UK",
        "united kingdom": "UK",
        "great britain": "UK",
        "england": "UK",
    }
    return aliases.get(folded, text.strip())


def default_paper(country: str) -> str:
    """Letter for the US and Canada, A4 elsewhere."""
    return "letter" if country_name(country) in LETTER_COUNTRIES else "a4"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it); any character
    that is not printable (YAML refuses some raw, reads others as line breaks) is escaped."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(c if c.isprintable() else _escape(c) for c in quoted)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def crisis_yaml(country: str) -> str:
    """The ``crisis_lines`` option for health content, indented for the plugin entry."""
    known = CRISIS_LINES.get(country_name(country), ())
    lines = [*known, ELSEWHERE]
    items = "".join(f"        - {{country: {_q(c)}, text: {_q(t)}}}\n" for c, t in lines)
    note = (
        "      # Crisis lines printed on every handout: check each number on the service's\n"
        "      # own site before publishing"
        + ("" if known else ", and add your country's lines")
        + ".\n"
    )
    return f"{note}      crisis_lines:\n{items}"


def mkdocs_yml(answers: Answers) -> str:
    """The knowledge base's ``mkdocs.yml``: Material with no Google Fonts, citekb configured."""
    site_url = (
        f"site_url: {_q(answers.site_url)}\n"
        if answers.site_url
        else "# site_url: https://your.site/   # where the site is published (handouts print it)\n"
    )
    health = crisis_yaml(answers.country) if answers.health else ""
    return f"""\
site_name: {_q(answers.name)}
{site_url}docs_dir: docs
strict: true

nav:
  - Home: index.md
  - Bibliography: bibliography.md

theme:
  name: material
  # Material otherwise loads its fonts from Google Fonts on every page view, a third-party
  # request readers did not ask for; false uses the reader's own system fonts.
  font: false

markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - attr_list

plugins:
  - search
  - citekb:
      bibliography: [references/*.bib]
      style: apa
      # true: schema.org MedicalWebPage, and a "not medical advice" note and crisis lines
      # on every handout
      health: {"true" if answers.health else "false"}
      paper: {answers.paper}   # handout paper: a4 or letter
{health}"""


def index_md(answers: Answers, today: dt.date) -> str:
    """The home page, citing the sample entry."""
    return f"""\
---
title: {_q(answers.name)}
summary: What this knowledge base covers.
reviewed: {today.isoformat()}
---

# {answers.name}

Write your pages in `docs/` and cite works from `references/library.bib` by key. For example,
a meta-analytic review found social isolation and loneliness to be risk factors for earlier
death [@{SAMPLE_KEY}].

Replace this page and the sample entry with your own, then run `citekb check` and
`citekb build`. `citekb new page "Title"` starts a new page.
"""


BIBLIOGRAPHY_MD = """\
# Bibliography

<!-- citekb:bibliography -->
"""

GITIGNORE = """\
/site/
.citekb-cache/
.citekb-engine.yml
.cache/
__pycache__/
.venv/
"""

WORKFLOW = """\
name: citekb

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install
        run: |
          sudo apt-get update
          sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0
          python -m pip install 'citekb[pdf]'
      # annotations on the pull request's changed lines; fails the job on an error
      - name: citekb check
        run: citekb check --format github
      - name: Build the site and the handouts
        run: citekb build
      - uses: actions/upload-artifact@v4
        with:
          name: site
          path: site
"""


def starter_files(answers: Answers, today: dt.date) -> dict[str, str]:
    """Every file ``citekb init`` writes, by POSIX path under the new knowledge base."""
    return {
        "mkdocs.yml": mkdocs_yml(answers),
        "references/library.bib": SAMPLE_BIB,
        "docs/index.md": index_md(answers, today),
        "docs/bibliography.md": BIBLIOGRAPHY_MD,
        ".gitignore": GITIGNORE,
        ".github/workflows/citekb.yml": WORKFLOW,
    }
