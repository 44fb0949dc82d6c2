"""In-process cost of a warm search and of a cold start, figures that hold on a shared machine.

    .venv/bin/python tests/benchmarks/profile_search.py --url sqlite:////tmp/b100k.db

The database must hold generated data (``generate_data.py``). One Flask app of the reference
host, the same URL mix as ``bench_search.py`` (seed 7): after one pass to warm it, per search
the CPU milliseconds (``time.process_time``, so other processes' load hardly counts), SQL
statements, HTML bytes, and Python function calls (``cProfile``, in a second pass of its own:
it triples the CPU time); medians and means are printed. Without the
response cache, with it hit (the same URLs again), and with it on but no URL repeating.
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


def _app(url: str, cache: int = 0):
    return create_app({"KWIS_DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": False,
                       "KWIS_JOB_RESPONSE_CACHE_SIZE": cache})


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


def _pass(url: str, paths: list[str], warm: list[str], cache: int, profiled: bool) -> dict:
    app = _app(url, cache)
    client = app.test_client()
    engine = app.extensions["kwis_host"]["engine"]
    for path in warm:  # warm: replica, settings, templates, distance caches
        assert client.get(path).status_code == 200
    statements = [0]
    event.listen(engine, "before_cursor_execute", lambda *_a: statements.__setitem__(
        0, statements[0] + 1))
    found: dict[str, list[float]] = {"cpu": [], "sql": [], "calls": [], "size": []}
    for path in paths:
        before = statements[0]
        profile = cProfile.Profile() if profiled else None
        started = time.process_time()
        if profile:
            profile.enable()
        response = client.get(path)
        if profile:
            profile.disable()
            found["calls"].append(pstats.Stats(profile).total_calls)
        found["cpu"].append((time.process_time() - started) * 1000)
        found["sql"].append(statements[0] - before)
        found["size"].append(len(response.get_data()))
    engine.dispose()
    return found


def warm_costs(url: str, paths: list[str], warm: list[str], cache: int = 0) -> dict:
    """Costs of ``paths`` after ``warm`` was asked (with ``cache``, the response cache's size:
    ``warm`` == ``paths`` measures hits, ``warm`` disjoint from ``paths`` misses). CPU, SQL and
    size from a plain pass; function calls from a second app's pass under ``cProfile``."""
    plain = _pass(url, paths, warm, cache, profiled=False)
    calls = _pass(url, paths, warm, cache, profiled=True)["calls"]

    def both(values):
        return f"median {statistics.median(values):.1f}, mean {statistics.mean(values):.1f}"

    return {"searches": len(paths), "cpu_ms": both(plain["cpu"]), "sql": both(plain["sql"]),
            "calls": both(calls), "html_kb": both([s / 1000 for s in plain["size"]]),
            "html_max_kb": round(max(plain["size"]) / 1000, 1)}


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
    print("warm search, no response cache:", warm_costs(args.url, paths, paths), flush=True)
    if hasattr(models, "SearchSnapshot"):  # the cache came with it
        print("response cache hits (the same URLs again):",
              warm_costs(args.url, paths, paths, cache=4096), flush=True)
        other = search_urls(args.url, seed=8)
        warm = [u for shape in SHAPES for u in other[shape][: args.per_shape]]
        fresh = list(dict.fromkeys(p for p in paths if p not in set(warm)))
        print("response cache on, no URL repeats (misses):",
              warm_costs(args.url, fresh, warm, cache=4096), flush=True)


if __name__ == "__main__":
    main()
