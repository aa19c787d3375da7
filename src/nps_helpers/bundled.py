"""Files the workbook ships beside its code: the default codebook, the wave notebooks and
the demo's params.

In the source tree they live where an analyst edits them (``params/``, ``notebooks/``);
a built wheel carries copies under ``nps_helpers/resources/`` (``setup.py`` puts them
there), so an installed workbook runs in any folder. :func:`bundled` finds a file in
either place, the wheel's copy first.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The copies a wheel carries.
RESOURCES = PACKAGE_DIR / "resources"
#: The source tree of an editable install (``src/nps_helpers`` -> the project root).
SOURCE_TREE = PACKAGE_DIR.parents[1]
#: What the wheel carries, as paths relative to the project root.
FILES = (
    "params/codebook.yaml",
    "params/2026-H1.yaml",
    "params/2026-H2.yaml",
    "notebooks/prepare_wave.ipynb",
    "notebooks/wave_report.ipynb",
    "notebooks/drilldown.ipynb",
)


def bundled(relative: str) -> Path:
    """The shipped file (or folder) at ``relative`` (e.g. ``"params/codebook.yaml"``):
    the installed package's copy, else the source tree's.

    Examples
    --------
    >>> bundled("params/codebook.yaml").name
    'codebook.yaml'
    """
    copy = RESOURCES / relative
    return copy if copy.exists() else SOURCE_TREE / relative
