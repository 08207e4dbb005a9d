"""YAML as data: which tags a config may carry, and how far aliases may expand.

MkDocs reads ``mkdocs.yml`` with PyYAML's unsafe loader, so a tag such as
``!!python/object/apply:os.system`` runs a command when the site is built. citekb reads the
file first and refuses every ``!!python/`` tag but ``!!python/name:`` (which only names a
function, as Material's emoji settings do). Aliases are expanded lazily by PyYAML (one object,
many references), but anything that walks the result walks every copy: a few lines of
``&a [*b, *b, …]`` become billions of nodes, so the expanded size is counted and bounded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

#: Most nodes a YAML document may hold once its aliases are expanded.
MAX_EXPANDED_NODES = 100_000
#: The only ``!!python/`` tag accepted: it names a function (kept as its text), calls none.
NAME_TAG = "tag:yaml.org,2002:python/name:"
PYTHON_TAGS = "tag:yaml.org,2002:python/"


class RefusedTag(yaml.YAMLError):
    """A tag that would construct or call Python objects when MkDocs reads the file."""

    def __init__(self, tag: str, mark: yaml.Mark | None) -> None:
        super().__init__(tag)
        self.tag = tag
        self.mark = mark

    @property
    def shown(self) -> str:
        """The tag as written: ``!!python/object/apply:os.system``."""
        return self.tag.replace("tag:yaml.org,2002:", "!!", 1)


class TooLarge(yaml.YAMLError):
    """Aliases expand the document past :data:`MAX_EXPANDED_NODES` (or refer to themselves)."""

    def __init__(self, mark: yaml.Mark | None, limit: int) -> None:
        super().__init__(f"aliases expand to more than {limit:,} values")
        self.mark = mark
        self.limit = limit


def may_alias(text: str) -> bool:
    """Whether ``text`` can hold an alias at all (a cheap test before composing it)."""
    return "*" in text and "&" in text


def check_expansion(root: yaml.Node | None, limit: int = MAX_EXPANDED_NODES) -> None:
    """Raise :class:`TooLarge` when the node graph, with aliases expanded, passes ``limit``.

    Each node's expanded size is counted once (shared nodes are memoised), so this is linear
    in the nodes as written; a node that contains itself counts as unbounded.
    """
    if root is None:
        return
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        ident = id(node)
        if done:
            open_.discard(ident)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > limit:
                raise TooLarge(node.start_mark, limit)
            sizes[ident] = size
            continue
        if ident in sizes:
            continue
        if ident in open_:
            raise TooLarge(node.start_mark, limit)  # an alias inside its own anchor
        open_.add(ident)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value


def nodes(
    root: yaml.Node | None, *, into: Callable[[yaml.Node], bool] = bool
) -> Iterator[yaml.Node]:
    """Every node under ``root`` once (an alias is walked once), in file order; the children of
    a node are walked only where ``into(node)`` is true."""
    stack = [root] if root is not None else []
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if into(node):
            stack.extend(reversed(list(_children(node))))


def check_tags(root: yaml.Node | None) -> None:
    """Raise :class:`RefusedTag` at the first ``!!python/`` tag other than ``!!python/name:``."""
    for node in nodes(root):
        tag = node.tag or ""
        if tag.startswith(PYTHON_TAGS) and not tag.startswith(NAME_TAG):
            raise RefusedTag(tag, node.start_mark)
