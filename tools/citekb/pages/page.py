"""Read one Markdown page: front matter, headings with their anchors, links and citations."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import yaml
from yaml.constructor import SafeConstructor

from citekb.core.configyaml import deep_nesting, reader_failure, yaml_failure
from citekb.core.diagnostics import Code, Diagnostic, diagnostic
from citekb.core.safeyaml import TooLarge, check_expansion, may_alias
from citekb.pages.blocks import block_tokens
from citekb.pages.braced import spaced_keys
from citekb.pages.citations import DEFAULT_XREF_PREFIXES, scan_clusters
from citekb.pages.claims import cited_blocks
from citekb.pages.limits import page_limit
from citekb.pages.statistics import _prose, cited_statistics

_OFFSET = attrgetter("offset")

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from citekb.core.model import Citation, Cluster
    from citekb.pages.statistics import Statistic

_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:^|\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S
)
# Text in which markdown-it's inline rules find nothing: words of letters and digits, with
# spaces and punctuation that is neither markup nor an entity or escape between them.
_PLAIN_TEXT = re.compile(r"[^\W_]+(?:[ ,.'\"()?/;]+[^\W_]+)*[.?]?")
_ID_IN_ATTRS = re.compile(r"#([\w.:-]++)")
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present
# A "key: plain text" line: ASCII, no character that YAML reads as syntax in a block mapping
# (":", "#", quotes or brackets at the start), no spaces to trim but the trailing ones.
_PLAIN_CHARS = r"A-Za-z0-9_.,;'()!?/&+\-"
_PLAIN_FIELD = re.compile(
    rf"([A-Za-z][\w-]{{0,99}}): +([A-Za-z](?:[{_PLAIN_CHARS} ]*[{_PLAIN_CHARS}])?) *", re.A
)
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
# "\bid", written so that the engine can skip to each literal "id" quickly.
_HTML_ID = re.compile(r"""id(?<!\wid)\s*=\s*["']([^"']+)["']""")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    anchor: str
    line: int


@dataclass(frozen=True, slots=True)
class Link:
    target: str
    line: int
    column: int


@dataclass(frozen=True)
class Page:
    """A parsed page. ``path`` is as reported (e.g. ``docs/a.md``); ``name`` is docs-relative."""

    path: str
    name: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    headings: tuple[Heading, ...] = ()
    links: tuple[Link, ...] = ()
    citations: tuple[Citation, ...] = ()
    anchors: frozenset[str] = frozenset()
    statistics: tuple[tuple[Statistic, tuple[str, ...]], ...] = ()  # with their sentence's keys
    clusters: tuple[Cluster, ...] = ()  # the citations as rendered together, in source order
    #: prose blocks that cite: (start, prose, split, ((offset, key), …)); see pages.claims
    cited: tuple[tuple[int, str, bool, tuple[tuple[int, str], ...]], ...] = ()

    @property
    def is_handout(self) -> bool:
        """Front matter says ``handout: true``: the page becomes a printable PDF."""
        return self.meta.get("handout") is True

    @property
    def title(self) -> str:
        """The front-matter title, else the first heading, else the file name."""
        title = self.meta.get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
        for heading in self.headings:
            if heading.level == 1:
                return heading.text
        return self.name.rsplit("/", 1)[-1].removesuffix(".md")


def slugify(text: str, separator: str = "-") -> str:
    """Python-Markdown's ``toc`` slug: ASCII, lower-case, punctuation dropped."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = _SLUG_DROP.sub("", value).strip().lower()
    return _slug_runs(separator).sub(separator, value)


_SLUG_DROP = re.compile(r"[^\w\s-]")


@cache
def _slug_runs(separator: str) -> re.Pattern[str]:
    return re.compile(rf"[{separator}\s]+")


