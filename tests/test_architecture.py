"""The package's layering: no module needs, directly or through others, a module that uses it.

Every import counts: at the top of a module, inside a function (a late import hides a cycle, it does not
remove it) and under `if TYPE_CHECKING:` (the type checker, and the reader, follow those too)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "seedlint"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # `from seedlint import engine` imports a module; `from x import f`, x
                target = f"{node.module}.{alias.name}"
                found.add(target if target in modules else node.module)
    return {name for name in found if name in modules}


def import_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: imports(path, set(files)) - {name} for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for other in sorted(graph[node]):
            if state.get(other) == "open":
                found.append(trail[trail.index(other) :] + [other])
            elif other not in state:
                visit(other, trail + [other])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_the_package_has_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 30 and graph["seedlint.engine"]  # the graph is really read
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
