"""The package's rules, checked from the source: no process forking, small modules, no
import cycle, layers that import only downward, and thin notebooks.

Every import counts, also one inside a function; ``from nps_helpers.x import y`` is an
import of module ``x.y`` when ``y`` is a submodule, else of ``x``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "nps_helpers"
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
MAX_MODULE_LINES = 700
MAX_CELL_LINES = 4

#: Layers, lowest first: a layer imports only from layers below it (and within itself).
RANK = {
    "bundled": 0,
    "errors": 0,
    "io.exports": 0,
    "params": 0,
    "io": 1,
    "prepare": 2,
    "metrics": 2,
    "text": 2,
    "followup": 3,
    "deck": 4,
    "wave": 5,
    "run": 6,
    "drilldown": 6,
    "demo": 6,
}
#: The registry of export layouts sits at the bottom beside params: params and the CLI
#: take the list of formats from it, and it needs only the errors.
BASE = {"bundled", "errors", "params", "io.exports"}
BELOW_THE_TOP = {layer for layer, rank in RANK.items() if rank < RANK["run"]}
#: What each layer may import besides itself: a layer, or one module of a layer
#: (``io.processed``: the deck takes the WaveData type, and no other io module).
MAY_IMPORT: dict[str, set[str]] = {
    "bundled": set(),
    "errors": set(),
    "io.exports": {"errors"},
    "params": {"bundled", "errors", "io.exports"},
    "io": BASE,
    "metrics": BASE,
    # the NPS cut points are defined once, in metrics.scoring; text reads them
    "text": BASE | {"metrics.scoring"},
    "prepare": BASE | {"io", "metrics"},
    "followup": BASE | {"metrics", "text"},
    "deck": BASE | {"metrics", "text", "followup", "io.processed"},
    # the data-quality page is written with the gate's verdict, before it may stop the wave
    "wave": BASE | {"io", "prepare", "text", "followup", "deck.quality_page"},
    "drilldown": BELOW_THE_TOP,
    "demo": BELOW_THE_TOP,
    "run": set(RANK) - {"run"},
}
#: Imports that break the table above today (reported, to be fixed in src/): importer
#: -> imported module. The test fails on any other, and on an entry no longer true.
KNOWN_LAYER_BREAKS: set[tuple[str, str]] = set()
#: Code cells over MAX_CELL_LINES lines that are not a notebook's imports cell, today
#: (reported): notebook -> index of the cell. The test fails on any other.
KNOWN_LONG_CELLS: set[tuple[str, int]] = set()
#: Statements a notebook cell may not start at its top level: logic lives in the package.
NO_TOP_LEVEL = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.If,
)


# ---------------------------------------------------------------- the checker
def modules(root: Path) -> dict[str, Path]:
    """Module name -> file, for every module of the package at ``root``."""
    out = {}
    for file in sorted(root.rglob("*.py")):
        parts = list(file.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = file
    return out


def imported(name: str, file: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """The package modules that module ``name`` imports (anywhere in it), with the line."""
    top = next(iter(known)).split(".")[0]
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]

    def resolve(target: str) -> str | None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        return target or None

    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target == top or target.startswith(top + "."):
                found = resolve(target)
                if found and found != name:
                    yield found, node.lineno


def import_graph(root: Path) -> dict[str, dict[str, int]]:
    """Module -> {imported module: line of the first such import}."""
    known = modules(root)
    graph: dict[str, dict[str, int]] = {m: {} for m in known}
    for name, file in known.items():
        for target, line in imported(name, file, known):
            graph[name].setdefault(target, line)
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Import cycles, each as the path ``a -> b -> ... -> a`` (one per cycle found by a
    depth-first walk)."""
    found, state, path = [], {}, []

    def visit(module: str) -> None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph.get(module, {})):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def layer_of(module: str) -> str | None:
    """``nps_helpers.io.crm`` -> ``io``, ``nps_helpers.io.exports.qualtrics`` ->
    ``io.exports`` (a layer of its own); None for the package itself."""
    parts = module.split(".")[1:]
    if parts[:2] == ["io", "exports"]:
        return "io.exports"
    return parts[0] if parts else None


def allowed(importer: str, target: str) -> bool:
    own, theirs = layer_of(importer), layer_of(target)
    if own is None or own == theirs:
        return True
    inside = ".".join(target.split(".")[1:])
    return any(inside == a or inside.startswith(a + ".") for a in MAY_IMPORT[own])


