"""Study design: what kind of evidence a record's findings rest on (``design:``).

The design decides how strongly a page may word a claim: only ``randomised`` evidence
supports a claim of cause and effect. Where a record has no ``design:``, its ``type`` decides
it (``TYPE_DESIGNS``); meta-analyses and systematic reviews pool either trials or
observational studies, so their type decides nothing and they need ``design:``.
"""

from __future__ import annotations

from typing import Protocol

#: Designs, strongest evidence of cause and effect first.
DESIGNS: tuple[str, ...] = ("randomised", "observational", "qualitative", "expert", "press")

#: Evidence type → the design it implies; a type missing here (meta-analysis, systematic
#: review) needs a ``design:`` of its own.
TYPE_DESIGNS: dict[str, str] = {
    "randomised-controlled-trial": "randomised",
    "experimental-study": "randomised",
    "cohort-study": "observational",
    "case-control-study": "observational",
    "cross-sectional-study": "observational",
    "qualitative-study": "qualitative",
    "consensus-report": "expert",
    "government-advisory": "expert",
    "narrative-review": "expert",
    "theory": "expert",
    "popular-book": "expert",
    "interview": "press",
    "press-article": "press",
    "blog": "press",
}

#: How each design is named in messages.
DESIGN_LABELS: dict[str, str] = {
    "randomised": "randomised trials",
    "observational": "observational studies",
    "qualitative": "qualitative research",
    "expert": "expert opinion",
    "press": "press reports",
}


class Designed(Protocol):
    """What :func:`design_of` reads of an evidence record (``sources.evidence.EvidenceRecord``)."""

    @property
    def design(self) -> str: ...

    @property
    def type(self) -> str: ...


def design_of(record: Designed) -> str | None:
    """The record's ``design:``, else the design its type implies, else None (undecided)."""
    return record.design or TYPE_DESIGNS.get(record.type)
