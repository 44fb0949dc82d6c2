"""The build's ``build_py`` command: the KERN UX files first (``assets_build``), then as usual.

``pyproject.toml`` names this class (``[tool.setuptools.cmdclass]``), so editable installs,
``pip install .`` and wheel builds all put KERN into ``static/kern/`` without a commit and without
a ``setup.py``. Setuptools loads this file by its path inside the isolated build environment,
where only setuptools and the standard library exist; ``assets_build`` is loaded the same way,
not imported from the (not yet installed) package.
"""

import importlib.util
import sys
from pathlib import Path

from setuptools.command.build_py import build_py

_NAME = "_kwis_job_assets_build"


def _assets_build():
    if _NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            _NAME, Path(__file__).resolve().with_name("assets_build.py")
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


class BuildPyWithKern(build_py):
    def run(self):
        _assets_build().build_step(log=lambda message: print(message, flush=True))
        # The list of package data may have been globbed (by egg_info) before the files existed.
        self.__dict__.pop("data_files", None)
        super().run()