def split_front_matter(text: str) -> tuple[str | None, int]:
    """Return the front-matter YAML (or None) and the 1-based line where it starts."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, 0
    return match.group(1), 2


def parse_front_matter(text: str, path: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Parse and validate front matter against the page schema."""
    source, first = split_front_matter(text)
    if source is None:
        return {}, []
    try:
        data = _plain_fields(source)
        if data is None:
            if deep_nesting(source):
                raise RecursionError  # before libyaml, which would crash on it
            if may_alias(source):
                check_expansion(yaml.compose(source, Loader=_SAFE_LOADER))
            data = yaml.load(source, Loader=_SAFE_LOADER) or {}
    except TooLarge as exc:
        line, col = (first + exc.mark.line, exc.mark.column + 1) if exc.mark else (1, 1)
        message = f"front matter is too large: {exc}"
        hint = "write the values out instead of nesting YAML aliases"
        return {}, [diagnostic(Code.BAD_FRONTMATTER, path, line, col, message, hint)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (first + mark.line, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        if isinstance(exc, yaml.reader.ReaderError):  # a NUL or another control character
            line, col, problem = reader_failure(source, exc)
            line += first - 1
        return {}, [
            diagnostic(
                Code.BAD_FRONTMATTER,
                path,
                line,
                col,
                f"front matter is not valid YAML: {problem}",
                "fix the YAML between the two `---` lines",
            )
        ]
    except (ValueError, RecursionError) as exc:
        line, col, problem = yaml_failure(source, exc)
        return {}, [
            diagnostic(
                Code.BAD_FRONTMATTER,
                path,
                first + line - 1,
                col,
                f"front matter is not valid YAML: {problem}",
                "nest lists and mappings less deeply"
                if isinstance(exc, RecursionError)
                else "fix the value (dates are YYYY-MM-DD), or quote it to keep it as text",
            )
        ]
    if not isinstance(data, dict):
        return {}, [
            diagnostic(
                Code.BAD_FRONTMATTER,
                path,
                first,
                1,
                "front matter must be a mapping of fields",
                "write `key: value` lines, e.g. `title: My page`",
            )
        ]
    return data, _schema_problems(data, source, first, path)


@cache
def _resolver() -> Any:
    return _SAFE_LOADER("")


def _plain_fields(source: str) -> dict[str, Any] | None:
    """``key: plain text`` lines as the YAML loader reads them, without YAML; else None.

    Keys and values are plain scalars, so the loader's own resolver tells whether each is a
    string (``on`` and ``null`` are not); a loader whose path resolvers or constructors were
    changed is left to read everything itself.
    """
    loader = _resolver()
    if (
        loader.yaml_path_resolvers
        or loader.yaml_constructors.get(_STR_TAG) is not SafeConstructor.construct_yaml_str
        or loader.yaml_constructors.get(_MAP_TAG) is not SafeConstructor.construct_yaml_map
    ):
        return None
    data: dict[str, Any] = {}
    for line in source.split("\n"):
        match = _PLAIN_FIELD.fullmatch(line)
        if match is None:
            return None
        key, value = match.groups()
        for scalar in (key, value):
            if loader.resolve(yaml.ScalarNode, scalar, (True, False)) != _STR_TAG:
                return None
        data[key] = value
    return data


#: Front-matter fields that MkDocs themes write into the page as raw HTML.
THEME_FIELDS = ("title", "description")
#: The start of a tag, comment or processing instruction.
MARKUP = re.compile(r"<[A-Za-z/!?][^<>]{0,20}")


def _field_line(source: str, first: int, key: str) -> int:
    match = re.search(rf"^{re.escape(key)}\s*:", source, re.M)
    return first + source.count("\n", 0, match.start()) if match else first


def _schema_problems(data: dict[str, Any], source: str, first: int, path: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def bad(key: str, message: str, hint: str) -> None:
        out.append(
            diagnostic(
                Code.BAD_FRONTMATTER, path, _field_line(source, first, key), 1, message, hint
            )
        )

    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        bad("title", "front matter needs a `title` string", "add `title: Page title`")
    for name in THEME_FIELDS:
        if isinstance(data.get(name), str) and (markup := MARKUP.search(data[name])):
            bad(
                name,
                f"`{name}` holds HTML markup ({markup.group()!r}…): themes write it into the"
                " page's <title> and header without escaping it",
                f"write `{name}` as plain text, without `<` before a letter, `/`, `!` or `?`",
            )
    if "summary" in data and not isinstance(data["summary"], str):
        bad("summary", "`summary` must be a string", "write one sentence: `summary: …`")
    tags = data.get("tags")
    if "tags" in data and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        bad("tags", "`tags` must be a list of strings", "write `tags: [loneliness, health]`")
    if "handout" in data and not isinstance(data["handout"], bool):
        bad("handout", "`handout` must be true or false", "write `handout: true`")
    if "version" in data and (
        isinstance(data["version"], bool) or not isinstance(data["version"], str | int | float)
    ):
        bad("version", '`version` must be a string such as "1.2"', 'write `version: "1.2"`')
    pages = data.get("pages")
    if "pages" in data and (isinstance(pages, bool) or pages not in (1, 2)):
        bad("pages", f"`pages` must be 1 or 2, not {pages!r}", "write `pages: 1` for one sheet")
    for name in ("reviewed", "next_review"):
        if name in data and not _is_iso_date(data[name]):
            bad(
                name,
                f"`{name}` must be an ISO date, not {data[name]!r}",
                f"write the date as YYYY-MM-DD, e.g. `{name}: 2026-11-22`",
            )
    by = data.get("reviewed_by")
    if "reviewed_by" in data and not (
        (isinstance(by, str) and by.strip())
        or (isinstance(by, list) and by and all(isinstance(n, str) and n.strip() for n in by))
    ):
        bad(
            "reviewed_by",
            "`reviewed_by` must be a name or a list of names",
            "write `reviewed_by: Dr Jane Doe` or `reviewed_by: [Jane Doe, John Roe]`",
        )
    return out


def _is_iso_date(value: object) -> bool:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return True
    if isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    return False


_PARSER: MarkdownIt | None = None


def markdown_parser() -> MarkdownIt:
    """A CommonMark parser with front matter and tables, built once."""
    global _PARSER
    if _PARSER is None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.front_matter import front_matter_plugin

        _PARSER = MarkdownIt("commonmark").use(front_matter_plugin).enable("table")
    return _PARSER


def outline(
    text: str, tokens: Sequence[Token] | None = None, env: dict[str, Any] | None = None
) -> tuple[tuple[Heading, ...], tuple[Link, ...]]:
    """Headings (with toc-style unique anchors) and link targets, located in the source.

    ``tokens`` and ``env`` are a block-level parse (``citations.block_tokens``); only the
    blocks that hold a heading or a link are parsed further.
    """
    if tokens is None:
        env = {}
        tokens = block_tokens(text, env)
    env = env or {}
    lines: list[str] = []
    headings: list[Heading] = []
    links: list[Link] = []
    used: set[str] = set()
    tried: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token.type != "inline" or token.map is None:
            continue
        heading = i > 0 and tokens[i - 1].type == "heading_open"
        content = token.content
        if heading and _PLAIN_TEXT.fullmatch(content):
            children: Sequence[Token] = ()
            raw = content  # what markdown-it reads: one text token, as written
        elif not heading and not ("](" in content or ("]" in content and env.get("references"))):
            continue
        else:
            children = markdown_parser().parseInline(content, dict(env))[0].children or []
            raw = "".join(c.content for c in children if c.type in {"text", "code_inline"})
        if heading:
            custom = attr_list(content)
            title = raw[: at[0]] if (at := attr_list(raw)) else raw
            anchor = custom[1] if custom else _unique(slugify(title), used, tried)
            used.add(anchor)
            level = int(tokens[i - 1].tag[1:])
            headings.append(Heading(level, title.strip(), anchor, token.map[0] + 1))
        for child in children:
            if child.type in {"link_open", "image"}:
                target = str(child.attrGet("href") or child.attrGet("src") or "")
                lines = lines or text.split("\n")
                links.append(_locate(target, lines, token.map))
    return tuple(headings), tuple(links)


def _unique(anchor: str, used: set[str], tried: dict[str, int]) -> str:
    """``anchor``, or ``anchor_n`` with the least free ``n`` (as toc does); ``tried`` holds
    the last ``n`` taken for each anchor, so that many equal headings cost linear time."""
    if anchor not in used:
        return anchor
    n = tried.get(anchor, 1)
    while f"{anchor}_{n}" in used:
        n += 1
    tried[anchor] = n
    return f"{anchor}_{n}"


def attr_list(content: str) -> tuple[int, str] | None:
    """Where a heading's trailing ``{… #id …}`` starts (with the spaces before it), and the id.

    The same as ``re.search(r"\\s*\\{[^}]*#([\\w.:-]+)[^}]*\\}\\s*$", content)``, whose
    backtracking is cubic in a heading of spaces, ``{`` and ``#``: the last id wins.
    """
    body = content.rstrip()
    if not body.endswith("}"):
        return None
    close = len(body) - 1
    start = body.find("{", body.rfind("}", 0, close) + 1, close)
    if start < 0:
        return None
    found = None
    for found in _ID_IN_ATTRS.finditer(body, start + 1, close):  # noqa: B007 (the last one)
        pass
    if found is None:
        return None
    return len(body[:start].rstrip()), found[1]


def _locate(href: str, lines: Sequence[str], span: Sequence[int]) -> Link:
    """Find the link in the block's source lines to give a precise line and column.

    markdown-it percent-encodes hrefs (``café.md`` becomes ``caf%C3%A9.md``), so the target is
    looked for as parsed and decoded, and kept as written.
    """
    decoded = unquote(href)
    for target in dict.fromkeys((href, decoded)):
        for number in range(span[0], min(span[1], len(lines))):
            col = lines[number].find(target) if target else -1
            if col >= 0:
                return Link(target, number + 1, col + 1)
    return Link(decoded, span[0] + 1, 1)


def parse_page(
    path: str, name: str, text: str, *, xref_prefixes: Sequence[str] = DEFAULT_XREF_PREFIXES
) -> tuple[Page, list[Diagnostic]]:
    """Parse a page's text; ``path`` is how diagnostics name it, ``name`` its docs-relative path."""

    limit = page_limit(text, path)
    if limit is not None:  # not parsed further: it would exhaust time, memory or the stack
        return Page(path, name, text), [limit]
    meta, problems = parse_front_matter(text, path)
    problems += spaced_keys(text, path)
    env: dict[str, Any] = {}
    tokens = tuple(block_tokens(text, env))
    headings, links = outline(text, tokens, env)
    anchors = frozenset(h.anchor for h in headings) | frozenset(_HTML_ID.findall(text))
    clusters = tuple(scan_clusters(text, path, xref_prefixes=xref_prefixes, tokens=tokens))
    citations = tuple(sorted((c for cl in clusters for c in cl.citations), key=_OFFSET))
    prosed = _prose(text, tokens)
    statistics = cited_statistics(text, citations, tokens, prosed)
    cited = cited_blocks(*prosed, citations)
    page = Page(
        path, name, text, meta, headings, links, citations, anchors, statistics, clusters, cited
    )
    return page, problems
