"""A live, multi-process server for race tests: gunicorn serving the reference host with the
plug-in, on 127.0.0.1 and a free port.

    with live_server.serve(db_url, settings={"KWIS_JOB_TEST_UNLOCKED_SLOTS": True}) as url:
        requests.get(f"{url}/jobs/_ping")

gunicorn loads ``support.live_server:make_app()`` (``--chdir tests``), which builds the app
like ``tests/benchmarks/wsgi_app.py`` does, plus extra settings passed as JSON in
``KWIS_LIVE_SETTINGS``. ``--preload`` builds it once before the workers fork (the engine's pool
is still empty then, so no connection is shared), which makes start-up a matter of seconds.
Several worker processes with several threads each, so requests really run at the same time in
different processes and the database's locks are what keep them apart.
The server runs in its own process group and is always stopped, also when a test fails.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

TESTS = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60


def make_app():
    """gunicorn's app factory (runs in each worker)."""
    from kwis_hooks.refhost import create_app

    return create_app({
        "KWIS_DATABASE_URL": os.environ["KWIS_DATABASE_URL"],
        "SECRET_KEY": os.environ.get("KWIS_SECRET_KEY", "live-server-secret"),
        **json.loads(os.environ.get("KWIS_LIVE_SETTINGS", "{}")),
    })


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)  # quick shutdown: the test is over
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def serve(db_url: str, *, settings: dict | None = None, workers: int = 4,
          threads: int = 8, log_path: Path | None = None) -> Iterator[str]:
    """Serve the app on ``db_url``; yields the base URL (``http://127.0.0.1:PORT``).

    The server's output (tracebacks included) goes to ``log_path`` if given, so a benchmark
    can show why a request failed; otherwise to a temporary file read only if it dies."""
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {
        **os.environ,
        "KWIS_DATABASE_URL": db_url,
        "KWIS_LIVE_SETTINGS": json.dumps(settings or {}),
        "PYTHONPATH": os.pathsep.join(filter(None, (str(TESTS), os.environ.get("PYTHONPATH")))),
    }
    with (open(log_path, "w+") if log_path else tempfile.TemporaryFile("w+")) as log:
        process = subprocess.Popen(
            [str(gunicorn), "-w", str(workers), "--threads", str(threads), "-k", "gthread",
             "--preload",
             "-b", f"127.0.0.1:{port}", "--chdir", str(TESTS), "--timeout", "60",
             "--log-level", "warning", "support.live_server:make_app()"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(process, url, log)
            yield url
        finally:
            _stop(process)


def _wait_until_up(process: subprocess.Popen, url: str, log) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited: {log.read()[-3000:]}")
        try:
            if requests.get(f"{url}/jobs/_ping", timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s")
