"""citekb's configuration: the ``citekb`` entry of ``plugins:`` in ``mkdocs.yml``.

One file serves the site and the check. Parsing is pure (text in, ``Config`` out); an
unknown option or a wrong type raises ``ConfigError`` with a message a person can act on.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

import yaml

from citekb.core.model import DEFAULT_XREF_PREFIXES
from citekb.core.nav import nav_pages
from citekb.core.safeyaml import (
    NAME_TAG,
    PYTHON_TAGS,
    RefusedTag,
    TooLarge,
    check_expansion,
    check_tags,
    may_alias,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


class ConfigError(Exception):
    """The configuration cannot be used; the CLI exits 2 with this message."""


@dataclass(frozen=True)
class Option:
    """One documented option: its YAML type, default and meaning."""

    name: str
    kind: str  # str, str?, int, number, bool, list[str], dict[str,str], dict[str,list], crisis
    default: Any
    doc: str
    choices: tuple[str, ...] = ()


#: Handout defaults (``crisis_line``, ``disclaimer``): 988 in the US, local numbers elsewhere.
CRISIS_LINE = (
    "In a crisis in the US, call or text 988. Elsewhere, call your local emergency number."
)
DISCLAIMER = "This handout is information, not medical advice. It does not replace care."
#: Evidence status → the words shown beside each reference (``verification_labels``).
VERIFICATION_LABELS: dict[str, str] = {
    "V-primary": "Verified against the source",
    "V-secondary": "Verified second-hand",
    "unverified": "Not verified",
}

DEFAULT_EVIDENCE = "references/evidence.yaml"

#: Every option of the ``citekb`` plugin entry, in documentation order.
OPTIONS: tuple[Option, ...] = (
    Option(
        "enabled", "bool", True, "Whether the MkDocs plugin runs (`citekb check` always checks)."
    ),
    Option("bibliography", "list[str]", ("references/*.bib",), "Glob patterns of BibTeX files."),
    Option("style", "str", "apa", "`apa` or a path to a `.csl` file."),
    Option("evidence", "str?", DEFAULT_EVIDENCE, "Evidence records (YAML)."),
    Option("ignore", "list[str]", (), "Diagnostic codes silenced everywhere."),
    Option("per_path_ignore", "dict[str,list]", {}, "Glob of paths → codes silenced there."),
    Option("severity", "dict[str,str]", {}, "Code → `error` or `warning`, overriding defaults."),
    Option("xref_prefixes", "list[str]", DEFAULT_XREF_PREFIXES, "Cross-reference prefixes."),
    Option(
        "cache_dir",
        "str?",
        ".citekb-cache",
        "Folder for formatted references (site build); null turns the cache off.",
    ),
    Option(
        "bibliography_page",
        "str?",
        "bibliography.md",
        "Page (docs-relative) listing every cited work; generated when missing; null: none.",
    ),
    Option("paper", "str", "letter", "Handout paper size: `letter` or `a4`.", ("letter", "a4")),
    Option("crisis_line", "str", CRISIS_LINE, "Crisis-line text printed on every handout."),
    Option(
        "crisis_lines",
        "crisis",
        (),
        "Crisis lines by country (`{country, text}` each), printed on page 1 of every handout"
        " instead of `crisis_line`.",
    ),
    Option("disclaimer", "str", DISCLAIMER, "The short note printed on every handout."),
    Option("reading_level", "number", 8, "Highest Flesch-Kincaid grade for handout prose."),
    Option("field_order", "list[str]", (), "`citekb fmt` field order (default: author, title…)."),
    Option(
        "proper_nouns",
        "list[str]",
        (),
        "Words `case-lost` treats as proper nouns when APA sentence case lower-cases them.",
    ),
    Option("review_months", "int", 36, "Months from `reviewed` to the next review due."),
    Option(
        "verification_labels",
        "dict[str,str]",
        VERIFICATION_LABELS,
        "Evidence status → the words shown beside each reference.",
    ),
    Option(
        "engine",
        "str?",
        None,
        "Site engine of `citekb build`/`serve`; null: the first installed.",
        ("mkdocs", "properdocs", "zensical"),
    ),
)


@dataclass(frozen=True)
class Config:
    """Options from the plugin entry plus what citekb needs from the rest of mkdocs.yml."""

    enabled: bool = True
    bibliography: tuple[str, ...] = ("references/*.bib",)
    style: str = "apa"
    evidence: str | None = DEFAULT_EVIDENCE
    ignore: tuple[str, ...] = ()
    per_path_ignore: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    severity: Mapping[str, str] = field(default_factory=dict)
    xref_prefixes: tuple[str, ...] = DEFAULT_XREF_PREFIXES
    cache_dir: str | None = ".citekb-cache"
    bibliography_page: str | None = "bibliography.md"
    paper: str = "letter"
    crisis_line: str = CRISIS_LINE
    crisis_lines: tuple[tuple[str, str], ...] = ()  # (country, text); empty: crisis_line
    disclaimer: str = DISCLAIMER
    reading_level: float = 8
    field_order: tuple[str, ...] = ()  # empty: bibfmt.DEFAULT_ORDER
    proper_nouns: tuple[str, ...] = ()  # title words flagged by case-lost when lower-cased
    review_months: int = 36
    verification_labels: Mapping[str, str] = field(
        default_factory=lambda: dict(VERIFICATION_LABELS)
    )
    engine: str | None = None  # None: the first installed of mkdocs, properdocs, zensical
    docs_dir: str = "docs"
    site_name: str = ""
    site_url: str = ""
    nav: tuple[tuple[str, int, int], ...] = ()  # pages named in ``nav:``, line and column
    site_author: str = ""


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads MkDocs tags (``!!python/name:``, ``!ENV``…) as inert values."""


