"""The package layout: layers without import cycles, a core that depends on nothing, small modules."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from support import REPO

if TYPE_CHECKING:
    from pathlib import Path

PACKAGE = REPO / "tools" / "citekb"


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


#: The layers, lowest first. A module may import its own layer and any layer below it at run
#: time; ``TYPE_CHECKING`` imports may also name a higher layer (for annotations), but never close
#: a loop. README.md's layout section states the same order.
LAYERS = ("core", "sources", "pages", "render", "checks", "project", "site", "handouts", "cli")

#: At most this many imports of citekb modules inside functions, each with a reason comment.
MAX_FUNCTION_IMPORTS = 25


def _is_type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


def _type_checking_ids(tree: ast.AST) -> set[int]:
    """Nodes inside an ``if TYPE_CHECKING:`` block."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _is_type_checking(node.test)
        for inner in ast.walk(node)
    }


def _function_ids(tree: ast.AST) -> set[int]:
    """Nodes inside a function body."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for inner in ast.walk(node)
        if inner is not node
    }


def _targets(node: ast.AST, known: set[str]) -> set[str]:
    found: set[str] = set()
    if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("citekb"):
        for alias in node.names:
            full = f"{node.module}.{alias.name}"
            found.add(full if full in known else node.module)
    elif isinstance(node, ast.Import):
        found.update(a.name for a in node.names if a.name.startswith("citekb"))
    return found & known


def imports(path: Path, known: set[str], *, type_checking: bool = False) -> set[str]:
    """citekb modules that ``path`` imports at run time, at any depth (inside functions too);
    with ``type_checking`` also those imported under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set() if type_checking else _type_checking_ids(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) not in skip:
            found |= _targets(node, known)
    return found


def function_imports(path: Path, known: set[str]) -> list[tuple[int, str]]:
    """(line, source line) of each run-time import of a citekb module inside a function."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text)
    inside = _function_ids(tree) - _type_checking_ids(tree)
    return [
        (node.lineno, lines[node.lineno - 1])
        for node in ast.walk(tree)
        if id(node) in inside and _targets(node, known)
    ]


def _reason(path: Path, line: int) -> bool:
    """Whether the import at ``line`` says why it sits in a function: a comment on its line."""
    source = path.read_text(encoding="utf-8").splitlines()[line - 1]
    return "#" in source and source.split("#", 1)[1].strip() != ""


def graph(*, type_checking: bool = False) -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {
        name: imports(path, known, type_checking=type_checking) - {name}
        for name, path in modules.items()
    }


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle as a path that returns to its start, or [] when there is none."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        trail.pop()
        return []

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def layer(module: str) -> int | None:
    """The rank of ``module``'s layer in :data:`LAYERS`, or None for the package root."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 else None


def upward(edges: dict[str, set[str]]) -> list[str]:
    """Every import of a higher layer, as ``importer -> imported``."""
    out = []
    for name, targets in sorted(edges.items()):
        rank = layer(name)
        for target in sorted(targets):
            other = layer(target)
            if rank is not None and other is not None and other > rank:
                out.append(f"{name} -> {target}")
    return out


def test_the_finder_sees_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    a = tmp_path / "a.py"
    a.write_text("def f():\n    from citekb.b import g\n")
    b = tmp_path / "b.py"
    b.write_text(
        "from typing import TYPE_CHECKING\nimport citekb.a\nif TYPE_CHECKING:\n    import citekb.c\n"
    )
    edges = {"citekb.a": imports(a, {"citekb.a", "citekb.b", "citekb.c"})}
    edges["citekb.b"] = imports(b, {"citekb.a", "citekb.b", "citekb.c"})
    assert edges == {"citekb.a": {"citekb.b"}, "citekb.b": {"citekb.a"}}
    assert find_cycle(edges) == ["citekb.a", "citekb.b", "citekb.a"]
    edges["citekb.b"] = imports(b, {"citekb.a", "citekb.b", "citekb.c"}, type_checking=True)
    assert edges["citekb.b"] == {"citekb.a", "citekb.c"}


