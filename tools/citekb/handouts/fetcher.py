"""What a handout may fetch and link (an I/O edge): files of the built site and docs, nothing else.

WeasyPrint fetches every ``src``, ``url()`` and ``<link rel="attachment">`` of a document, by
default from any ``file:`` path and any network address, and embeds the result in the PDF. A
handout page from a pull request could so publish ``/proc/self/environ`` or probe
``http://127.0.0.1``. :class:`SiteFetcher` serves only regular files inside the allowed folders
and small ``data:`` URIs; :func:`contain` then drops file attachments and every link that is not
``http(s)``, ``mailto:`` or within the document, before the PDF is written.
"""

from __future__ import annotations

import mimetypes
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from citekb.core.svgsafe import MAX_IMAGE_BYTES, image_problem
from citekb.project.paths import read_regular

if TYPE_CHECKING:
    from collections.abc import Iterable

#: Longest ``data:`` URI served (the QR code is a few kilobytes).
MAX_DATA_URI = 256 * 1024
#: Largest file served.
MAX_FILE = MAX_IMAGE_BYTES
#: Link targets a printed handout keeps.
LINK_SCHEMES = ("http", "https", "mailto")


class Refused(ValueError):
    """A resource a handout may not fetch; WeasyPrint logs it and leaves the resource out."""


class SiteFetcher(URLFetcher):  # type: ignore[misc]
    """A WeasyPrint URL fetcher that reads only files inside ``roots`` and small data URIs."""

    def __init__(self, roots: Iterable[Path]) -> None:
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False)
        self.roots = tuple(root.resolve() for root in roots)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            if len(url) > MAX_DATA_URI:
                raise Refused(f"data: URI of {len(url):,} characters (at most {MAX_DATA_URI:,})")
            answer = super().fetch(url, headers)  # decoded by urllib's DataHandler, no I/O
            try:
                body = answer.read()
            finally:
                answer.close()
            svg = "svg" in answer.content_type
            bounded(body, "data.svg" if svg else "", url[:60])
            return URLFetcherResponse(answer.url, body, answer.headers)
        if scheme == "file":
            path = self.allowed(Path(unquote(urlsplit(url).path)))
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            try:
                data = read_regular(path, MAX_FILE)
            except OSError as exc:
                raise Refused(f"{path}: {exc.strerror}") from None
            bounded(data, path.name, str(path))
            return URLFetcherResponse(url, data, {"Content-Type": mime})
        raise Refused(f"handouts fetch nothing over the network: {url[:100]}")

    def allowed(self, path: Path) -> Path:
        """``path`` resolved, if it is a regular file inside a root; else raise ``Refused``."""
        try:
            real = path.resolve(strict=True)
            info = real.stat()
        except (OSError, RuntimeError):
            raise Refused(f"no such file: {path}") from None
        if not any(real.is_relative_to(root) for root in self.roots):
            raise Refused(f"outside the site and docs: {path}")
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE:
            raise Refused(f"not a regular file of at most {MAX_FILE:,} bytes: {path}")
        return real


def bounded(data: bytes, name: str, shown: str) -> None:
    """Raise ``Refused`` for an image too costly to draw (:func:`~citekb.core.svgsafe.image_problem`)."""
    why = image_problem(data, name)
    if why:
        raise Refused(f"{shown}: {why}")


def safe_link(target: str) -> bool:
    """Whether a printed handout keeps a link to ``target``."""
    scheme = target.split(":", 1)[0].lower() if ":" in target else ""
    return scheme in LINK_SCHEMES


def contain(document: Any) -> Any:
    """Drop attachments and links to anything but the web, mail and the document itself."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [
            link
            for link in page.links
            if link[0] == "internal" or (link[0] == "external" and safe_link(str(link[1])))
        ]
    return document
