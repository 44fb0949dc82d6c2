"""In-process cost of a warm search and of a cold start, figures that hold on a shared machine.

    .venv/bin/python tests/benchmarks/profile_search.py --url sqlite:////tmp/b100k.db

The database must hold generated data (``generate_data.py``). One Flask app of the reference
host, the same URL mix as ``bench_search.py`` (seed 7): after one pass to warm it, per search
the CPU milliseconds (``time.process_time``, so other processes' load hardly counts), SQL
statements, Python function calls (``cProfile``) and HTML bytes; medians and means are printed.
Cold start: a new app's first search with the replica loaded from the documents, and with it
restored from the snapshot (written here first, as ``kwis-job search snapshot`` does).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import delete, event
from sqlalchemy.orm import Session

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_search import SHAPES, search_urls  # noqa: E402
from kwis_hooks.refhost import create_app  # noqa: E402

from kwis_job_plugin import models  # noqa: E402
from kwis_job_plugin.services import search_sync  # noqa: E402


def _app(url: str):
    return create_app({"KWIS_DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": False})


def _cold(url: str, path: str) -> float:
    app = _app(url)
    started = time.perf_counter()
    assert app.test_client().get(path).status_code == 200
    seconds = time.perf_counter() - started
    app.extensions["kwis_host"]["engine"].dispose()
    return seconds


def cold_start(url: str, path: str) -> dict:
    if not hasattr(models, "SearchSnapshot"):  # code from before the snapshot (a comparison)
        return {"from_documents_s": round(_cold(url, path), 2)}
    app = _app(url)
    engine = app.extensions["kwis_host"]["engine"]
    with Session(engine) as session:
        session.execute(delete(models.SearchSnapshot))
        session.commit()
    documents = _cold(url, path)
    with Session(engine) as session:
        started = time.perf_counter()
        seq, size = search_sync.write_snapshot(session, from_documents=True)
        session.commit()
        written = time.perf_counter() - started
    engine.dispose()
    snapshot = _cold(url, path)
    return {"from_documents_s": round(documents, 2), "from_snapshot_s": round(snapshot, 2),
            "snapshot_mb": round(size / 1e6, 1), "snapshot_write_s": round(written, 2)}


def warm_costs(url: str, paths: list[str]) -> dict:
    app = _app(url)
    client = app.test_client()
    engine = app.extensions["kwis_host"]["engine"]
    for path in paths:  # warm: replica, settings, templates, distance caches
        assert client.get(path).status_code == 200
    statements = [0]
    event.listen(engine, "before_cursor_execute", lambda *_a: statements.__setitem__(
        0, statements[0] + 1))
    cpu, sql, calls, size = [], [], [], []
    for path in paths:
        before = statements[0]
        profile = cProfile.Profile()
        started = time.process_time()
        profile.enable()
        response = client.get(path)
        profile.disable()
        cpu_ms = (time.process_time() - started) * 1000
        sql.append(statements[0] - before)
        calls.append(pstats.Stats(profile).total_calls)
        size.append(len(response.get_data()))
        # CPU without the profiler's own overhead: the same request again
        started = time.process_time()
        client.get(path)
        cpu.append((time.process_time() - started) * 1000 if cpu_ms else 0)
    engine.dispose()

    def both(values):
        return f"median {statistics.median(values):.1f}, mean {statistics.mean(values):.1f}"

    return {"searches": len(paths), "cpu_ms": both(cpu), "sql": both(sql),
            "calls": both(calls), "html_kb": both([s / 1000 for s in size]),
            "html_max_kb": round(max(size) / 1000, 1)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--per-shape", type=int, default=30)
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args(argv)
    urls = search_urls(args.url)
    paths = [urls[shape][i % len(urls[shape])] for i in range(args.per_shape) for shape in SHAPES]
    if not args.skip_cold:
        print("cold start:", cold_start(args.url, urls["text"][0]), flush=True)
    print("warm search:", warm_costs(args.url, paths), flush=True)


if __name__ == "__main__":
    main()
