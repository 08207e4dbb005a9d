"""Attack 2: a handout page cannot embed local files or reach the network; `check` warns."""

from __future__ import annotations

import http.server
import threading
from typing import TYPE_CHECKING

from pypdf import PdfReader
from security_helpers import no_traceback, run

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

import pytest


@pytest.fixture
def server() -> Iterator[tuple[int, list[str]]]:
    """A local HTTP server on 127.0.0.1 that records every request path."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def page(port: int, secret: Path) -> str:
    return f"""---
title: Handout
handout: true
---
# Handout

Talk to people [@smith2020].

<a rel="attachment" href="file:///proc/self/environ">environment</a>

<img src="file://{secret}" alt="secret">

<img src="http://127.0.0.1:{port}/probe.png" alt="probe">

<link rel="attachment" href="file://{secret}">

<p style="background: url('http://127.0.0.1:{port}/css.png')">styled</p>

<a href="file://{secret}">local link</a>
"""


def test_handout_embeds_no_file_and_fetches_nothing(
    site, tmp_path: Path, server: tuple[int, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, hits = server
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-4242\n", encoding="utf-8")
    monkeypatch.setenv("CITEKB_TEST_SECRET", "ENVSECRET-9191")
    root = site({"docs/h.md": page(port, secret)})

    check = run(root, "check")
    no_traceback(check)
    assert check.returncode == 0, check.stdout  # warnings only
    warned = [line for line in check.stdout.splitlines() if "[handout-unsafe-html]" in line]
    assert [w.split(": ", 1)[0] for w in warned] == [
        "docs/h.md:9:1",
        "docs/h.md:11:1",
        "docs/h.md:13:1",
        "docs/h.md:15:1",
        "docs/h.md:17:1",
        "docs/h.md:19:1",
    ]

    (root / "site").mkdir()
    result = run(root, "handouts", timeout=180)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    pdf = root / "site" / "handouts" / "h.pdf"
    data = pdf.read_bytes()
    assert b"TOPSECRET" not in data and b"ENVSECRET" not in data
    assert b"/EmbeddedFile" not in data
    reader = PdfReader(pdf)
    assert not reader.attachments
    actions = [a.get_object().get("/A", {}) for p in reader.pages for a in p.get("/Annots", [])]
    uris = [str(action["/URI"]) for action in actions if "/URI" in action]
    assert uris and all(u.startswith("https://kb.example.org/") for u in uris), uris
    assert hits == [], "the handout reached the network"
    assert "Talk to people" in reader.pages[0].extract_text()
