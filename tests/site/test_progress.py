"""Progress for slow steps: shown on a terminal, silent otherwise."""

from __future__ import annotations

import io

from citekb.render.style import Engine, style_path
from citekb.site.progress import terminal_progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_when_not_a_terminal() -> None:
    assert terminal_progress("formatting", io.StringIO()) is None


def test_progress_redraws_one_line_and_ends_it() -> None:
    out = Tty()
    progress = terminal_progress("formatting", out, every=0.0)
    assert progress is not None
    for done in range(1, 4):
        progress(done, 3)
    assert out.getvalue() == (
        "\rformatting: 1/3 (33%)\rformatting: 2/3 (66%)\rformatting: 3/3 (100%)\n"
    )


def test_the_engine_reports_each_formatted_reference() -> None:
    engine = Engine(style_path("apa"))
    seen: list[tuple[int, int]] = []
    engine.progress = lambda done, total: seen.append((done, total))
    items = [
        {"id": f"k{n}", "type": "book", "title": f"T{n}", "issued": {"date-parts": [[2000 + n]]}}
        for n in range(3)
    ]
    done = engine.format_many(items)
    assert [f.key for f in done] == ["k0", "k1", "k2"]
    assert seen == [(1, 3), (2, 3), (3, 3)]
