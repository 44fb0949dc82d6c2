"""Every module of the plug-in imports on its own, in a fresh interpreter.

An import cycle only shows when a module happens to be imported first (a script, a worker that
loads one view), so each module gets its own interpreter here."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import kwis_job_plugin

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(kwis_job_plugin.__path__, "kwis_job_plugin.")
    if ".migrations" not in info.name and not info.name.endswith(".build_command")
)


def _import(name: str) -> tuple[str, int, str]:
    done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True,
                          text=True, timeout=120)
    return name, done.returncode, done.stderr[-600:]


def test_every_module_imports_first():
    assert len(MODULES) > 40
    with ThreadPoolExecutor(max_workers=4) as pool:
        failed = [(n, err) for n, code, err in pool.map(_import, MODULES) if code]
    assert not failed, failed
