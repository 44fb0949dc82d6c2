"""Benchmark of picture uploads: peak memory and time of ``services.media.process_image``.

Not part of pytest (timings belong in README, not in assertions). For each format and size it
generates one photo-like picture with Pillow (gradients and shapes under fine grain, so that a
JPEG is as large as a camera's or phone's at "fine" quality: about 0.4 bytes a pixel, a 24 MP
photo about 10 MB, a 36 MP one about 15 MB), then
processes it in a fresh Python process, so that the peak resident memory of that process
(``VmHWM``, reset just before the call) belongs to this one upload only: the figure is the
peak minus the resident memory just before the call (imports done, the codecs warmed with a
small picture, the upload's bytes already in memory). "before" runs the code of
``git show HEAD:.../media.py`` (or of ``--before-ref``), "after" the working tree.

    .venv/bin/python tests/benchmarks/bench_images.py
    .venv/bin/python tests/benchmarks/bench_images.py --sizes 12,24,36 --formats JPEG,PNG
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEDIA_PATH = "kwis_job_plugin/services/media.py"


def photo_bytes(megapixels: int, fmt: str) -> bytes:
    """A 3:2 picture of about ``megapixels`` million pixels, photo-like but compressible."""
    from PIL import Image, ImageDraw

    height = round(math.sqrt(megapixels * 1_000_000 / 1.5))
    width = round(height * 1.5)
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.linear_gradient("L").rotate(90).resize((width, height))
    blue = Image.radial_gradient("L").resize((width, height))
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x, y = (i * 997) % width, (i * 613) % height
        draw.ellipse((x, y, x + width // 6, y + height // 5), fill=(30 * i % 255, 90, 200 - i * 9))
    if fmt in ("JPEG", "PJPEG"):  # fine grain: as large as a real photo of that size
        grain = Image.effect_noise((width, height), 40).convert("RGB")
        image = Image.blend(image, grain, 0.25)
    out = io.BytesIO()
    if fmt in ("JPEG", "PJPEG"):  # PJPEG: progressive JPEG
        image.save(out, format="JPEG", quality=92, progressive=fmt == "PJPEG")
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def _load_media(version: str, before_ref: str) -> types.ModuleType:
    sys.path.insert(0, str(ROOT))
    import kwis_job_plugin.services as services_package
    from kwis_job_plugin.services import media

    if version == "after":
        return media
    source = subprocess.run(
        ["git", "show", f"{before_ref}:{MEDIA_PATH}"], cwd=ROOT, check=True,
        capture_output=True, text=True,
    ).stdout
    module = types.ModuleType("kwis_job_plugin.services._media_before")
    module.__package__ = services_package.__name__
    module.__file__ = f"<{before_ref}:{MEDIA_PATH}>"
    sys.modules[module.__name__] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102
    return module


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(key + ":"))


def _reset_peak() -> int:
    """Reset the peak resident memory (Linux: ``clear_refs``) and return the current one (KiB).

    Without ``/proc``, ``ru_maxrss`` is used, which under-reports an upload whose peak stays
    below an earlier peak of the process."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return _status_kib("VmRSS")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _peak() -> int:
    try:
        return _status_kib("VmHWM")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(version: str, before_ref: str, path: str, repeat: int) -> None:
    """Run in a fresh process: process the picture ``repeat`` times, print the figures."""
    from kwis_job_plugin.services.errors import ValidationError

    media = _load_media(version, before_ref)
    for fmt in ("JPEG", "PNG"):  # load the codecs and Pillow's plug-ins before measuring
        media.process_image(photo_bytes(1, fmt), media.PHOTO)
    raw = Path(path).read_bytes()
    base = _reset_peak()
    started = time.perf_counter()
    outcome = "ok"
    for _ in range(repeat):
        try:
            media.process_image(raw, media.PHOTO)
        except ValidationError as exc:
            outcome = "refused: " + next(iter(exc.errors.values()))[:60]
    seconds = time.perf_counter() - started
    peak = _peak()
    print(json.dumps({"seconds": seconds, "extra_mb": (peak - base) / 1024,
                      "outcome": outcome}))


def measure(version: str, before_ref: str, path: Path, repeat: int) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--child", version, "--before-ref", before_ref,
         "--repeat", str(repeat), str(path)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="12,24,36", help="megapixels, comma-separated")
    parser.add_argument("--formats", default="JPEG,PJPEG,PNG",
                        help="JPEG, PJPEG (progressive JPEG), PNG, WEBP")
    parser.add_argument("--before-ref", default="HEAD", help="git revision of 'before'")
    parser.add_argument("--repeat", type=int, default=1, help="uploads per process")
    parser.add_argument("--child", choices=["before", "after"], help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.before_ref, args.path, args.repeat)
        return

    sys.path.insert(0, str(ROOT))
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"{args.repeat} upload(s) per process")
    print("| picture | file | before: time / extra memory | after: time / extra memory |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            for megapixels in (int(s) for s in args.sizes.split(",")):
                raw = photo_bytes(megapixels, fmt)
                path = Path(tmp) / f"{megapixels}.{fmt.lower()}"  # the name is never read
                path.write_bytes(raw)
                cells = []
                for version in ("before", "after"):
                    m = measure(version, args.before_ref, path, args.repeat)
                    cell = f"{m['seconds']:.2f} s / {m['extra_mb']:.0f} MB"
                    if m["outcome"] != "ok":
                        cell += f" ({m['outcome']})"
                    cells.append(cell)
                print(f"| {megapixels} MP {fmt} | {len(raw) / 1e6:.1f} MB | "
                      f"{cells[0]} | {cells[1]} |", flush=True)


if __name__ == "__main__":
    main()
