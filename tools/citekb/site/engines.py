"""The site engines ``citekb build`` and ``serve`` can run: MkDocs, ProperDocs, Zensical.

MkDocs and ProperDocs (a maintained MkDocs 1.x fork that loads MkDocs plugins) run citekb's
plugin, which runs the post-build pass itself. Zensical runs no MkDocs plugins, only Markdown
extensions: citekb adds its own for the run (:mod:`citekb.site.engine_config`) and runs the
pass after it. Each engine runs in a child process of
the same Python, from the project root, reading its ``mkdocs.yml``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from citekb.core.config import Config
    from citekb.core.diagnostics import Diagnostic
    from citekb.project.load import Project

#: In the order the default looks for them.
ENGINES = ("mkdocs", "properdocs", "zensical")
#: What to install for each engine (the command names the package).
INSTALL = {
    "mkdocs": "pip install mkdocs mkdocs-material",
    "properdocs": "pip install properdocs mkdocs-material",
    "zensical": "pip install zensical",
}
#: Engines that run citekb's MkDocs plugin, and with it the post-build pass.
PLUGIN_ENGINES = frozenset({"mkdocs", "properdocs"})


class EngineError(Exception):
    """No usable engine: the CLI exits 2 with this message."""


def installed(name: str) -> bool:
    """Whether this Python can import the engine ``name``."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def choose(requested: str | None, configured: str | None = None) -> str:
    """The engine to run: the one asked for (option, then config), else the first installed."""
    name = requested or configured
    if name:
        if name not in ENGINES:
            raise EngineError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}")
        if not installed(name):
            raise EngineError(
                f"the {name} engine is not installed for {sys.executable}: {INSTALL[name]}"
            )
        return name
    for name in ENGINES:
        if installed(name):
            return name
    raise EngineError(
        "no site engine is installed: pip install mkdocs mkdocs-material"
        " (or properdocs, or zensical)"
    )


def environment() -> dict[str, str]:
    """The engine's environment, without Material's and ProperDocs' banners about MkDocs 2."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def command(
    engine: str, root: Path, action: str, *extra: str, config_file: Path | None = None
) -> list[str]:
    """The command line that runs ``engine``'s ``build`` or ``serve`` for the site at ``root``
    (with ``config_file``, default ``root/mkdocs.yml``)."""
    config = str(config_file or root / "mkdocs.yml")
    # -P: the working folder is not importable, so a `!!python/name:` tag in the config
    # cannot import a module that the repository itself adds
    return [sys.executable, "-P", "-m", engine, action, "--config-file", config, *extra]


def site_settings(root: Path) -> tuple[Path, bool]:
    """``site_dir`` (absolute) and ``use_directory_urls`` from ``root/mkdocs.yml``."""
    from citekb.core.configyaml import load_yaml  # lazy: keeps citekb --help fast

    try:
        data: Any = load_yaml((root / "mkdocs.yml").read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        data = {}
    data = data if isinstance(data, dict) else {}
    site_dir = data.get("site_dir")
    directory_urls = data.get("use_directory_urls", True)
    return (
        root / (site_dir if isinstance(site_dir, str) and site_dir else "site"),
        directory_urls if isinstance(directory_urls, bool) else True,
    )


def build_with(project: Project, engine: str, out: Path) -> tuple[int, list[Diagnostic]]:
    """Build the site into ``out`` with ``engine``; its exit status and the pass's findings."""
    root = project.root
    if engine in PLUGIN_ENGINES:
        cmd = command(engine, root, "build", "--strict", "--site-dir", str(out))
        code = subprocess.run(cmd, check=False, cwd=root, env=environment()).returncode
        return code, []  # the plugin ran the pass and logged its findings (strict: failed)
    from citekb.site.engine_config import engine_run  # lazy: keeps citekb --help fast

    with engine_run(root, project.config) as config_file:
        cmd = command(engine, root, "build", "--clean", "--strict", config_file=config_file)
        code = subprocess.run(cmd, check=False, cwd=root, env=environment()).returncode
    if code:
        return code, []
    built, directory_urls = site_settings(root)
    if built.resolve() != out.resolve():  # Zensical writes only to its configured site_dir
        shutil.copytree(built, out, dirs_exist_ok=True)
    return 0, run_pass(project, out, use_directory_urls=directory_urls)


def run_pass(project: Project, site_dir: Path, *, use_directory_urls: bool) -> list[Diagnostic]:
    """Format the site's references and run the post-build pass over ``site_dir``."""
    from citekb.site.build import (  # lazy: keeps citekb --help fast
        FormatCache,
        cache_file,
        cached_references,
    )
    from citekb.site.postbuild import SiteProject, fix_site_dir  # lazy: keeps citekb --help fast

    config = project.config
    refs = cached_references(project)
    site = SiteProject.of(project, refs)
    exports = FormatCache(cache_file(project.root, config.cache_dir, "exports"))
    found = fix_site_dir(
        site_dir, site, use_directory_urls=use_directory_urls, exports=exports, page_meta=True
    )
    exports.save()
    return found


def serve_with_pass(
    root: Path, config: Config, engine: str, dev_addr: str, *, poll: float = 1.0
) -> int:
    """Run ``engine serve`` and the post-build pass after each rebuild it writes to disk.

    Zensical serves its ``site_dir``; when a built page changes (and has settled for one
    poll), the project is read again and the pass runs, so backlinks and downloads follow
    edits. Returns the server's exit status.
    """
    import signal

    from citekb.site.engine_config import engine_run  # lazy: keeps citekb --help fast

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    site_dir, directory_urls = site_settings(root)
    with engine_run(root, config) as config_file:
        cmd = command(engine, root, "serve", "--dev-addr", dev_addr, config_file=config_file)
        server = subprocess.Popen(cmd, cwd=root, env=environment())
        signal.signal(signal.SIGTERM, stop)  # a killed citekb stops its server too
        return _serve(server, root, config, site_dir, directory_urls, poll)


def _serve(
    server: subprocess.Popen[bytes],
    root: Path,
    config: Config,
    site_dir: Path,
    directory_urls: bool,
    poll: float,
) -> int:
    """Watch the served site and run the pass after each rebuild, until the server stops."""
    import time

    from citekb.checks.rules import check_library  # lazy: keeps citekb --help fast
    from citekb.project.load import load_project  # lazy: keeps citekb --help fast

    seen: float | None = None
    try:
        while server.poll() is None:
            time.sleep(poll)
            stamp = _newest_page(site_dir)
            if stamp is None or stamp == seen or time.time() - stamp < poll:
                continue
            project = load_project(root, config, library_checks=check_library)
            for d in run_pass(project, site_dir, use_directory_urls=directory_urls):
                print(f"{d.location}: {d.message} [{d.code}]", file=sys.stderr)
            seen = _newest_page(site_dir)
    except KeyboardInterrupt:
        pass
    finally:
        if server.poll() is None:
            server.terminate()
    return server.wait()


def _newest_page(site_dir: Path) -> float | None:
    """The newest modification time of an HTML page under ``site_dir`` (None: none yet)."""
    stamps = []
    for path in site_dir.rglob("*.html"):
        try:
            stamps.append(path.stat().st_mtime)
        except OSError:
            continue
    return max(stamps, default=None)
