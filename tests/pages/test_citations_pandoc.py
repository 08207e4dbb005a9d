"""pandoc as the oracle: citekb must find the same (key, mode) list as pandoc's markdown reader.

All cases go to one ``pandoc lua`` process, which parses each with ``pandoc.read(src, "markdown")``
and returns its JSON AST; the test walks the AST for ``Cite`` elements in document order.

Documented divergences (``DIVERGENT``, and manual/pandoc.md): citekb skips
cross-references (``@fig-x``), ``@`` inside bare URLs and e-mail addresses, front matter, and
does not know that emphasis can hide a ``]``.
Cases avoid pure block-structure differences between pandoc and CommonMark (a list or heading
right after a paragraph, Markdown inside ``<div>``), so each case puts blank lines around blocks.
"""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

import pypandoc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citekb.pages.citations import scan

if TYPE_CHECKING:
    from pathlib import Path

MODES = {"normal": "NormalCitation", "in-text": "AuthorInText", "suppress-author": "SuppressAuthor"}

# Every form from the "Citations" section of pandoc's manual.
MANUAL = [
    "Blah blah [see @doe99, pp. 33-35; also @smith04, chap. 1].",
    "Blah blah [@doe99, pp. 33-35, 38-39 and passim].",
    "Blah blah [@smith04; @doe99].",
    "Blah blah [@{https://example.com/bib?name=foobar&date=2000}, p.  33].",
    "Smith says blah [-@smith04].",
    "@smith04 says blah.",
    "@smith04 [p. 33] says blah.",
    "[@doe99, p. {iv, vi-xi, (xv)-(xvii)} with suffix here]",
    "[@smith{ii, A, D-Z}, with a suffix]",
    "[@smith, {pp. iv, vi-xi, (xv)-(xvii)} with a suffix]",
    "[@doe99, pp. 33-35, 38-39 and *passim*]",
    "[@doe99; @smith2000; @smith2004]",
    "Blah blah [@doe99, 33-35].",
    "Blah [@item1, p. 3; @item2, chap. 5 and following].",
]

