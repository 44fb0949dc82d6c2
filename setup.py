"""Build hook: everything else is declared in setup.cfg.

``build_py`` first puts the KERN UX design system into ``kwis_job_plugin/static/kern/`` (see
``kwis_job_plugin/assets_build.py``), so editable installs and wheels get it without a commit.
The module is loaded by path: the build environment has only setuptools, not our dependencies.
"""

import importlib.util
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

_MODULE = Path(__file__).resolve().parent / "kwis_job_plugin" / "assets_build.py"
_spec = importlib.util.spec_from_file_location("_kwis_job_assets_build", _MODULE)
assets_build = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = assets_build  # dataclasses look their module up there
_spec.loader.exec_module(assets_build)


class BuildPyWithKern(build_py):
    def run(self):
        assets_build.build_step(log=lambda message: print(message, flush=True))
        # The list of package data may have been globbed (by egg_info) before the files existed.
        self.__dict__.pop("data_files", None)
        super().run()


setup(cmdclass={"build_py": BuildPyWithKern})
