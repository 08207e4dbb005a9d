"""The options of the ``citekb`` plugin entry, described once: as fields of a dataclass.

Each option is a field made with :func:`option`, whose metadata carry its group and its
documentation; its YAML kind follows from the field's annotation. :func:`options_of` reads the
fields into :class:`Option` rows, from which the YAML reader checks values
(:func:`check_kind`), the MkDocs plugin makes its option schema and the manual's table is
checked, group by group.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from citekb.core.diagnostics import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable

#: The option groups, in the order the manual and the plugin's schema list them: name and the
#: manual's heading.
GROUPS: tuple[tuple[str, str], ...] = (
    ("sources", "Sources"),
    ("policy", "Policy"),
    ("site", "Site"),
    ("handouts", "Handouts"),
)

#: A field's annotation (as written, under ``from __future__ import annotations``) → the kind of
#: YAML value it takes.
KINDS: dict[str, str] = {
    "bool": "bool",
    "int": "int",
    "float": "number",
    "str": "str",
    "str | None": "str?",
    "tuple[str, ...]": "list[str]",
    "Mapping[str, str]": "dict[str,str]",
    "Mapping[str, tuple[str, ...]]": "dict[str,list]",
    "tuple[tuple[str, str], ...]": "crisis",  # [{country, text}, …]
}


@dataclass(frozen=True)
class Option:
    """One documented option: its group, YAML kind (a value of :data:`KINDS`), default and
    meaning."""

    name: str
    kind: str
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    group: str = "sources"


def option(
    default: Any = MISSING,
    *,
    group: str,
    doc: str,
    choices: tuple[str, ...] = (),
    factory: Callable[[], Any] | None = None,
) -> Any:
    """A dataclass field that is an option of the plugin entry; its ``group`` (a name in
    :data:`GROUPS`), documentation and choices ride along as the field's metadata."""
    if group not in dict(GROUPS):
        raise ValueError(f"unknown option group {group!r}")
    meta = {"option": (group, doc, choices)}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def _default(f: Field[Any]) -> Any:
    """A field's default, made afresh when it has a factory."""
    if f.default_factory is not MISSING:
        return f.default_factory()
    return f.default


def options_of(cls: type) -> tuple[Option, ...]:
    """The fields of dataclass ``cls`` made with :func:`option`, group by group (in the order
    of :data:`GROUPS`), in field order within a group."""
    rows = [
        Option(f.name, KINDS[str(f.type)], _default(f), doc, choices, group)
        for f in fields(cls)
        if "option" in f.metadata
        for group, doc, choices in [f.metadata["option"]]
    ]
    order = [name for name, _ in GROUPS]
    return tuple(sorted(rows, key=lambda row: order.index(row.group)))


def check_kind(option: Option, value: Any) -> Any:
    """Return ``value`` in the option's canonical form, or raise ``ConfigError``."""
    where = f"plugins.citekb.{option.name}"
    kind = option.kind
    if kind == "str?" and value is None:
        return None
    if kind in {"str", "str?"}:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string, not {_type(value)}")
        if option.choices and value not in option.choices:
            raise ConfigError(f"{where} must be one of {', '.join(option.choices)}, not {value!r}")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {_type(value)}")
        return value
    if kind in {"int", "number"}:
        ok = (int,) if kind == "int" else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok):
            raise ConfigError(f"{where} must be a number, not {_type(value)}")
        return value
    if kind == "list[str]":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, not {_type(value)}")
        return tuple(value)
    if kind == "dict[str,str]":
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError(f"{where} must map strings to strings")
        return dict(value)
    if kind == "dict[str,list]":
        if not isinstance(value, dict):
            raise ConfigError(f"{where} must map path globs to lists of codes")
        out: dict[str, tuple[str, ...]] = {}
        for k, v in value.items():
            codes = [v] if isinstance(v, str) else v
            if not isinstance(k, str) or not isinstance(codes, list):
                raise ConfigError(f"{where} must map path globs to lists of codes")
            out[k] = tuple(str(c) for c in codes)
        return out
    if kind == "crisis":
        return _crisis_lines(where, value)
    raise AssertionError(f"unknown option kind {kind!r}")  # pragma: no cover - a bug in KINDS


def _crisis_lines(where: str, value: Any) -> tuple[tuple[str, str], ...]:
    """``[{country: US, text: "Call or text 988."}, …]`` -> ``(("US", "Call or text 988."), …)``."""
    if not isinstance(value, list):
        raise ConfigError(
            f"{where} must be a list of {{country, text}} entries, not {_type(value)}"
        )
    out = []
    for index, item in enumerate(value):
        if not (
            isinstance(item, dict)
            and set(item) == {"country", "text"}
            and all(isinstance(v, str) and v.strip() for v in item.values())
        ):
            raise ConfigError(
                f"{where}[{index}] must be a mapping with a `country` and a `text` string,"
                ' e.g. {country: US, text: "Call or text 988."}'
            )
        out.append((item["country"].strip(), item["text"].strip()))
    return tuple(out)


def _type(value: Any) -> str:
    return {str: "a string", list: "a list", dict: "a mapping", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