# (id, markdown) — tricky cases of our own.
TRICKY = [
    ("email", "Write to me@example.com or a.b@c.org about @doe."),
    ("after-dot", "x.@doe and x,@doe and x_@doe and x-@doe"),
    ("autolink", "See <https://x.org/@a> and <me@x.org> but @b."),
    ("link-target", "A [link](https://x.org/@a) and [ref](<https://x.org/@b>) then @c."),
    ("link-text", "x [see @doe](http://x) y"),
    ("link-after-group", "x [@doe](http://x) y"),
    ("span-after-group", "x [@doe]{.c} y"),
    ("ref-after-group", "x [@doe][ref] y"),
    ("space-before-paren", "x [@doe] (http://x) y"),
    ("unclosed-paren", "x [@a](u y"),
    ("code-1", "Code `@a` and @b."),
    ("code-2", "Code ``@a ` @b`` and @c."),
    ("code-3", "Code ```x `` @a``` @b."),
    ("code-unclosed", "Tick ` then @a and @b"),
    ("code-adjacent", "`@a` @b``@c``"),
    ("code-in-group", "x [see `]` @a] y"),
    ("fenced", "Text @a.\n\n```\n@b [@c]\n```\n\nAfter @d."),
    ("fenced-tilde", "~~~ python\nprint('@a')\n~~~\n\n@b"),
    ("fenced-long", "````\n```\n@a\n```\n````\n\n@b"),
    ("indented", "Para @a.\n\n    @b [@c]\n\nAfter @d."),
    ("comment", "x <!-- @a [@b] --> @c"),
    ("comment-block", "<!--\n@a\n\n@b\n-->\n\n@c"),
    ("raw-html-tag", 'x <span title="@a">@b</span> y'),
    ("escaped-at", r"x \@a and \[@b] y"),
    ("escaped-bracket-in-suffix", r"x [@a, see \] here] y"),
    ("braced", "x @{foo{bar}} and @{a:b/c} and [@{x y}] z"),
    ("braced-empty", "x @{} y"),
    ("trailing-punct", "x @doe. @doe99, @a:b @a: @a::b @a-b- y"),
    ("key-punct", "x @a#b @a/b @a+b @a~b @a?b @a$b @a%b @a&b @a<b @a>b y"),
    ("url-key", "x @http://x.org/y y"),
    ("non-ascii", "x @été @日本 @_a @1a @a_ @Ⅻ @a² y"),
    ("combining", "x @e\u0301x y"),
    ("at-at", "x @a@b and @a.@b y"),
    ("intraword", "x a@b.c @x y"),
    ("nested-brackets", "x [@a, see [x] there] y"),
    ("nested-in-prefix", "x [see [x] @doe] y"),
    ("nested-cite", "x [see [@a] @b] y"),
    ("nested-two", "x [see [@a] and [@b]] y"),
    ("unbalanced-open", "x [[@a] y"),
    ("unbalanced-close", "x [@a]]] y"),
    ("unbalanced-inner", "x [see [ @doe] y"),
    ("link-in-suffix", "x [@a, see [link](u) there] y"),
    ("link-in-prefix", "x [see [link](u) @a] y"),
    ("prefix-semicolon", "x [a; @b] y"),
    ("suffix-semicolon", "x [@a, x; y] y"),
    ("empty-segment", "x [@a;; @b] y"),
    ("leading-semicolon", "x [;@a] y"),
    ("trailing-semicolon", "x [@a, p. 3;] y"),
    ("no-space-semicolon", "x [@a;@b] and [@c ;@d] y"),
    ("three", "x [@a; @b; @c] y"),
    ("in-suffix", "x [@a, see @b] y"),
    ("suppress-in-suffix", "x [@a, -@b] y"),
    ("suppress-forms", "--@a and ---@b and -@c and x -@d and [-@e] and [see -@f, p. 3]"),
    ("dash-prefix", "x [see-@doe] y"),
    ("email-in-prefix", "x [email me@x.com @a] y"),
    ("multi-line", "x [see\n@a, p. 3;\n@b] y"),
    ("multi-line-2", "x [\n@a\n;\n@b\n] y"),
    ("blank-line-breaks", "x [@a;\n\n@b] y"),
    ("locator-in-text", "x @a [p. 33] and @b[p. 3] and @c [p. 3](x) and @d\n[p. 4] y"),
    ("locator-then-more", "x @a [p. 3; @b] and @c [-@d] y"),
    ("locator-prefix", "x @a [p. 3 @b] y"),
    ("locator-bad", "x @a [p. 3; x] y"),
    ("locator-span", "x @a [p. 3]{.c} and @b [p. 3][x] y"),
    ("locator-footnote", "x @a [^x] y"),
    ("locator-caret-cite", "x @a [^@b] y"),
    ("locator-link", "x @a [@b](u) and @c [see @d]{.x} y"),
    ("tex-command", "x \\see@a and \\emph{@b} y"),
    ("label-then-at", "x see@a@b and p. 3@c@{d} y"),
    ("lone-bracket-paren", "x ](@b) y"),
    ("tick-retry", "x ``@a `@b` and ``[ @e. see\n[]`@c y"),
    ("cite-after-cite", "x @a@b @c:d@e y"),
    ("deep-nesting", "x [@a, see [@b, see [@c]]] y"),
    ("inline-note", "x ^[see @doe] and [^@e] y"),
    ("line-start", "@a starts\nand ends @b"),
    ("only-at", "x @ y @, @. @- @[ @"),
    ("heading", "# Title [@a]\n\nText.\n\n## Sub @b ##"),
    ("setext", "Title @a\n=====\n\nText @b."),
    ("list", "Intro.\n\n- item [@a]\n- item @b [p. 2]\n\n1. one [-@c]\n2. two"),
    ("nested-list", "Intro.\n\n- outer\n\n    - inner [@a; @b]\n\nend"),
    ("blockquote", "> quote [see @a;\n> @b, p. 4]\n\nafter"),
    ("blockquote-nested", "> > deep @a\n\nafter"),
    ("table", "| a | b |\n|---|---|\n| [@a] | @b [p. 1] |\n| `@c` | x |\n\nafter"),
    ("table-escaped-pipe", "| a | b |\n|---|---|\n| x \\| y [@a] | c @b |\n\nafter"),
    ("table-no-outer-pipes", "a | b\n--|--\n[@a] | @b\n\nafter"),
    ("emphasis", "x *@a* **@b** _@c_ y"),
    ("quotes", "x \"@a\" '@b' y"),
    ("entities", "x &amp;@a &@b y"),
    ("math", "x $a @b$ and @c and $5 and @d$6 y"),
    ("footnote", "Text[^1] more.\n\n[^1]: Note [@a].\n\nAfter @b."),
    ("reference-def", "[ref]: https://x.org/@a\n\nText @b."),
    ("paren", "x (@doe) and (see @a) y"),
    ("tabs", "x\t@a\t[p. 2] y"),
    ("crlf", "x [@a;\r\n@b] y\r\n\r\nz @c"),
]