def _inert(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    if node.tag.startswith(PYTHON_TAGS) and not node.tag.startswith(NAME_TAG):
        raise RefusedTag(node.tag, node.start_mark)  # check_tags found it first; kept as a guard
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _inert)
_TolerantLoader.add_multi_constructor("!", _inert)


def load_yaml(text: str, name: str = "mkdocs.yml") -> Any:
    """Parse YAML that may carry MkDocs' custom tags; any failure becomes ``ConfigError``.

    A ``!!python/`` tag other than ``!!python/name:``, or aliases that expand past a bound,
    are refused (see :mod:`citekb.core.safeyaml`): MkDocs would run or explode on them.
    """
    loader = _TolerantLoader(text)
    try:
        node = loader.get_single_node()
        check_tags(node)
        if may_alias(text):
            check_expansion(node)
        return None if node is None else loader.construct_document(node)
    except RefusedTag as exc:
        line, column = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark else (1, 1)
        raise ConfigError(
            f"{name}:{line}:{column}: refused tag {exc.shown}: MkDocs would build a Python "
            "object from it, which can run any code; only !!python/name: tags are allowed "
            "(hint: remove the tag, and never build a pull request that adds one)"
        ) from None
    except TooLarge as exc:
        line, column = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark else (1, 1)
        raise ConfigError(
            f"{name}:{line}:{column}: invalid YAML: {exc} "
            "(hint: write the values out instead of nesting aliases)"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    except (ValueError, RecursionError) as exc:
        line, column, problem = yaml_failure(text, exc)
        raise ConfigError(f"{name}:{line}:{column}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()


def yaml_failure(text: str, exc: ValueError | RecursionError) -> tuple[int, int, str]:
    """Where (1-based line and column in ``text``) and why PyYAML failed outside its own errors.

    PyYAML raises ``ValueError`` for a value it matched but cannot build (``2026-13-45`` is
    read as a date) and ``RecursionError`` for very deep nesting; neither carries a mark.
    """
    if isinstance(exc, RecursionError):
        line, column = deep_nesting(text) or (1, 1)
        return line, column, "nesting is too deep"
    mark = _unbuildable_scalar(text)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return line, column, f"cannot read a value: {exc}"


def _unbuildable_scalar(text: str) -> yaml.Mark | None:
    """The mark of the first plain value the safe loader cannot build, if any."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    builder = yaml.SafeLoader("")
    stack = [node] if node is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                builder.construct_object(node)
            except ValueError:
                return node.start_mark
            except yaml.YAMLError:  # a custom tag: not a value problem
                continue
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
    return None


def deep_nesting(text: str, limit: int = 100) -> tuple[int, int] | None:
    """Line and column of the bracket that opens a run nested ``limit`` deep, if any.

    libyaml's loader crashes the interpreter on nesting some 50,000 deep, so callers that
    use it check this first; no real file nests a hundred deep.
    """
    depth, start = 0, 0
    for offset, char in enumerate(text):
        if char in "[{":
            if depth == 0:
                start = offset
            depth += 1
            if depth >= limit:
                line = text.count("\n", 0, start) + 1
                return line, start - (text.rfind("\n", 0, start) + 1) + 1
        elif char in "]}" and depth:
            depth -= 1
    return None


def plugin_options(mkdocs: Mapping[str, Any]) -> dict[str, Any]:
    """The options under the ``citekb`` entry of ``plugins:`` (empty when it has none).

    Messages name no file: ``parse_config`` adds it.
    """
    plugins = mkdocs.get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{k: v} for k, v in plugins.items()]
    if not isinstance(plugins, list):
        raise ConfigError("`plugins` must be a list")
    for item in plugins:
        if item == "citekb":
            return {}
        if isinstance(item, dict) and "citekb" in item:
            options = item["citekb"] or {}
            if not isinstance(options, dict):
                raise ConfigError("plugins.citekb must be a mapping of options")
            return options
    return {}


def _check_kind(option: Option, value: Any) -> Any:
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
    raise AssertionError(f"unknown option kind {kind!r}")  # pragma: no cover - a bug in OPTIONS


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


def _check_codes(options: Mapping[str, Any], known: Callable[[str], bool]) -> None:
    named = list(options.get("ignore", ()))
    for codes in dict(options.get("per_path_ignore", {})).values():
        named.extend(codes)
    named.extend(dict(options.get("severity", {})))
    for code in named:
        if not known(code):
            raise ConfigError(
                f"plugins.citekb: unknown diagnostic code {code!r}{_did_you_mean(code)}"
            )
    for code, level in dict(options.get("severity", {})).items():
        if level not in {"error", "warning"}:
            raise ConfigError(f"plugins.citekb.severity.{code} must be error or warning")


def _did_you_mean(word: str, choices: Any = None) -> str:
    if choices is None:
        from citekb.core.diagnostics import CODES

        choices = CODES
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_review_options(values: dict[str, Any]) -> None:
    """``review_months`` is positive; ``verification_labels`` names known statuses and is
    merged over the default labels."""
    months = values.get("review_months", 36)
    if months < 1 or months > 1200:
        raise ConfigError("plugins.citekb.review_months must be a whole number from 1 to 1200")
    if "verification_labels" in values:
        labels = values["verification_labels"]
        for status, text in labels.items():
            if status not in VERIFICATION_LABELS:
                known = ", ".join(VERIFICATION_LABELS)
                raise ConfigError(
                    f"plugins.citekb.verification_labels: unknown status {status!r}"
                    f"{_did_you_mean(status, VERIFICATION_LABELS)} (use {known})"
                )
            if not text.strip():
                raise ConfigError(f"plugins.citekb.verification_labels.{status} is empty")
        values["verification_labels"] = {**VERIFICATION_LABELS, **labels}


def parse_options(options: Mapping[str, Any], **site: str) -> Config:
    """Validate plugin options into a ``Config``; ``site`` carries docs_dir, site_url…"""
    by_name = {o.name: o for o in OPTIONS}
    values: dict[str, Any] = {}
    for name, value in options.items():
        option = by_name.get(str(name))
        if option is None:
            raise ConfigError(
                f"plugins.citekb: unknown option {name!r}{_did_you_mean(str(name), by_name)}"
            )
        values[option.name] = _check_kind(option, value)
    _check_review_options(values)
    from citekb.core.diagnostics import CODES

    _check_codes(values, CODES.__contains__)
    known = {f.name for f in fields(Config)}
    values.update({k: v for k, v in site.items() if k in known and v is not None})
    return Config(**values)


def parse_config(text: str, name: str = "mkdocs.yml") -> Config:
    """Read a whole ``mkdocs.yml`` text into a ``Config``."""
    data = load_yaml(text, name) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected a mapping at the top level")
    try:
        config = parse_options(
            plugin_options(data),
            docs_dir=_str(data.get("docs_dir"), "docs"),
            site_url=_str(data.get("site_url"), ""),
            site_name=_str(data.get("site_name"), ""),
            site_author=_str(data.get("site_author"), ""),
        )
    except ConfigError as exc:
        raise ConfigError(f"{name}: {exc}") from None
    return replace(config, nav=nav_pages(text)) if "nav" in data else config


def _str(value: Any, default: str) -> str:
    return value if isinstance(value, str) else default
