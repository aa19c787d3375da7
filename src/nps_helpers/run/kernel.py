"""The project's own Jupyter kernel, so notebooks never run in some other Python.

``nps-workbook`` is installed into the prefix of the interpreter that runs the
workbook (the project's .venv), and Papermill is told to use it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from nps_helpers.errors import NpsWorkbookError

KERNEL_NAME = "nps-workbook"
DISPLAY_NAME = "Python (nps-workbook)"


def _spec_python(name: str) -> tuple[str | None, str | None]:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        spec = manager.get_kernel_spec(name)
    except NoSuchKernel:
        return None, None
    return (spec.argv[0] if spec.argv else None), spec.resource_dir


def ensure_kernel(name: str = KERNEL_NAME) -> str:
    """Make sure kernel ``name`` runs this interpreter; install it into ``sys.prefix`` if not.

    Returns
    -------
    str
        The kernel name to give Papermill.

    Raises
    ------
    NpsWorkbookError
        When a kernel of that name elsewhere (for example in the user's Jupyter
        folder) points at another Python and shadows the project's one.
    """
    python, _ = _spec_python(name)
    if python == sys.executable:
        return name
    from ipykernel.kernelspec import install

    install(kernel_name=name, display_name=DISPLAY_NAME, prefix=sys.prefix)
    python, where = _spec_python(name)
    if python != sys.executable:
        raise NpsWorkbookError(
            f"the Jupyter kernel '{name}' found in {where} runs {python}, not this project's "
            f"Python ({sys.executable}); remove that folder (jupyter kernelspec remove {name}) "
            "and run again"
        )
    return name


def kernel_dir(name: str = KERNEL_NAME) -> Path | None:
    """Where the kernel spec lives, if installed."""
    _, where = _spec_python(name)
    return Path(where) if where else None