# (id, markdown) — the forms of issue 11, where citekb once read something else than pandoc.
PANDOC3 = [
    ("tag-definition", "[@tag:smith]: doi:10.1/x\n\nText [@tag:smith]."),
    ("tag-definitions", "[@a]: doi:10.1/x\n[@b]: pmid:123\n\n[@c]\n[@d]: y"),
    ("tag-definition-forms", "[see @a]: x\n\n   [@b]:x\n\n[@c]: <http://x> 'title'"),
    ("tag-definition-nested", "- [@a]: x\n\n> [@b]: y\n\n1. x\n\n    [@c]: z"),
    ("reference-definition", "[a]: http://x\n\n[a] @b and [me@x.com]\n\n[me@x.com]: http://y"),
    ("url-key", "x @url:https://example.org/a/b.html y [@url:https://x.org/p?q=1&r=2]."),
    ("url-key-forms", "x @url:http://x.org/a.html. y @url:www.x.org z @a:https://y.org/@b"),
    ("url-key-braced", "x @{url:https://a.b/c d} and [@{https://a.b/c?d=1}] y"),
    ("identifier-keys", "@doi:10.1177/1745691614568352 and [@pmid:123; @isbn:978-0-465-07691-8]"),
    ("doi-parens", "[@doi:10.1000/xyz(abc)] and @doi:10.1/a.b_c-d;"),
    ("wildcard", "x [@*] y and @* z and [-@*] and [see @*, p. 3; @a]"),
    ("wildcard-keys", "x @*x and @a* and x@* and @** and @_a and @*:b y"),
    ("example-list", "(@good) An example.\n\nAs @good shows, and @bad."),
    ("example-unnamed", "(@) unnamed\n(@good) named\n\nSee (@good) and @good."),
    ("example-later", "@good shows\n\n(@good) x"),
    ("example-period", "@good. no\n\n@x) yes\n\n@good @x"),
    ("example-bracketed", "[@good] and [see @good, p. 3] and [-@good]\n\n(@good) x"),
    ("example-locator-later", "-@a and @a [p. 3] and @a [see @b]\n\n(@a) y"),
    ("example-locator-earlier", "(@a) y\n\n-@a and @a [p. 3] and @a [see @b]"),
    ("example-not-a-block", "Text.\n(@a) x\n\nPara\n\n> quote\n> (@b) x\n\n@a @b"),
    ("example-items", "(@a) x\ntext @c\n(@b) y\n\n1. y\n(@d) z\n\n@a @b @c @d"),
    (
        "example-nested",
        "1. (@a) x\n\n- (@b) x\n\n> (@c) x\n\n(@d) one\n    (@e) lazy\n\n@a @b @c @d @e",
    ),
    ("example-label-chars", "(@a-b_c) x\n\n(@é) y\n\n(@a:b) z\n\n@a-b_c @é @a:b @a"),
    (
        "example-spacing",
        "(@a)x\n\n(@b)  x\n\n(@c)\tx\n\n(@d)\n\nPara.\n\n    (@e) x\n\n@a @b @c @d @e",
    ),
    ("example-case", "(@A) x\n\n@a @A @{A}"),
    ("example-list-after-text", "As @a says.\n- (@a) in a list\n(@b) more\n\n@b"),
    ("example-list-after-example", "(@a) x\n- (@b) y\n\n@a @b"),
    ("example-run-in", "@a; @b. (@b) x\n\n(@a) y"),
]

# (id, markdown, pandoc's keys, citekb's keys) where citekb differs on purpose.
DIVERGENT = [
    ("xref-fig", "See @fig-plot and [@tbl:data; @doe].", ["fig-plot", "tbl:data", "doe"], ["doe"]),
    ("xref-eq-sec", "x @eq-1 [@sec:intro] y", ["eq-1", "sec:intro"], []),
    ("bare-url", "See https://example.com/@user and www.x.org/@b now.", ["user", "b"], []),
    ("email-odd", "Mail x_@doe.org or y-@doe.com", ["doe.org", "doe.com"], []),
    ("front-matter", "---\ntitle: '@a'\n---\n\nText @b.", ["a", "b"], ["b"]),
    ("example-continued", "(@a) x\n\n    (@b) more [@c]\n\n@b", ["c"], ["b"]),
    ("emphasis-bracket", "x [see *em] @a* @b] y", ["a", "b"], ["a", "b"]),
]

LUA = """
local out = {}
for _, src in ipairs(pandoc.json.decode(io.read("a"))) do
  table.insert(out, pandoc.write(pandoc.read(src, "markdown"), "json"))
end
io.write(pandoc.json.encode(out))
"""


def _walk(node: Any) -> list[tuple[str, str]]:
    """Citations in document order: a citation's prefix, itself, then its suffix."""
    out: list[tuple[str, str]] = []
    if isinstance(node, list):
        for item in node:
            out += _walk(item)
    elif isinstance(node, dict):
        if node.get("t") == "Cite":
            for c in node["c"][0]:
                out += _walk(c["citationPrefix"])
                out.append((c["citationId"], c["citationMode"]["t"]))
                out += _walk(c["citationSuffix"])
        else:
            out += _walk(list(node.values()))
    return out


