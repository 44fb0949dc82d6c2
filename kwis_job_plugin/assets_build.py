"""Fetch the KERN UX design system into ``kwis_job_plugin/static/kern/`` at build time.

KERN (npm ``@kern-ux/native``, EUPL-1.2, https://www.kern-ux.de) is the open design system of
German public administration; the public portal under ``/jobs/`` is styled with it. It is
*installed*, not committed: the build's ``build_py`` command (``build_command.py``, named in
``setup.cfg``) runs ``ensure_assets``, so ``pip install -e .`` (the demo command),
``bash tests/run_all.sh`` (which runs that install) and every wheel build put the files in
place, and the wheel ships them like any other static file (``static/**/*`` in ``setup.cfg``).
``static/kern/`` is in ``.gitignore``.

Why not npm: the README's two commands must work on a machine with only Python 3.11. The npm
registry is plain HTTPS, and a tarball's ``dist.integrity`` (a SHA-512) pins exactly the bytes
we reviewed, so the standard library suffices: download the pinned tarball, check the hash,
extract what the portal needs. Only when the download fails and ``npm`` is installed is
``npm pack`` tried, because npm knows the local proxy, mirror and cache configuration; its
tarball must pass the same check.

What is extracted: ``dist/kern.min.css`` (components and tokens; its icons are ``data:`` SVGs,
which the CSP's ``img-src 'self' data:`` allows), ``dist/fonts/fira-sans.css`` with exactly the
font files it references (Fira Sans, served by the app: no request to a font CDN), the licence
and ``package.json``. KERN ships Fira Sans without its SIL Open Font License; that text is in
``static/licenses/fira-sans-OFL.txt`` (committed, small). The SCSS sources, the utility and
grid builds, Noto Sans and the header script are left out. ``SOURCE.json`` records version and
hash, so a rebuild with the files in place does nothing.

When fetching fails the build **fails loudly** (``SystemExit`` with the reasons and what to do):
a silently unstyled portal is worse than a stopped install, and ``SystemExit`` also gets through
setuptools' editable install, which turns ordinary exceptions of a custom ``build_py`` into a
mere warning. Offline installs set ``KWIS_JOB_KERN_TARBALL`` to a downloaded tarball (checked
against the same hash) or ``KWIS_JOB_NPM_REGISTRY`` to a mirror. ``KWIS_JOB_KERN=skip`` builds
without KERN on purpose (with a printed warning); the portal then runs on its own stylesheet
``static/portal.css``, which is written to stand alone (its element defaults sit in a cascade
layer that KERN overrides when present).

This module is loaded by file path from ``build_command.py`` in an isolated build environment, so it
must import nothing but the standard library (not even its own package).

After fetching, ``assets_optimize`` trims KERN to the rules the portal uses, subsets the fonts,
and writes hashed, pre-compressed copies of every asset (``static/built/``, not in git).

Run by hand: ``python -m kwis_job_plugin.assets_build [--force]`` (after editing a template that
uses a KERN class not used before, or a stylesheet).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

PACKAGE = "@kern-ux/native"
VERSION = "2.7.2"
INTEGRITY = (
    "sha512-TN0Mqbasp7S1IOqurXickde8MDj5hIcgT4s3f1i33wyv2iVgA1dTO/FoQyi6rgM9KYTYkIthl9k72g7fBUUvHg=="
)
"""``dist.integrity`` of the pinned version in the npm registry's metadata. To upgrade: read
``https://registry.npmjs.org/@kern-ux/native``, review the new version, copy version and
integrity here, and check the portal pages (tests/browser) still pass axe."""
LICENSE = "EUPL-1.2"
DEFAULT_REGISTRY = "https://registry.npmjs.org"
TIMEOUT_SECONDS = 60

TARGET = Path(__file__).resolve().parent / "static" / "kern"
"""Next to this file on purpose (not ``importlib.resources``): the build writes into the source
tree it runs from, before any installed copy exists."""
STAMP = "SOURCE.json"
# Tarball member (below "package/") -> file below static/kern/. Font files are added from the
# url() references of the font stylesheet, so a new KERN version cannot drift out of sync.
FILES = {
    "dist/kern.min.css": "kern.min.css",
    "dist/fonts/fira-sans.css": "fonts/fira-sans.css",
    "LICENSE.md": "LICENSE.md",
    "package.json": "package.json",
}
FONT_CSS = "dist/fonts/fira-sans.css"
URL_REF = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")

ENV_SKIP = "KWIS_JOB_KERN"
ENV_TARBALL = "KWIS_JOB_KERN_TARBALL"
ENV_REGISTRY = "KWIS_JOB_NPM_REGISTRY"


class AssetError(RuntimeError):
    """KERN could not be fetched or did not match the pinned hash."""


@dataclass(frozen=True)
class Outcome:
    status: str
    """``"present"`` (nothing to do), ``"fetched"`` or ``"skipped"`` (``KWIS_JOB_KERN=skip``)."""
    source: str = ""


def tarball_name() -> str:
    return f"{PACKAGE.split('/')[-1]}-{VERSION}.tgz"


def tarball_url(registry: str | None = None) -> str:
    base = (registry or os.environ.get(ENV_REGISTRY) or DEFAULT_REGISTRY).rstrip("/")
    return f"{base}/{PACKAGE}/-/{tarball_name()}"


def integrity_of(data: bytes) -> str:
    """The npm ``integrity`` string (Subresource Integrity format) of some bytes."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def verify(data: bytes, source: str, integrity: str | None = None) -> bytes:
    integrity = integrity or INTEGRITY
    actual = integrity_of(data)
    if actual != integrity:
        raise AssetError(
            f"{source}: the tarball does not match the pinned hash of {PACKAGE} {VERSION} "
            f"(expected {integrity}, got {actual}); refusing to use it."
        )
    return data


