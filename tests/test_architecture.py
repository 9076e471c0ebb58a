"""The package layout is the architecture: no import circle, and no lower layer imports a higher one.

The import graph is built from the source with :mod:`ast` (every import, including those
inside functions and under ``TYPE_CHECKING``), so a lazy import cannot hide a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "subalign"

# read -> segment -> embed -> align -> (quotes | glossary | subtitles) -> write; callers on top.
LOWER = ("subalign.types", "subalign.errors", "subalign.text", "subalign.lexicon", "subalign.encoders", "subalign.aligner")
HIGHER = ("subalign.quotes", "subalign.glossary", "subalign.subs", "subalign.report", "subalign.corrections", "subalign.batch", "subalign.cli")
# The full order, lowest first; a module may import its own layer and the ones below.
LAYERS = (
    ("subalign.types", "subalign.errors"),
    ("subalign.text", "subalign.runs"),
    ("subalign.lexicon",),
    ("subalign.encoders",),
    ("subalign.aligner", "subalign.api", "subalign.formats"),
    ("subalign.quotes", "subalign.glossary", "subalign.subs"),
    ("subalign.report", "subalign.corrections"),
    ("subalign.batch",),
    ("subalign.cli",),
)


def module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path = SRC) -> dict[str, set[str]]:
    """Module -> the subalign modules it imports (a package import counts as its ``__init__``)."""
    files = {module_name(p, root): p for p in (root / "subalign").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_pkg = path.name == "__init__.py"
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    pkg = name.split(".") if is_pkg else name.split(".")[:-1]
                    pkg = pkg[: len(pkg) - (node.level - 1)]
                    base = ".".join(pkg + ([base] if base else []))
                # ``from pkg import sub`` depends on the submodule; ``from pkg import name`` on pkg
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            for t in targets:
                # the longest prefix that is one of our modules
                while t and t not in files:
                    t = t.rpartition(".")[0]
                if t and t != name:
                    deps.add(t)
        graph[name] = deps
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a list of modules (first = last), or None."""
    WHITE, GREY, BLACK = 0, 1, 2
    colour = dict.fromkeys(graph, WHITE)
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        colour[n] = GREY
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if colour.get(m, BLACK) == GREY:
                return stack[stack.index(m):] + [m]
            if colour.get(m) == WHITE:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        colour[n] = BLACK
        return None

    for n in sorted(graph):
        if colour[n] == WHITE:
            found = visit(n)
            if found:
                return found
    return None


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    def under(mod: str, prefixes: tuple[str, ...]) -> bool:
        return any(mod == p or mod.startswith(p + ".") for p in prefixes)

    return sorted(f"{a} imports {b}" for a, deps in graph.items() if under(a, LOWER) for b in deps if under(b, HIGHER))


def layer_of(mod: str) -> int | None:
    """Index in :data:`LAYERS` of the layer holding ``mod`` (None for the ``subalign`` facade)."""
    for k, layer in enumerate(LAYERS):
        if any(mod == p or mod.startswith(p + ".") for p in layer):
            return k
    return None


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for a, deps in graph.items():
        la = layer_of(a)
        for b in deps:
            lb = layer_of(b)
            if la is not None and lb is not None and lb > la:
                out.append(f"{a} imports {b}")
    return sorted(out)


def test_graph_sees_the_package():
    graph = import_graph()
    assert "subalign.aligner.core" in graph and "subalign.cli.entry" in graph
    assert "subalign.aligner.core" in graph["subalign.api"]
    assert "subalign.cli.common" in graph["subalign.cli.quotes"]


def test_no_import_cycle():
    assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()) or [])


def test_lower_layers_do_not_import_higher_ones():
    assert layer_violations(import_graph()) == []


def test_no_layer_imports_a_higher_one():
    """types/errors < text < encoders < aligner < quotes|glossary|subs < report < batch < cli."""
    assert upward_imports(import_graph()) == []


@pytest.fixture
def fake_package(tmp_path):
    pkg = tmp_path / "subalign"
    for rel, text in {
        "__init__.py": "",
        "types.py": "",
        "text/__init__.py": "",
        "text/a.py": "from subalign.text import b\n",
        "text/b.py": "def f():\n    from subalign.text.a import x  # inside a function: still an edge\n",
        "aligner/__init__.py": "",
        "aligner/core.py": "def g():\n    from subalign.quotes.match import find\n",
        "encoders/__init__.py": "",
        "encoders/engines.py": "from subalign.aligner import core\n",
        "quotes/__init__.py": "",
        "quotes/match.py": "",
    }.items():
        (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
        (pkg / rel).write_text(text)
    return tmp_path


def test_the_checks_can_fail(fake_package):
    graph = import_graph(fake_package)
    cycle = find_cycle(graph)
    assert cycle is not None and {"subalign.text.a", "subalign.text.b"} <= set(cycle)
    assert layer_violations(graph) == ["subalign.aligner.core imports subalign.quotes.match"]
    assert upward_imports(graph) == [
        "subalign.aligner.core imports subalign.quotes.match",
        "subalign.encoders.engines imports subalign.aligner.core",
    ]


def test_every_import_inside_a_function_says_why_it_is_lazy():
    """Imports belong at the top of a module; the deliberately lazy ones (heavy libraries, or
    modules that would slow ``subalign --help``) carry a ``# lazy: <reason>`` comment."""
    unmarked = []
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)) and "# lazy:" not in lines[inner.lineno - 1]:
                        unmarked.append(f"{path.relative_to(SRC)}:{inner.lineno}: {lines[inner.lineno - 1].strip()}")
    assert not unmarked, "in-function imports without a '# lazy:' reason:\n" + "\n".join(unmarked)


def test_no_module_imports_another_modules_private_names():
    """A name shared between modules is public; ``_name`` stays inside its module."""
    private = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("subalign"):
                private += [f"{path.relative_to(SRC)}:{node.lineno}: {node.module}.{a.name}"
                            for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    assert not private, "imports of private names:\n" + "\n".join(private)
