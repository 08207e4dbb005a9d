"""A note style's later forms of a work (CSL ``position``): rendered once per work by
citeproc-py, right after its first citation, and kept in the work's
:class:`~citekb.render.formatted.Later` record; :mod:`citekb.render.cite_positions` picks
the form each citation on a page takes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from citekb.render import richtext as rt
from citekb.render.formatted import Later

if TYPE_CHECKING:
    from collections.abc import Callable

    from citekb.render.richtext import Rich

#: The id of a stand-in work taken as cited between two citations of the work, so that the
#: second is "subsequent" and not "ibid".
OTHER = "citekb-other-work"
#: Where the style puts a locator; citekb writes the author's locator there.
PLACE = "\u2063LOC\u2063"
QUIET = "\u2060"
_LABEL = re.compile(r"(?:\bpp?\.|\bpage)\s*$")


def later_forms(bib: Any, key: str, to_rich: Callable[[str], Rich]) -> Later:
    """Render ``key`` as "ibid" (right after its first citation) and "subsequent" (after a
    citation of another work), each with and without a locator; ``bib`` is the
    citeproc-py bibliography that has just cited ``key`` for the first time."""
    from citeproc import Citation, CitationItem, Locator

    def cite(locator: bool) -> Rich:
        options = {"locator": Locator("page", PLACE)} if locator else {}
        # a prefix that is no sentence: "ibid." as the style writes it mid-note; citekb
        # capitalises it where the note opens with it
        citation = Citation([CitationItem(key, prefix=QUIET, **options)])
        bib.register(citation)
        return to_rich(str(bib.cite(citation, lambda _item: None)).replace(QUIET, ""))

    def step_aside() -> None:
        """As if another work had been cited since: the next citation is "subsequent"
        (recorded among the cites citeproc-py has rendered, never rendered itself)."""
        Citation([aside := CitationItem(OTHER)])
        bib._cites.append(aside)

    ibid = cite(False)
    ibid_at = cite(True)  # ibid-with-locator: the one before had none
    step_aside()
    subsequent = cite(False)
    step_aside()
    subsequent_at = cite(True)
    return Later(subsequent, _before(subsequent_at, subsequent), ibid, _before(ibid_at, ibid))


def _before(located: Rich, plain: Rich) -> Rich:
    """The form up to where the locator goes, its own page label dropped (the author writes
    one): "ibid., "; the plain form and ", " when the style shows no locator."""
    text = rt.to_text(located)
    at = text.find(PLACE)
    if at < 0:
        return rt.normalize((*plain, ", "))
    head = _LABEL.sub("", text[:at])
    return rt.slice_text(located, 0, len(head))
