"""HTTP requests with one deadline each, and no redirect off their host.

``urllib``'s ``timeout`` bounds each socket operation, not the request: a server that sends a
byte every half second holds it open for as long as it likes. And ``urlopen`` follows redirects
to any host, and to ``ftp://``. Here a watchdog shuts the connection down when the deadline
passes, whatever the request is doing (connecting, sending, reading headers or body), and a
redirect is followed only to the same host, or to a host the caller names, over https (or over
http from an http address, such as a local test server).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

__all__ = ["Answer", "HttpError", "Timeout", "request"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class HttpError(Exception):
    """No usable answer; ``status`` is the HTTP status, or 0 when none came."""

    def __init__(self, message: str, status: int = 0, reason: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


class Timeout(HttpError):
    """The deadline passed before the whole answer came."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A final answer: its status, reason phrase and body (at most ``limit + 1`` bytes)."""

    status: int
    reason: str
    body: bytes
    location: str = ""


def request(
    url: str,
    *,
    timeout: float,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    limit: int = 20_000_000,
    hosts: Collection[str] = (),
    redirects: int = 5,
) -> Answer:
    """``method url``, done within ``timeout`` seconds in all, redirects included.

    A status of 400 or more raises :class:`HttpError`. Up to ``redirects`` redirects are
    followed to the same host or to ``hosts``; with ``redirects=0`` a 3xx answer is returned.
    """
    deadline = time.monotonic() + timeout
    for _ in range(redirects + 1):
        answer = _once(url, method, dict(headers or {}), deadline, timeout, limit)
        if answer.status >= 400:
            raise HttpError(f"HTTP {answer.status} {answer.reason}", answer.status, answer.reason)
        if answer.status not in _REDIRECTS or not answer.location or redirects == 0:
            return answer
        target = urljoin(url, answer.location)
        why = refused_redirect(url, target, hosts)
        if why:
            raise HttpError(f"refused a redirect to {target}: {why}", answer.status)
        url = target
    raise HttpError(f"more than {redirects} redirects")


def refused_redirect(origin: str, target: str, hosts: Collection[str] = ()) -> str:
    """Why a redirect from ``origin`` to ``target`` is not followed, or ``""``."""
    old, new = urlsplit(origin), urlsplit(target)
    if new.scheme not in {"https", old.scheme} or new.scheme not in {"http", "https"}:
        return f"a {new.scheme or 'relative'}: address (only https, or http from http)"
    same = (new.hostname, new.port) == (old.hostname, old.port)
    if not same and new.hostname not in hosts:
        return "another host"
    return ""


def _once(
    url: str, method: str, headers: dict[str, str], deadline: float, timeout: float, limit: int
) -> Answer:
    import http.client  # heavy (ssl, email): only the commands that go online need it

    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise HttpError(f"not an http(s) address: {url}")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Timeout(f"no answer within {timeout:g} s")
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = kind(parts.hostname, parts.port, timeout=remaining)
    expired = threading.Event()
    opened: list[socket.socket] = []  # the response may outlive conn.sock: keep it here

    def cut() -> None:  # wakes a read blocked in another thread
        expired.set()
        for sock in opened or ([conn.sock] if conn.sock is not None else []):
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    watchdog = threading.Timer(remaining, cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.connect()
        opened.append(conn.sock)
        if expired.is_set():
            raise TimeoutError
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn.request(method, target, headers=headers)
        response = conn.getresponse()
        body = b"" if method == "HEAD" else response.read(limit + 1)
        answer = Answer(response.status, response.reason, body, response.getheader("Location", ""))
    except (OSError, http.client.HTTPException) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise Timeout(f"no answer within {timeout:g} s") from None
        raise HttpError(f"cannot connect: {exc}") from None
    finally:
        watchdog.cancel()
        conn.close()
    if expired.is_set():  # the shutdown may end a read early without an error
        raise Timeout(f"no answer within {timeout:g} s")
    return answer