def layer_breaks(graph: dict[str, dict[str, int]]) -> dict[tuple[str, str], int]:
    return {
        (importer, target): line
        for importer, targets in graph.items()
        for target, line in targets.items()
        if not allowed(importer, target)
    }


def forbidden_process_use(file: Path) -> list[str]:
    """Forking, multiprocessing and process pools in a module: ``line: what``."""
    found = []
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        what = None
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
            what = next((n for n in names if n.split(".")[0] == "multiprocessing"), None)
        elif isinstance(node, ast.ImportFrom):
            module, names = node.module or "", {a.name for a in node.names}
            if module.split(".")[0] == "multiprocessing":
                what = module
            elif module == "os" and names & {"fork", "forkpty"}:
                what = "os.fork"
            elif module.startswith("concurrent.futures") and (
                "ProcessPoolExecutor" in names or module == "concurrent.futures.process"
            ):
                what = "ProcessPoolExecutor"
        elif isinstance(node, ast.Attribute):
            if node.attr in ("fork", "forkpty") and getattr(node.value, "id", None) == "os":
                what = "os.fork"
            elif node.attr == "ProcessPoolExecutor":
                what = "ProcessPoolExecutor"
        if what:
            found.append(f"{node.lineno}: {what}")
    return found


# ------------------------------------------------------------- the package
GRAPH = import_graph(PACKAGE)


def test_the_checker_sees_the_package():
    assert set(RANK) <= {layer_of(m) for m in GRAPH} | {None}
    assert set(MAY_IMPORT) == set(RANK)
    assert GRAPH["nps_helpers.wave"]["nps_helpers.io.processed"] > 0
    # a function-level import counts (the CLI imports its commands' modules lazily)
    assert "nps_helpers.run.runner" in GRAPH["nps_helpers.run.cli"]
    # `from nps_helpers.io import processed` is an import of the module io.processed
    assert "nps_helpers.io.processed" in GRAPH["nps_helpers.wave"]
    assert "nps_helpers.io" not in GRAPH["nps_helpers.wave"]


@pytest.mark.parametrize("name", sorted(GRAPH), ids=lambda n: n)
def test_no_fork_multiprocessing_or_process_pool(name):
    assert forbidden_process_use(modules(PACKAGE)[name]) == []


