"""The project's own Jupyter kernel: it runs this Python, or the run stops with a remedy."""

import sys

import pytest

from nps_helpers.errors import NpsWorkbookError
from nps_helpers.run import kernel
from nps_helpers.run.kernel import KERNEL_NAME, ensure_kernel, kernel_dir


def test_kernel_runs_this_python():
    assert ensure_kernel() == KERNEL_NAME
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert spec.argv[0] == sys.executable
    assert str(kernel_dir()).startswith(sys.prefix)


def test_kernel_dir_of_an_unknown_kernel_is_none():
    assert kernel_dir("no-such-kernel-for-nps-tests") is None


def test_a_kernel_of_another_python_is_reinstalled_or_named(monkeypatch):
    """A kernel spec of that name that runs another Python: ensure_kernel installs the
    project's own into sys.prefix; when another folder still shadows it, the error
    names the folder, the other Python and the command that removes it."""
    installed = []
    monkeypatch.setattr(
        "ipykernel.kernelspec.install", lambda **kw: installed.append(kw) or kw["prefix"]
    )
    monkeypatch.setattr(kernel, "_spec_python", lambda name: ("/usr/bin/python2", "/home/x/k"))
    with pytest.raises(NpsWorkbookError) as err:
        ensure_kernel()
    assert installed == [
        {"kernel_name": KERNEL_NAME, "display_name": kernel.DISPLAY_NAME, "prefix": sys.prefix}
    ]
    message = str(err.value)
    assert "/home/x/k" in message and "/usr/bin/python2" in message and sys.executable in message
    assert f"jupyter kernelspec remove {KERNEL_NAME}" in message

    answers = iter([(None, None), (sys.executable, "/venv/share/jupyter/kernels/nps")])
    monkeypatch.setattr(kernel, "_spec_python", lambda name: next(answers))
    assert ensure_kernel() == KERNEL_NAME, "missing at first: installed, then found"
    assert len(installed) == 2
