"""From a bib file's bytes to bibtexparser's blocks, reduced to what the loader reads.

Decoding: UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is located.

bibtexparser v2's splitter is pure Python and was most of a large library's load time; plain
entries are now read by ``bibfast`` and only the rest by the splitter. A large file can be split
in two at a line that starts a block, because the splitter starts a new block at such a line
whatever state it is in; the tail is then split by another process (see ``worker.py``) while
this one splits the head, with the same blocks as one split of the whole. The one case where
the halves differ, a block still open where the head ends, is detected and the file split again
as a whole. Blocks are reduced to :class:`Block` tuples, which are cheap to pass between
processes.
"""

from __future__ import annotations

import codecs
import logging
import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple

from bibtexparser import model as bp
from bibtexparser.splitter import Splitter

from citekb.core.diagnostics import Code, diagnostic
from citekb.sources.bibfast import Stretch, split_plain

if TYPE_CHECKING:
    from collections.abc import Iterator

    from citekb.core.diagnostics import Diagnostic

__all__ = [
    "SPLIT_FROM",
    "Block",
    "bib_text",
    "decode",
    "ends_open",
    "quiet_splitter",
    "split_blocks",
    "split_point",
    "split_tail",
    "splitter_blocks",
]

#: Files shorter than this (in characters) are split in one piece: a second process saves
#: less than it costs to start and to hand the blocks back.
SPLIT_FROM = 1_000_000

_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16-LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16-BE"),
)
# A block start as bibtexparser's splitter sees one, at the very start of a line.
_BLOCK_START = re.compile(r"\n(@\w*[ \t]*[{(])")


def decode(data: bytes, path: str) -> tuple[str, list[Diagnostic]]:
    """Decode a bib file: UTF-8 (BOM optional) or UTF-16 with a BOM; newlines become ``\\n``.

    Bytes that do not decode, and NUL characters, become U+FFFD and the rest of the file is
    kept, so that one stray Latin-1 byte does not hide every entry; a single ``bib-encoding``
    diagnostic locates the first such byte (line:column, and the byte offset in the message).
    """
    encoding, name, skip = "utf-8", "UTF-8", 0
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            encoding, name, skip = codec, label, len(bom)
            break
    body = memoryview(data)[skip:]
    bad = -1  # offset in ``body`` of the first undecodable byte
    try:
        text = str(body, encoding)
    except UnicodeDecodeError as err:
        text = str(body, encoding, "replace")
        bad = err.start
    nul = text.find("\x00")
    nul_offset = len(text[:nul].encode(encoding)) if nul >= 0 else -1
    diagnostics: list[Diagnostic] = []
    if nul >= 0 and (bad < 0 or nul_offset < bad):
        line, column = _line_column(text[:nul])
        diagnostics.append(
            diagnostic(
                Code.BIB_ENCODING,
                path,
                line,
                column,
                f"{path} contains a NUL character at byte offset {skip + nul_offset}: "
                "is it a binary file, or UTF-16 without a byte-order mark?",
                "save the file as UTF-8, and check that the path names a BibTeX file",
            )
        )
    elif bad >= 0:
        line, column = _line_column(str(body[:bad], encoding, "replace"))
        diagnostics.append(
            diagnostic(
                Code.BIB_ENCODING,
                path,
                line,
                column,
                f"{path} is not valid {name}: byte 0x{body[bad]:02X} at byte offset "
                f"{skip + bad} cannot be decoded; undecodable bytes were replaced by U+FFFD",
                "save the file as UTF-8 (or UTF-16 with a byte-order mark)",
            )
        )
    if nul >= 0:
        text = text.replace("\x00", "\ufffd")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, diagnostics


