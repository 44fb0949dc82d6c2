"""The KERN UX build step: pinned, verified, complete, local-only, and loud when it fails.

Most tests serve a small stand-in tarball from a local HTTP server (pytest-httpserver) and pin
its hash, so they need no network. ``test_the_installed_copy_is_the_pinned_version`` checks the
files the README's install put into the tree; the slow test builds a wheel from a tree without
them, which is what a fresh machine does (it downloads the real tarball from the registry).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from kwis_job_plugin import assets_build

REPO = Path(__file__).resolve().parents[1]
KERN = REPO / "kwis_job_plugin" / "static" / "kern"
FONT_CSS = (
    b"@font-face{font-family:'Fira Sans';src:url(\"./fira-sans/FiraSans-Regular.woff2\")}\n"
    b"@font-face{font-family:'Fira Sans';src:url('./fira-sans/FiraSans-Bold.woff2')}\n"
)


def make_tarball(font_css: bytes = FONT_CSS, extra: dict[str, bytes] | None = None) -> bytes:
    members = {
        "package/package.json": b'{"name": "@kern-ux/native", "license": "EUPL-1.2"}',
        "package/LICENSE.md": b"EUPL v. 1.2",
        "package/dist/kern.min.css": b":root{--kern-color-action-default:#0b4f8a}",
        "package/dist/kern.css": b"/* not needed */",
        "package/dist/fonts/fira-sans.css": font_css,
        "package/dist/fonts/fira-sans/FiraSans-Regular.woff2": b"wOF2regular",
        "package/dist/fonts/fira-sans/FiraSans-Bold.woff2": b"wOF2bold",
        "package/dist/fonts/fira-sans/FiraSans-Hair.woff2": b"wOF2unused",
        "package/src/scss/index.scss": b"// sources stay out",
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.fixture
def offline(monkeypatch):
    """No environment overrides and no npm, whatever the machine has."""
    for name in (assets_build.ENV_SKIP, assets_build.ENV_TARBALL, assets_build.ENV_REGISTRY):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(assets_build.shutil, "which", lambda name: None)
    return monkeypatch


@pytest.fixture
def registry(httpserver, offline):
    """A local npm registry serving the stand-in tarball, pinned by its hash."""
    data = make_tarball()
    offline.setattr(assets_build, "INTEGRITY", assets_build.integrity_of(data))
    offline.setenv(assets_build.ENV_REGISTRY, httpserver.url_for("/"))
    path = f"/{assets_build.PACKAGE}/-/{assets_build.tarball_name()}"
    httpserver.expect_request(path).respond_with_data(data, content_type="application/gzip")
    return httpserver


def test_fetches_only_what_the_portal_needs_and_then_leaves_it_alone(registry, tmp_path):
    target = tmp_path / "kern"
    outcome = assets_build.ensure_assets(target, log=lambda _message: None)

    assert outcome.status == "fetched"
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert files == [
        "LICENSE.md", "SOURCE.json", "fonts/fira-sans.css", "fonts/fira-sans/FiraSans-Bold.woff2",
        "fonts/fira-sans/FiraSans-Regular.woff2", "kern.min.css", "package.json",
    ]
    stamp = json.loads((target / "SOURCE.json").read_text())
    assert stamp["version"] == assets_build.VERSION
    assert stamp["integrity"] == assets_build.INTEGRITY
    assert stamp["license"] == "EUPL-1.2"
    assert len(registry.log) == 1

    assert assets_build.ensure_assets(target, log=lambda _message: None).status == "present"
    assert len(registry.log) == 1, "a complete, current copy must not be fetched again"

    (target / "kern.min.css").unlink()
    assert assets_build.ensure_assets(target, log=lambda _message: None).status == "fetched"
    assert (target / "kern.min.css").is_file()


def test_a_tarball_that_does_not_match_the_pin_is_refused(registry, tmp_path, offline):
    offline.setattr(assets_build, "INTEGRITY", assets_build.integrity_of(b"something else"))
    target = tmp_path / "kern"
    with pytest.raises(assets_build.AssetError, match="does not match the pinned hash"):
        assets_build.ensure_assets(target, log=lambda _message: None)
    assert not target.exists()


def test_a_local_tarball_is_used_offline_and_checked(tmp_path, offline):
    data = make_tarball()
    tarball = tmp_path / "native.tgz"
    tarball.write_bytes(data)
    offline.setenv(assets_build.ENV_TARBALL, str(tarball))
    offline.setenv(assets_build.ENV_REGISTRY, "http://127.0.0.1:9")  # would fail if asked
    offline.setattr(assets_build, "INTEGRITY", assets_build.integrity_of(data))
    assert assets_build.ensure_assets(tmp_path / "kern", log=lambda _m: None).status == "fetched"

    offline.setattr(assets_build, "INTEGRITY", assets_build.integrity_of(b"other"))
    with pytest.raises(assets_build.AssetError, match="does not match"):
        assets_build.ensure_assets(tmp_path / "kern2", log=lambda _m: None)


def test_an_unreachable_registry_stops_the_build_with_what_to_do(tmp_path, offline):
    offline.setenv(assets_build.ENV_REGISTRY, "http://127.0.0.1:9")
    offline.setattr(assets_build, "TARGET", tmp_path / "kern")
    with pytest.raises(SystemExit) as stopped:
        assets_build.build_step(log=lambda _m: None)
    message = str(stopped.value)
    assert "could not install the KERN UX design system" in message
    assert "npm is not installed" in message
    for hint in ("KWIS_JOB_NPM_REGISTRY", "KWIS_JOB_KERN_TARBALL", "KWIS_JOB_KERN=skip"):
        assert hint in message
    assert not (tmp_path / "kern").exists()


def test_skipping_on_purpose_is_announced(tmp_path, offline):
    offline.setenv(assets_build.ENV_SKIP, "skip")
    said: list[str] = []
    assert assets_build.ensure_assets(tmp_path / "kern", log=said.append).status == "skipped"
    assert said and "WARNING" in said[0] and "own stylesheet" in said[0]
    assert not (tmp_path / "kern").exists()


@pytest.mark.parametrize("ref", ["https://fonts.example/x.woff2", "//cdn.example/x.woff2",
                                 "../../etc/passwd", "/abs.woff2"])
def test_font_references_must_stay_local(ref, tmp_path, offline):
    data = make_tarball(font_css=f"@font-face{{src:url({ref})}}".encode())
    offline.setattr(assets_build, "INTEGRITY", assets_build.integrity_of(data))
    with pytest.raises(assets_build.AssetError, match="would not be served locally"):
        assets_build.extract(data, tmp_path / "kern")


def test_the_installed_copy_is_the_pinned_version():
    """What ``pip install -e .`` (the README's commands) put into the tree."""
    assert assets_build.is_current(KERN), (
        f"{KERN} is missing or not {assets_build.PACKAGE} {assets_build.VERSION}: run "
        "`.venv/bin/pip install -e .` or `python -m kwis_job_plugin.assets_build`"
    )
    assert "EUROPÄISCHE UNION PUBLIC LICENCE" in (KERN / "LICENSE.md").read_text()
    assert "SIL OPEN FONT LICENSE" in (
        REPO / "kwis_job_plugin" / "static" / "licenses" / "fira-sans-OFL.txt"
    ).read_text()
    # Nothing in the stylesheets makes the browser ask another host.
    for css in ("kern.min.css", "fonts/fira-sans.css"):
        text = (KERN / css).read_text(encoding="utf-8")
        refs = re.findall(r"""url\(\s*["']?([^"')]{0,40})""", text)
        foreign = [r for r in refs if not r.startswith(("data:", "./", "fira-sans/"))]
        assert not foreign, f"{css} references {foreign[:5]}"
        assert "@import" not in text


def test_the_built_files_are_not_committed():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", "kwis_job_plugin/static/kern/kern.min.css"], cwd=REPO,
        check=False,
    )
    assert ignored.returncode == 0, "kwis_job_plugin/static/kern/ must be in .gitignore"


@pytest.mark.slow
def test_a_wheel_built_from_a_fresh_tree_brings_kern(tmp_path):
    """A checkout has no static/kern/; building the wheel fetches it (from the registry)."""
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "build", "dist", "__pycache__", "*.egg-info", "instance", "*.db",
        ".pytest_cache", ".ruff_cache", "test-artifacts", "node_modules", "kern",
    ))
    assert not (source / "kwis_job_plugin" / "static" / "kern").exists()
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-w", tmp_path / "dist", source],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    stamp = json.loads((source / "kwis_job_plugin/static/kern/SOURCE.json").read_text())
    for name in stamp["files"] + ["SOURCE.json"]:
        assert f"kwis_job_plugin/static/kern/{name}" in names
    assert "kwis_job_plugin/static/licenses/fira-sans-OFL.txt" in names
