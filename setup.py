"""Build hook: the wheel carries the workbook's default codebook, notebooks and demo params.

They stay where analysts edit them (``params/``, ``notebooks/``); building the wheel
copies them into ``nps_helpers/resources/`` (see ``nps_helpers.bundled``). Everything
else about the package is in pyproject.toml.
"""

import runpy
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: the list nps_helpers.bundled finds them by, read without importing the package
SHIPPED = runpy.run_path(str(HERE / "src" / "nps_helpers" / "bundled.py"))["FILES"]


class BuildWithResources(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "nps_helpers" / "resources"
        for relative in SHIPPED:
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / relative, destination)


setup(cmdclass={"build_py": BuildWithResources})
