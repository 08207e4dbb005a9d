"""What the editing commands of :mod:`citekb.cli.edit` (fmt, export, new page, add) use below
the command line: loaded on a command's first use, so that ``citekb --help`` does not load
the BibTeX parser (bibtexparser), the project loader or the metadata fetcher.
"""

from __future__ import annotations

from citekb.checks.rules import check_library
from citekb.cli.fetch import FetchError, fetch_entry, identifier
from citekb.cli.scaffold import STDIN, append_bib, check_additions, page_path, page_text
from citekb.core.config import Config
from citekb.project.load import (
    bibliography_files,
    load_config,
    load_project,
    read_bytes,
    read_text,
    relative,
)
from citekb.project.paths import outside
from citekb.sources.bibfmt import DEFAULT_ORDER, format_bib
from citekb.sources.bibsplit import decode
from citekb.sources.bibtex import load_library

__all__ = [
    "DEFAULT_ORDER",
    "STDIN",
    "Config",
    "FetchError",
    "append_bib",
    "bibliography_files",
    "check_additions",
    "check_library",
    "decode",
    "fetch_entry",
    "format_bib",
    "identifier",
    "load_config",
    "load_library",
    "load_project",
    "outside",
    "page_path",
    "page_text",
    "read_bytes",
    "read_text",
    "relative",
]
