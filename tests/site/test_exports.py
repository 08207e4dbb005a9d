"""Whole-library exports (Mendeley, Zotero): faults in entries no page cites do not block."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.cli.main import main

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    import pytest

# What a Mendeley export looks like: its own types and field habits, faults in uncited entries.
EXPORT = """@article{Holt-Lunstad2015,
author = {Holt-Lunstad, Julianne and Smith, Timothy B},
doi = {10.1177/1745691614568352},
journal = {Perspectives on Psychological Science},
title = {{Loneliness and social isolation as risk factors for mortality}},
year = {2015}
}
@article{Knox2020,
author = {Knox, Emily J M},
title = {{A paper with no journal}},
year = {2020}
}
@book{Berg2019,
author = {van Den Berg, Sarah},
isbn = {0028-0836},
publisher = {Press},
title = {{A book with an ISSN for an ISBN}},
year = {2019}
}
@misc{Web2021,
title = {{A page}},
url = {https://example.org/a page with spaces},
year = {2021}
}
@article{Copy2018,
author = {Gil de Z{\\'{u}}{\\~{n}}iga, Homero},
doi = {10.1177/1745691614568352},
journal = {Journal},
title = {{Another work, the DOI pasted from the first}},
year = {2018}
}
@article{People2019,
author = {Emily J M Knox and Homero Gil de Z{\\'{u}}{\\~{n}}iga and Sarah van Den Berg},
journal = {Journal},
title = {{People written given name first}},
year = {2019}
}
@misc{Coq2021,
author = {Coq Development Team, The},
title = {{The Coq proof assistant}},
url = {\\url{https://coq.inria.fr}},
year = {2021}
}
@newspaper_article{News2020,
author = {Smith, Jane},
journal = {The Guardian},
title = {{Loneliness is rising}},
year = {2020}
}
"""

SITE = {
    "mkdocs.yml": "site_name: Export\nplugins:\n  - citekb:\n      evidence: null\n",
    "docs/index.md": "# Home\n\nNothing here is cited.\n",
    "references/My Collection.bib": EXPORT,
}


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_an_export_with_faults_only_in_uncited_entries_checks_clean(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site(SITE)
    code, out = run("check", "--root", str(root), "--strict", "--no-cache")
    assert code == 0, out
    assert out.splitlines() == [
        "no problems found in 2 files",
        "5 entries that no page cites have problems, not counted above: `citekb check"
        " --all-entries` lists them (or set `check_uncited: true` in mkdocs.yml to check"
        " every entry)",
    ]
    code, out = run("check", "--root", str(root), "--all-entries", "--format", "json")
    assert code == 1
    found = {(d["code"], d["path"], d["line"]) for d in json.loads(out)["diagnostics"]}
    bib = "references/My Collection.bib"
    assert {
        ("missing-field", bib, 8),
        ("invalid-isbn", bib, 15),
        ("invalid-url", bib, 22),
        ("duplicate-work", bib, 27),
        ("unused-entry", bib, 1),
        ("corporate-author", bib, 39),  # "Coq Development Team, The"
    } <= found
    # people are no organisations; `\\url{…}` and the newspaper article are fine
    assert {(c, line) for c, _, line in found if line >= 32} == {
        ("unused-entry", 32),
        ("unused-entry", 38),
        ("corporate-author", 39),
        ("unused-entry", 44),
    }


def test_a_cited_entry_still_fails(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site({**SITE, "docs/index.md": "# Home\n\nA claim [@Knox2020].\n"})
    code, out = run("check", "--root", str(root), "--no-cache")
    assert code == 1
    assert (
        "references/My Collection.bib:8:1: error[missing-field] @article{Knox2020} has no"
        " `journal` or `journaltitle`" in out
    )
    assert "4 entries that no page cites have problems" in out


def test_the_export_builds_with_no_config_edits(
    make_site: Callable[[Mapping[str, str | bytes]], Path], tmp_path: Path
) -> None:
    root = make_site(SITE)
    site = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", "--root", str(root), "--site-dir", str(site), "--engine", "mkdocs"]
    )
    assert result.exit_code == 0, result.output
    assert (site / "index.html").is_file()
    assert "5 entries that no page cites have problems" in result.output


def test_a_build_stopped_by_warnings_alone_says_so(
    make_site: Callable[[Mapping[str, str | bytes]], Path], tmp_path: Path
) -> None:
    bib = "@blogpots{odd,\n  title = {T},\n  year = {2020}\n}\n"
    root = make_site({**SITE, "docs/index.md": "# Home\n\nA claim [@odd].\n"})
    (root / "references" / "My Collection.bib").write_text(bib, encoding="utf-8")
    out = _build(root, tmp_path / "site")
    assert out.startswith("1\n")
    assert out.endswith(
        "0 errors, 1 warning (1 unknown-entry-type) in 2 files\n"
        "the build stopped because it is strict: it treats the warning as an error (fix it,"
        " or lower or silence a code with `severity:` or `ignore:` in mkdocs.yml)\n"
    )
    assert "references/My Collection.bib:1:1: warning[unknown-entry-type]" in out


def test_a_leftover_mkdocs_bibtex_plugin_is_reported(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    yml = (
        "site_name: Moved\nplugins:\n  - search\n  - bibtex:\n      bib_file: refs.bib\n"
        "  - citekb:\n      evidence: null\n"
    )
    root = make_site({**SITE, "mkdocs.yml": yml})
    code, out = run("check", "--root", str(root), "--no-cache")
    assert code == 0
    assert (
        "mkdocs.yml:4:5: warning[leftover-bibtex-plugin] plugins still lists mkdocs-bibtex's" in out
    )
    # the hint is the citekb entry that replaces it, made from its options
    assert "replace the `bibtex` entry with `- citekb: {bibliography: [refs.bib]}`" in out


def _check(bib: str) -> list[tuple[str, int, str, str]]:
    from citekb.checks.rules import check_library
    from citekb.sources.bibtex import load_library

    library, problems = load_library([("refs.bib", bib.encode())])
    assert not problems
    return [(d.code, d.line, d.message, d.hint) for d in check_library(library)]


def test_an_issn_in_isbn_is_named_as_one() -> None:
    found = _check(
        "@book{b,\n  author = {A, B},\n  title = {T},\n  publisher = {P},\n"
        "  year = {2019},\n  isbn = {0028-0836}\n}\n"
    )
    assert found == [
        (
            "invalid-isbn",
            6,
            "b: '0028-0836' in `isbn` is an ISSN (a journal's number), not an ISBN",
            "move it to `issn = {0028-0836}`, or remove it",
        )
    ]


def test_several_isbns_separated_by_spaces_are_accepted() -> None:
    bib = (
        "@book{b,\n  author = {A, B},\n  title = {T},\n  publisher = {P},\n  year = {2019},\n"
        "  isbn = {9780316113007 0465076912 978 0 316 11300 7}\n}\n"
    )
    assert _check(bib) == []


def test_a_url_with_spaces_gets_a_hint_about_the_spaces() -> None:
    bib = "@misc{w,\n  title = {T},\n  url = {https://example.org/a page}\n}\n"
    assert _check(bib) == [
        (
            "invalid-url",
            3,
            "w: the URL 'https://example.org/a page' has spaces in it",
            "write each space as %20: url = {https://example.org/a%20page}",
        )
    ]


def test_a_url_macro_inside_url_is_unwrapped() -> None:
    from citekb.sources.bibtex import load_library

    bib = "@misc{w,\n  title = {T},\n  url = {\\url{https://example.org/a}}\n}\n"
    library, _ = load_library([("refs.bib", bib.encode())])
    assert library.by_key["w"].fields["url"] == "https://example.org/a"
    assert _check(bib) == []


def test_one_doi_in_two_different_works_advises_checking_the_doi() -> None:
    bib = (
        "@misc{a,\n  title = {Loneliness and mortality},\n  doi = {10.1000/x}\n}\n"
        "@misc{b,\n  title = {Something else},\n  doi = {10.1000/x}\n}\n"
        "@misc{c,\n  title = {Loneliness and Mortality: a review},\n  doi = {10.1000/y}\n}\n"
        "@misc{d,\n  title = {Loneliness and mortality},\n  doi = {10.1000/y}\n}\n"
    )
    found = _check(bib)
    assert found[0][:2] == ("duplicate-work", 7)
    assert found[0][2] == "b and a (refs.bib:1) share DOI 10.1000/x, but their titles differ"
    assert (
        "pasted into the wrong entry" in found[0][3] and "https://doi.org/10.1000/x" in found[0][3]
    )
    # the same work twice (one title extends the other): cite one key
    assert found[1][:2] == ("duplicate-work", 15)
    assert found[1][3] == "keep one entry and cite 'c' everywhere"


MIGRATED = {
    "mkdocs.yml": "site_name: Moved\nplugins:\n  - citekb:\n      evidence: null\n",
    "docs/index.md": (
        "# Home\n\nTies matter [@Holt-Lunstad2015].\n\n## Sources\n\n\\bibliography\n\n"
        "After the list.\n"
    ),
    "docs/library.md": "# Library\n\nEverything we hold:\n\n\\full_bibliography\n",
    "docs/plain.md": "# Plain\n\nNo citation here.\n\n\\bibliography\n",
    "references/My Collection.bib": EXPORT,
}


def _build(root: Path, site: Path) -> str:
    result = CliRunner().invoke(
        main, ["build", "--root", str(root), "--site-dir", str(site), "--engine", "mkdocs"]
    )
    return f"{result.exit_code}\n{result.output}"


def test_mkdocs_bibtex_markers_render(
    make_site: Callable[[Mapping[str, str | bytes]], Path], tmp_path: Path
) -> None:
    import re

    root = make_site(MIGRATED)
    site = tmp_path / "site"
    # with a page listing every entry, every entry is shown and so checked: the faults count
    out = _build(root, site)
    assert out.startswith("1\n"), out
    assert "references/My Collection.bib:8:1: error[missing-field]" in out
    # fixed, the export builds and both markers render
    bib = EXPORT.replace("year = {2020}\n}", "journal = {J},\nyear = {2020}\n}", 1)
    bib = (
        bib.replace("isbn = {0028-0836},\n", "")
        .replace("{Coq Development Team, The}", "{{The Coq Development Team}}")
        .replace("a page with spaces", "a-page")
    )
    bib = bib.replace(
        "10.1177/1745691614568352},\njournal = {Journal}", "10.1000/other},\njournal = {Journal}"
    )
    (root / "references" / "My Collection.bib").write_text(bib, encoding="utf-8")
    out = _build(root, site)
    assert out.startswith("0\n"), out
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "\\bibliography" not in index
    # the page's references where `\bibliography` was, not under a heading added at the end
    sources = index.index('id="sources"')
    listing = index.index('<ul class="citekb-references"')
    assert sources < listing < index.index("After the list.")
    assert ">References<" not in index
    assert re.findall(r'<li id="ref-([^"]+)"', index) == ["Holt-Lunstad2015"]
    library = (site / "library" / "index.html").read_text(encoding="utf-8")
    assert "\\full_bibliography" not in library
    listed = re.findall(r'<li id="ref-([^"]+)" class="citekb-ref"', library)
    assert sorted(listed) == sorted(
        [
            "Holt-Lunstad2015",
            "Knox2020",
            "Berg2019",
            "Web2021",
            "Copy2018",
            "People2019",
            "Coq2021",
            "News2020",
        ]
    )
    assert "Cited on:" in library  # the cited work links back to its citation
    plain = (site / "plain" / "index.html").read_text(encoding="utf-8")
    assert "\\bibliography" not in plain and "citekb-references" not in plain
    # the generated bibliography page still lists only the cited work
    bibliography = (site / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<li id="ref-([^"]+)" class="citekb-ref"', bibliography) == [
        "Holt-Lunstad2015"
    ]


def test_the_replacement_entry_carries_bib_dir_and_csl_file() -> None:
    from citekb.core.config import parse_config

    config = parse_config(
        "site_name: x\nplugins:\n  - bibtex:\n      bib_dir: refs/\n      csl_file: apa.csl\n"
        "      cite_inline: true\n  - citekb\n"
    )
    assert config.bibtex_plugin == ((3, 5, "bibliography: [refs/**/*.bib], style: apa.csl"),)
    # a bib_file or csl_file given as a URL is not carried: citekb reads no network
    config = parse_config(
        "plugins:\n  bibtex: {bib_file: 'https://api.zotero.org/x', csl_file: x.csl}\n"
    )
    assert config.bibtex_plugin == ((2, 3, "style: x.csl"),)


def test_a_syntax_fault_in_an_uncited_entry_does_not_block(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    bib = EXPORT + "@misc{Broken2000,\ntitle = {A}\nyear = {2000}\n}\n@misc{Open,\n"
    root = make_site({**SITE, "references/My Collection.bib": bib})
    code, out = run("check", "--root", str(root), "--no-cache")
    assert code == 0, out
    assert "6 entries that no page cites have problems" in out  # the open block: before it
    # cited, the entry's fault blocks again
    root = make_site(
        {
            **SITE,
            "references/My Collection.bib": bib,
            "docs/index.md": "# Home\n\nA claim [@Broken2000].\n",
        }
    )
    code, out = run("check", "--root", str(root), "--no-cache")
    assert code == 1
    assert "references/My Collection.bib:51:12: error[missing-comma]" in out


def test_mkdocs_strict_builds_the_export_and_logs_the_count(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = make_site(SITE)
    config = load_config(str(root / "mkdocs.yml"), strict=True, site_dir=str(root / "site"))
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        build(config)  # strict: a warning would abort
    assert (root / "site" / "index.html").is_file()
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert (
        "5 library entries that no page cites have problems: `citekb check --all-entries`"
        " lists them" in messages
    )
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def _isbn13_of(nine: str) -> str:
    core = "978" + nine
    check = (10 - sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(core)) % 10) % 10
    return core + str(check)


@settings(deadline=None)
@given(
    st.lists(st.from_regex(r"[0-9]{9}", fullmatch=True), min_size=1, max_size=4),
    st.lists(st.sampled_from([", ", "; ", " ", "  ", " / ", ","]), min_size=4, max_size=4),
    st.booleans(),
)
def test_several_valid_isbns_in_one_field_are_each_read(
    nines: list[str], separators: list[str], hyphens: bool
) -> None:
    from citekb.checks.fields import isbn_parts, isbn_valid
    from citekb.core.identifiers import isbn_digits

    isbns = [_isbn13_of(n) for n in nines]
    shown = [f"{i[:3]}-{i[3]}-{i[4:8]}-{i[8:12]}-{i[12]}" if hyphens else i for i in isbns]
    value = "".join(s + sep for s, sep in zip(shown, separators, strict=False)).strip(" ,;/")
    parts = isbn_parts(value)
    assert [isbn_digits(p) for p in parts] == isbns
    assert all(isbn_valid(isbn_digits(p)) for p in parts)
