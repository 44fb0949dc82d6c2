"""Search throughput against a bare endpoint of the same server, in the same run.

    .venv/bin/python tests/benchmarks/bench_search.py                 # 5k and 100k, both engines
    .venv/bin/python tests/benchmarks/bench_search.py --sizes 100k,1m --engines postgresql

For each engine (a SQLite file; PostgreSQL in a throwaway cluster from ``tests/support``) and
size: generate the data (``generate_data.py``), serve the reference host with gunicorn (2
workers, 127.0.0.1 only), load ``/jobs/_ping`` and then a mix of >= 500 distinct search URLs of
six shapes with wrk (Debian package ``wrk``), and time sequential single requests per shape
with one keep-alive client. Prints req/s, p50, p99 and the ratio search/bare, the median HTML
size of a search page, and the cold start: the time until both fresh workers have answered
their first search, asked at once right after the server came up (each loads its replica
then); and the start with a snapshot (``kwis-job search snapshot``) and the warm-up hook
(``kwis_job_plugin.warm_up``): seconds until the server answers, then the first searches.
Everything is bounded in time and cleaned up; the script stops by itself. Needs
``pip install .[bench]``.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import requests
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/support

import generate_data  # noqa: E402
from support import postgres  # noqa: E402

from kwis_job_plugin.demo import data  # noqa: E402
from kwis_job_plugin.models import (  # noqa: E402
    Benefit,
    OccupationalField,
    OfferType,
    TargetGroup,
    TrainingOccupation,
)

SIZES = {"5k": (5_000, 1_000), "100k": (100_000, 20_000), "1m": (1_000_000, 50_000)}
"""offers, companies: a realistic region, a state-wide portal, and the stress size."""
SHAPES = ("text", "type", "text_type_distance", "deep_page", "no_parameters", "facets")
PREFIX = "/jobs"
TEXT_WORDS = (
    "praktikum", "ferienjob", "ausbildung", "schnuppertag", "abschlussarbeit", "werkstatt",
    "montage", "labor", "software", "holz", "metall", "elektronik", "pflege", "optik", "glas",
    "garten", "marketing", "energie", "solar", "hotel", "küche", "chemie", "beratung", "team",
    "jena", "apolda", "kahla", "weimar", "stadtroda", "hermsdorf", "eisenberg", "müller",
    "schmidt", "technik", "saale", "bau", "service", "maschinen", "fahrzeuge", "computer",
    "tag der offenen tür", "praktikum studierende", "ferienjob sommer", "mechatron",
    "elektro", "prakt", "ausbild", "logistik", "druck", "daten",
)


# --- URLs --------------------------------------------------------------------------------------


def search_urls(url: str, count_per_shape: int = 110, seed: int = 7) -> dict[str, list[str]]:
    """At least ``count_per_shape`` distinct URLs per shape (one for "no parameters")."""
    rng = random.Random(seed)
    engine = create_engine(url)
    with Session(engine) as session:
        def keys(model):
            return list(session.scalars(select(model.key).where(model.active).order_by(model.key)))

        types, fields = keys(OfferType), keys(OccupationalField)
        occupations, benefits, groups = keys(TrainingOccupation), keys(Benefit), keys(TargetGroup)
    engine.dispose()
    postcodes = sorted({t["postcode"] for t in data.TOWNS})
    towns = sorted({t["name"] for t in data.TOWNS})
    regions = [r["slug"] for r in data.REGIONS]

    def url_of(args: list[tuple[str, str]]) -> str:
        return f"{PREFIX}/suche?{urlencode(args)}" if args else f"{PREFIX}/suche"

    def distinct(make) -> list[str]:
        found: dict[str, None] = {}
        for _ in range(count_per_shape * 50):
            found.setdefault(url_of(make()), None)
            if len(found) >= count_per_shape:
                break
        return list(found)

    def facets() -> list[tuple[str, str]]:
        args = [("feld", k) for k in rng.sample(fields, k=rng.randint(1, 2))]
        args += [("vorteil", k) for k in rng.sample(benefits, k=rng.randint(1, 2))]
        args += [("zielgruppe", rng.choice(groups))]
        if occupations and rng.random() < 0.5:
            args.append(("beruf", rng.choice(occupations)))
        if rng.random() < 0.5:
            args.append(("frei", "1"))
        if rng.random() < 0.5:
            args.append(("region", rng.choice(regions)))
        return args

    return {
        "text": distinct(lambda: [("q", rng.choice(TEXT_WORDS))]
                         + ([("seite", str(rng.randint(2, 3)))] if rng.random() < 0.4 else [])),
        "type": distinct(lambda: [("art", rng.choice(types)), ("seite", str(rng.randint(1, 12)))]),
        "text_type_distance": distinct(lambda: [
            ("q", rng.choice(TEXT_WORDS)), ("art", rng.choice(types)),
            ("ort", rng.choice(postcodes + towns)), ("umkreis", str(rng.choice((5, 10, 25, 50)))),
        ]),
        "deep_page": distinct(lambda: ([("art", rng.choice(types))] if rng.random() < 0.5 else [])
                              + [("seite", str(rng.randint(20, 50)))]),
        "no_parameters": [f"{PREFIX}/suche", f"{PREFIX}/"],
        "facets": distinct(facets),
    }


def wrk_script(urls: dict[str, list[str]], path: Path) -> int:
    """A Lua script cycling through the URLs, shapes interleaved (equal weight per shape)."""
    longest = max(len(v) for v in urls.values())
    mix = [urls[shape][i % len(urls[shape])] for i in range(longest) for shape in SHAPES]
    lines = ",\n".join(f'  "{u}"' for u in mix)
    path.write_text(
        f"local paths = {{\n{lines}\n}}\n"
        "local i = 0\n"
        "init = function(args) i = math.random(#paths) end\n"
        "request = function()\n"
        "  i = i % #paths + 1\n"
        '  return wrk.format("GET", paths[i])\n'
        "end\n"
    )
    return len(set(mix))


# --- processes ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, log: Path,
                   config: Path | None = None) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, "KWIS_DATABASE_URL": url}
    process = subprocess.Popen(
        [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--chdir", str(HERE),
         "--timeout", "120", "--log-level", "warning"]
        + (["-c", str(config)] if config else []) + ["wsgi_app:app"],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}{PREFIX}/_ping", timeout=2).ok:
                return process
        except requests.RequestException:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(raw: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", raw).groups()
    return float(number) * _UNITS[unit]


def run_wrk(url: str, args: argparse.Namespace, script: Path | None = None) -> dict:
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
           "--timeout", "30s", "--latency"]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True,
                         timeout=args.duration + 90, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def cold_start(base: str, paths: list[str]) -> float:
    """Seconds until every one of ``paths``, asked at once on fresh connections, is answered:
    with as many paths as workers, each fresh worker's first search (its replica loads)."""
    done: list[float] = []
    errors: list[BaseException] = []

    def ask(path: str) -> None:
        try:
            requests.get(base + path, timeout=300).raise_for_status()
            done.append(time.perf_counter())
        except BaseException as exc:  # reported below, in the main thread
            errors.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=ask, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return max(done) - started


