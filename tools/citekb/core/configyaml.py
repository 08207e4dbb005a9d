"""Reading ``mkdocs.yml`` as data: MkDocs' own tags kept inert, constructing tags refused,
``!ENV`` tags found, and every YAML failure turned into a ``ConfigError`` at its line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from citekb.core.diagnostics import ConfigError
from citekb.core.safeyaml import (
    NAME_TAG,
    PYTHON_TAGS,
    RefusedTag,
    TooLarge,
    check_expansion,
    check_tags,
    may_alias,
    nodes,
)

__all__ = [
    "ConfigError",
    "EnvTag",
    "deep_nesting",
    "load_config_yaml",
    "load_yaml",
    "reader_failure",
    "yaml_failure",
]


class _TolerantLoader(yaml.SafeLoader):
    """A safe loader that reads MkDocs tags (``!!python/name:``, ``!ENV``…) as inert values."""


def _inert(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    if node.tag.startswith(PYTHON_TAGS) and not node.tag.startswith(NAME_TAG):
        raise RefusedTag(node.tag, node.start_mark)  # check_tags found it first; kept as a guard
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _inert)
_TolerantLoader.add_multi_constructor("!", _inert)


def load_yaml(text: str, name: str = "mkdocs.yml") -> Any:
    """Parse YAML that may carry MkDocs' custom tags; any failure becomes ``ConfigError``.

    A ``!!python/`` tag other than ``!!python/name:``, or aliases that expand past a bound,
    are refused (see :mod:`citekb.core.safeyaml`): MkDocs would run or explode on them.
    """
    return load_config_yaml(text, name)[0]


def load_config_yaml(text: str, name: str = "mkdocs.yml") -> tuple[Any, tuple[EnvTag, ...]]:
    """:func:`load_yaml`, and every ``!ENV`` tag in the text (which MkDocs fills in from the
    environment of the build)."""
    try:
        loader = _TolerantLoader(text)
    except yaml.reader.ReaderError as exc:  # a NUL or another character YAML does not allow
        line, column, problem = reader_failure(text, exc)
        raise ConfigError(
            f"{name}:{line}:{column}: invalid YAML: {problem} (hint: remove the character)"
        ) from None
    try:
        node = loader.get_single_node()
        check_tags(node)
        if may_alias(text):
            check_expansion(node)
        envs = env_tags(node, name)
        return (None if node is None else loader.construct_document(node)), envs
    except RefusedTag as exc:
        line, column = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark else (1, 1)
        raise ConfigError(
            f"{name}:{line}:{column}: refused tag {exc.shown}: MkDocs would build a Python "
            "object from it, which can run any code; only !!python/name: tags are allowed "
            "(hint: remove the tag, and never build a pull request that adds one)"
        ) from None
    except TooLarge as exc:
        line, column = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark else (1, 1)
        raise ConfigError(
            f"{name}:{line}:{column}: invalid YAML: {exc} "
            "(hint: write the values out instead of nesting aliases)"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    except (ValueError, RecursionError) as exc:
        line, column, problem = yaml_failure(text, exc)
        raise ConfigError(f"{name}:{line}:{column}: invalid YAML: {problem}") from None
    finally:
        loader.dispose()


def reader_failure(text: str, exc: yaml.reader.ReaderError) -> tuple[int, int, str]:
    """Where (1-based line and column) and why PyYAML's reader refused a character (a NUL)."""
    offset = max(0, min(int(exc.position), len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    char = exc.character if isinstance(exc.character, int) else 0
    return line, column, f"character U+{char:04X} is not allowed in YAML"


@dataclass(frozen=True)
class EnvTag:
    """An ``!ENV`` tag: the file and 1-based line and column, and the variables it reads."""

    path: str
    line: int
    column: int
    names: tuple[str, ...]


def env_tags(root: yaml.Node | None, path: str) -> tuple[EnvTag, ...]:
    """Every ``!ENV VAR`` or ``!ENV [VAR, …, default]`` node under ``root``, in file order."""
    found: list[EnvTag] = []
    for node in nodes(root, into=lambda node: node.tag != "!ENV"):
        if node.tag == "!ENV":
            if isinstance(node, yaml.SequenceNode):
                items = [str(n.value) for n in node.value if isinstance(n, yaml.ScalarNode)]
                names = items[:-1] if len(items) > 1 else items  # the last is the default
            else:
                names = [str(node.value)]
            mark = node.start_mark
            found.append(EnvTag(path, mark.line + 1, mark.column + 1, tuple(names)))
    return tuple(found)


def yaml_failure(text: str, exc: ValueError | RecursionError) -> tuple[int, int, str]:
    """Where (1-based line and column in ``text``) and why PyYAML failed outside its own errors.

    PyYAML raises ``ValueError`` for a value it matched but cannot build (``2026-13-45`` is
    read as a date) and ``RecursionError`` for very deep nesting; neither carries a mark.
    """
    if isinstance(exc, RecursionError):
        line, column = deep_nesting(text) or (1, 1)
        return line, column, "nesting is too deep"
    mark = _unbuildable_scalar(text)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return line, column, f"cannot read a value: {exc}"


def _unbuildable_scalar(text: str) -> yaml.Mark | None:
    """The mark of the first plain value the safe loader cannot build, if any."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    builder = yaml.SafeLoader("")
    stack = [node] if node is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                builder.construct_object(node)
            except ValueError:
                return node.start_mark
            except yaml.YAMLError:  # a custom tag: not a value problem
                continue
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in reversed(node.value) for n in reversed(pair))
    return None


def deep_nesting(text: str, limit: int = 100) -> tuple[int, int] | None:
    """Line and column of the bracket that opens a run nested ``limit`` deep, if any.

    libyaml's loader crashes the interpreter on nesting some 50,000 deep, so callers that
    use it check this first; no real file nests a hundred deep.
    """
    depth, start = 0, 0
    for offset, char in enumerate(text):
        if char in "[{":
            if depth == 0:
                start = offset
            depth += 1
            if depth >= limit:
                line = text.count("\n", 0, start) + 1
                return line, start - (text.rfind("\n", 0, start) + 1) + 1
        elif char in "]}" and depth:
            depth -= 1
    return None
