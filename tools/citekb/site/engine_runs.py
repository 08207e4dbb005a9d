"""Building and serving with an engine in a child process, then citekb's post-build pass
over what it wrote (for engines that run no MkDocs plugin: Zensical). Which engines there
are and how each is started is :mod:`citekb.site.engines`, which ``citekb --help`` loads;
this module loads the site stack, on a command's first use.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import TYPE_CHECKING, Any

from citekb.checks.rules import check_library
from citekb.project.files import FormatCache, mkdocs_data
from citekb.project.load import load_project
from citekb.site.engine_config import engine_run
from citekb.site.engines import PLUGIN_ENGINES, command, environment
from citekb.site.postbuild import SiteProject, fix_site_dir
from citekb.site.references import cache_file, cached_references

if TYPE_CHECKING:
    from pathlib import Path

    from citekb.core.config import Config
    from citekb.core.diagnostics import Diagnostic
    from citekb.project.load import Project


def site_settings(root: Path) -> tuple[Path, bool]:
    """``site_dir`` (absolute) and ``use_directory_urls`` from ``root/mkdocs.yml``."""

    try:
        data: Any = mkdocs_data(root)
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
