"""Network (`add --doi`, `audit`): one deadline per request, no redirect off the host or to
another scheme, and a malformed Crossref answer is a finding, not a traceback.

A local server on 127.0.0.1 plays the hostile service: it drips its answer one byte every half
second, or redirects to another host (``localhost`` is another host than ``127.0.0.1``, and the
same server: a followed redirect would be seen) or to ``ftp://`` and ``file://``.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from security_helpers import no_traceback, run

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

DOI = "10.1037/0022-3514.92.2.268"
CSL = {
    "type": "article-journal",
    "title": "The dependency paradox",
    "author": [{"family": "Feeney", "given": "Brooke C."}],
    "container-title": "Journal of Personality and Social Psychology",
    "issued": {"date-parts": [[2007]]},
    "DOI": DOI,
}


class _Hostile(BaseHTTPRequestHandler):
    """``/drip…`` drips, ``/head-drip…`` drips its headers, ``/to-*…`` redirect."""

    seen: ClassVar[list[str]] = []
    port: ClassVar[int] = 0

    def log_message(self, *args: Any) -> None:
        pass

    def _drip(self, data: bytes) -> None:
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.5)

    def do_GET(self) -> None:
        self.seen.append(self.path)
        with contextlib.suppress(OSError):  # the client hung up, as it should
            self._answer()

    do_HEAD = do_GET

    def _answer(self) -> None:
        path = self.path
        if path.startswith("/head-drip"):
            self._drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 200 + b"\r\n\r\n")
            return
        if path.startswith("/drip"):
            self.send_response(200)
            self.send_header("Content-Length", "200")
            self.end_headers()
            self._drip(b"{" + b" " * 199)
            return
        targets = {
            "/to-host": f"http://localhost:{self.port}/landed",
            "/to-ftp": f"ftp://127.0.0.1:{self.port}/landed",
            "/to-file": "file:///etc/passwd",
            "/to-same": "/landed",
        }
        for prefix, target in targets.items():
            if path.startswith(prefix):
                self.send_response(302)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        body = json.dumps(CSL).encode()
        if path.startswith("/bad-crossref"):
            item = {"DOI": "10.5555/notice", "update-to": 5}
            body = json.dumps({"status": "ok", "message": {"items": [item]}}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hostile() -> Iterator[tuple[str, list[str]]]:
    handler = type("Handler", (_Hostile,), {"seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    handler.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{handler.port}", handler.seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def _add(root: Path, base: str) -> tuple[int, str]:
    result = run(root, "add", "--doi", DOI, "--api-base", base, "--timeout", "2", timeout=20)
    no_traceback(result)
    return result.returncode, result.stderr


@pytest.mark.parametrize("where", ["drip", "head-drip"])
def test_add_ends_at_its_timeout_against_a_dripping_server(
    site: Any, hostile: tuple[str, list[str]], where: str
) -> None:
    base, _ = hostile
    root = site({})
    before = (root / "references" / "library.bib").read_text(encoding="utf-8")
    start = time.monotonic()
    code, err = _add(root, f"{base}/{where}")  # the 200-byte answer would take 100 s
    assert time.monotonic() - start < 15
    assert code == 1
    assert f"error: no answer from {base.removeprefix('http://')} within 2 s" in err
    assert (root / "references" / "library.bib").read_text(encoding="utf-8") == before


def test_audit_ends_at_its_timeout_against_a_dripping_server(
    site: Any, hostile: tuple[str, list[str]]
) -> None:
    base, _ = hostile
    bib = f"@misc{{a, title = {{A}}, year = {{2020}}, doi = {{10.5555/x.1}}, url = {{{base}/drip}}}}\n"
    root = site({"references/library.bib": bib, "docs/index.md": "# Home\n\n[@a]\n"})
    start = time.monotonic()
    result = run(root, "audit", "--api-base", f"{base}/drip", "--timeout", "2", timeout=30)
    assert time.monotonic() - start < 20  # two requests of 2 s each (and HEAD answers at once)
    no_traceback(result)
    assert result.returncode == 1
    assert "a: Crossref lookup failed for 10.5555/x.1: no answer within 2 s" in result.stdout


@pytest.mark.parametrize(
    ("route", "why"),
    [
        ("to-host", "another host"),
        ("to-ftp", "a ftp: address"),
        ("to-file", "a file: address"),
    ],
)
def test_add_refuses_a_redirect_off_the_host_or_to_another_scheme(
    site: Any, hostile: tuple[str, list[str]], route: str, why: str
) -> None:
    base, seen = hostile
    root = site({})
    code, err = _add(root, f"{base}/{route}")
    assert code == 1
    assert "refused a redirect to" in err and why in err
    assert not any(path.startswith("/landed") for path in seen), seen


def test_add_follows_a_redirect_on_the_same_host(site: Any, hostile: tuple[str, list[str]]) -> None:
    base, seen = hostile
    root = site({})
    code, err = _add(root, f"{base}/to-same")
    assert code == 0, err
    assert "/landed" in seen
    assert "feeney" in (root / "references" / "library.bib").read_text(encoding="utf-8")


def test_audit_refuses_a_redirect_to_another_host(
    site: Any, hostile: tuple[str, list[str]]
) -> None:
    base, seen = hostile
    bib = "@misc{a, title = {A}, year = {2020}, doi = {10.5555/x.1}}\n"
    root = site({"references/library.bib": bib, "docs/index.md": "# Home\n\n[@a]\n"})
    result = run(root, "audit", "--api-base", f"{base}/to-host", "--timeout", "2", timeout=30)
    no_traceback(result)
    assert result.returncode == 1
    assert "a: Crossref lookup failed for 10.5555/x.1: refused a redirect to http://localhost:" in (
        result.stdout
    )
    assert "another host" in result.stdout
    assert not any(path.startswith("/landed") for path in seen), seen


def test_audit_reports_an_update_to_of_the_wrong_type(
    site: Any, hostile: tuple[str, list[str]]
) -> None:
    base, _ = hostile
    bib = "@misc{a, title = {A}, year = {2020}, doi = {10.5555/x.1}}\n"
    root = site({"references/library.bib": bib, "docs/index.md": "# Home\n\n[@a]\n"})
    result = run(root, "audit", "--api-base", f"{base}/bad-crossref", "--no-urls", timeout=30)
    no_traceback(result)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "a: Crossref lookup failed for 10.5555/x.1: not a Crossref answer: `update-to` is not a list"
    ]
