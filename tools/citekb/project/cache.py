"""Cached state as typed JSON: data that cannot run code, checked against a schema on load.

A cache folder may come from anyone (a pull request can commit one, ``cache_dir`` can point
anywhere), so nothing in it is unpickled. A state is written as JSON: a frozen dataclass as the
list of its fields, enums as their values, tuples and sets as lists. Loading reads the JSON and
rebuilds the value from the type it must have (``tuple[list[Diagnostic], int]``, the plugin's
state), checking every field's type on the way; it constructs only the dataclasses and enums
named by that type, and only through their constructors. Anything else (bad JSON, nesting too
deep, another version or key, a wrong shape) makes the cache count as missing, so it is rebuilt.

Keys are digests of the inputs' contents, never of their modification times (a restored
tarball or CI cache keeps times but not contents). Every cache file is sealed with an HMAC under
a key that lives outside the project (:func:`machine_key`): a file planted in the repository,
whose cache key an attacker can compute, is not accepted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import hmac
import json
import os
import stat
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citekb.project.atomic import write_atomic

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    Decoder = Callable[[Any], Any]

#: Bumped when a cached state changes shape; a file of another version is ignored.
FORMAT = "citekb-cache-4"
#: Largest cache file read (bytes); a bigger one is ignored as damaged.
MAX_BYTES = 1 << 30

_DATE, _DATETIME, _PAIRS = "\0date", "\0datetime", "\0pairs"


class Unfit(ValueError):
    """A cached value does not have the shape its type requires."""


def encode(value: Any) -> Any:
    """``value`` as JSON-ready data (raises ``TypeError`` for what has no JSON form)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [encode(getattr(value, name)) for name in _init_fields(type(value))]
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((encode(v) for v in value), key=repr)
    if isinstance(value, Mapping):
        if all(isinstance(k, str) for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {_PAIRS: [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    raise TypeError(f"no JSON form for {type(value).__name__}")


def decode_state(data: Any, kind: Any) -> Any:
    """Rebuild a value of type ``kind`` from :func:`encode`'s output; ``Unfit`` if it is not one."""
    try:
        return _decoder(kind)(data)
    except (TypeError, ValueError, KeyError, IndexError, NameError, RecursionError) as exc:
        raise Unfit(str(exc)) from None


def load_state(path: Path | None, key: str, kind: Any) -> Any:
    """The state of type ``kind`` saved under ``key``, or None (missing, stale, unfit, or not
    sealed by this machine)."""
    text = read_sealed(path)
    if text is None:
        return None
    try:
        saved = json.loads(text)
    except (ValueError, RecursionError):  # a damaged cache is only a slower run
        return None
    if not isinstance(saved, dict) or saved.get("format") != FORMAT or saved.get("key") != key:
        return None
    try:
        return decode_state(saved.get("state"), kind)
    except Unfit:
        return None


def save_state(path: Path | None, key: str, state: Any, *, sweep: bool = True) -> None:
    """Write ``state`` under ``key``; a state without a JSON form or a failed write is skipped
    (``sweep``: as for :func:`write_sealed`)."""
    if path is None:
        return
    try:
        data = {"format": FORMAT, "key": key, "state": encode(state)}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return
    write_sealed(path, text, sweep=sweep)


def read_sealed(path: Path | None) -> str | None:
    """The text of a cache file that :func:`write_sealed` wrote on this machine; None when it is
    missing, too large, not a regular file, or its seal does not match (planted, copied from
    another machine or damaged)."""
    if path is None:
        return None
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    seal, _, body = data.partition(b"\n")
    if not hmac.compare_digest(seal, _seal(body)):
        return None
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def write_sealed(path: Path, text: str, *, sweep: bool = True) -> None:
    """Write ``text`` atomically behind a seal (an HMAC under this machine's cache key); a
    failed write is skipped: read-only checkouts still work, just without a warm cache.

    Not synced to disk: a file torn by a crash fails its seal, and is only a slower run.
    Without ``sweep``, temporary files left by killed processes are left to the caller (the
    page cache removes every file it does not use after each load)."""
    body = text.encode("utf-8")
    try:
        write_atomic(path, _seal(body) + b"\n" + body, durable=False, sweep=sweep)
    except OSError:
        return


def _seal(body: bytes) -> bytes:
    return hmac.new(machine_key(), body, hashlib.sha256).hexdigest().encode()


@cache
def machine_key() -> bytes:
    """The secret that seals cache files: 32 random bytes kept outside every project, in
    ``$XDG_CACHE_HOME/citekb/cache-key`` (``~/.cache``), made on first use. A repository can
    read none of it, so it can plant no cache file that citekb accepts. Where that file cannot
    be kept, a key for this process alone: nothing cached is reused, which is only slower."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "citekb" / "cache-key"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(32).hex().encode())
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            key = handle.read(65)
    except (OSError, RuntimeError):
        return os.urandom(32)
    return key if len(key) == 64 else os.urandom(32)


@cache
def _init_fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


#: Modules whose classes cached states are made of (their annotations name each other).
_STATE_MODULES = (
    "citekb.core.diagnostics",
    "citekb.core.model",
    "citekb.pages.page",
    "citekb.pages.statistics",
    "citekb.render.richtext",
    "citekb.render.style",
    "citekb.sources.evidence",
    "citekb.sources.notices",
)


@cache
def _namespace() -> dict[str, Any]:
    """Names the dataclasses' annotations use but import only for type checking: every class
    (and type alias) of the modules that cached states are made of."""
    from importlib import import_module

    names: dict[str, Any] = {"Any": Any, "Mapping": Mapping, "Sequence": Sequence}
    for name in _STATE_MODULES:
        for attr, value in vars(import_module(name)).items():
            if isinstance(value, type) or attr in {"Node", "Rich"}:
                names.setdefault(attr, value)
    return names


def _hints(cls: type) -> dict[str, Any]:
    module = vars(sys.modules[cls.__module__])
    try:
        return typing.get_type_hints(cls, {**module, "Any": Any, "Mapping": Mapping})
    except NameError:
        return typing.get_type_hints(cls, {**module, **_namespace()})


_DECODERS: dict[Any, Decoder] = {}


def _decoder(kind: Any) -> Decoder:
    """The decoder of one type, built once (recursive types through a forwarding slot)."""
    found = _DECODERS.get(kind)
    if found is not None:
        return found
    slot: list[Decoder] = []
    _DECODERS[kind] = lambda data: slot[0](data)
    built = _build(kind)
    slot.append(built)
    _DECODERS[kind] = built
    return built


def _plain(kind: type) -> Decoder:
    def check(data: Any) -> Any:
        if type(data) is not kind:
            raise Unfit(f"expected {kind.__name__}, not {type(data).__name__}")
        return data

    return check


def _number(data: Any) -> float:
    if type(data) not in (int, float):
        raise Unfit(f"expected a number, not {type(data).__name__}")
    return float(data)


def _none(data: Any) -> None:
    if data is not None:
        raise Unfit("expected null")


def _list(data: Any) -> list[Any]:
    if type(data) is not list:
        raise Unfit(f"expected a list, not {type(data).__name__}")
    return data


def _build(kind: Any) -> Decoder:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is Any:
        return _any
    if kind in (str, int, bool):
        return _plain(kind)
    if kind is float:
        return _number
    if kind is None or kind is type(None):
        return _none
    if origin in (typing.Union, types.UnionType):
        return _union([_decoder(a) for a in args])
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            if args[0] in (str, int, bool):
                return lambda data: tuple(_all_plain(_list(data), args[0]))
            item = _decoder(args[0])
            return lambda data: tuple(item(v) for v in _list(data))
        items = [_decoder(a) for a in args]
        return lambda data: tuple(
            f(v) for f, v in zip(items, _fixed(data, len(items)), strict=True)
        )
    if origin in (list, Sequence):
        if args[0] in (str, int, bool):
            return lambda data: _all_plain(_list(data), args[0])
        item = _decoder(args[0])
        return lambda data: [item(v) for v in _list(data)]
    if origin in (frozenset, set):
        item = _decoder(args[0])
        return lambda data: origin(item(v) for v in _list(data))
    if origin in (dict, Mapping):
        if args[1] is Any:  # YAML data: keys need not be strings (restored by _any)
            return lambda data: _any(_dict(data))
        if args[1] in (str, int, bool):  # JSON's keys are strings: check the values only
            return lambda data: _all_plain(_dict(data), args[1], data.values())
        value = _decoder(args[1])
        return lambda data: {k: value(v) for k, v in _dict(data).items()}
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return lambda data: kind(data)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind)
    raise TypeError(f"no decoder for {kind!r}")


def _all_plain(data: Any, kind: type, values: Iterable[Any] | None = None) -> Any:
    """``data`` when each of its ``values`` (default: its items) is exactly of ``kind``: a
    fast path for lists and objects of strings or numbers, with no decoder called per value."""
    for value in data if values is None else values:
        if type(value) is not kind:
            raise Unfit(f"expected {kind.__name__}, not {type(value).__name__}")
    return data


def _fixed(data: Any, size: int) -> list[Any]:
    if len(_list(data)) != size:
        raise Unfit(f"expected {size} items, not {len(data)}")
    return typing.cast("list[Any]", data)


def _dict(data: Any) -> dict[str, Any]:
    if type(data) is not dict:
        raise Unfit(f"expected an object, not {type(data).__name__}")
    return data


def _union(options: list[Decoder]) -> Decoder:
    nullable = _none in options

    def pick(data: Any) -> Any:
        if data is None and nullable:
            return None
        for option in options:
            try:
                return option(data)
            except (Unfit, TypeError, ValueError):
                continue
        raise Unfit("no type of the union fits")

    return pick


def _dataclass(cls: type) -> Decoder:
    hints = _hints(cls)
    names = _init_fields(cls)
    parts = [_decoder(hints[name]) for name in names]

    def build(data: Any) -> Any:
        return cls(*(f(v) for f, v in zip(parts, _fixed(data, len(parts)), strict=True)))

    return build


def _any(data: Any) -> Any:
    """Plain JSON, with the dates and non-string keys of YAML front matter restored."""
    if type(data) is list:
        return [_any(v) for v in data]
    if type(data) is dict:
        if len(data) == 1:
            ((tag, value),) = data.items()
            if tag == _DATE:
                return dt.date.fromisoformat(value)
            if tag == _DATETIME:
                return dt.datetime.fromisoformat(value)
            if tag == _PAIRS:
                return {_any(k): _any(v) for k, v in _list(value)}
        return {k: _any(v) for k, v in data.items()}
    return data


@cache
def code_digest() -> str:
    """A digest of citekb's own code and styles: an upgrade or a local edit must not reuse
    results an older citekb cached."""
    package = Path(__file__).parent.parent
    digest = hashlib.sha256(FORMAT.encode())
    add_contents(digest, sorted([*package.rglob("*.py"), *package.glob("styles/*.csl")]))
    return digest.hexdigest()


#: Content hashes taken in this process, by file identity and change time, so that a second
#: digest of the same inputs (the check's, then the build's) reads no file again. Kept in
#: memory only: the change time moves on any write and cannot be set back by a user.
_HASHED: dict[tuple[int, int, int, int, int], str] = {}


def add_contents(digest: Any, paths: Iterable[Path], shown: Callable[[Path], str] = str) -> None:
    """Feed each regular file's name (as ``shown`` gives it) and a hash of its content to
    ``digest``, so that any edit changes it, whatever its modification time says; a folder
    counts by its name, a file that cannot be read (or is larger than a cache may key) by its
    name and a marker."""
    for path in paths:
        name = shown(path)
        try:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                digest.update(f"{name}\0dir\n".encode())
                continue
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                raise OSError
            ident = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            content = _HASHED.get(ident)
            if content is None:
                with path.open("rb") as handle:
                    content = hashlib.file_digest(handle, "sha256").hexdigest()
                if len(_HASHED) > 100_000:
                    _HASHED.clear()
                _HASHED[ident] = content
        except OSError:
            digest.update(f"{name}\0unreadable\n".encode())
            continue
        digest.update(f"{name}\0{content}\n".encode())


def cache_folder(root: Path, cache_dir: str | None) -> Path | None:
    """The cache folder ``cache_dir`` names, if it lies inside the project once links are
    followed; None otherwise (no cache), so a configuration cannot make citekb write
    elsewhere."""
    if not cache_dir:
        return None
    folder = (root / cache_dir).resolve()
    return folder if folder.is_relative_to(root.resolve()) else None
