"""``citekb audit`` against a local HTTP server on 127.0.0.1 with recorded Crossref replies.

Nothing here touches the network: the server answers Crossref's ``/works?filter=updates:``
from tests/fixtures/crossref/updates.json, and serves the cited URLs itself.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from citekb.cli.main import main
from citekb.sources.evidence import parse_evidence
from support import FIXTURES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from pathlib import Path

RECORDED = json.loads((FIXTURES / "crossref" / "updates.json").read_text(encoding="utf-8"))


class _Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, str, str]]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _reply(self, status: int, body: bytes = b"", kind: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _serve(self) -> None:
        self.requests.append((self.command, self.path, self.headers.get("User-Agent", "")))
        url = urlsplit(self.path)
        if url.path == "/works":
            doi = parse_qs(url.query).get("filter", [""])[0].removeprefix("updates:")
            if doi == "10.5555/fails.2021":
                return self._reply(500, b"server error")
            reply = RECORDED.get(doi) or {"status": "ok", "message": {"items": []}}
            return self._reply(200, json.dumps(reply).encode(), "application/json")
        if url.path == "/alive":
            return self._reply(200, b"ok")
        if url.path == "/get-only":
            return self._reply(405 if self.command == "HEAD" else 200, b"ok")
        if url.path == "/slow":
            time.sleep(1.5)
            return self._reply(200, b"late")
        if url.path == "/garbage/works":
            return self._reply(200, b"<html>not json</html>", "text/html")
        return self._reply(404, b"not found")

    do_GET = _serve
    do_HEAD = _serve


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.requests.clear()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


EVIDENCE = """\
# Evidence records (this comment stays)
orig2019:
  type: cohort-study
  status: V-primary
  note: a note that stays

known2018:
  type: theory
  status: V-secondary
  notices:
    - {type: correction, date: 2019-02-01, url: "https://doi.org/10.5555/known.2018.erratum"}
"""


def _kb(make_site: Callable[[Mapping[str, str | bytes]], Path], base: str) -> Path:
    bib = f"""\
@article{{orig2019, author = {{Doe, Jo}}, title = {{Orig}}, journal = {{J}}, year = {{2019}},
  doi = {{10.5555/orig.2019}}}}
@article{{known2018, author = {{Doe, Jo}}, title = {{Known}}, journal = {{J}}, year = {{2018}},
  doi = {{10.5555/known.2018}}}}
@article{{norecord2020, author = {{Doe, Jo}}, title = {{No record}}, journal = {{J}}, year = {{2020}},
  doi = {{10.5555/norecord.2020}}}}
@article{{fails2021, author = {{Doe, Jo}}, title = {{Fails}}, journal = {{J}}, year = {{2021}},
  doi = {{10.5555/fails.2021}}}}
