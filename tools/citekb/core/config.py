"""citekb's configuration: the ``citekb`` entry of ``plugins:`` in ``mkdocs.yml``.

One file serves the site and the check. Parsing is pure (text in, ``Config`` out); an
unknown option or a wrong type raises ``ConfigError`` with a message a person can act on.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from citekb.core.configyaml import (
    ConfigError as ConfigError,
)
from citekb.core.configyaml import (
    EnvTag,
    load_config_yaml,
)
from citekb.core.diagnostics import CODES
from citekb.core.model import DEFAULT_XREF_PREFIXES
from citekb.core.nav import bibtex_options, nav_pages, plugin_lines
from citekb.core.options import Option, check_kind, option, options_of

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


#: Handout defaults for health content (``health: true``) when ``crisis_line`` and
#: ``disclaimer`` are not set: 988 in the US, local numbers elsewhere. Other knowledge bases
#: print neither unless the options are set.
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


@dataclass(frozen=True)
class Config:
    """Options from the plugin entry plus what citekb needs from the rest of mkdocs.yml."""

    enabled: bool = option(
        True, group="site", doc="Whether the MkDocs plugin runs (`citekb check` always checks)."
    )
    bibliography: tuple[str, ...] = option(
        ("references/*.bib",), group="sources", doc="Glob patterns of BibTeX files."
    )
    style: str = option("apa", group="site", doc="`apa` or a path to a `.csl` file.")
    evidence: str | None = option(DEFAULT_EVIDENCE, group="sources", doc="Evidence records (YAML).")
    ignore: tuple[str, ...] = option(
        (), group="policy", doc="Diagnostic codes silenced everywhere."
    )
    per_path_ignore: Mapping[str, tuple[str, ...]] = option(
        factory=dict, group="policy", doc="Glob of paths → codes silenced there."
    )
    severity: Mapping[str, str] = option(
        factory=dict, group="policy", doc="Code → `error` or `warning`, overriding defaults."
    )
    check_uncited: bool = option(
        False,
        group="policy",
        doc="Check every library entry, cited or not, and report `unused-entry` (a curated"
        " library); off: findings on entries no page cites only count in the summary.",
    )
    xref_prefixes: tuple[str, ...] = option(
        DEFAULT_XREF_PREFIXES, group="sources", doc="Cross-reference prefixes."
    )
    cache_dir: str | None = option(
        ".citekb-cache",
        group="site",
        doc="Folder for formatted references (site build); null turns the cache off.",
    )
    bibliography_page: str | None = option(
        "bibliography.md",
        group="site",
        doc="Page (docs-relative) listing every cited work; generated when missing; null: none.",
    )
    health: bool = option(
        False,
        group="site",
        doc="Health content: schema.org `MedicalWebPage` (else `WebPage`), and the default"
        " disclaimer and crisis line on handouts.",
    )
    paper: str = option(
        "a4",
        group="handouts",
        doc="Handout paper size: `a4` or `letter`.",
        choices=("a4", "letter"),
    )
    crisis_line: str | None = option(
        None,
        group="handouts",
        doc="Crisis-line text printed on every handout; null: 988 in the US and the local"
        " emergency number elsewhere when `health` is true, none otherwise.",
    )  # None: CRISIS_LINE for health content, else none
    crisis_lines: tuple[tuple[str, str], ...] = option(
        (),
        group="handouts",
        doc="Crisis lines by country (`{country, text}` each), printed on page 1 of every handout"
        " instead of `crisis_line`.",
    )  # (country, text); empty: crisis_line
    disclaimer: str | None = option(
        None,
        group="handouts",
        doc='The short note printed on every handout; null: "not medical advice" when `health`'
        " is true, none otherwise.",
    )  # None: DISCLAIMER for health content, else none
    causal_verbs: tuple[str, ...] = option(
        (),
        group="policy",
        doc="Phrases that claim cause and effect, added to citekb's own (`causal-language`).",
    )
    certainty_words: tuple[str, ...] = option(
        (),
        group="policy",
        doc="Words that claim certainty, added to citekb's own (`certainty-words`).",
    )
    reading_level: float = option(
        8, group="handouts", doc="Highest Flesch-Kincaid grade for handout prose."
    )
    field_order: tuple[str, ...] = option(
        (), group="sources", doc="`citekb fmt` field order (default: author, title…)."
    )  # empty: bibfmt.DEFAULT_ORDER
    proper_nouns: tuple[str, ...] = option(
        (),
        group="policy",
        doc="Words `case-lost` treats as proper nouns when APA sentence case lower-cases them.",
    )
    review_months: int = option(
        36, group="policy", doc="Months from `reviewed` to the next review due."
    )
    verification_labels: Mapping[str, str] = option(
        factory=lambda: dict(VERIFICATION_LABELS),
        group="site",
        doc="Evidence status → the words shown beside each reference.",
    )
    search_references: bool = option(
        False,
        group="site",
        doc='Index each page\'s reference list, downloads and "Cite this page" block in the site'
        " search (by default Material's `data-search-exclude` keeps them out; the bibliography"
        " page is always indexed).",
    )
    engine: str | None = option(
        None,
        group="site",
        doc="Site engine of `citekb build`/`serve`; null: the first installed.",
        choices=("mkdocs", "properdocs", "zensical"),
    )  # None: the first installed of mkdocs, properdocs, zensical
    docs_dir: str = "docs"
    site_name: str = ""
    site_url: str = ""
    nav: tuple[tuple[str, int, int], ...] = ()  # pages named in ``nav:``, line and column
    #: Each leftover mkdocs-bibtex ``bibtex`` entry of ``plugins:``: line, column, and the
    #: citekb options that replace its own (``bibliography: [refs.bib], style: x.csl``).
    bibtex_plugin: tuple[tuple[int, int, str], ...] = ()
    site_author: str = ""
    env: tuple[EnvTag, ...] = ()  # `!ENV` tags in mkdocs.yml and the files it inherits

    @property
    def handout_disclaimer(self) -> str:
        """The note printed on every handout ("" for none)."""
        if self.disclaimer is not None:
            return self.disclaimer
        return DISCLAIMER if self.health else ""

    @property
    def handout_crisis_line(self) -> str:
        """The single crisis line printed when ``crisis_lines`` is empty ("" for none)."""
        if self.crisis_line is not None:
            return self.crisis_line
        return CRISIS_LINE if self.health else ""


#: Every option of the ``citekb`` plugin entry, group by group: the ``Config`` fields made with
#: :func:`~citekb.core.options.option`.
OPTIONS: tuple[Option, ...] = options_of(Config)


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


#: Codes that guard the build itself: no ``ignore``, ``per_path_ignore`` or ``severity`` may
#: silence or lower them (the build leaves out what they refuse only while they are errors).
GUARD_CODES = frozenset({"outside-project"})


def _check_codes(options: Mapping[str, Any], known: Callable[[str], bool]) -> None:
    named = [("ignore", code) for code in options.get("ignore", ())]
    for glob, codes in dict(options.get("per_path_ignore", {})).items():
        named.extend((f"per_path_ignore[{glob!r}]", code) for code in codes)
    named.extend(("severity", code) for code in dict(options.get("severity", {})))
    for where, code in named:
        if not known(code):
            raise ConfigError(
                f"plugins.citekb: unknown diagnostic code {code!r}{_did_you_mean(code)}"
            )
        if code in GUARD_CODES:
            raise ConfigError(
                f"plugins.citekb.{where}: {code} cannot be ignored or lowered: it keeps files"
                " outside the project out of the check, the site and the handouts"
                f" (hint: remove {code} from `{where.split('[')[0]}`, and remove the link"
                " or device it reports)"
            )
    for code, level in dict(options.get("severity", {})).items():
        if level not in {"error", "warning"}:
            raise ConfigError(f"plugins.citekb.severity.{code} must be error or warning")


def _no_nul(where: str, value: Any) -> None:
    """Refuse a NUL character anywhere in an option's value: no file name can hold one."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ConfigError(f"{where} holds a NUL character; remove it")
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(where, key)
            _no_nul(f"{where}.{key}", item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _no_nul(where, item)


def _did_you_mean(word: str, choices: Any = None) -> str:
    if choices is None:
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
        values[option.name] = check_kind(option, value)
        _no_nul(f"plugins.citekb.{option.name}", values[option.name])
    for name, value in site.items():
        _no_nul(name, value)
    _check_review_options(values)

    _check_codes(values, CODES.__contains__)
    known = {f.name for f in fields(Config)}
    values.update({k: v for k, v in site.items() if k in known and v is not None})
    return Config(**values)


def parse_config(
    text: str,
    name: str = "mkdocs.yml",
    read: Callable[[str, str], tuple[str, str]] | None = None,
) -> Config:
    """Read a whole ``mkdocs.yml`` text into a ``Config``.

    ``read(target, including_file)`` returns the text and the reported name of a file that
    ``INHERIT:`` names (it raises ``ConfigError`` when the file may not be read); each
    inherited file is guarded as the top-level one is, and merged under it as MkDocs does.
    Without ``read``, an ``INHERIT:`` key is refused.
    """
    data, envs = _load_inherited(text, name, read, 0)
    data = data or {}
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
    config = replace(config, env=envs) if envs else config
    if "nav" in data:
        config = replace(config, nav=nav_pages(text))
    if "bibtex" in text and "plugins" in data:
        options = bibtex_options(data)
        at = tuple(
            (line, col, options) for name, line, col in plugin_lines(text) if name == "bibtex"
        )
        config = replace(config, bibtex_plugin=at)
    return config


#: How many files deep ``INHERIT:`` may chain (a loop ends here too).
MAX_INHERIT = 10


def _load_inherited(
    text: str, name: str, read: Callable[[str, str], tuple[str, str]] | None, depth: int
) -> tuple[Any, tuple[EnvTag, ...]]:
    data, envs = load_config_yaml(text, name)
    if not isinstance(data, dict) or "INHERIT" not in data:
        return data, envs
    target = data.pop("INHERIT")
    if not isinstance(target, str) or not target or "\x00" in target:
        raise ConfigError(f"{name}: INHERIT must name a YAML file in the project")
    if read is None:
        raise ConfigError(f"{name}: INHERIT {target!r} cannot be followed here")
    if depth >= MAX_INHERIT:
        raise ConfigError(f"{name}: INHERIT chains more than {MAX_INHERIT} files (a loop?)")
    parent_text, parent_name = read(target, name)
    parent, parent_envs = _load_inherited(parent_text, parent_name, read, depth + 1)
    if not isinstance(parent, dict):
        raise ConfigError(f"{parent_name}: expected a mapping at the top level")
    return _merged(parent, data), parent_envs + envs


def _merged(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``parent`` as MkDocs merges ``INHERIT``: mappings deeply, all else replaced."""
    out = dict(parent)
    for key, value in child.items():
        old = out.get(key)
        out[key] = (
            _merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return out


def _str(value: Any, default: str) -> str:
    return value if isinstance(value, str) else default
