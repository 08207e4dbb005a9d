"""The ``citekb`` command line: a thin layer that reads files, calls the core and prints.

Exit codes: 0 clean, 1 findings (errors, or anything under ``--strict``), 2 usage or config error.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from citekb.cli.edit import usage_on_config_error
from citekb.cli.options import root_option, site_dir_option
from citekb.cli.report import FORMATS, render, shown
from citekb.core.diagnostics import Severity
from citekb.site import engines
from citekb.site.engines import ENGINES, EngineError, choose

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from citekb.core.config import Config


class _Group(click.Group):
    """The command group; input nested past Python's recursion limit anywhere is a finding."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except RecursionError:
            click.echo(
                "error[page-limit] the input nests too deeply for citekb to read\n"
                "  hint: look for lists, quotes, brackets or YAML nested hundreds of levels deep",
                err=True,
            )
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="citekb")
def main() -> None:
    """Check, render and publish a citation-backed Markdown knowledge base."""


@main.result_callback()
def _exit_status(status: int | None, **_: object) -> None:
    """A command returns its exit status (0 clean, 1 findings); this is where the process
    ends with it."""
    if status:
        sys.exit(status)


def entry(argv: Sequence[str] | None = None) -> int:
    """citekb as a function: the exit status of the command line ``argv`` (default: the
    process's arguments), after its output."""
    try:
        main.main(args=list(argv) if argv is not None else None, prog_name="citekb")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1 if exc.code else 0
    return 0


@main.command()
@root_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--color/--no-color", default=None, help="Colour text output (default: on a terminal)."
)
@click.option("--no-cache", is_flag=True, help="Check from scratch; ignore the last result.")
@click.option(
    "--all-entries",
    is_flag=True,
    help="Check every library entry, cited or not, and report unused-entry"
    " (as `check_uncited: true` does).",
)
def check(
    root: Path, fmt: str, strict: bool, color: bool | None, no_cache: bool, all_entries: bool
) -> int:
    """Check citations, the bibliography and pages; report every problem."""
    from dataclasses import replace

    from citekb.cli import run  # lazy: the project stack; keeps citekb --help fast

    config = run.project_config(root) if all_entries else None
    if config is not None:
        config = replace(config, check_uncited=True)
    found, checked, _ = run.checked(root, use_cache=not no_cache, config=config)
    colour = sys.stdout.isatty() if color is None else color
    report = render(fmt, found, files=checked, colour=colour, strict="check" if strict else "")
    click.echo(report, nl=False)
    found = shown(found)
    failed = any(d.severity is Severity.ERROR for d in found) or (strict and bool(found))
    return 1 if failed else 0


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@root_option
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
def citations(paths: tuple[str, ...], root: Path, fmt: str) -> None:
    """List every citation, as written, in PATHS: Markdown files anywhere, folders (their *.md,
    recursively) or - for standard input (default: all pages)."""
    import json

    from citekb.cli import run  # lazy: the project stack; keeps citekb --help fast

    if not paths:
        config = run.project_config(root)
        paths = (str(root / config.docs_dir),)
    else:
        config = run.config_or_default(root)
    found = run.scan_sources(run.read_sources(paths, root.resolve()), config)
    rows = [
        {
            "path": c.path,
            "line": c.line,
            "column": c.column,
            "key": c.key,
            "mode": c.mode.value,
            "prefix": c.prefix,
            "locator": c.locator,
            "suffix": c.suffix,
        }
        for cites in found
        for c in cites
    ]
    if fmt == "json":
        click.echo(json.dumps({"citations": rows}, indent=2, ensure_ascii=False))
        return
    for row in rows:
        extra = " ".join(str(row[k]) for k in ("prefix", "locator", "suffix") if row[k])
        click.echo(
            f"{row['path']}:{row['line']}:{row['column']}: @{row['key']} ({row['mode']}) {extra}".rstrip()
        )


@main.command()
@click.argument("keys", nargs=-1)
@root_option
@click.option(
    "--in",
    "where",
    multiple=True,
    type=click.Path(allow_dash=True),
    help="Count citations in this file, folder (*.md) or - (stdin) instead of the pages.",
)
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
def refs(keys: tuple[str, ...], root: Path, where: tuple[str, ...], fmt: str) -> None:
    """List library entries (default: all) with the places that cite each."""
    import json

    from citekb.cli import run  # lazy: the project stack; keeps citekb --help fast

    project = run.load(root)
    cited: dict[str, list[str]] = {}
    for cites in run.cited_in(project, where):
        for c in cites:
            cited.setdefault(c.key, []).append(f"{c.path}:{c.line}:{c.column}")
    unknown = [k for k in keys if k not in project.library]
    if unknown:
        raise click.UsageError(f"not in the library: {', '.join(unknown)}")
    entries = (
        [project.library.by_key[k] for k in keys] if keys else list(project.library.by_key.values())
    )
    rows = [
        {
            "key": e.key,
            "type": e.type,
            "path": e.path,
            "line": e.line,
            "title": e.get("title"),
            "cited_by": cited.get(e.key, []),
        }
        for e in entries
    ]
    if fmt == "json":
        click.echo(json.dumps({"entries": rows}, indent=2, ensure_ascii=False))
        return
    for e in entries:
        click.echo(f"{e.key}  ({e.path}:{e.line})  {e.get('title')}")
        for place in cited.get(e.key) or ["(never cited)"]:
            click.echo(f"    {place}")