def is_current(target: Path | None = None) -> bool:
    """True when ``target`` holds exactly the pinned version, complete."""
    target = target or TARGET
    try:
        stamp = json.loads((target / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stamp.get("version") != VERSION or stamp.get("integrity") != INTEGRITY:
        return False
    return all((target / name).is_file() for name in stamp.get("files", []))


def _download(url: str) -> bytes:
    request = urllib.request.Request(
        url, headers={"User-Agent": "kwis-job-build (+https://www.kern-ux.de)"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        return response.read()


def _npm_pack() -> bytes:
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError("npm is not installed, so `npm pack` could not be tried either.")
    with tempfile.TemporaryDirectory(prefix="kwis-kern-") as tmp:
        proc = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp, "--silent"],
            capture_output=True, text=True, timeout=TIMEOUT_SECONDS * 3, check=False,
        )
        packed = Path(tmp) / f"kern-ux-{tarball_name()}"
        if proc.returncode != 0 or not packed.is_file():
            raise AssetError(f"`npm pack` failed: {(proc.stderr or proc.stdout).strip()[:500]}")
        return packed.read_bytes()


def fetch(registry: str | None = None) -> tuple[bytes, str]:
    """The pinned tarball, verified: from ``KWIS_JOB_KERN_TARBALL``, the registry, or npm."""
    local = os.environ.get(ENV_TARBALL)
    if local:
        path = Path(local).expanduser()
        try:
            return verify(path.read_bytes(), str(path)), str(path)
        except OSError as exc:
            raise AssetError(f"{ENV_TARBALL}={local}: cannot read it ({exc}).") from exc
    reasons = []
    url = tarball_url(registry)
    try:
        return verify(_download(url), url), url
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reasons.append(f"downloading {url} failed: {exc}")
    except AssetError as exc:
        reasons.append(str(exc))
    try:
        return verify(_npm_pack(), "npm pack"), "npm pack"
    except (AssetError, OSError, subprocess.SubprocessError) as exc:
        reasons.append(str(exc))
    raise AssetError("; ".join(reasons))


def _member(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        info = archive.getmember(f"package/{name}")
    except KeyError:
        raise AssetError(f"{PACKAGE} {VERSION} has no file {name}") from None
    handle = archive.extractfile(info) if info.isfile() else None
    if handle is None:
        raise AssetError(f"{PACKAGE} {VERSION}: {name} is not a regular file")
    return handle.read()


def _font_files(css: bytes) -> dict[str, str]:
    """Tarball member -> target path of every local file the font stylesheet references."""
    wanted = {}
    base = PurePosixPath(FONT_CSS).parent
    target_base = PurePosixPath(FILES[FONT_CSS]).parent
    for ref in URL_REF.findall(css.decode("utf-8")):
        rel = PurePosixPath(ref.strip())
        if ref.startswith(("data:", "http:", "https:", "//", "/")) or ".." in rel.parts:
            raise AssetError(f"{FONT_CSS} references {ref!r}, which would not be served locally")
        rel = PurePosixPath(*[part for part in rel.parts if part != "."])
        wanted[str(base / rel)] = str(target_base / rel)
    return wanted


def extract(data: bytes, target: Path | None = None, source: str = "") -> list[str]:
    """Write the files the portal needs from the (verified) tarball into ``target``.

    Written into a sibling folder first and swapped in, so a failure never leaves half a set.
    """
    target = target or TARGET
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        files = {dest: _member(archive, member) for member, dest in FILES.items()}
        for member, dest in _font_files(files[FILES[FONT_CSS]]).items():
            files[dest] = _member(archive, member)
    stamp = {
        "package": PACKAGE, "version": VERSION, "integrity": INTEGRITY, "license": LICENSE,
        "source": source, "files": sorted(files),
        "note": "Installed by kwis_job_plugin/assets_build.py at build time; not in git.",
    }
    files[STAMP] = (json.dumps(stamp, indent=2) + "\n").encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kern-", dir=target.parent))
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        for folder in (target, *(p for p in target.rglob("*") if p.is_dir())):
            folder.chmod(0o755)  # mkdtemp made it private; the web server may be another user
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(files)


def ensure_assets(target: Path | None = None, force: bool = False, log=print) -> Outcome:
    """Make ``target`` hold the pinned KERN files; raise ``AssetError`` when that fails."""
    target = target or TARGET
    if os.environ.get(ENV_SKIP, "").strip().lower() == "skip":
        log(f"WARNING: {ENV_SKIP}=skip: building without KERN UX; the public portal will use "
            "only its own stylesheet (static/portal.css).")
        return Outcome("skipped")
    if not force and is_current(target):
        return Outcome("present")
    data, source = fetch()
    extract(data, target, source)
    log(f"KERN UX {VERSION} ({LICENSE}) from {source} -> {target}")
    return Outcome("fetched", source)


def failure_message(error: Exception) -> str:
    return (
        f"\n*** KWIS.job: could not install the KERN UX design system ({PACKAGE} {VERSION}).\n"
        f"*** {error}\n"
        "*** The public portal's look is built from it. Either\n"
        f"***   - allow HTTPS to {DEFAULT_REGISTRY} (proxy settings are honoured), or\n"
        f"***   - set {ENV_REGISTRY}=<url of an npm registry mirror>, or\n"
        f"***   - download {tarball_url(DEFAULT_REGISTRY)} elsewhere and set\n"
        f"***     {ENV_TARBALL}=<path to that file> (its SHA-512 is checked), or\n"
        f"***   - set {ENV_SKIP}=skip to build without KERN (the portal then uses only its own\n"
        "***     stylesheet).\n"
    )


def optimizer():
    """``assets_optimize`` (trim, subset, hash, compress), loaded by path like this module."""
    name = "_kwis_job_assets_optimize"
    if name not in sys.modules:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).resolve().with_name("assets_optimize.py")
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def build_step(log=print) -> Outcome:
    """``ensure_assets`` and then ``assets_optimize.build`` for the build: a failure stops it
    with ``failure_message`` (an unoptimised portal still works, but a build that silently
    lost its hashed assets would hide a broken dependency)."""
    try:
        outcome = ensure_assets(log=log)
    except (AssetError, OSError, tarfile.TarError) as exc:
        raise SystemExit(failure_message(exc)) from exc
    try:
        optimizer().build(log=log)
    except ImportError as exc:
        raise SystemExit(
            f"\n*** KWIS.job: the asset build needs tinycss2, fonttools and brotli ({exc}); "
            "they are build requirements in pyproject.toml.\n"
        ) from exc
    return outcome


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        outcome = ensure_assets(force="--force" in args)
    except (AssetError, OSError, tarfile.TarError) as exc:
        print(failure_message(exc), file=sys.stderr)
        return 1
    if outcome.status == "present":
        print(f"KERN UX {VERSION} is already in {TARGET}")
    optimizer().build(force="--force" in args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
