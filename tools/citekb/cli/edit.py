"""Commands that write files: ``fmt``, ``export``, ``new page`` and ``add`` (thin click layer).

Exit codes as everywhere: 0 clean, 1 findings (or, with ``--check``, a file that would change),
2 usage or config error.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from citekb.cli.options import root_option
from citekb.cli.report import render_text
from citekb.core.diagnostics import Code, ConfigError, diagnostic, escape_controls
from citekb.project.atomic import remove_stale, write_atomic, write_new
from citekb.sources.export import FORMATS
from citekb.sources.export import export_entries as render

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from citekb.core.config import Config
    from citekb.core.diagnostics import Diagnostic

_root = root_option


@contextmanager
def usage_on_config_error() -> Iterator[None]:
    """Turn a ``ConfigError`` into a click usage error: exit 2 with the message (control
    characters escaped)."""
    try:
        yield
    except ConfigError as exc:
        raise click.UsageError(escape_controls(str(exc))) from None


def _config(root: Path) -> Config:
    """The project's config; without a mkdocs.yml, the defaults (bibliography references/*.bib)."""
    from citekb.cli import editing  # heavy: bibtexparser; keeps citekb --help fast

    if not (root / "mkdocs.yml").is_file():
        return editing.Config()
    with usage_on_config_error():
        return editing.load_config(root)


def _report(found: Sequence[Diagnostic], files: int = 0) -> None:
    click.echo(render_text(found, files=files), nl=False, err=True)


def _fail(found: Sequence[Diagnostic]) -> NoReturn:
    _report(found)
    sys.exit(1)


def _os_error(code: str, shown: str, exc: OSError) -> Diagnostic:
    """``unreadable-file`` or ``write-failed`` for an OS error on ``shown``."""

    verb, hint = (
        ("read", "check that the file exists and is readable")
        if code == Code.UNREADABLE_FILE
        else ("write", "check that the folder exists, is a folder and is writable")
    )
    return diagnostic(code, shown, 0, 0, f"cannot {verb}: {exc.strerror or exc}", hint)


def _write(path: Path, text: str, shown: str) -> list[Diagnostic]:
    """Write ``text`` atomically; a failure is a ``write-failed`` diagnostic."""
    try:
        write_atomic(path, text)
    except OSError as exc:
        return [_os_error(Code.WRITE_FAILED, shown, exc)]
    return []


def linked_out(path: Path, root: Path, shown: str) -> Diagnostic | None:
    """``outside-project`` for a file named inside the project that a link takes out of it
    (even a link to a file not there yet), or that is a device or FIFO: it is not rewritten.
    A file named outside the project (``citekb fmt /tmp/x.bib``) is the caller's choice."""
    import os

    from citekb.cli import editing  # heavy: bibtexparser; keeps citekb --help fast

    top = root.resolve()
    named = Path(os.path.abspath(path))  # noqa: PTH100 - lexical: links are not followed
    if not (named.is_relative_to(root.absolute()) or named.is_relative_to(top)):
        return None
    real = path.resolve()
    if not real.is_relative_to(top):
        return diagnostic(
            Code.OUTSIDE_PROJECT,
            shown,
            0,
            0,
            f"not written: it resolves to {real}, outside the project",
            "replace the link with the file itself",
        )
    return editing.outside(path, root, shown)