from citekb.cli.edit import COMMANDS as _EDIT_COMMANDS  # noqa: E402 - registered after main exists

for _command in _EDIT_COMMANDS:
    main.add_command(_command)

from citekb.cli.audit import audit as _audit  # noqa: E402 - registered after main exists
from citekb.cli.init import init as _init  # noqa: E402
from citekb.cli.status import status as _status  # noqa: E402

main.add_command(_status)
main.add_command(_audit)
main.add_command(_init)


def _engine(requested: str | None, root: Path, config: Config) -> str:
    """The site engine to run; a missing one is a usage error (exit 2) naming its package."""

    try:
        return choose(requested, config.engine)
    except EngineError as exc:
        raise click.UsageError(str(exc)) from None


_engine_option = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="Site engine.  [default: the `engine` option, else the first installed of"
    " mkdocs, properdocs, zensical]",
)


@main.command()
@root_option
@site_dir_option("Output folder.  [default: site/ in the root]")
@_engine_option
@click.option("--no-cache", is_flag=True, help="Check and format from scratch.")
def build(root: Path, site_dir: Path | None, engine: str | None, no_cache: bool) -> int:
    """Check, then build the site (strict) and the handouts from the same project.

    MkDocs runs in this process on the project the check loaded; ProperDocs and Zensical run
    as their own commands, followed by citekb's pass over the built pages.
    """
    from citekb.cli import run  # lazy: the project stack; keeps citekb --help fast

    root = root.resolve()
    with usage_on_config_error():
        config = run.load_config(root)

    found, checked, project = run.checked(root, use_cache=not no_cache, config=config)
    # the handouts' web address: reported with the handouts below, and no reason to stop
    found = [d for d in found if d.code not in run.SITE_URL_CODES]
    if shown(found):  # the strict build would fail on any of them, so stop before building
        click.echo(render("text", found, files=checked, strict="build"), nl=False, err=True)
        return 1
    if found:  # only findings on uncited entries: say so, and build
        click.echo(render("text", found, files=checked), nl=False, err=True)
    name = _engine(engine, root, config)
    out = site_dir or root / "site"
    if name == "mkdocs":
        built = run.build_site(root, out, (project, found) if project is not None else None)
        if built.status:
            return 1
        if project is None:  # the check came from its cache: the build's own state serves
            project = run.Project(root, config, tuple(built.pages), evidence=built.evidence)
        return run.write_site_handouts(project, out, built)
    project = project or run.load(root)
    from citekb.site.engine_runs import build_with  # heavy: markdown, an extra

    code, found = build_with(project, name, out)
    if code:
        return 1
    if found:  # what the post-build pass found
        click.echo(render("text", found, files=project.checked), nl=False, err=True)
        if any(d.severity is Severity.ERROR for d in found):
            return 1
    return run.write_site_handouts(project, out)


@main.command()
@root_option
@site_dir_option("The built site's folder; PDFs go to its handouts/.  [default: site/ in the root]")
def handouts(root: Path, site_dir: Path | None) -> int:
    """Write a printable PDF for every page with `handout: true`."""
    from citekb.cli import run  # lazy: the project stack; keeps citekb --help fast

    project = run.load(root)
    return run.write_site_handouts(project, site_dir or project.root / "site")


@main.command()
@root_option
@click.option(
    "--dev-addr", default="127.0.0.1:8000", show_default=True, help="IP:port to serve on."
)
@_engine_option
def serve(root: Path, dev_addr: str, engine: str | None) -> int:
    """Serve the site with live reload, also on changes under references/."""
    import os

    project_root = root.resolve()
    if not (project_root / "mkdocs.yml").is_file():
        raise click.UsageError(f"no mkdocs.yml in {project_root}")
    from citekb.cli import run  # lazy: the project stack; keeps citekb --help fast

    with usage_on_config_error():  # refuses a constructing YAML tag before MkDocs reads it
        config = run.load_config(project_root)
        run.check_style(config, project_root)
    name = _engine(engine, project_root, config)
    if name not in engines.PLUGIN_ENGINES:  # citekb runs the pass after each rebuild
        from citekb.site.engine_runs import serve_with_pass  # heavy: markdown, an extra

        return serve_with_pass(project_root, config, name, dev_addr)
    command = engines.command(name, project_root, "serve", "--dev-addr", dev_addr, "--livereload")
    # become the engine, so that Ctrl-C and kill reach the server itself
    os.execve(command[0], command, engines.environment())
    return 0  # not reached: execve replaced this process


if __name__ == "__main__":
    sys.exit(entry())