def bib_text(data: bytes, path: str) -> tuple[str, list[Diagnostic]]:
    """The text the splitter reads: decoded, and with line numbers kept right."""
    text, diagnostics = decode(data, path)
    # bibtexparser does not count a newline after a backslash (e.g. LaTeX `\\` at the end
    # of a line), which shifts every later line number; a space keeps the count right.
    if "\\\n" in text:
        text = text.replace("\\\n", "\\ \n")
    return text, diagnostics


def _line_column(prefix: str) -> tuple[int, int]:
    """1-based line and column just after ``prefix``."""
    return prefix.count("\n") + 1, len(prefix) - prefix.rfind("\n")


class Block(NamedTuple):
    """One block of a BibTeX file, as much of it as the loader reads."""

    kind: str  # "entry", "string" or "failed"
    line: int  # 0-based line of the `@`
    raw: str  # the block as written
    key: str = ""  # an entry's or a @string's key
    type: str = ""  # an entry's type, lower-case
    value: str = ""  # a @string's value as written; why a failed block failed
    fields: tuple[tuple[str, str, int], ...] = ()  # (name, value as written, 0-based line)


@contextmanager
def quiet_splitter() -> Iterator[None]:
    """Silence bibtexparser's log lines for failed blocks: they become our diagnostics."""
    log = logging.getLogger("bibtexparser.splitter")
    before = log.disabled
    log.disabled = True
    try:
        yield
    finally:
        log.disabled = before


def split_blocks(text: str, first_line: int = 0) -> list[Block]:
    """Entries, @strings and failed blocks of ``text``, which starts at line ``first_line``.

    Comments and preambles are left out. Raises what bibtexparser raises on its own bugs.
    Plain entries are read by ``bibfast``, the rest by bibtexparser's splitter.
    """
    out: list[Block] = []
    for piece in split_plain(text, first_line):
        if isinstance(piece, Stretch):
            blocks = splitter_blocks(piece.text, piece.line)
            if piece.opening:  # the next plain entry's opening, cut short: not a block
                if not blocks or blocks[-1].kind != "failed":  # never seen: split it all here
                    return splitter_blocks(text, first_line)
                blocks.pop()
            out.extend(blocks)
        else:
            out.append(
                Block("entry", piece.line, piece.raw, piece.key, piece.type, "", piece.fields)
            )
    return out


def splitter_blocks(text: str, first_line: int = 0) -> list[Block]:
    """:func:`split_blocks` by bibtexparser's splitter alone."""
    with quiet_splitter():
        found = Splitter(text).split().blocks
    out: list[Block] = []
    for block in found:
        if isinstance(block, bp.DuplicateBlockKeyBlock | bp.DuplicateFieldKeyBlock):
            if block.ignore_error_block is None:
                continue
            block = block.ignore_error_block  # duplicates are the checks' business
        line = (block.start_line or 0) + first_line
        raw = block.raw or ""
        if isinstance(block, bp.Entry):
            fields = tuple((f.key, f.value, f.start_line + first_line) for f in block.fields)
            out.append(Block("entry", line, raw, block.key, block.entry_type, "", fields))
        elif isinstance(block, bp.String):
            out.append(Block("string", line, raw, block.key, "", block.value))
        elif isinstance(block, bp.ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", None) or str(block.error)
            out.append(Block("failed", line, raw, value=reason))
    return out


def split_point(text: str) -> int:
    """Offset of a block's `@` at a line start near the middle of ``text``; 0 when too short."""
    if len(text) < max(SPLIT_FROM, 2):
        return 0
    match = _BLOCK_START.search(text, len(text) // 2)
    return match.start(1) if match else 0


def ends_open(head: list[Block]) -> bool:
    """Whether the head's last block was cut off by the split (then split the whole file)."""
    return bool(head) and head[-1].kind == "failed" and "end of file" in head[-1].value


def split_tail(text: str) -> list[Block] | None:
    """The blocks of ``text`` from its split point on, lines counted from the file's start."""
    at = split_point(text)
    if not at:
        return None
    return split_blocks(text[at:], text.count("\n", 0, at))