def single_requests(base: str, urls: dict[str, list[str]], per_shape: int) -> dict[str, float]:
    """p50 in ms of sequential requests over one keep-alive connection, per shape; and
    ``bytes``, the median size of the pages."""
    found: dict[str, float] = {}
    every: list[float] = []
    sizes: list[int] = []
    with requests.Session() as client:
        for shape in SHAPES:
            times = []
            for i in range(per_shape):
                path = urls[shape][i % len(urls[shape])]
                started = time.perf_counter()
                response = client.get(base + path, timeout=60)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                sizes.append(len(response.content))
            found[shape] = statistics.median(times)
            every += times
    found["all"] = statistics.median(every)
    found["bytes"] = statistics.median(sizes)
    return found


# --- the run -----------------------------------------------------------------------------------


def bench_one(engine_name: str, size: str, args: argparse.Namespace, workdir: Path) -> dict:
    n_offers, n_companies = SIZES[size]
    server = None
    try:
        if engine_name == "sqlite":
            url = f"sqlite:///{workdir / f'bench-{size}.db'}"
        else:
            server = postgres.start()
            admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE bench_{size}"))
            admin.dispose()
            url = server.url_for(f"bench_{size}")
        print(f"[{engine_name} {size}] generating {n_offers} offers / {n_companies} companies",
              flush=True)
        engine = generate_data.prepare(url)
        stats = generate_data.generate(engine, n_offers, n_companies, date.today())
        engine.dispose()
        print(f"[{engine_name} {size}] {stats}", flush=True)
        urls = search_urls(url)
        script = workdir / f"mix-{engine_name}-{size}.lua"
        distinct = wrk_script(urls, script)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        process = start_gunicorn(url, port, args.workers, workdir / f"gunicorn-{engine_name}.log")
        try:
            cold = cold_start(base, [urls["no_parameters"][0], urls["text"][0]][: args.workers]
                              + urls["type"][: max(0, args.workers - 2)])
            print(f"[{engine_name} {size}] cold start {cold:.2f} s", flush=True)
            with requests.Session() as client:  # warm up both workers, check every shape
                for shape in SHAPES:
                    for path in urls[shape][:4]:
                        client.get(base + path, timeout=120).raise_for_status()
            single = single_requests(base, urls, args.single)
            print(f"[{engine_name} {size}] single-request p50 ms: "
                  + ", ".join(f"{k} {v:.0f}" for k, v in single.items() if k != "bytes")
                  + f"; page {single['bytes'] / 1000:.1f} KB", flush=True)
            bare = run_wrk(f"{base}{PREFIX}/_ping", args)
            print(f"[{engine_name} {size}] bare {bare}", flush=True)
            mix = run_wrk(base, args, script)
            print(f"[{engine_name} {size}] search {mix}", flush=True)
        finally:
            stop(process)
        snapshot = warm_start(url, args, workdir, engine_name, size, urls)
        return {"engine": engine_name, "size": size, "stats": stats, "distinct": distinct,
                "bare": bare, "search": mix, "single": single, "cold": cold, **snapshot}
    finally:
        if server is not None:
            server.stop()


