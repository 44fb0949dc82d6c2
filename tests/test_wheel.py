"""The built wheel is complete and works on its own, away from the source tree.

Builds the wheel from a clean copy of the tree (so no ``build/`` folder is left in the repo),
checks its contents, installs it with its dependencies into a fresh virtual environment and runs
the demo, the reference host and the migration commands from there, with the working directory
and ``PYTHONPATH`` outside the repository. Templates, static files and migrations therefore have
to come from the installed copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path, PurePosixPath

import pytest
from kwis_hooks import migrations

from kwis_job_plugin.config import migration_location

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", "venv", ".git", "build", "dist", "__pycache__", "*.pyc", "instance", "*.egg-info",
    ".pytest_cache", ".ruff_cache", "test-artifacts", "node_modules", "*.db", "*.sqlite3",
)
# Source folder -> import package in the wheel (setup.cfg: package_dir).
SOURCE_TO_WHEEL = {
    "hooks": "kwis_hooks",
    "kwis_job_plugin": "kwis_job_plugin",
    "templates": "kwis_job_plugin/templates",
    "migrations": "kwis_job_plugin/migrations",
}
# Folders whose every file is needed at run time (templates, assets, migration scripts).
DATA_FOLDERS = (
    "templates", "migrations", "hooks/refhost/templates", "hooks/refhost/static",
    "kwis_job_plugin/static",
)
REQUIRED_FILES = (
    "kwis_job_plugin/templates/kwis_job/portal/index.html",
    "kwis_job_plugin/migrations/env.py",
    "kwis_job_plugin/migrations/script.py.mako",
    "kwis_job_plugin/migrations/versions/0001_initial_schema.py",
    "kwis_job_plugin/migrations/versions/0002_seed_taxonomies.py",
    "kwis_job_plugin/migrations/versions/0003_search_index.py",
    "kwis_job_plugin/migrations/versions/0004_search_change_log.py",
    "kwis_job_plugin/migrations/versions/0005_region_theme.py",
    "kwis_job_plugin/static/portal.css",
    "kwis_job_plugin/static/kern/kern.min.css",
    "kwis_hooks/refhost/templates/refhost/layout.html",
    "kwis_hooks/refhost/static/host.css",
)
HEAD_REVISION = migrations.head(migration_location())  # from the source tree
ADMIN_EMAIL = "admin@wirtschaftsfoerderung-jena.example"
DEMO_PASSWORD = "demo-passwort"
PIP_TIMEOUT = 600
RUN_TIMEOUT = 180


def _run(cmd: list[str | Path], *, what: str, cwd: Path, env: dict[str, str] | None = None,
         timeout: int = RUN_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run a command; fail with its output (not a traceback) if it fails or hangs."""
    cmd = [str(part) for part in cmd]
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(
            f"{what}: timed out after {timeout} s\n$ {' '.join(cmd)}\n"
            f"--- stdout ---\n{exc.stdout or ''}\n--- stderr ---\n{exc.stderr or ''}",
            pytrace=False,
        )
    if proc.returncode != 0:
        pytest.fail(f"{what}: exit code {proc.returncode}\n{_output(proc)}", pytrace=False)
    return proc


def _output(proc: subprocess.CompletedProcess[str]) -> str:
    return (
        f"$ {' '.join(proc.args)}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
    )


def _clean_env(venv: Path | None = None) -> dict[str, str]:
    """The caller's environment without anything that could point Python back at the repo."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "KWIS_", "FLASK_")) and key != "VIRTUAL_ENV"
    }
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONUTF8"] = "1"
    if venv is not None:
        env["VIRTUAL_ENV"] = str(venv)
        env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def _is_inside(path: str | Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("wheel")


@pytest.fixture(scope="module")
def source_copy(work: Path) -> Path:
    copy = work / "src"
    shutil.copytree(REPO, copy, ignore=COPY_IGNORE)
    return copy


@pytest.fixture(scope="module")
def wheel(work: Path, source_copy: Path) -> Path:
    dist = work / "dist"
    had_build = (REPO / "build").exists()
    proc = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-w", dist, source_copy],
        what="building the wheel (needs setuptools>=68 and wheel in the test environment)",
        cwd=work, env=_clean_env(), timeout=PIP_TIMEOUT,
    )
    wheels = sorted(dist.glob("*.whl"))
    assert len(wheels) == 1, f"expected exactly one wheel in {dist}, got {wheels}\n{_output(proc)}"
    assert had_build or not (REPO / "build").exists(), (
        "the wheel build wrote a build/ folder into the source tree"
    )
    return wheels[0]


@pytest.fixture(scope="module")
def venv(work: Path, wheel: Path) -> Path:
    path = work / "venv"
    _run([sys.executable, "-m", "venv", path], what="creating a fresh venv", cwd=work,
         env=_clean_env())
    _run(
        [path / "bin" / "pip", "install", "--disable-pip-version-check", "--no-input", wheel],
        what="installing the wheel with its dependencies into the fresh venv",
        cwd=work, env=_clean_env(path), timeout=PIP_TIMEOUT,
    )
    return path


@pytest.fixture(scope="module")
def outside(work: Path) -> Path:
    """A working directory that is neither the repo nor the venv."""
    path = work / "outside"
    path.mkdir()
    assert not _is_inside(path, REPO)
    return path


def _python(venv: Path, outside: Path, name: str, code: str, *args: str | Path, what: str):
    """Run ``code`` with the venv's interpreter from ``outside``; return its JSON output."""
    script = outside / f"{name}.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    proc = _run([venv / "bin" / "python", script, *args], what=what, cwd=outside,
                env=_clean_env(venv))
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        pytest.fail(f"{what}: no JSON report on the last line\n{_output(proc)}", pytrace=False)


