"""What readers are told about each cited work: its verification status and notices, as a
reference list carries them. Apart from :mod:`citekb.sources.notices`, which parses notices,
so that rendering a reference list does not import the YAML parser."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from citekb.sources.notices import Notice


@dataclass(frozen=True)
class Trust:
    """What readers are told about each cited work: its verification status and notices."""

    status: Mapping[str, str] = field(default_factory=dict)  # key -> V-primary, …
    notices: Mapping[str, tuple[Notice, ...]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # status -> words

    def status_label(self, key: str) -> str:
        status = self.status.get(key)
        return self.labels.get(status, "") if status else ""