@pytest.fixture(scope="module")
def pandoc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str]]]:
    """Every case's pandoc citations, from one pandoc process."""
    sources = [
        *MANUAL,
        *(src for _, src in TRICKY),
        *(src for _, src in PANDOC3),
        *(src for _, src, *_ in DIVERGENT),
    ]
    script: Path = tmp_path_factory.mktemp("pandoc") / "cites.lua"
    script.write_text(LUA, encoding="utf-8")
    run = subprocess.run(
        [pypandoc.get_pandoc_path(), "lua", str(script)],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    )
    return {
        src: _walk(json.loads(ast))
        for src, ast in zip(sources, json.loads(run.stdout), strict=True)
    }


def _ours(src: str, **kwargs: Any) -> list[tuple[str, str]]:
    return [(c.key, MODES[c.mode.value]) for c in scan(src, **kwargs)]


@pytest.mark.parametrize("src", MANUAL)
def test_manual_forms(src: str, pandoc: dict[str, list[tuple[str, str]]]) -> None:
    assert pandoc[src], "every manual example cites something"
    assert _ours(src) == pandoc[src]


@pytest.mark.parametrize(("name", "src"), TRICKY, ids=[name for name, _ in TRICKY])
def test_tricky(name: str, src: str, pandoc: dict[str, list[tuple[str, str]]]) -> None:
    assert _ours(src, xref_prefixes=()) == pandoc[src]


@pytest.mark.parametrize(("name", "src"), PANDOC3, ids=[name for name, _ in PANDOC3])
def test_pandoc3_forms(name: str, src: str, pandoc: dict[str, list[tuple[str, str]]]) -> None:
    assert _ours(src, xref_prefixes=()) == pandoc[src]


@pytest.mark.parametrize(
    ("name", "src", "theirs", "ours"), DIVERGENT, ids=[case[0] for case in DIVERGENT]
)
def test_divergent(
    name: str,
    src: str,
    theirs: list[str],
    ours: list[str],
    pandoc: dict[str, list[tuple[str, str]]],
) -> None:
    assert [key for key, _ in pandoc[src]] == theirs
    assert [c.key for c in scan(src)] == ours


def test_xref_prefixes_are_a_parameter(pandoc: dict[str, list[tuple[str, str]]]) -> None:
    src = DIVERGENT[0][1]
    assert _ours(src, xref_prefixes=()) == pandoc[src]
    assert [c.key for c in scan(src, xref_prefixes=("tbl",))] == ["fig-plot", "doe"]


# -- hypothesis: the new forms, mixed at random, read as pandoc reads them --------------------

_LABEL = st.sampled_from(["a", "b", "good", "x-1", "é_2"])
_URL = st.builds(
    "{}://{}/{}".format,
    st.sampled_from(["http", "https"]),
    st.sampled_from(["x.org", "a.b.c", "www.w3.org"]),
    st.sampled_from(["", "a", "a/b.html", "p?q=1&r=2", "a_b-c/", "x:y"]),
)
_KEYS = st.one_of(
    _LABEL,
    _URL.map("url:{}".format),
    st.sampled_from(["*", "*x", "doi:10.1/a.b", "pmid:123", "isbn:978-0-465-07691-8", "tag:s"]),
)
_PARAGRAPH = st.one_of(
    _LABEL.map("(@{}) an example".format),
    _LABEL.map("@{}. an example".format),
    st.builds("[@{}]: {}".format, _KEYS, st.sampled_from(["doi:10.1/x", "<http://x>", "", "x"])),
    _KEYS.map("As @{} says.".format),
    _KEYS.map("Text [see @{}, p. 3].".format),
    st.builds("[-@{}; @{}] and -@{}".format, _KEYS, _KEYS, _KEYS),
    st.builds("@{} [p. 3] then @{} [see @{}]".format, _KEYS, _KEYS, _KEYS),
    st.builds("{}\n{}".format, _LABEL.map("(@{}) one".format), _LABEL.map("(@{}) two".format)),
    _LABEL.map("- (@{}) in a list".format),
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(_PARAGRAPH, st.sampled_from(["\n", "\n\n"])).map("".join),
        min_size=1,
        max_size=6,
    ).map("".join)
)
def test_new_forms_agree_with_pandoc_at_random(src: str) -> None:
    """Blocks apart or on consecutive lines (where a list cannot interrupt pandoc's paragraph)."""
    ast = pypandoc.convert_text(src, "json", format="markdown")
    assert _ours(src, xref_prefixes=()) == _walk(json.loads(ast)["blocks"])