def test_no_module_is_over_700_lines():
    long = {
        name: n
        for name, file in modules(PACKAGE).items()
        if (n := len(file.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_imports_have_no_cycle():
    assert cycles(GRAPH) == []


def test_the_layer_table_points_down():
    for layer, targets in MAY_IMPORT.items():
        for target in targets:
            target_layer = target if target in RANK else target.split(".")[0]
            assert RANK[target_layer] <= RANK[layer], (layer, target)
            assert layer not in MAY_IMPORT[target_layer] or target_layer == layer, (
                f"{layer} and {target_layer} may import each other"
            )


def test_layers_import_only_downward():
    found = layer_breaks(GRAPH)
    new = {
        f"{a} (line {line}) imports {b}": line
        for (a, b), line in found.items()
        if (a, b) not in KNOWN_LAYER_BREAKS
    }
    assert new == {}, "imports against the layer table"
    gone = KNOWN_LAYER_BREAKS - set(found)
    assert gone == set(), "fixed: remove these from KNOWN_LAYER_BREAKS"


# --------------------------------------------- the checker on made-up packages
def write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "nps_helpers"
    for name, source in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return package


def test_checker_finds_a_cycle_through_a_function_level_import(tmp_path):
    package = write_package(
        tmp_path,
        {
            "io/__init__.py": "",
            "io/files.py": "def f():\n    from nps_helpers.deck import blocks\n",
            "deck/__init__.py": "",
            "deck/blocks.py": "from nps_helpers.io import files\n",
            "params.py": "import nps_helpers.errors as e\n",
            "errors.py": "",
        },
    )
    graph = import_graph(package)
    assert graph["nps_helpers.io.files"] == {"nps_helpers.deck.blocks": 2}
    assert graph["nps_helpers.deck.blocks"] == {"nps_helpers.io.files": 1}
    assert graph["nps_helpers.params"] == {"nps_helpers.errors": 1}
    assert cycles(graph) == [
        ["nps_helpers.deck.blocks", "nps_helpers.io.files", "nps_helpers.deck.blocks"]
    ]
    # io may not import the deck; the deck takes only io.processed of io
    assert layer_breaks(graph) == {
        ("nps_helpers.io.files", "nps_helpers.deck.blocks"): 2,
        ("nps_helpers.deck.blocks", "nps_helpers.io.files"): 1,
    }


def test_checker_resolves_names_that_are_not_modules_to_their_module(tmp_path):
    package = write_package(
        tmp_path,
        {
            "deck/__init__.py": "",
            "deck/story.py": "from nps_helpers.io.processed import WaveData\n"
            "from nps_helpers.io import crm\n"
            "from . import blocks\n",
            "deck/blocks.py": "",
            "io/__init__.py": "",
            "io/processed.py": "",
            "io/crm.py": "",
        },
    )
    graph = import_graph(package)
    assert graph["nps_helpers.deck.story"] == {
        "nps_helpers.io.processed": 1,
        "nps_helpers.io.crm": 2,
        "nps_helpers.deck.blocks": 3,
    }
    assert layer_breaks(graph) == {("nps_helpers.deck.story", "nps_helpers.io.crm"): 2}


@pytest.mark.parametrize(
    "source",
    [
        "import os\nos.fork()\n",
        "from os import fork\n",
        "import multiprocessing\n",
        "from multiprocessing.pool import Pool\n",
        "from concurrent.futures import ProcessPoolExecutor\n",
        "import concurrent.futures\nconcurrent.futures.ProcessPoolExecutor()\n",
        "def later():\n    import multiprocessing.shared_memory\n",
    ],
)
def test_checker_finds_process_machinery(tmp_path, source):
    file = tmp_path / "m.py"
    file.write_text(source, encoding="utf-8")
    assert forbidden_process_use(file)
    file.write_text("from concurrent.futures import ThreadPoolExecutor\nimport os\n")
    assert forbidden_process_use(file) == []


# ------------------------------------------------------------------ notebooks
def code_cells(path: Path) -> list[tuple[int, nbformat.NotebookNode]]:
    nb = nbformat.read(path, as_version=4)
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def imports_cell(cells: list[tuple[int, nbformat.NotebookNode]]) -> int:
    """The index of the notebook's imports cell: its first code cell after the
    parameters, which starts with an import."""
    for i, cell in cells:
        if "parameters" in cell.metadata.get("tags", []):
            continue
        first = ast.parse(cell.source).body[0]
        assert isinstance(first, ast.Import | ast.ImportFrom), f"cell {i} starts with imports"
        return i
    raise AssertionError("no code cell after the parameters")


def long_cells(path: Path) -> set[tuple[str, int]]:
    cells = code_cells(path)
    setup = imports_cell(cells)
    return {
        (path.name, i)
        for i, cell in cells
        if i != setup and len(cell.source.strip("\n").splitlines()) > MAX_CELL_LINES
    }


def test_the_notebooks_are_there():
    assert [p.name for p in NOTEBOOKS] == [
        "drilldown.ipynb",
        "prepare_wave.ipynb",
        "wave_report.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cells_are_short(path):
    found = long_cells(path)
    known = {k for k in KNOWN_LONG_CELLS if k[0] == path.name}
    assert found - known == set(), f"code cells over {MAX_CELL_LINES} lines"
    assert known - found == set(), "fixed: remove these from KNOWN_LONG_CELLS"


def logic_statements(path: Path) -> list[str]:
    """``def``, ``class``, loops and ``if`` at the top level of a code cell."""
    return [
        f"cell {i} line {node.lineno}: {type(node).__name__}"
        for i, cell in code_cells(path)
        for node in ast.parse(cell.source).body
        if isinstance(node, NO_TOP_LEVEL)
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_cells_hold_no_logic(path):
    assert logic_statements(path) == []


def test_notebook_rules_catch_logic_and_long_cells(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("params_path = ''", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import pandas as pd\n\nx = 1\ny = 2\nz = 3\nw = 4"),
        nbformat.v4.new_code_cell("a = 1\nb = 2\nc = 3\nd = 4\n"),
        nbformat.v4.new_code_cell("a = 1\nb = 2\nc = 3\nd = 4\ne = 5"),
        nbformat.v4.new_code_cell("for i in range(3):\n    print(i)"),
        nbformat.v4.new_code_cell("with open('f') as f:\n    if f:\n        pass"),
        nbformat.v4.new_code_cell("def f():\n    pass"),
    ]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert long_cells(path) == {("x.ipynb", 3)}, "the imports cell may be long"
    assert logic_statements(path) == ["cell 4 line 1: For", "cell 6 line 1: FunctionDef"]
