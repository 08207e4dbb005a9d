from __future__ import annotations

from citekb.checks.policy import apply_policy, inline_ignores
from citekb.core.config import Config
from citekb.core.diagnostics import Severity, diagnostic

PAGE = """\
# Title
A claim [@nope]. <!-- citekb: ignore unknown-key -->
<!-- citekb: ignore broken-link, unknown-key -->
Next line [@nope2] and [link](missing.md).
Not covered [@nope3].
"""


def test_inline_comments_cover_their_line_and_a_lone_comment_the_next() -> None:
    assert inline_ignores(PAGE) == {
        2: {"unknown-key"},
        3: {"broken-link", "unknown-key"},
        4: {"broken-link", "unknown-key"},
    }


def _found() -> list:
    return [
        diagnostic("unknown-key", "docs/a.md", 2, 10, "@nope is not in the library"),
        diagnostic("unknown-key", "docs/a.md", 4, 12, "@nope2 is not in the library"),
        diagnostic("broken-link", "docs/a.md", 4, 31, "link target 'missing.md' does not exist"),
        diagnostic("unknown-key", "docs/a.md", 5, 14, "@nope3 is not in the library"),
        diagnostic("unknown-key", "docs/drafts/b.md", 1, 1, "@x is not in the library"),
        diagnostic("unused-entry", "refs.bib", 7, 1, "k is never cited"),
    ]


def test_inline_global_and_per_path_silencing() -> None:
    config = Config(ignore=("unused-entry",), per_path_ignore={"docs/drafts/*": ("unknown-key",)})
    kept = apply_policy(_found(), config, {"docs/a.md": PAGE})
    assert [d.location for d in kept] == ["docs/a.md:5:14"]


def test_severity_override_and_sorting() -> None:
    config = Config(severity={"unused-entry": "error", "unknown-key": "warning"})
    kept = apply_policy(reversed(_found()), config, {})
    assert [d.location for d in kept][:2] == ["docs/a.md:2:10", "docs/a.md:4:12"]
    levels = {d.code: d.severity for d in kept}
    assert levels == {
        "unknown-key": Severity.WARNING,
        "broken-link": Severity.ERROR,
        "unused-entry": Severity.ERROR,
    }


def test_inline_ignores_count_lines_by_newline_only() -> None:
    text = "a\x0cb \x85 \u2028 c\n[@x] <!-- citekb: ignore unknown-key -->\n"
    assert inline_ignores(text) == {2: {"unknown-key"}}