def test_the_checks_see_an_upward_import_and_a_function_import(tmp_path: Path) -> None:
    a = tmp_path / "a.py"
    a.write_text(
        "def f():\n    from citekb.site.x import g  # heavy: mkdocs\n"
        "    from citekb.core.y import h\n"
    )
    known = {"citekb.site.x", "citekb.core.y"}
    assert function_imports(a, known) == [
        (2, "    from citekb.site.x import g  # heavy: mkdocs"),
        (3, "    from citekb.core.y import h"),
    ]
    assert [_reason(a, 2), _reason(a, 3)] == [True, False]
    assert upward({"citekb.pages.z": {"citekb.site.x", "citekb.core.y"}}) == [
        "citekb.pages.z -> citekb.site.x"
    ]


def test_every_module_sits_in_a_stated_layer() -> None:
    strays = sorted(n for n in _modules() if n != "citekb" and n.split(".")[1] not in LAYERS)
    assert strays == []


def test_no_import_cycles_anywhere() -> None:
    assert find_cycle(graph()) == []


def test_no_module_loops_even_through_type_checking_imports() -> None:
    assert find_cycle(graph(type_checking=True)) == []


def test_core_imports_nothing_else_from_citekb() -> None:
    for name, targets in graph().items():
        if name.startswith("citekb.core"):
            outside = sorted(t for t in targets if not t.startswith("citekb.core"))
            assert outside == [], f"{name} imports {outside}"


def test_no_layer_imports_a_higher_layer_at_run_time() -> None:
    assert upward(graph()) == []


def test_readme_states_the_same_order_of_layers() -> None:
    readme = (PACKAGE.parent.parent / "README.md").read_text(encoding="utf-8")
    assert " < ".join(LAYERS) in readme


def _function_level() -> list[tuple[str, int, str, bool]]:
    """(module, line, source, has a reason) of every function-level import of citekb."""
    modules = _modules()
    known = set(modules)
    return [
        (name, line, source, _reason(path, line))
        for name, path in sorted(modules.items())
        for line, source in function_imports(path, known)
    ]


def test_function_level_imports_are_few_and_each_says_why() -> None:
    found = _function_level()
    assert [f"{n}:{line}: {source.strip()}" for n, line, source, why in found if not why] == []
    assert len(found) <= MAX_FUNCTION_IMPORTS


def test_no_module_over_500_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


def test_public_api_is_importable_and_listed() -> None:
    import citekb

    assert sorted(citekb.__all__) == sorted(citekb._WHERE)
    for name in citekb.__all__:
        assert getattr(citekb, name) is not None, name


def test_few_public_function_names_repeat_across_modules() -> None:
    """A helper has one name: at most two public function names are defined in two modules
    (``makeExtension``, which Python-Markdown looks up by that name)."""
    where: dict[str, list[str]] = {}
    for name, path in sorted(_modules().items()):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                where.setdefault(node.name, []).append(name)
    shared = {n: m for n, m in where.items() if len(m) > 1}
    assert len(shared) <= 2, shared


def test_the_mkdocs_plugin_holds_its_session_and_mkdocs_config_only() -> None:
    """The plugin adapts MkDocs' hooks; the state of a build lives in its ``SiteSession``."""
    from citekb.site.mkdocs_plugin import CitekbPlugin
    from citekb.site.session import SiteSession

    plugin = CitekbPlugin()
    assert plugin.load_config({"style": "apa"}) == ([], [])
    assert set(vars(plugin)) == {"session", "config"}
    assert isinstance(plugin.session, SiteSession)
    assert "mkdocs" not in {name.split(".")[0] for name in imports_of("citekb.site.session")}


def imports_of(module: str) -> set[str]:
    """Every module ``module`` imports at its top level, citekb's or not."""
    tree = ast.parse(_modules()[module].read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


#: Test folders that are not a layer: whole-repository rules, real browsers, attacks, oracles.
TEST_FOLDERS = {"repository", "browser", "security", "oracles"}


def test_tests_mirror_the_package() -> None:
    """Each layer has its test folder, and every test file sits in a layer's folder or in one of
    the few cross-cutting ones: a newcomer finds a module's tests by its layer."""
    tests = REPO / "tests"
    folders = {p.parent.name for p in tests.glob("*/test_*.py")}
    assert folders == set(LAYERS) | TEST_FOLDERS, folders ^ (set(LAYERS) | TEST_FOLDERS)
    assert not list(tests.glob("test_*.py")), "test files belong in a layer's folder"
