"""Entry types to CSL types: BibTeX, biblatex, and the names Zotero, Mendeley and JabRef write.

Types are read lower-case, so Zotero's ``newspaperArticle`` is ``newspaperarticle`` here. A
type in no row renders as a plain ``document`` and is reported (``unknown-entry-type``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping


def _rows(csl: str, *names: str) -> dict[str, str]:
    return dict.fromkeys(names, csl)


#: Entry type -> CSL type.
TYPES: dict[str, str] = {
    # BibTeX and biblatex
    **_rows("article-journal", "article", "journalarticle", "journal", "journal_article"),
    **_rows("book", "book", "mvbook", "collection", "mvcollection", "proceedings"),
    **_rows("book", "mvproceedings", "bookinbook", "reference", "mvreference"),
    **_rows("pamphlet", "booklet"),
    **_rows("chapter", "inbook", "incollection", "suppbook", "suppcollection"),
    **_rows("chapter", "book_section", "booksection", "section"),
    **_rows("entry-encyclopedia", "inreference", "encyclopedia_article"),
    **_rows("entry-encyclopedia", "encyclopediaarticle"),
    **_rows("entry-dictionary", "dictionaryentry", "dictionary_entry"),
    **_rows("paper-conference", "inproceedings", "conference", "conferencepaper"),
    **_rows("paper-conference", "conference_proceedings", "conference_paper"),
    **_rows("report", "manual", "techreport", "report", "working_paper", "workingpaper"),
    **_rows("thesis", "phdthesis", "mastersthesis", "thesis"),
    **_rows("webpage", "online", "www", "webpage", "web_page", "electronic"),
    **_rows("post-weblog", "blogpost", "blog_post"),
    **_rows("post", "forumpost", "forum_post"),
    **_rows("manuscript", "unpublished", "manuscript"),
    **_rows("dataset", "dataset", "data"),
    **_rows("software", "software", "computerprogram", "computer_program", "program"),
    **_rows("document", "misc", "document", "generic", "custom"),
    # periodicals, news, reviews
    **_rows("article-newspaper", "newspaper_article", "newspaperarticle", "newsarticle"),
    **_rows("article-magazine", "magazine_article", "magazinearticle"),
    **_rows("periodical", "periodical", "suppperiodical"),
    **_rows("review", "review"),
    # media
    **_rows("motion_picture", "film", "movie", "video", "videorecording", "video_recording"),
    **_rows("song", "audio", "audiorecording", "audio_recording", "music", "podcast"),
    **_rows("broadcast", "tvbroadcast", "radiobroadcast", "television_broadcast"),
    **_rows("broadcast", "radio_broadcast"),
    **_rows("graphic", "artwork", "image"),
    **_rows("map", "map"),
    **_rows("speech", "presentation", "lecture"),
    **_rows("interview", "interview"),
    **_rows("personal_communication", "letter", "email", "instantmessage"),
    **_rows("performance", "performance"),
    # law and standards
    **_rows("patent", "patent"),
    **_rows("standard", "standard"),
    **_rows("legislation", "legislation", "statute"),
    **_rows("bill", "bill"),
    **_rows("legal_case", "case", "jurisdiction", "legal"),
    **_rows("hearing", "hearing"),
    **_rows("article", "preprint"),
}

#: Types that hold no work of their own (biblatex's data containers).
CONTAINERS = frozenset(("set", "xdata"))


def mapped_type(kind: str, fields: Mapping[str, str]) -> str | None:
    """The CSL type for an entry type; None where no well-known mapping exists.

    A generic entry (Mendeley's ``@generic``, biblatex's ``@misc``) with a journal is read as
    a journal article, with a book title as a chapter; an article with ``entrysubtype =
    newspaper`` (or ``magazine``) as one, an unpublished work given at an event as a talk.
    """
    found = TYPES.get(kind)
    subtype = fields.get("entrysubtype", "").strip().casefold()
    if found == "article-journal" and subtype in ("newspaper", "magazine"):
        return f"article-{subtype}"  # dated to the day (APA 10.1)
    if kind == "unpublished" and any(fields.get(k) for k in ("eventtitle", "venue", "eventdate")):
        return "speech"  # a talk at an event: "(2000, April 26). Title [Lecture]. Event"
    if found == "document" and kind != "misc":
        if fields.get("journal") or fields.get("journaltitle"):
            return "article-journal"
        if fields.get("booktitle"):
            return "chapter"
    if found is None and (kind in CONTAINERS or kind.startswith("custom")):
        return "document"
    return found
