import importlib.util
from pathlib import Path

import nbformat

SPEC = importlib.util.spec_from_file_location(
    "bench_cells", Path(__file__).resolve().parents[1] / "benchmarks" / "cells.py"
)
cells = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(cells)


def _executed(path, *timings):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# title"))
    for source, start, duration in timings:
        c = nbformat.v4.new_code_cell(source)
        c.metadata["papermill"] = {"start_time": start, "duration": duration}
        nb.cells.append(c)
    nb.cells.append(nbformat.v4.new_code_cell("never ran"))  # no papermill times
    nbformat.write(nb, path)
    return path


def test_cell_times_are_a_timeline_across_notebooks(tmp_path, capsys):
    first = _executed(
        tmp_path / "a.ipynb",
        ("import pandas\nx = 1", "2026-11-23T10:00:00.000000Z", 1.5),
        ("y = 2", "2026-11-23T10:00:01.500000Z", 0.25),
    )
    second = _executed(tmp_path / "b.ipynb", ("themes()", "2026-11-23T10:00:03.000000Z", 4.0))
    rows = cells.cell_times([first, second])
    assert [(r["notebook"], r["cell"], r["start"], r["seconds"]) for r in rows] == [
        ("a.ipynb", 1, 0.0, 1.5),
        ("a.ipynb", 2, 1.5, 0.25),
        ("b.ipynb", 1, 3.0, 4.0),
    ]
    assert rows[0]["source"] == "import pandas"
    cells.main([str(first), str(second), "--top", "2"])
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "3 cells, 5.8 s in cells"
    assert out[3].startswith("| b.ipynb | 1 | 3.0 | 4.00 |") and len(out) == 5
