from __future__ import annotations

import pytest

from citekb.checks.rules import check_links
from citekb.pages.page import outline, parse_front_matter, parse_page, slugify


@pytest.mark.parametrize(
    ("front", "problems"),
    [
        ("title: Home\nreviewed: 2026-11-22\ntags: [a, b]\nhandout: true\nversion: '1.0'\n", []),
        ("title: Home\nreviewed: '2026-11-22'\n", []),
        ("summary: no title\n", [(2, "front matter needs a `title` string")]),
        ("title: [a]\n", [(2, "front matter needs a `title` string")]),
        ("title: T\ntags: loneliness\n", [(3, "`tags` must be a list of strings")]),
        ("title: T\nhandout: yes please\n", [(3, "`handout` must be true or false")]),
        ("title: T\nversion: true\n", [(3, '`version` must be a string such as "1.2"')]),
        (
            "title: T\n\nreviewed: 22/11/2026\n",
            [(4, "`reviewed` must be an ISO date, not '22/11/2026'")],
        ),
        ("title: T\nsummary: [x]\n", [(3, "`summary` must be a string")]),
        ("- a list\n", [(2, "front matter must be a mapping of fields")]),
    ],
)
def test_front_matter_schema(front: str, problems: list[tuple[int, str]]) -> None:
    _, found = parse_front_matter(f"---\n{front}---\n\n# Body\n", "docs/p.md")
    assert [
        (d.line, d.message.split(":")[0] if "YAML" in d.message else d.message) for d in found
    ] == [
        (line, message.split(":")[0] if "YAML" in message else message)
        for line, message in problems
    ]
    assert all(d.code == "bad-frontmatter" and d.path == "docs/p.md" and d.hint for d in found)


def test_a_yaml_error_points_into_the_front_matter() -> None:
    _, found = parse_front_matter("---\ntitle: T\nbad: [unclosed\n---\n# Body\n", "docs/p.md")
    assert [(d.code, d.message.split(":")[0]) for d in found] == [
        ("bad-frontmatter", "front matter is not valid YAML")
    ]
    assert found[0].line in (3, 4)  # libyaml reports the end of the block, PyYAML the open bracket


def test_no_front_matter_is_fine() -> None:
    assert parse_front_matter("# Just a heading\n", "p.md") == ({}, [])


def test_slugs_follow_python_markdown_toc() -> None:
    assert slugify("Hello, World — Ünïcode 2015!") == "hello-world-unicode-2015"
    assert (
        slugify("Claim check: isolation, smoking and obesity")
        == "claim-check-isolation-smoking-and-obesity"
    )


def test_outline_anchors_are_unique_and_honour_attr_list_ids() -> None:
    text = "# Top\n\n## Results\n\n## Results\n\n## Custom {#my-id}\n\nSee [x](a.md#b) and ![i](img.png).\n"
    headings, links = outline(text)
    assert [(h.anchor, h.line) for h in headings] == [
        ("top", 1),
        ("results", 3),
        ("results_1", 5),
        ("my-id", 7),
    ]
    assert [(link.target, link.line, link.column) for link in links] == [
        ("a.md#b", 9, 9),
        ("img.png", 9, 26),
    ]


def test_broken_links_to_pages_files_and_anchors() -> None:
    a, _ = parse_page(
        "docs/a.md", "a.md", "# A\n\n## Results\n\n[ok](sub/b.md#deep) [self](#results)\n"
    )
    b, _ = parse_page(
        "docs/sub/b.md",
        "sub/b.md",
        "# B\n\n## Deep\n\n[up](../a.md#resuls) [gone](../nope.md) [img](pic.png) [dir](./)\n"
        "[web](https://example.org/x.md) [mail](mailto:x@y.z) [abs](/abs.md)\n",
    )
    found = check_links([a, b], {"a.md", "sub/b.md", "sub/pic.png", "sub/index.md"})
    assert [(d.location, d.message, d.hint) for d in found] == [
        ("docs/sub/b.md:5:6", "a.md has no heading with anchor #resuls", "did you mean #results?"),
        (
            "docs/sub/b.md:5:29",
            "link target '../nope.md' does not exist",
            "fix the relative path to the page or file",
        ),
    ]


@pytest.mark.parametrize(
    ("front", "where", "fragment"),
    [
        # PyYAML reads this as a date and raises ValueError, not YAMLError
        ("title: T\nreviewed: 2026-13-45\n", (3, 11), "month must be in 1..12"),
        # libyaml builds this without complaint; much deeper, it crashes the interpreter
        ("title: T\nx: " + "[" * 2000 + "]" * 2000 + "\n", (3, 4), "nesting is too deep"),
    ],
    ids=["bad-date", "deep-nesting"],
)
def test_values_yaml_cannot_build_and_deep_nesting_are_bad_frontmatter(
    front: str, where: tuple[int, int], fragment: str
) -> None:
    meta, found = parse_front_matter(f"---\n{front}---\n# Body\n", "docs/p.md")
    assert meta == {}
    assert [(d.code, (d.line, d.column)) for d in found] == [("bad-frontmatter", where)]
    assert fragment in found[0].message


def test_percent_encoded_and_non_ascii_links_resolve_and_are_reported_as_written() -> None:
    text = "# A\n\n[a](café.md) [b](my%20page.md) [c](<my page.md#top>) [d](gone%20page.md)\n"
    page, _ = parse_page("docs/a.md", "a.md", text)
    assert [(link.target, link.column) for link in page.links] == [
        ("café.md", 5),
        ("my%20page.md", 18),
        ("my page.md#top", 37),
        ("gone%20page.md", 58),
    ]
    mine, _ = parse_page("docs/my page.md", "my page.md", "# Top\n")
    found = check_links([page, mine], {"a.md", "café.md", "my page.md"})
    assert [(d.location, d.message) for d in found] == [
        ("docs/a.md:3:58", "link target 'gone%20page.md' does not exist")
    ]