@misc{{alive, title = {{Alive}}, url = {{{base}/alive}}, year = {{2020}}}}
@misc{{getonly, title = {{Get only}}, url = {{{base}/get-only}}, year = {{2020}}}}
@misc{{gone, title = {{Gone}}, url = {{{base}/gone}}, year = {{2020}}}}
@misc{{uncited, title = {{Uncited}}, url = {{{base}/never}}, year = {{2020}}}}
"""
    page = "---\ntitle: Home\n---\n\n# Home\n\n[@orig2019; @alive; @getonly; @gone]\n"
    return make_site(
        {
            "references/library.bib": bib,
            "references/evidence.yaml": EVIDENCE,
            "docs/index.md": page,
            "mkdocs.yml": "site_name: A\nplugins:\n  - citekb:\n      bibliography: [references/*.bib]\n",
        }
    )


def test_audit_reports_new_notices_dead_urls_and_failed_lookups(
    server: str, make_site: Callable[[Mapping[str, str | bytes]], Path]
) -> None:
    root = _kb(make_site, server)
    args = ["audit", "--root", str(root), "--api-base", server, "--mailto", "ed@example.org"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "orig2019: new notice: Retracted (2024-02-09): https://doi.org/10.5555/orig.2019.retraction",
        "norecord2020: new notice: Expression of concern (2022-11-30): "
        "https://doi.org/10.5555/norecord.2020.eoc",
        f"gone: URL does not answer: {server}/gone (HTTP 404 Not Found)",
        "fails2021: Crossref lookup failed for 10.5555/fails.2021: HTTP 500 Internal Server Error",
    ]
    # progress on stderr, one line per lookup
    assert "[1/4] Crossref: 10.5555/orig.2019 (orig2019)" in result.stderr
    assert f"[3/3] URL: {server}/gone (gone)" in result.stderr
    paths = [(method, path) for method, path, _ in _Handler.requests]
    assert ("GET", "/works?filter=updates:10.5555/orig.2019&rows=100") in paths
    assert ("HEAD", "/get-only") in paths and ("GET", "/get-only") in paths
    assert not any(p == "/never" for _, p in paths)  # only cited URLs
    agents = {agent for _, _, agent in _Handler.requests}
    assert len(agents) == 1
    assert re.fullmatch(r"citekb/\S+ \(citation audit; mailto:ed@example\.org\)", agents.pop())
    # nothing written without --write
    assert (root / "references" / "evidence.yaml").read_text(encoding="utf-8") == EVIDENCE


def test_audit_write_records_new_notices_and_keeps_the_rest(
    server: str, make_site: Callable[[Mapping[str, str | bytes]], Path]
) -> None:
    root = _kb(make_site, server)
    evidence = root / "references" / "evidence.yaml"
    runner = CliRunner()
    args = ["audit", "--root", str(root), "--write", "--no-urls"]
    result = runner.invoke(main, args, env={"CITEKB_CROSSREF_API": server})
    assert result.exit_code == 1, result.output
    assert "recorded new notices of orig2019 in references/evidence.yaml" in result.stderr
    assert "not recorded: norecord2020: no evidence record to add notices to" in result.stderr
    text = evidence.read_text(encoding="utf-8")
    assert text == EVIDENCE.replace(
        "  note: a note that stays\n",
        "  note: a note that stays\n  notices:\n    - {type: retraction, date: 2024-02-09, "
        'url: "https://doi.org/10.5555/orig.2019.retraction"}\n',
    )
    parsed, problems = parse_evidence(text, "e.yaml")
    assert problems == []
    record = parsed.get("orig2019")
    assert record is not None and record.notices[0].retracts
    # the recorded notice now stops the check, at the citation
    check = runner.invoke(main, ["check", "--root", str(root), "--no-cache", "--format", "json"])
    found = [(d["code"], d["line"]) for d in json.loads(check.stdout)["diagnostics"]]
    assert ("retracted-source", 7) in found
    # a second audit finds nothing new for orig2019
    again = runner.invoke(main, args, env={"CITEKB_CROSSREF_API": server})
    assert "orig2019" not in again.stdout
    assert evidence.read_text(encoding="utf-8") == text


def test_audit_exits_0_when_nothing_changed(
    server: str, make_site: Callable[[Mapping[str, str | bytes]], Path]
) -> None:
    root = make_site(
        {
            "references/library.bib": f"@misc{{a, title = {{A}}, url = {{{server}/alive}}, "
            "year = {2020}, doi = {10.5555/quiet.2020}}\n",
            "docs/index.md": "---\ntitle: Home\n---\n\n# Home\n\n[@a]\n",
        }
    )
    result = CliRunner().invoke(main, ["audit", "--root", str(root), "--api-base", server])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no new notices; every cited URL answered" in result.stderr


def test_audit_timeouts_and_bad_answers_are_clear(
    server: str, make_site: Callable[[Mapping[str, str | bytes]], Path]
) -> None:
    root = make_site(
        {
            "references/library.bib": f"@misc{{a, title = {{A}}, url = {{{server}/slow}}, "
            "year = {2020}, doi = {10.5555/x.1}}\n",
            "docs/index.md": "---\ntitle: Home\n---\n\n# Home\n\n[@a]\n",
        }
    )
    args = ["audit", "--root", str(root), "--timeout", "0.3"]
    result = CliRunner().invoke(main, [*args, "--api-base", f"{server}/garbage"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"a: URL does not answer: {server}/slow (no answer within 0.3 s)",
        "a: Crossref lookup failed for 10.5555/x.1: the answer is not JSON",
    ]
    with socket.socket() as free:  # a port nobody listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = CliRunner().invoke(
        main, [*args, "--no-urls", "--api-base", f"http://127.0.0.1:{port}"]
    )
    assert result.exit_code == 1
    assert "a: Crossref lookup failed for 10.5555/x.1: cannot connect:" in result.stdout


def test_audit_refuses_a_non_http_api_base(
    make_site: Callable[[Mapping[str, str | bytes]], Path],
) -> None:
    root = make_site({"references/library.bib": "", "docs/index.md": "# Home\n"})
    result = CliRunner().invoke(main, ["audit", "--root", str(root), "--api-base", "file:///etc"])
    assert result.exit_code == 2
    assert "--api-base" in result.output and "http(s)" in result.output


def test_check_and_build_never_open_a_connection(
    monkeypatch: pytest.MonkeyPatch, make_site: Callable[[Mapping[str, str | bytes]], Path]
) -> None:
    root = _kb(make_site, "https://example.invalid")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    result = CliRunner().invoke(main, ["check", "--root", str(root), "--no-cache"])
    assert result.exit_code == 0, result.output
