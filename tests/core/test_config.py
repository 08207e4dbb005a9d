from __future__ import annotations

import pytest

from citekb.core.config import Config, ConfigError, parse_config
from support import REPO

MATERIAL = """\
site_name: KB
site_url: https://kb.example.org/
docs_dir: pages
markdown_extensions:
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
extra:
  analytics: !ENV [ANALYTICS, none]
plugins:
  - search
  - citekb:
      bibliography: [references/*.bib, extra.bib]
      style: apa
      ignore: [unused-entry]
      per_path_ignore: {"docs/drafts/*": [unknown-key]}
      severity: {unused-entry: error}
"""


def test_reads_a_real_material_config_with_python_tags() -> None:
    config = parse_config(MATERIAL)
    assert config.bibliography == ("references/*.bib", "extra.bib")
    assert config.ignore == ("unused-entry",)
    assert config.per_path_ignore == {"docs/drafts/*": ("unknown-key",)}
    assert config.severity == {"unused-entry": "error"}
    assert config.docs_dir == "pages"
    assert config.site_url == "https://kb.example.org/"


@pytest.mark.parametrize(
    "plugins",
    ["plugins: [citekb]", "plugins:\n  - citekb", "plugins:\n  citekb: {}", "site_name: x"],
)
def test_defaults_when_the_entry_has_no_options(plugins: str) -> None:
    config = parse_config(plugins)
    assert config == Config(site_name=config.site_name)
    assert config.bibliography == ("references/*.bib",)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("bibliografy: [a.bib]", "unknown option 'bibliografy' (did you mean 'bibliography'?)"),
        ("ignore: 3", "plugins.citekb.ignore must be a list of strings, not int"),
        ("style: [apa]", "plugins.citekb.style must be a string, not a list"),
        (
            "ignore: [unused-entri]",
            "unknown diagnostic code 'unused-entri' (did you mean 'unused-entry'?)",
        ),
        ("per_path_ignore: [a]", "must map path globs to lists of codes"),
        ("severity: {unknown-key: fatal}", "severity.unknown-key must be error or warning"),
        ("crisis_lines: 988", "crisis_lines must be a list of {country, text} entries, not int"),
        (
            "crisis_lines: [{country: US}]",
            "crisis_lines[0] must be a mapping with a `country` and a `text` string",
        ),
        (
            "crisis_lines: [{country: US, text: ''}]",
            "crisis_lines[0] must be a mapping with a `country` and a `text` string",
        ),
    ],
)
def test_bad_options_are_config_errors_with_a_clear_message(options: str, message: str) -> None:
    text = "plugins:\n  - citekb:\n      " + options + "\n"
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert message in str(info.value)
    assert str(info.value).startswith("mkdocs.yml: ")


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(
        ConfigError, match=r"mkdocs\.yml:3:1: invalid YAML: .*cannot start any token"
    ):
        parse_config("site_name: x\nplugins:\n\t- citekb\n")


@pytest.mark.parametrize(
    ("plugins", "message"),
    [
        ("plugins: 3\n", "mkdocs.yml: `plugins` must be a list"),
        ("plugins:\n  - citekb: 3\n", "mkdocs.yml: plugins.citekb must be a mapping of options"),
    ],
)
def test_the_file_is_named_once(plugins: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(plugins)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "site_name: x\nplugins:\n  - citekb:\n      paper: 2026-13-45\n",
            "mkdocs.yml:4:14: invalid YAML: cannot read a value: month must be in 1..12",
        ),
        (
            "site_name: x\nnav: " + "[" * 3000 + "]" * 3000 + "\n",
            "mkdocs.yml:2:6: invalid YAML: nesting is too deep",
        ),
    ],
    ids=["bad-date", "deep-nesting"],
)
def test_yaml_that_raises_value_or_recursion_errors_is_a_config_error(
    text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert str(info.value) == message


def test_option_table_and_config_defaults_agree() -> None:
    from citekb.core.config import OPTIONS

    defaults = Config()
    for option in OPTIONS:
        value = getattr(defaults, option.name)
        expected = option.default
        if isinstance(expected, list):
            expected = tuple(expected)
        assert value == expected, option.name


def test_crisis_lines_by_country_and_the_old_single_line_still_works() -> None:
    text = (
        "plugins:\n  - citekb:\n      crisis_lines:\n"
        "        - {country: US, text: Call or text 988.}\n"
        "        - {country: UK, text: 'Samaritans, free on 116 123.'}\n"
    )
    config = parse_config(text)
    assert config.crisis_lines == (
        ("US", "Call or text 988."),
        ("UK", "Samaritans, free on 116 123."),
    )
    old = parse_config("plugins:\n  - citekb:\n      crisis_line: Call 112.\n")
    assert (old.crisis_line, old.crisis_lines) == ("Call 112.", ())


def test_this_project_lists_us_canada_and_uk_crisis_lines() -> None:

    root = REPO
    config = parse_config((root / "mkdocs.yml").read_text(encoding="utf-8"))
    lines = dict(config.crisis_lines)
    assert "988" in lines["US"]
    assert "9-8-8" in lines["Canada"]
    assert "Samaritans" in lines["UK"] and "116 123" in lines["UK"]
