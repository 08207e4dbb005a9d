"""Load BibTeX files into a :class:`~citekb.core.model.Library`, with located diagnostics.

bibtexparser v2 only splits the text into blocks (its default middlewares are not run);
this module evaluates the values itself in one pass: ``@string`` macros (shared across files,
in load order), ``#`` concatenation, the month macros ``jan``…``dec``, outer delimiters, and
``crossref`` inheritance. LaTeX is kept as written; only whitespace around line breaks inside a
value is collapsed to one space, as BibTeX does.

Recovery choices: after a missing comma the swallowed field is recovered as a field of its own;
a repeated field keeps its first value; an entry without a key is skipped; a field that fails
to evaluate keeps what was read before the fault; an undefined macro keeps its name. Inherited
fields have no entry in ``field_lines`` (they are not written in the child).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from citekb.core.diagnostics import Code, diagnostic
from citekb.core.model import Entry, Library
from citekb.sources.bibsplit import Block, bib_text, ends_open, split_blocks, split_point

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from citekb.core.diagnostics import Diagnostic

__all__ = ["MONTHS", "load_library"]

#: The month macros every BibTeX style defines; an ``@string`` of the same name overrides one.
MONTHS: dict[str, str] = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}

#: Types whose parent's ``title`` is the child's ``booktitle``.
_CONTAINED = frozenset({"incollection", "inproceedings", "inbook"})
_NOT_INHERITED = frozenset({"crossref", "ids"})

# bibtexparser treats a delimiter preceded by a backslash as escaped; we must agree with it.
_BRACES = re.compile(r"(?<!\\)[{}]")
_BRACES_QUOTE = re.compile(r'(?<!\\)[{}"]')
_WORD = re.compile(r'[^\s#{}",=]+')
_NEXT_FIELD = re.compile(r'([^\s#{}",=]+)\s*=\s*')
_SPACE = re.compile(r"\s*")
_BREAK = re.compile(r"(?<!\s)\s*\n\s*")  # from where a run of spaces starts: linear

#: Longest value (a field or a ``@string``) once its macros are expanded, in characters.
MAX_VALUE = 100_000
#: Most characters macro expansion may add over one library, so that many macros just under
#: :data:`MAX_VALUE` cannot add up to gigabytes either.
MAX_EXPANSION = 20_000_000


def load_library(
    files: Sequence[tuple[str, bytes]],
    *,
    tail: Callable[[str], list[Block] | None] | None = None,
) -> tuple[Library, list[Diagnostic]]:
    """Load ``(path, raw bytes)`` pairs, in order, into one library.

    Macros defined in one file are visible in later files. Duplicate keys are all kept,
    in source order, without a diagnostic (checks report them). Never raises on bad input.
    ``tail(path)`` may give ``bibsplit.split_tail`` of a large file, split by another process
    while this one splits the head; ``None`` means the tail is split here.
    """
    loader = _Loader()
    for path, data in files:
        text, found = bib_text(data, path)
        loader.diagnostics.extend(found)
        loader.load(text, path, tail)
    entries = loader.finish()
    order = {path: index for index, (path, _) in enumerate(files)}
    loader.diagnostics.sort(key=lambda d: (order.get(d.path, 0), d.line, d.column))
    return Library(entries), loader.diagnostics


@dataclass(slots=True)
class _Source:
    """One decoded file; its line index is only built when a diagnostic needs a column."""

    path: str
    text: str
    _starts: list[int] | None = None

    def block_column(self, block: Block) -> int:
        """1-based column of the block's ``@``."""
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        line = block.line
        if line >= len(self._starts):
            return 1
        end = self._starts[line + 1] if line + 1 < len(self._starts) else len(self.text)
        first = block.raw.split("\n", 1)[0]
        found = self.text.find(first, self._starts[line], end) if first else -1
        return found - self._starts[line] + 1 if found >= 0 else 1

    def locate(self, block: Block, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset`` within the block's raw text."""
        raw = block.raw
        line = block.line + 1 + raw.count("\n", 0, offset)
        newline = raw.rfind("\n", 0, offset)
        if newline >= 0:
            return line, offset - newline
        return line, self.block_column(block) + offset


@dataclass(slots=True)
class _Record:
    """An entry while loading: mutable until crossrefs are resolved."""

    key: str
    type: str
    fields: dict[str, str]
    lines: dict[str, int]
    path: str
    line: int
    # Where the crossref value starts, for a bad-crossref diagnostic; only entries with a
    # crossref keep their block, so that the others' raw text can be freed early.
    crossref_at: tuple[_Source, Block, int] | None = None


@dataclass(slots=True)
class _Value:
    """A field value as evaluated, with what went wrong at which offset of the raw value."""

    text: str
    problems: list[tuple[str, int, str]] = field(default_factory=list)  # code, offset, detail
    next_field: tuple[str, int, int] | None = None  # name, comma offset, value offset


def _closing(raw: str, start: int) -> int:
    """Index of the delimiter closing the ``{`` or ``"`` at ``start``, or -1."""
    quoted = raw[start] == '"'
    depth = 0
    for match in (_BRACES_QUOTE if quoted else _BRACES).finditer(raw, start + 1):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return -1 if quoted else match.start()
            depth -= 1
        elif depth == 0:
            return match.start()
    return -1


def _plain(raw: str) -> str | None:
    """The value of the common shapes, which need no scan: ``{…}`` or ``"…"`` with no
    delimiter inside, or a number; ``None`` for anything else."""
    if (len(raw) >= 2 and raw[0] == raw[-1] == '"') or (raw[:1] == "{" and raw[-1:] == "}"):
        inner = raw[1:-1]
        if "{" not in inner and "}" not in inner and '"' not in inner and inner[-1:] != "\\":
            return _BREAK.sub(" ", inner) if "\n" in inner else inner
    elif raw.isdigit():
        return raw
    return None


def _evaluate(raw: str, macros: dict[str, str], limit: int = MAX_VALUE) -> _Value:
    """Evaluate ``token (# token)*`` where a token is ``{…}``, ``"…"``, a number or a macro.

    A value that would pass ``limit`` characters is cut before the token that passes it
    (``bib-limit``): forty macros that each double the last would otherwise need terabytes.
    """
    plain = _plain(raw)
    if plain is not None:
        return _Value(plain)
    value = _Value("")
    parts: list[str] = []
    size = 0
    pos, end = 0, len(raw)
    if not raw:
        value.problems.append((Code.BIB_SYNTAX, 0, "has no value"))
    while pos < end:
        char = raw[pos]
        if char in '{"':
            close = _closing(raw, pos)
            if close < 0:
                value.problems.append((Code.BIB_SYNTAX, pos, f"has an unbalanced `{char}`"))
                parts.append(raw[pos + 1 :])
                break
            parts.append(raw[pos + 1 : close])
            pos = close + 1
        else:
            word = _WORD.match(raw, pos)
            if word is None:
                value.problems.append((Code.BIB_SYNTAX, pos, f"has an unexpected `{char}`"))
                break
            name = word.group()
            if name.isdigit():
                parts.append(name)
            elif (expansion := macros.get(name.lower())) is not None:
                size += len(expansion)
                if size > limit:
                    value.problems.append((Code.BIB_LIMIT, pos, f"{limit:,}"))
                    break
                parts.append(expansion)
            else:
                value.problems.append((Code.UNDEFINED_MACRO, pos, name))
                parts.append(name)
            pos = word.end()
        token_end = pos
        pos = _SPACE.match(raw, pos).end()  # type: ignore[union-attr]
        if pos >= end:
            break
        if raw[pos] == "#":
            pos = _SPACE.match(raw, pos + 1).end()  # type: ignore[union-attr]
            if pos >= end:
                value.problems.append((Code.BIB_SYNTAX, pos - 1, "ends with `#`"))
            continue
        following = _NEXT_FIELD.match(raw, pos)
        if following is not None:
            value.next_field = (following.group(1), token_end, following.end())
        else:
            value.problems.append(
                (Code.BIB_SYNTAX, pos, f"has unexpected text `{raw[pos : pos + 20]}` after it")
            )
        break
    text = "".join(parts)
    value.text = _BREAK.sub(" ", text) if "\n" in text else text
    return value


def _value_starts(raw: str, fields: Sequence[tuple[str, str, int]]) -> list[int]:
    """Offset in the entry's raw text where each field's (stripped) value starts."""
    starts: list[int] = []
    pos = 0
    for _, value, _ in fields:
        equals = raw.find("=", pos)
        start = _SPACE.match(raw, equals + 1).end()  # type: ignore[union-attr]
        starts.append(start)
        pos = start + len(value)
    return starts


class _Loader:
    """Accumulates entries, macros and diagnostics over the files of one library."""

    def __init__(self) -> None:
        self.macros: dict[str, str] = dict(MONTHS)
        self.budget = MAX_EXPANSION  # characters macro expansion may still add
        self.records: list[_Record] = []
        self.diagnostics: list[Diagnostic] = []

    def load(self, text: str, path: str, tail: Callable[[str], list[Block] | None] | None) -> None:
        """Split ``text`` (from ``bib_text``) and evaluate its blocks in order.

        With ``tail``, the head is split and evaluated here while another process splits
        the tail; a cut that falls inside a block makes the file be split whole.
        """
        source = _Source(path, text)
        before = len(self.records), len(self.diagnostics), dict(self.macros)
        try:
            at = split_point(text) if tail else 0
            head = split_blocks(text[:at] if at else text)
            if at and ends_open(head):
                head, at = split_blocks(text), 0
        except Exception as err:  # a bibtexparser bug must not take citekb down
            self._unreadable(source, err)
            return
        self._blocks(head, source)
        if not at or tail is None:
            return
        rest = tail(path)
        if rest is None:
            try:
                rest = split_blocks(text[at:], text.count("\n", 0, at))
            except Exception as err:  # as for the whole file: nothing of it is loaded
                del self.records[before[0] :], self.diagnostics[before[1] :]
                self.macros = before[2]
                self._unreadable(source, err)
                return
        self._blocks(rest, source)

    def _blocks(self, blocks: Sequence[Block], source: _Source) -> None:
        for block in blocks:
            if block.kind == "entry":
                self._entry(block, source)
            elif block.kind == "string":
                self._string(block, source)
            else:
                self._failed(block, source)

    def _unreadable(self, source: _Source, err: Exception) -> None:
        self._report(
            Code.BIB_SYNTAX,
            source,
            0,
            0,
            f"bibtexparser could not read {source.path}: {err}",
            "simplify the file around the last entry that loads, and report the bug",
        )

    def _report(
        self, code: str, source: _Source, line: int, column: int, message: str, hint: str
    ) -> None:
        self.diagnostics.append(diagnostic(code, source.path, line, column, message, hint))

    def _report_at(
        self, code: str, source: _Source, block: Block, offset: int, message: str, hint: str
    ) -> None:
        line, column = source.locate(block, offset)
        self._report(code, source, line, column, message, hint)

    def _problems(
        self, value: _Value, source: _Source, block: Block, start: int, what: str
    ) -> None:
        for code, offset, detail in value.problems:
            if code == Code.BIB_LIMIT:
                message = f"{what} is cut: its macros expand past {detail} characters"
                if detail != f"{MAX_VALUE:,}":
                    message = f"{what} is cut: this library's macros expand past {MAX_EXPANSION:,} characters in all"
                hint = "write the value out instead of nesting @string macros"
            elif code == Code.UNDEFINED_MACRO:
                message = f"{what} uses the macro `{detail}`, which is not defined before it"
                hint = f"define it first: @string{{{detail} = {{...}}}}, or brace the value"
            else:
                message = f"{what} {detail}"
                hint = 'write the value as {...}, "...", a number or a macro, joined with #'
            self._report_at(code, source, block, start + offset, message, hint)

    def _string(self, block: Block, source: _Source) -> None:
        raw = block.raw
        start = _SPACE.match(raw, raw.find("=") + 1).end()  # type: ignore[union-attr]
        value = self._evaluate(block.value)
        self._problems(value, source, block, start, f"@string `{block.key}`")
        self.macros[block.key.lower()] = value.text

    def _evaluate(self, raw: str) -> _Value:
        """``_evaluate`` within what is left of the library's expansion budget."""
        value = _evaluate(raw, self.macros, min(MAX_VALUE, len(raw) + self.budget))
        self.budget -= max(0, len(value.text) - len(raw))
        return value

    def _failed(self, block: Block, source: _Source) -> None:
        raw, reason = block.raw, block.value
        head = raw.split(",", 1)[0].split("\n", 1)[0][:60]
        hint = "check the braces, quotes and commas of this block"
        if "end of file" in reason:
            hint = 'close the block: a `{` or `"` is never closed'
        elif "comma after entry key" in reason:
            hint = "add a comma after the entry key"
        line = block.line + 1
        message = f"cannot parse `{head}`: {reason.strip()}"
        self._report(Code.BIB_SYNTAX, source, line, source.block_column(block), message, hint)

    def _entry(self, block: Block, source: _Source) -> None:
        key = block.key
        if not key:
            self._report(
                Code.BIB_SYNTAX,
                source,
                block.line + 1,
                source.block_column(block),
                f"a `@{block.type}` entry has no key; it is skipped",
                "write a key after the opening brace, e.g. @article{smith2020, ...",
            )
            return
        fields: dict[str, str] = {}
        lines: dict[str, int] = {}
        line = block.line + 1
        record = _Record(key, block.type, fields, lines, source.path, line)
        starts: list[int] | None = None  # offsets, only computed for a diagnostic
        for index, (written, raw, at) in enumerate(block.fields):
            name, line, base = written.lower(), at + 1, 0
            plain = _plain(raw)
            if plain is not None and name not in fields and name != "crossref":
                fields[name], lines[name] = plain, line
                continue
            while True:
                value = self._evaluate(raw)
                if value.problems or value.next_field or name in fields or name == "crossref":
                    starts = starts or _value_starts(block.raw, block.fields)
                    start = starts[index] + base
                    self._problems(value, source, block, start, f"field `{name}` of `{key}`")
                    if name in fields:
                        self._report_at(
                            Code.BIB_SYNTAX,
                            source,
                            block,
                            start,
                            f"field `{name}` is given twice in `{key}`; the first one is kept",
                            f"remove one of the `{name}` fields",
                        )
                    else:
                        fields[name], lines[name] = value.text, line
                        if name == "crossref":
                            record.crossref_at = (source, block, start)
                else:
                    fields[name], lines[name] = value.text, line
                if value.next_field is None:
                    break
                # A missing comma makes the splitter read the next field into this value.
                following, comma, value_start = value.next_field
                self._report_at(
                    Code.MISSING_COMMA,
                    source,
                    block,
                    start + comma,
                    f"missing comma between fields `{name}` and `{following.lower()}` of `{key}`",
                    f"add a comma after the value of `{name}`",
                )
                line += raw.count("\n", 0, value_start)
                name, raw, base = following.lower(), raw[value_start:], base + value_start
        self.records.append(record)

    def finish(self) -> tuple[Entry, ...]:
        """Resolve crossrefs (parents anywhere in the library) and freeze the entries."""
        by_key: dict[str, _Record] = {}
        for record in self.records:
            by_key.setdefault(record.key, record)
        done: set[int] = set()
        for record in self.records:
            if "crossref" not in record.fields:
                continue  # nothing to inherit
            chain = [record]
            seen = {id(record)}
            current = record
            # Walk up to the first parent that is already resolved or has no crossref.
            while id(current) not in done and "crossref" in current.fields:
                parent_key = current.fields["crossref"]
                parent = by_key.get(parent_key)
                if parent is None or id(parent) in seen:
                    problem = "is not in the library" if parent is None else "forms a cycle"
                    if current.crossref_at is not None:  # always set with a crossref field
                        source, block, offset = current.crossref_at
                        self._report_at(
                            Code.BAD_CROSSREF,
                            source,
                            block,
                            offset,
                            f"crossref `{parent_key}` of `{current.key}` {problem}",
                            "fix the key in the crossref field, or add the parent entry",
                        )
                    break
                chain.append(parent)
                seen.add(id(parent))
                current = parent
            for child, parent in zip(chain[-2::-1], chain[:0:-1], strict=True):
                _inherit(child, parent)
            done.update(seen)
        for record in self.records:
            if record.type == "set":
                _first_of_set(record, by_key)
        return tuple(
            Entry(r.key, r.type, _unwrap_url(r.fields), r.path, r.line, r.lines)
            for r in self.records
        )


_URL_MACRO = re.compile(r"^\s*\\url\s*\{([^{}]*)\}\s*$")


def _unwrap_url(fields: dict[str, str]) -> dict[str, str]:
    """``url = {\\url{https://…}}`` (mkdocs-bibtex sites, some exports) read as the address."""
    url = fields.get("url")
    if url and "\\url" in url and (match := _URL_MACRO.match(url)):
        fields["url"] = match[1].strip()
    return fields


_SET_OWN = frozenset({"doi", "isbn", "ids", "crossref", "entryset"})


def _first_of_set(record: _Record, by_key: dict[str, _Record]) -> None:
    """A biblatex ``@set`` cited alone stands for its first member (its type and fields), not
    for an empty "(n.d.)" reference; its other members are cited by their own keys."""
    members = [k.strip() for k in record.fields.get("entryset", "").split(",") if k.strip()]
    first = by_key.get(members[0]) if members else None
    if first is None or first is record or first.type == "set":
        return
    record.type = first.type
    for name, value in first.fields.items():
        if name not in _SET_OWN:
            record.fields.setdefault(name, value)


def _inherit(child: _Record, parent: _Record) -> None:
    """Copy the parent's fields the child lacks (its title as booktitle for parts of it)."""
    if child.type in _CONTAINED and "title" in parent.fields:
        child.fields.setdefault("booktitle", parent.fields["title"])
    for name, value in parent.fields.items():
        if name not in _NOT_INHERITED:
            child.fields.setdefault(name, value)