def test_wheel_contents(wheel: Path, source_copy: Path):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        dist_infos = {n.split("/")[0] for n in names if n.split("/")[0].endswith(".dist-info")}
        assert len(dist_infos) == 1, f"expected one .dist-info folder, got {sorted(dist_infos)}"
        dist_info = dist_infos.pop()
        entry_points = zf.read(f"{dist_info}/entry_points.txt").decode()

    top_level = {n.split("/")[0] for n in names} - {dist_info}
    assert top_level == {"kwis_hooks", "kwis_job_plugin"}, (
        f"top-level entries in the wheel are {sorted(top_level)}; expected exactly "
        "kwis_hooks and kwis_job_plugin"
    )
    missing = [f for f in REQUIRED_FILES if f not in names]
    assert not missing, f"missing from {wheel.name}: {missing}"

    # Every module and every run-time data file must ship (setup.cfg: packages, package_data).
    def in_wheel(path: Path) -> str:
        rel = PurePosixPath(path.relative_to(source_copy).as_posix())
        package = SOURCE_TO_WHEEL[rel.parts[0]]
        return str(PurePosixPath(package, *rel.parts[1:]))

    expected = {
        in_wheel(p) for folder in SOURCE_TO_WHEEL for p in (source_copy / folder).rglob("*.py")
    }
    expected |= {
        in_wheel(p)
        for folder in DATA_FOLDERS
        for p in (source_copy / folder).rglob("*")
        if p.is_file()
    }
    not_shipped = sorted(expected - names)
    assert not not_shipped, (
        f"source files missing from {wheel.name} (add the package to [options] packages or a "
        f"glob to [options.package_data] in setup.cfg): {not_shipped}"
    )

    sections: dict[str, dict[str, str]] = {}
    section = None
    for line in entry_points.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = sections.setdefault(line[1:-1], {})
        elif "=" in line and section is not None:
            key, value = (part.strip() for part in line.split("=", 1))
            section[key] = value
    assert sections.get("kwis.plugins", {}).get("kwis_job") == "kwis_job_plugin.plugin", (
        f"entry point kwis.plugins: kwis_job = kwis_job_plugin.plugin missing:\n{entry_points}"
    )
    assert "kwis-job" in sections.get("console_scripts", {}), (
        f"console script kwis-job missing:\n{entry_points}"
    )


IMPORT_CHECK = """
    import json
    import sys

    import kwis_hooks
    import kwis_job_plugin
    from kwis_job_plugin.config import migration_location, templates_path

    print(json.dumps({
        "prefix": sys.prefix,
        "kwis_hooks": kwis_hooks.__file__,
        "kwis_job_plugin": kwis_job_plugin.__file__,
        "templates_path": str(templates_path()),
        "script_location": str(migration_location().script_location),
        "sys_path": sys.path,
    }))
"""


def test_installed_copy_is_imported(venv: Path, outside: Path):
    report = _python(venv, outside, "import_check", IMPORT_CHECK,
                     what="importing the installed packages")
    assert _is_inside(report["prefix"], venv), f"not running in the fresh venv: {report}"
    for key in ("kwis_hooks", "kwis_job_plugin", "templates_path", "script_location"):
        assert _is_inside(report[key], venv) and not _is_inside(report[key], REPO), (
            f"{key} resolves to {report[key]}, expected a path inside {venv}"
        )
    assert Path(report["templates_path"], "kwis_job", "portal", "index.html").is_file()
    assert Path(report["script_location"], "versions").is_dir()
    on_path = [p for p in report["sys_path"] if p and _is_inside(p, REPO)]
    assert not on_path, f"the repository is on sys.path of the installed copy: {on_path}"