@click.command("fmt")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--check", is_flag=True, help="Write nothing; show a diff and exit 1 if a file would change."
)
@click.option(
    "--field-order",
    metavar="NAMES",
    help="Comma-separated field order (default: the `field_order` option, else author, editor, title, … note).",
)
@_root
def fmt(files: tuple[Path, ...], check: bool, field_order: str | None, root: Path) -> None:
    """Rewrite BibTeX FILES (default: the configured bibliography) in canonical form.

    Lossless: values, @string, @preamble, @comment and text between entries are kept.
    A file that cannot be parsed completely is reported and left untouched.
    """
    from citekb.cli import editing  # heavy: bibtexparser; keeps citekb --help fast

    config = _config(root)
    order = (
        [n.strip().lower() for n in field_order.split(",") if n.strip()]
        if field_order
        else [n.lower() for n in config.field_order] or editing.DEFAULT_ORDER
    )
    paths = list(files)
    found: list[Diagnostic] = []
    if not paths:
        paths, missing = editing.bibliography_files(root, config)
        found += missing
    changed = 0
    for path in paths:
        shown = editing.relative(path, root) if not files else path.as_posix()
        if refused := linked_out(path, root, shown):
            found.append(refused)
            continue
        remove_stale(path.resolve())  # temporary files of a killed earlier run
        text, trouble = editing.read_text(path, shown, exact=True, undecodable=Code.BIB_ENCODING)
        found += trouble
        if text is None:
            continue
        new, trouble = editing.format_bib(text, field_order=order, path=shown)
        found += trouble
        if new == text:
            continue
        if check:
            changed += 1
            diff = difflib.unified_diff(
                text.splitlines(keepends=True),
                new.splitlines(keepends=True),
                f"a/{shown}",
                f"b/{shown}",
            )
            click.echo("".join(diff), nl=False)
        elif trouble := _write(path, new, shown):
            found += trouble  # a read-only file is left alone, and not counted
        else:
            changed += 1
            click.echo(f"formatted {shown}", err=True)
    if found:
        _report(found, files=len(paths))
    verb = "would reformat" if check else "reformatted"
    click.echo(f"{verb} {changed} of {len(paths)} file{'s' * (len(paths) != 1)}", err=True)
    sys.exit(1 if found or (check and changed) else 0)


@click.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(list(FORMATS)), default="bibtex", show_default=True
)
@click.option(
    "--page",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Only the works this page cites, in the order it first cites them.",
)
@click.option("--cited-only", is_flag=True, help="Only works cited somewhere on the site.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout."
)
@_root
def export(fmt: str, page: Path | None, cited_only: bool, output: Path | None, root: Path) -> None:
    """Write the library, or the works a page cites, as BibTeX, CSL-JSON or RIS."""
    from citekb.cli import editing  # heavy: bibtexparser; keeps citekb --help fast

    with usage_on_config_error():
        project = editing.load_project(
            root, _config(root), need_pages=page is not None, library_checks=editing.check_library
        )
    library = project.library
    if page is not None:
        wanted = {editing.relative(page, root), page.as_posix()}
        pages = [p for p in project.pages if wanted & {p.path, p.name}]
        if not pages:
            raise click.BadParameter(
                f"{page} is not a page of this knowledge base", param_hint="--page"
            )
        keys = [c.key for c in pages[0].citations]
    elif cited_only:
        cited = {c.key for p in project.pages for c in p.citations}
        keys = [k for k in library.by_key if k in cited]
    else:
        keys = list(library.by_key)
    unknown = sorted({k for k in keys if k not in library})
    if unknown:
        click.echo(f"not in the library, skipped: {', '.join(unknown)}", err=True)
    entries = [library.by_key[k] for k in dict.fromkeys(keys) if k in library]
    text = render(entries, fmt)
    if output is None:
        click.echo(text, nl=False)
    elif trouble := _write(output, text, output.as_posix()):
        _fail(trouble)
    else:
        click.echo(f"wrote {len(entries)} entries to {output}", err=True)


@click.group("new")
def new() -> None:
    """Create new files from templates."""


@new.command("page")
@click.argument("title")
@click.option("--summary", default="", help="One sentence for the front matter.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for several).")
@click.option("--folder", default="", help="A sub-folder of the docs folder.")
@_root
def new_page(title: str, summary: str, tags: tuple[str, ...], folder: str, root: Path) -> None:
    """Scaffold a page titled TITLE at docs/<slug>.md; never overwrites a file."""
    from citekb.cli import editing  # heavy: bibtexparser; keeps citekb --help fast

    if not title.strip():
        raise click.BadParameter("the title is empty", param_hint="TITLE")
    if not (root / "mkdocs.yml").is_file():
        raise click.UsageError(
            f"no mkdocs.yml in {root.resolve()}: start a knowledge base there with `citekb init`,"
            " or pass --root with the folder that has one"
        )
    shown = editing.page_path(_config(root).docs_dir, title.strip(), folder)
    if shown is None:
        raise click.BadParameter("must be a folder inside the docs folder", param_hint="--folder")
    path = root / shown
    text = editing.page_text(title.strip(), reviewed=dt.date.today(), summary=summary, tags=tags)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # e.g. a file stands where a folder is needed
        _fail([_os_error(Code.WRITE_FAILED, posixpath.dirname(shown), exc)])
    try:
        write_new(path, text)
    except FileExistsError:
        raise click.ClickException(f"{shown} already exists; choose another title") from None
    except OSError as exc:
        _fail([_os_error(Code.WRITE_FAILED, shown, exc)])
    click.echo(shown)


