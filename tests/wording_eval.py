"""The labelled sentence set of the causal-language check, and how well the check scores on it.

Shared by ``tests/checks/test_wording.py`` and ``benchmarks/causal_language.py``. Every sentence
becomes a paragraph of one page whose citation names a record of its design; the page goes
through the real parser and check, and each ``causal-language`` finding is matched to its
sentence by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from citekb.checks.wording import check_wording
from citekb.core.config import Config
from citekb.pages.page import parse_page
from citekb.sources.evidence import parse_evidence

FIXTURE = Path(__file__).parent / "fixtures" / "wording" / "causal_sentences.yaml"

#: One record per design, typed so that the type decides the design.
EVIDENCE = """\
randomised: {type: randomised-controlled-trial, status: V-primary}
observational: {type: cohort-study, status: V-primary}
qualitative: {type: qualitative-study, status: V-primary}
expert: {type: consensus-report, status: V-primary}
press: {type: press-article, status: V-primary}
"""


@dataclass(frozen=True)
class Item:
    text: str
    causal: bool
    design: str
    source: str

    @property
    def expected(self) -> bool:
        """A warning is expected: causal wording without randomised evidence."""
        return self.causal and self.design != "randomised"


@dataclass(frozen=True)
class Scores:
    items: tuple[Item, ...]
    warned: tuple[bool, ...]

    def _count(self, expected: bool, warned: bool) -> int:
        pairs = zip(self.items, self.warned, strict=True)
        return sum(1 for item, w in pairs if item.expected == expected and w == warned)

    @property
    def true_positives(self) -> int:
        return self._count(True, True)

    @property
    def false_positives(self) -> int:
        return self._count(False, True)

    @property
    def false_negatives(self) -> int:
        return self._count(True, False)

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    def wrong(self) -> list[tuple[str, Item]]:
        """Items the check gets wrong: ("missed" or "false alarm", item)."""
        pairs = zip(self.items, self.warned, strict=True)
        return [
            ("missed" if item.expected else "false alarm", item)
            for item, w in pairs
            if item.expected != w
        ]


def load_items(path: Path = FIXTURE) -> tuple[Item, ...]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(Item(d["text"], bool(d["causal"]), d["design"], d["from"]) for d in data)


def score(items: tuple[Item, ...], config: Config | None = None) -> Scores:
    """Run the check on one page of the items, a paragraph each."""
    paragraphs = [item.text.replace("[@s]", f"[@{item.design}]") for item in items]
    text = "# Labelled sentences\n\n" + "\n\n".join(paragraphs) + "\n"
    page, problems = parse_page("docs/set.md", "set.md", text)
    assert not problems, problems
    evidence, trouble = parse_evidence(EVIDENCE, "references/evidence.yaml")
    assert not trouble, trouble
    found = check_wording([page], evidence, config or Config())
    lines = {d.line for d in found if d.code == "causal-language"}
    # item i is on line 3 + 2i
    return Scores(items, tuple(3 + 2 * i in lines for i in range(len(items))))