def warm_start(url: str, args: argparse.Namespace, workdir: Path, engine_name: str, size: str,
               urls: dict[str, list[str]]) -> dict:
    """The start with a snapshot (``kwis-job search snapshot``) and gunicorn's warm-up hook
    (``warm_up.post_worker_init``): seconds until the server answers (the workers load before
    they accept), and then the first search of each worker, asked at once."""
    cli = Path(sys.executable).with_name("kwis-job")
    started = time.perf_counter()
    subprocess.run([str(cli), "--database-url", url, "search", "snapshot"], check=True,
                   capture_output=True, timeout=600)
    written = time.perf_counter() - started
    config = workdir / "gunicorn_warm.py"
    config.write_text("from kwis_job_plugin.warm_up import post_worker_init  # noqa: F401\n")
    port = free_port()
    started = time.perf_counter()
    process = start_gunicorn(url, port, args.workers, workdir / f"gunicorn-warm-{engine_name}.log",
                             config)
    try:
        ready = time.perf_counter() - started
        first = cold_start(f"http://127.0.0.1:{port}",
                           [urls["no_parameters"][0], urls["text"][0]][: args.workers]
                           + urls["type"][: max(0, args.workers - 2)])
    finally:
        stop(process)
    print(f"[{engine_name} {size}] snapshot written in {written:.1f} s; with it and the hook: "
          f"ready after {ready:.2f} s, first searches {first:.3f} s", flush=True)
    return {"snapshot_s": written, "ready": ready, "first": first}


def table(results: list[dict]) -> str:
    head = ("| engine | offers / companies | data | bare req/s | bare p50/p99 ms | search req/s "
            "| search p50/p99 ms | search/bare | single p50 ms | page KB | cold start s "
            "| with snapshot + hook: ready s / first search s |")
    lines = [head, "|" + "---|" * 12]
    for r in results:
        b, s, st = r["bare"], r["search"], r["stats"]
        lines.append(
            f"| {r['engine']} | {st['offers']:,} / {st['companies']:,} | "
            f"{st['bytes'] / 1e6:.0f} MB | {b['rps']:.0f} | {b['p50']:.1f} / {b['p99']:.1f} | "
            f"{s['rps']:.1f} | {s['p50']:.0f} / {s['p99']:.0f} | "
            f"{s['rps'] / b['rps']:.4f} (1/{b['rps'] / max(s['rps'], 1e-9):.0f}) | "
            f"{r['single']['all']:.0f} | {r['single']['bytes'] / 1000:.1f} | {r['cold']:.2f} | "
            f"{r['ready']:.2f} / {r['first']:.3f} |"
        )
    lines.append("")
    lines.append("Single-request p50 (ms) by shape:")
    for r in results:
        lines.append(f"  {r['engine']} {r['size']}: "
                     + ", ".join(f"{k} {v:.0f}" for k, v in r["single"].items() if k != "bytes"))
    errors = [f"{r['engine']} {r['size']}: {r['search']['errors']}" for r in results
              if r["search"]["errors"] or r["bare"]["errors"]]
    if errors:
        lines.append("Non-2xx responses: " + "; ".join(errors))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="5k,100k")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--single", type=int, default=10,
                        help="sequential requests per shape for the single-request p50")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    results = []
    with tempfile.TemporaryDirectory(prefix="kwis-bench-") as tmp:
        for size in args.sizes.split(","):
            for engine_name in args.engines.split(","):
                results.append(bench_one(engine_name.strip(), size.strip().lower(), args,
                                         Path(tmp)))
                print(table(results), flush=True)
    print(f"\n{date.today().isoformat()}, {os.cpu_count()} cores, wrk -t{args.threads} "
          f"-c{args.connections} -d{args.duration}s, gunicorn -w {args.workers}, "
          f"{results[0]['distinct'] if results else 0} distinct search URLs\n")
    print(table(results))


if __name__ == "__main__":
    main()
