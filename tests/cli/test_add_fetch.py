"""``citekb add --doi/--pmid/--isbn`` against a local HTTP server with recorded responses.

The responses are written here by hand in the shape each service answers (doi.org CSL-JSON,
NCBI esummary JSON, Open Library ``jscmd=data``), with the facts of works recorded as verified
in the project's sources. Nothing here reaches any address but 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar

import pytest
from click.testing import CliRunner

from citekb.cli.main import main
from citekb.sources.records import from_csl, from_openlibrary, from_pubmed, make_key

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

FEENEY_CSL = {
    "type": "article-journal",
    "title": "The dependency paradox in close relationships: Accepting dependence promotes"
    " independence.",
    "container-title": "Journal of Personality and Social Psychology",
    "author": [{"family": "Feeney", "given": "Brooke C.", "sequence": "first"}],
    "issued": {"date-parts": [[2007, 2]]},
    "volume": "92",
    "issue": "2",
    "page": "268-285",
    "publisher": "American Psychological Association (APA)",
    "DOI": "10.1037/0022-3514.92.2.268",
    "URL": "http://dx.doi.org/10.1037/0022-3514.92.2.268",
}
FEENEY_PUBMED = {
    "header": {"type": "esummary", "version": "0.3"},
    "result": {
        "uids": ["17279849"],
        "17279849": {
            "uid": "17279849",
            "pubdate": "2007 Feb",
            "source": "J Pers Soc Psychol",
            "authors": [{"name": "Feeney BC", "authtype": "Author", "clusterid": ""}],
            "title": "The dependency paradox in close relationships: accepting dependence"
            " promotes independence.",
            "volume": "92",
            "issue": "2",
            "pages": "268-85",
            "fulljournalname": "Journal of personality and social psychology",
            "articleids": [
                {"idtype": "pubmed", "value": "17279849"},
                {"idtype": "doi", "value": "10.1037/0022-3514.92.2.268"},
            ],
        },
    },
}
BOWLBY_OPENLIBRARY = {
    "ISBN:0465076912": {
        "title": "Attachment and Loss, Vol. 2",
        "subtitle": "Separation: Anxiety and Anger",
        "authors": [{"name": "John Bowlby"}],
        "publishers": [{"name": "Basic Books"}],
        "publish_places": [{"name": "New York"}],
        "publish_date": "1973",
    }
}
DOI_PATH = "/10.1037/0022-3514.92.2.268"
PMID_PATH = "/esummary.fcgi?db=pubmed&id=17279849&retmode=json"
ISBN_PATH = "/api/books?bibkeys=ISBN%3A0465076912&format=json&jscmd=data"
LIBRARY = """@article{holtlunstad2015,
  author = {Holt-Lunstad, Julianne and Smith, Timothy B.},
  title = {Loneliness and social isolation as risk factors for mortality},
  journal = {Perspectives on Psychological Science},
  year = {2015},
  doi = {10.1177/1745691614568352}
}
"""


class _Handler(BaseHTTPRequestHandler):
    """Serves ``routes``: path with query -> (status, body bytes, delay in seconds)."""

    routes: ClassVar[dict[str, tuple[int, bytes, float]]] = {}
    seen: ClassVar[list[tuple[str, str]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Accept", "")))
        status, body, delay = self.routes.get(self.path, (404, b"not found", 0.0))
        time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout test)
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, tuple[int, bytes, float]], list[tuple[str, str]]]]:
    routes = {
        DOI_PATH: (200, json.dumps(FEENEY_CSL).encode(), 0.0),
        PMID_PATH: (200, json.dumps(FEENEY_PUBMED).encode(), 0.0),
        ISBN_PATH: (200, json.dumps(BOWLBY_OPENLIBRARY).encode(), 0.0),
    }
    handler = type("Handler", (_Handler,), {"routes": routes, "seen": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", routes, handler.seen
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "references").mkdir()
    (tmp_path / "references" / "library.bib").write_text(LIBRARY, encoding="utf-8")
    monkeypatch.delenv("CITEKB_API_BASE", raising=False)
    return tmp_path


def _add(kb: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["add", "--root", str(kb), *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def _bib(kb: Path) -> str:
    return (kb / "references" / "library.bib").read_text(encoding="utf-8")


FEENEY_BIB = """@article{feeney2007,
  author = {Feeney, Brooke C.},
  title = {The dependency paradox in close relationships: Accepting dependence promotes independence},
  journal = {Journal of Personality and Social Psychology},
  volume = {92},
  number = {2},
  pages = {268--285},
  year = {2007},
  doi = {10.1037/0022-3514.92.2.268}
}
"""


def test_add_by_doi_fetches_shows_and_appends(kb: Path, server: Any) -> None:
    base, _, seen = server
    code, out, err = _add(
        kb, "--doi", "https://doi.org/10.1037/0022-3514.92.2.268", "--api-base", base
    )
    assert code == 0, err
    assert out == FEENEY_BIB + "added feeney2007 to references/library.bib\n"
    assert seen == [(DOI_PATH, "application/vnd.citationstyles.csl+json")]
    bib = _bib(kb)
    assert bib.startswith(LIBRARY)
    assert "@article{feeney2007," in bib and "pages = {268--285}" in bib


def test_add_by_pmid_through_the_environment_variable(kb: Path, server: Any) -> None:
    base, _, seen = server
    code, out, err = _add(kb, "--pmid", "17279849", env={"CITEKB_API_BASE": base})
    assert code == 0, err
    assert seen == [(PMID_PATH, "application/json")]
    assert "author = {Feeney, B. C.}" in out
    assert "journal = {Journal of personality and social psychology}" in out
    assert "pages = {268--85}" in out
    assert "pmid = {17279849}" in out and "doi = {10.1037/0022-3514.92.2.268}" in out
    assert "@article{feeney2007," in _bib(kb)


def test_add_by_isbn(kb: Path, server: Any) -> None:
    base, _, _ = server
    code, out, err = _add(kb, "--isbn", "0-465-07691-2", "--api-base", base)
    assert code == 0, err
    assert out.splitlines()[:7] == [
        "@book{bowlby1973,",
        "  author = {Bowlby, John},",
        "  title = {Attachment and Loss, Vol. 2: Separation: Anxiety and Anger},",
        "  publisher = {Basic Books},",
        "  address = {New York},",
        "  year = {1973},",
        "  isbn = {0465076912}",
    ]


def test_a_taken_key_gets_a_letter(kb: Path, server: Any) -> None:
    base, _, _ = server
    bib = kb / "references" / "library.bib"
    bib.write_text(LIBRARY + "\n@misc{feeney2007, title = {Other}}\n", encoding="utf-8")
    code, out, err = _add(kb, "--doi", "10.1037/0022-3514.92.2.268", "--api-base", base)
    assert code == 0, err
    assert out.startswith("@article{feeney2007a,")


def test_a_work_already_in_the_library_is_refused(kb: Path, server: Any) -> None:
    base, _, _ = server
    assert _add(kb, "--doi", "10.1037/0022-3514.92.2.268", "--api-base", base)[0] == 0
    before = _bib(kb)
    code, _, err = _add(kb, "--pmid", "17279849", "--api-base", base)
    assert code == 1
    assert "error[duplicate-work]" in err and "share DOI 10.1037/0022-3514.92.2.268" in err
    assert "nothing was written" in err
    assert _bib(kb) == before


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (404, b"not found", "not found: {base}/10.1037/0022-3514.92.2.268 answered 404"),
        (503, b"busy", "{base}/10.1037/0022-3514.92.2.268 answered HTTP 503"),
        (
            200,
            b"<html>hello</html>",
            "the answer from {base}/10.1037/0022-3514.92.2.268 is not JSON",
        ),
        (200, b'{"type": "article-journal"}', "DOI {doi}: the response is not a CSL-JSON record"),
        (200, b"[1, 2]", "DOI {doi}: the response is not a CSL-JSON record with a title"),
    ],
)
def test_service_errors_write_nothing(
    kb: Path, server: Any, status: int, body: bytes, message: str
) -> None:
    base, routes, _ = server
    routes[DOI_PATH] = (status, body, 0.0)
    code, out, err = _add(kb, "--doi", "10.1037/0022-3514.92.2.268", "--api-base", base)
    assert code == 1
    assert f"error: {message.format(base=base, doi='10.1037/0022-3514.92.2.268')}" in err
    assert "hint: " in err and err.endswith("nothing was written\n")
    assert out == ""
    assert _bib(kb) == LIBRARY


def test_a_timeout_writes_nothing(kb: Path, server: Any) -> None:
    base, routes, _ = server
    routes[DOI_PATH] = (200, json.dumps(FEENEY_CSL).encode(), 2.0)
    args = ("--doi", "10.1037/0022-3514.92.2.268", "--api-base", base, "--timeout", "0.3")
    code, _, err = _add(kb, *args)
    assert code == 1
    assert f"error: no answer from {base.removeprefix('http://')} within 0.3 s" in err
    assert _bib(kb) == LIBRARY


def test_no_connection_writes_nothing(kb: Path) -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _, err = _add(kb, "--isbn", "0465076912", "--api-base", f"http://127.0.0.1:{port}")
    assert code == 1
    assert f"error: cannot reach 127.0.0.1:{port}" in err
    assert "hint: check the network connection" in err
    assert _bib(kb) == LIBRARY


def test_a_record_missing_required_fields_is_refused(kb: Path, server: Any) -> None:
    base, routes, _ = server
    routes[DOI_PATH] = (200, json.dumps({**FEENEY_CSL, "container-title": []}).encode(), 0.0)
    code, out, err = _add(kb, "--doi", "10.1037/0022-3514.92.2.268", "--api-base", base)
    assert code == 1
    assert "error[missing-field]" in err and "has no `journal` or `journaltitle`" in err
    assert out.startswith("@article{feeney2007,")  # shown, but not written
    assert _bib(kb) == LIBRARY


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--doi", "10.1037"), "'10.1037' is not a valid DOI"),
        (("--pmid", "PMC123"), "'PMC123' is not a valid PMID"),
        (("--isbn", "0-465-07691-3"), "'0-465-07691-3' is not a valid ISBN"),
        (("--doi", "10.1/x", "--pmid", "1"), "give one of --doi, --pmid and --isbn"),
        (("--doi", "10.1037/x", "--api-base", "ftp://127.0.0.1"), None),
    ],
)
def test_bad_requests_are_usage_errors_without_a_request(
    kb: Path, server: Any, args: tuple[str, ...], message: str | None
) -> None:
    _, _, seen = server
    code, _, err = _add(kb, *args)
    if message is None:
        assert code == 1 and "is not an http(s) URL" in err
    else:
        assert code == 2 and message in err
    assert seen == []
    assert _bib(kb) == LIBRARY


# -- the pure conversions ----------------------------------------------------------------


def test_csl_conversion_escapes_and_maps_types() -> None:
    item = {
        "type": "chapter",
        "title": "Care <i>&amp;</i> 100% of {it}",
        "container-title": ["Handbook of attachment"],
        "author": [{"family": "Ó Súilleabháin", "given": "Pádraig"}, {"literal": "WHO"}],
        "editor": [{"family": "Cassidy", "given": "Jude"}],
        "issued": {"date-parts": [["2016"]]},
        "page": "3–22",
        "publisher": "Guilford Press",
        "DOI": "10.1000/a_b",
    }
    assert from_csl(item, set()) == (
        "@incollection{osuilleabhain2016,\n"
        "  author = {Ó Súilleabháin, Pádraig and {WHO}},\n"
        "  editor = {Cassidy, Jude},\n"
        "  title = {Care \\& 100\\% of it},\n"
        "  booktitle = {Handbook of attachment},\n"
        "  year = {2016},\n"
        "  pages = {3--22},\n"
        "  publisher = {Guilford Press},\n"
        "  doi = {10.1000/a_b}\n"
        "}\n"
    )


def test_make_key() -> None:
    assert make_key("Holt-Lunstad", "2015", "x", set()) == "holtlunstad2015"
    assert make_key("", "", "The title", set()) == "the"
    assert make_key("", "", "", set()) == "work"
    taken = {"smith2015", *(f"smith2015{c}" for c in "abcdefghijklmnopqrstuvwxyz")}
    assert make_key("Smith", "2015", "", taken) == "smith2015aa"


def test_other_services_need_their_record() -> None:
    from citekb.sources.records import RecordError

    with pytest.raises(RecordError, match="no PubMed record 1"):
        from_pubmed(
            {"result": {"uids": [], "1": {"error": "cannot get document summary"}}}, "1", ()
        )
    with pytest.raises(RecordError, match="no book with ISBN 1"):
        from_openlibrary({}, "1", ())


def test_a_hostile_record_cannot_add_fields() -> None:
    item = {
        "type": "article-journal",
        "title": "T}, note = {x",
        "container-title": "J",
        "author": [{"family": "A}, x = {", "given": "B"}, {"literal": "C} and {D"}],
        "issued": {"date-parts": [[2020]]},
        "DOI": "10.1/x}, url = {javascript:alert(1)",
    }
    text = from_csl(item, set())
    assert text.count(" = {") == 5  # author, title, journal, year, doi
    assert text.startswith("@article{ax2020,\n")
    assert "  doi = {10.1/x,url=javascript:alert(1)}\n" in text
    assert "  title = {T, note = x}" in text
    assert "  author = {A, x = , B and {C and D}}" in text
