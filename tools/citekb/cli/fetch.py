"""Fetch a record by DOI, PMID or ISBN for ``citekb add`` (the only network I/O; opt-in).

Services: doi.org content negotiation (CSL-JSON), NCBI E-utilities ``esummary`` and Open
Library's books API. ``--api-base`` or ``CITEKB_API_BASE`` replaces the service's base URL (a
mirror, or a local server in tests). Every failure is a :class:`FetchError` with a hint.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from citekb.checks.fields import isbn_valid
from citekb.cli.net import HttpError, Timeout, request
from citekb.sources.records import RecordError, from_csl, from_openlibrary, from_pubmed

if TYPE_CHECKING:
    from collections.abc import Collection

#: The environment variable that replaces every service's base URL.
API_BASE_ENV = "CITEKB_API_BASE"
BASES = {
    "doi": "https://doi.org",
    "pmid": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
    "isbn": "https://openlibrary.org",
}
_LABEL = {"doi": "DOI", "pmid": "PMID", "isbn": "ISBN"}
_MAX_BYTES = 5_000_000
_DOI = re.compile(r"10\.\d{4,9}/\S+")
# Where doi.org's content negotiation redirects: the registration agencies' services.
_AGENCIES = frozenset(
    {"api.crossref.org", "data.crossref.org", "data.datacite.org", "api.datacite.org"}
    | {"data.medra.org", "data.jalc.org"}
)


class FetchError(Exception):
    """Nothing usable came back; ``hint`` says what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def identifier(kind: str, raw: str) -> str | None:
    """The identifier as the service wants it, or None when it is malformed."""
    value = raw.strip()
    if kind == "doi":
        value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
        return value if _DOI.fullmatch(value) else None
    if kind == "pmid":
        return value if value.isdigit() and len(value) <= 9 else None
    digits = re.sub(r"[-\s]", "", value).upper()
    if not re.fullmatch(r"\d{9}[\dX]|\d{13}", digits):
        return None

    return digits if isbn_valid(digits) else None


def service_request(kind: str, value: str, base: str) -> urllib.request.Request:
    """The GET request for ``value`` at the service (or ``base``)."""
    base = base.rstrip("/")
    if kind == "doi":
        url = f"{base}/{urllib.parse.quote(value, safe='/:;()')}"
        accept = "application/vnd.citationstyles.csl+json"
    elif kind == "pmid":
        query = urllib.parse.urlencode({"db": "pubmed", "id": value, "retmode": "json"})
        url, accept = f"{base}/esummary.fcgi?{query}", "application/json"
    else:
        query = urllib.parse.urlencode(
            {"bibkeys": f"ISBN:{value}", "format": "json", "jscmd": "data"}
        )
        url, accept = f"{base}/api/books?{query}", "application/json"
    from importlib.metadata import version

    agent = f"citekb/{version('citekb')} (citekb add)"
    return urllib.request.Request(url, headers={"Accept": accept, "User-Agent": agent})


def fetch_json(req: urllib.request.Request, timeout: float) -> Any:
    """The decoded JSON answer; a timeout, no connection, an HTTP error or non-JSON raise.

    ``timeout`` bounds the whole request; a redirect is followed only on the same host, or
    from doi.org to a registration agency's content negotiation service.
    """

    host = urllib.parse.urlsplit(req.full_url).netloc
    try:
        answer = request(
            req.full_url,
            timeout=timeout,
            headers=dict(req.header_items()),
            limit=_MAX_BYTES,
            hosts=_AGENCIES if host == "doi.org" else (),
        )
    except Timeout:
        raise _timeout(host, timeout) from None
    except HttpError as exc:
        if exc.status == 404:
            raise FetchError(
                f"not found: {req.full_url} answered 404", "check the identifier"
            ) from None
        if exc.status and not str(exc).startswith("refused"):
            raise FetchError(
                f"{req.full_url} answered HTTP {exc.status} {exc.reason}", "try again later"
            ) from None
        raise FetchError(
            f"cannot reach {host}: {exc}",
            f"check the network connection, or point --api-base (or {API_BASE_ENV}) at a"
            " service you can reach",
        ) from None
    data = answer.body
    if len(data) > _MAX_BYTES:
        raise FetchError(f"the answer from {host} is larger than 5 MB", "check --api-base")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FetchError(
            f"the answer from {req.full_url} is not JSON", "check --api-base, or try again later"
        ) from None


def _timeout(host: str, timeout: float) -> FetchError:
    return FetchError(
        f"no answer from {host} within {timeout:g} s", "try again, or raise --timeout"
    )


def fetch_entry(
    kind: str, raw: str, *, base: str | None, timeout: float, taken: Collection[str]
) -> str:
    """Fetch the record for ``raw`` (a DOI, PMID or ISBN) and return it as a BibTeX entry."""

    value = identifier(kind, raw)
    if value is None:
        raise FetchError(f"{raw!r} is not a valid {_LABEL[kind]}", _EXAMPLES[kind])
    base = base or BASES[kind]
    if urllib.parse.urlsplit(base).scheme not in {"http", "https"} or "://" not in base:
        raise FetchError(f"--api-base {base!r} is not an http(s) URL", "e.g. https://doi.org")
    data = fetch_json(service_request(kind, value, base), timeout)
    try:
        if kind == "doi":
            return from_csl(data, taken)
        if kind == "pmid":
            return from_pubmed(data, value, taken)
        return from_openlibrary(data, value, taken)
    except RecordError as exc:
        raise FetchError(f"{_LABEL[kind]} {value}: {exc}", "check the identifier") from None


_EXAMPLES = {
    "doi": "a DOI looks like 10.1177/1745691614568352",
    "pmid": "a PMID is a number, e.g. 17279849",
    "isbn": "an ISBN has 10 or 13 digits and a valid check digit, e.g. 978-0-465-07691-8",
}