@click.command("add")
@click.option(
    "--to",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The bib file to append to (default: the first bibliography file).",
)
@click.option("--doi", help="Fetch the entry for this DOI (doi.org; network).")
@click.option("--pmid", help="Fetch the entry for this PubMed ID (NCBI E-utilities; network).")
@click.option("--isbn", help="Fetch the entry for this ISBN (Open Library; network).")
@click.option(
    "--api-base",
    envvar="CITEKB_API_BASE",
    help="Base URL of the service to ask instead (env: CITEKB_API_BASE).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 120),
    default=10.0,
    show_default=True,
    help="Seconds for the whole request.",
)
@_root
def add(
    target: Path | None,
    doi: str | None,
    pmid: str | None,
    isbn: str | None,
    api_base: str | None,
    timeout: float,
    root: Path,
) -> None:
    """Append BibTeX entries read from stdin to the library, if they pass every check.

    With --doi, --pmid or --isbn, the entry is fetched instead (the only use of the network),
    given a key such as smith2015, and shown. Key clashes, duplicate DOIs or ISBNs, missing
    fields and syntax errors are reported, and then nothing is written.
    """
    from citekb.cli import editing  # heavy: bibtexparser; keeps citekb --help fast

    asked = [(k, v) for k, v in (("doi", doi), ("pmid", pmid), ("isbn", isbn)) if v is not None]
    if len(asked) > 1:
        raise click.UsageError("give one of --doi, --pmid and --isbn")
    if asked:
        kind, raw = asked[0]
        if editing.identifier(kind, raw) is None:
            raise click.BadParameter(
                f"{raw!r} is not a valid {kind.upper()}", param_hint=f"--{kind}"
            )
        text = ""
        found: list[Diagnostic] = []
    else:
        text, found = editing.decode(sys.stdin.buffer.read(), editing.STDIN)
    bibs, _ = editing.bibliography_files(root, _config(root))
    if target is None:
        if not bibs:
            raise click.UsageError("no bibliography file found; name one with --to")
        target = bibs[0]
    shown = editing.relative(target, root)
    if refused := linked_out(target, root, shown):
        _fail([refused])
    sources = list(bibs)
    if target.exists() and target.resolve() not in {p.resolve() for p in bibs}:
        sources.append(target)
    library, trouble = editing.read_bytes(sources, root)
    found += trouble
    if asked and not found:
        text = _fetched(*asked[0], library, api_base, timeout)
    entries, addition, trouble = editing.check_additions(library, text)
    if asked and text:
        click.echo(addition, nl=False)  # the fetched entry, as it is (or would be) written
    found += trouble
    if found:
        _report(found)
        click.echo("nothing was written", err=True)
        sys.exit(1)
    existing: str | None = ""
    if target.exists():
        existing, found = editing.read_text(
            target, shown, exact=True, undecodable=Code.BIB_ENCODING
        )
    if existing is None:
        _fail(found)
    if trouble := _write(target, editing.append_bib(existing, addition), shown):
        _fail(trouble)
    keys = ", ".join(e.key for e in entries)
    click.echo(f"added {keys} to {shown}")


def _fetched(
    kind: str, raw: str, library: list[tuple[str, bytes]], base: str | None, timeout: float
) -> str:
    """The fetched entry's BibTeX, keyed apart from the library; a failure exits 1."""
    from citekb.cli import editing  # heavy: bibtexparser; keeps citekb --help fast

    taken = set(editing.load_library(library)[0].by_key)
    try:
        return editing.fetch_entry(kind, raw, base=base, timeout=timeout, taken=taken)
    except editing.FetchError as exc:
        click.echo(f"error: {exc}\n  hint: {exc.hint}\nnothing was written", err=True)
        sys.exit(1)


COMMANDS: tuple[click.Command, ...] = (fmt, export, new, add)