APP_CHECK = """
    import json
    import re
    import sys

    from kwis_hooks.refhost import create_app

    db_url, email, password = sys.argv[1:4]
    app = create_app({
        "KWIS_DATABASE_URL": db_url, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
    })
    report = {"templates": {}, "pages": {}, "assets": {}}
    with app.app_context():
        for name in ("refhost/layout.html", "kwis_job/admin/regions.html",
                     "kwis_job/portal/index.html"):
            report["templates"][name] = app.jinja_env.get_template(name).filename

    client = app.test_client()
    login = client.post("/login", data={"email": email, "password": password})
    report["login"] = {"status": login.status_code, "location": login.headers.get("Location")}
    stylesheets = set()
    for url in ("/admin/job/regionen", "/jobs/"):
        response = client.get(url)
        body = response.get_data(as_text=True)
        report["pages"][url] = {
            "status": response.status_code,
            "has_heading": "Regionen und Funktionen" in body,
            "head": body[:2000],
        }
        stylesheets.update(re.findall(r'<link rel="stylesheet" href="([^"]+)"', body))
    for url in sorted(stylesheets):
        response = client.get(url)
        report["assets"][url] = {"status": response.status_code, "size": len(response.data)}
        response.close()
    print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def demo_db(venv: Path, outside: Path, work: Path) -> Path:
    """The demo database, created by the installed ``kwis-job demo`` console script."""
    instance = work / "inst"
    kwis_job = venv / "bin" / "kwis-job"
    assert kwis_job.is_file(), f"console script {kwis_job} was not installed"
    demo = _run([kwis_job, "demo", "--instance", instance, "--no-serve"],
                what="kwis-job demo --no-serve", cwd=outside, env=_clean_env(venv))
    assert "Demo-Zugänge:" in demo.stdout, f"no demo login list printed\n{_output(demo)}"
    assert "http://127.0.0.1:5000/" in demo.stdout, f"no demo URL printed\n{_output(demo)}"
    assert ADMIN_EMAIL in demo.stdout, f"admin demo account not listed\n{_output(demo)}"
    db_file = instance / "kwis-demo.db"
    assert db_file.is_file(), f"the demo did not create {db_file}\n{_output(demo)}"
    return db_file


def test_reference_host_uses_installed_templates(venv: Path, outside: Path, demo_db: Path):
    report = _python(venv, outside, "app_check", APP_CHECK, f"sqlite:///{demo_db}", ADMIN_EMAIL,
                     DEMO_PASSWORD, what="reference host with the installed plug-in")
    for name, filename in report["templates"].items():
        assert filename and _is_inside(filename, venv), (
            f"template {name} loaded from {filename}, expected the installed copy in {venv}"
        )
    assert report["login"]["status"] == 302, f"admin login failed: {report['login']}"
    regions = report["pages"]["/admin/job/regionen"]
    assert regions["status"] == 200 and regions["has_heading"], (
        f"GET /admin/job/regionen: status {regions['status']}, heading 'Regionen und Funktionen' "
        f"present: {regions['has_heading']}\n{regions['head']}"
    )
    portal = report["pages"]["/jobs/"]
    assert portal["status"] == 200, f"GET /jobs/: status {portal['status']}\n{portal['head']}"
    assert report["assets"], "no stylesheet linked from the admin page or the portal"
    for url, asset in report["assets"].items():
        assert asset["status"] == 200 and asset["size"] > 0, f"GET {url}: {asset}"


@pytest.mark.parametrize("start", ["demo", "empty"])
def test_migration_commands(venv: Path, outside: Path, demo_db: Path, start: str):
    """current / downgrade base / upgrade with the installed migration scripts.

    ``demo`` runs on a copy of the demo database (so the order of the tests does not matter);
    ``empty`` on a database that only holds the plug-in's schema, which separates a packaging
    problem from one with the data.
    """
    db_file = demo_db.with_name(f"migrations-{start}.db")
    db_file.unlink(missing_ok=True)
    env = _clean_env(venv)
    db = [venv / "bin" / "kwis-job", "--database-url", f"sqlite:///{db_file}", "db"]
    if start == "demo":
        shutil.copyfile(demo_db, db_file)
    else:
        _run([*db, "upgrade"], what="kwis-job db upgrade (empty database)", cwd=outside, env=env)

    current = _run([*db, "current"], what="kwis-job db current", cwd=outside, env=env)
    assert current.stdout.strip().startswith(HEAD_REVISION), (
        f"expected head revision {HEAD_REVISION}\n{_output(current)}"
    )
    _run([*db, "downgrade", "base"], what="kwis-job db downgrade base", cwd=outside, env=env)
    after_down = _run([*db, "current"], what="kwis-job db current (after downgrade)",
                      cwd=outside, env=env)
    assert not after_down.stdout.strip().startswith(HEAD_REVISION), (
        f"still at {HEAD_REVISION} after downgrade base\n{_output(after_down)}"
    )
    _run([*db, "upgrade"], what="kwis-job db upgrade", cwd=outside, env=env)
    after_up = _run([*db, "current"], what="kwis-job db current (after upgrade)",
                    cwd=outside, env=env)
    assert after_up.stdout.strip().startswith(HEAD_REVISION), (
        f"expected head revision {HEAD_REVISION} after upgrade\n{_output(after_up)}"
    )
