"""Make the portal's assets light at build time: trimmed KERN, subset fonts, hashed, compressed.

Run by the build right after ``assets_build`` fetched KERN (``build_command.py``, and by hand
``python -m kwis_job_plugin.assets_build``). Why at build time: a phone on a slow line paid for
340 KB of KERN rules of which the portal uses a tenth, ten full Fira Sans files of 130-150 KB
(every script Fira covers), and assets that expired after an hour. What is written, into
``static/built/`` (not in git, shipped in the wheel like every static file):

- ``kern/kern-portal.css``: the Fira Sans ``@font-face`` rules (``font-display: swap``, a
  ``unicode-range`` so other characters fall back to a system font instead of a box) followed
  by the KERN rules whose selectors the plug-in's pages can match. A selector survives when
  every class it names (outside functional pseudo-classes such as ``:not()``, which would only
  widen it) occurs as a word in a template or a Python module of the plug-in: a deliberate
  superset, so a class assembled in Python (``views/portal.py``) or inside a Jinja expression is
  kept too. Element, attribute and id selectors are kept as they are; so are custom properties,
  ``@keyframes`` and ``@font-face``.
- ``kern/fonts/fira-sans/*.woff2``: each face subset to :data:`CHARACTERS` (German and English
  text, typographic quotes and dashes, the euro sign), WOFF2 again.
- every file, own (``static/*.css``, ``*.js``) and built, under a name carrying the first 10 hex
  digits of its SHA-256 (``portal.1a2b3c4d5e.css``), with ``.gz`` and ``.br`` next to the text
  files, and ``manifest.json``: logical name -> hashed name, the source digest of the own files
  (so the app can notice an edited ``portal.css`` in an editable install and fall back to the
  plain name), and the encodings present. ``views/assets.py`` reads it.

Without KERN (``KWIS_JOB_KERN=skip``) only the own files are hashed and compressed.

Like ``assets_build`` this module is loaded by file path in the build environment, so it imports
nothing from its own package; its third-party imports (tinycss2, fontTools, brotli) are build
requirements in ``pyproject.toml`` and are imported inside the functions that need them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TARGET = STATIC / "built"
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
SOURCES = (HERE.parent / "templates", HERE)
"""Where the words come from that decide which KERN rules stay: every template and every
Python module of the plug-in (HTML is also assembled in ``views/``)."""
KERN_DIR = "kern"
KERN_CSS = "kern/kern.min.css"
KERN_FONT_CSS = "kern/fonts/fira-sans.css"
BUNDLE = "kern/kern-portal.css"
"""Logical name of the trimmed KERN sheet with its font faces (one request instead of two)."""
OWN_SUFFIXES = (".css", ".js")
COMPRESSIBLE = (".css", ".js", ".svg", ".json", ".txt")
HASH_LENGTH = 10

CHARACTERS = (
    "".join(chr(code) for code in range(0x20, 0x7F))  # Basic Latin
    + "".join(chr(code) for code in range(0xA0, 0x100))  # Latin-1: ä ö ü ß Ä Ö Ü é à ç ...
    + "ŒœŠšŸŽžƒẞ"
    + "–—‘’‚“”„†‡•…‰‹›€™−′″→←↑↓"
    + "\u2009\u200a\u2011\u202f\u00ad"  # thin, hair space, non-breaking hyphen, narrow nbsp
)
"""What German and English text needs, typographic punctuation included."""
UNICODE_RANGE = (
    "U+0020-007E, U+00A0-00FF, U+0152-0153, U+0160-0161, U+0178, U+017D-017E, U+0192, U+1E9E, "
    "U+2009-200A, U+2011, U+2013-2014, U+2018-201A, U+201C-201E, U+2020-2022, U+2026, U+2030, "
    "U+2032-2033, U+2039-203A, U+20AC, U+2122, U+2190-2193, U+2212, U+202F"
)
URL_REF = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
CUSTOM_REF = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
CLASS_IN_CSS = re.compile(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)")


# --- Which KERN rules the portal can match -------------------------------------------------


def used_words(roots=SOURCES) -> set[str]:
    """Every identifier-like word in the plug-in's templates and Python modules."""
    words: set[str] = set()
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.suffix in (".html", ".py", ".xml") and path.is_file() \
                    and STATIC not in path.parents:
                words.update(WORD.findall(path.read_text(encoding="utf-8", errors="replace")))
    return words


def _split_selectors(prelude) -> list[list]:
    """A rule's prelude split at its top-level commas."""
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    selectors.append(current)
    return selectors


def selector_classes(tokens) -> set[str]:
    """Classes a selector requires (those inside ``:not()``/``:is()`` blocks only widen it)."""
    classes = set()
    tokens = list(tokens)
    for before, token in zip(tokens, tokens[1:], strict=False):
        if before.type == "literal" and before.value == "." and token.type == "ident":
            classes.add(token.value)
    return classes


def _serialize(tokens) -> str:
    import tinycss2

    return tinycss2.serialize(tokens).strip()


def _trim_rules(rules, words: set[str]) -> list[str]:
    import tinycss2

    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            kept = [
                _serialize(sel) for sel in _split_selectors(rule.prelude)
                if selector_classes(sel) <= words
            ]
            if kept:
                out.append(",".join(kept) + "{" + _serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer",
                                                                   "container") \
                and rule.content is not None:
            inner = _trim_rules(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                words,
            )
            if inner:
                out.append(f"@{rule.at_keyword} {_serialize(rule.prelude)}{{{''.join(inner)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword == "charset":
            continue
        elif rule.type == "at-rule":
            out.append(rule.serialize().strip())
    return out


def trim_css(css: str, words: set[str], used_properties: frozenset[str] = frozenset()) -> str:
    """The rules of ``css`` whose selectors can match pages built from ``words``, without the
    custom properties nothing reads any more (see ``prune_custom_properties``)."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    trimmed = "\n".join(_trim_rules(rules, words)) + "\n"
    keep = set(used_properties) | {f"--{word}" for word in words}
    return prune_custom_properties(trimmed, keep)


def _walk_declarations(rules, visit):
    """``visit(rule, declarations)`` for every qualified rule, also inside ``@media`` etc.;
    at-rules kept verbatim (``@keyframes``) are passed with ``declarations=None``."""
    import tinycss2

    for rule in rules:
        if rule.type == "qualified-rule":
            visit(rule, tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True))
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in (
                "media", "supports", "layer", "container"):
            _walk_declarations(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True), visit)
        else:
            visit(rule, None)


def prune_custom_properties(css: str, keep: set[str]) -> str:
    """Drop ``--x: ...`` declarations that no kept declaration reads, directly or through other
    properties. ``keep`` names properties read elsewhere (the own stylesheets, the regions'
    ``stil.css``). KERN defines ~500 design tokens, a third of them read by the kept rules."""
    import tinycss2

    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    needs: dict[str, set[str]] = {}
    roots = set(keep)

    def collect(rule, declarations):
        if declarations is None:
            roots.update(CUSTOM_REF.findall(rule.serialize()))
            return
        for declaration in declarations:
            if declaration.type != "declaration":
                continue
            refs = set(CUSTOM_REF.findall(tinycss2.serialize(declaration.value)))
            if declaration.name.startswith("--"):
                needs.setdefault(declaration.name, set()).update(refs)
            else:
                roots.update(refs)

    _walk_declarations(rules, collect)
    used, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name not in used:
            used.add(name)
            todo.extend(needs.get(name, ()))

    def rewrite(rules) -> list[str]:
        out = []
        for rule in rules:
            if rule.type == "qualified-rule":
                kept = [
                    d.serialize().strip() for d in tinycss2.parse_declaration_list(
                        rule.content, skip_comments=True, skip_whitespace=True)
                    if d.type == "declaration" and (not d.name.startswith("--") or d.name in used)
                ]
                if kept:
                    out.append(f"{_serialize(rule.prelude)}{{{';'.join(kept)}}}")
            elif rule.type == "at-rule" and rule.content is not None and \
                    rule.lower_at_keyword in ("media", "supports", "layer", "container"):
                inner = rewrite(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                         skip_whitespace=True))
                if inner:
                    out.append(f"@{rule.at_keyword} {_serialize(rule.prelude)}{{{''.join(inner)}}}")
            else:
                out.append(rule.serialize().strip())
        return out

    return "\n".join(rewrite(rules)) + "\n"


# --- Fonts ----------------------------------------------------------------------------------


def subset_font(data: bytes, characters: str = CHARACTERS) -> bytes:
    """``data`` (WOFF2) with only the glyphs of ``characters``, as WOFF2 (needs brotli)."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # Fira's OS/2 version note
    font = TTFont(io.BytesIO(data))
    options = subset.Options()
    options.flavor = "woff2"
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def font_faces(css: str, font_urls: dict[str, str]) -> str:
    """KERN's ``@font-face`` rules with swapped, range-limited, hashed sources."""
    def replace_url(match):
        return f'url("{font_urls[match.group(1).strip()]}")'

    css = URL_REF.sub(replace_url, css)
    css = re.sub(r"font-display\s*:[^;}]*;?", "", css)
    return re.sub(
        r"@font-face\s*\{", f"@font-face{{font-display:swap;unicode-range:{UNICODE_RANGE};", css
    )


# --- Hashing and compression ----------------------------------------------------------------


def hashed_name(logical: str, content: bytes) -> str:
    path = PurePosixPath(logical)
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def _compressed(content: bytes) -> dict[str, bytes]:
    import brotli

    return {
        "br": brotli.compress(content, quality=11),
        "gzip": gzip.compress(content, compresslevel=9, mtime=0),
    }


SUFFIX_OF = {"br": ".br", "gzip": ".gz"}


def _inputs_digest(static: Path, roots) -> str:
    """What the output depends on: this file, the static sources, and of the templates' and
    modules' words only those naming a KERN class (so an unrelated edit needs no rebuild)."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    built = static / TARGET.name
    for path in sorted(static.rglob("*")):
        if path.is_file() and built not in path.parents and not path.name.startswith("."):
            digest.update(str(path.relative_to(static)).encode() + b"\0" + path.read_bytes())
    kern = static / KERN_CSS
    if kern.is_file():
        classes = set(CLASS_IN_CSS.findall(kern.read_text(encoding="utf-8")))
        digest.update(" ".join(sorted(classes & used_words(roots))).encode())
    return digest.hexdigest()


def own_files(static: Path) -> list[str]:
    return sorted(p.name for p in static.iterdir() if p.is_file() and p.suffix in OWN_SUFFIXES)


def build(static: Path | None = None, roots=SOURCES, force: bool = False, log=print) -> dict:
    """Write ``static/built/`` and return the manifest; nothing to do when the inputs match."""
    static = static or STATIC
    target = static / TARGET.name
    digest = _inputs_digest(static, roots)
    try:
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        if not force and manifest.get("inputs") == digest and all(
            (target / entry["path"]).is_file() for entry in manifest["assets"].values()
        ):
            return manifest
    except (OSError, ValueError, KeyError, TypeError):
        pass

    files: dict[str, tuple[bytes, str | None]] = {}  # logical -> content, source digest
    for name in own_files(static):
        content = (static / name).read_bytes()
        files[name] = (content, hashlib.sha256(content).hexdigest())
    kern = (static / KERN_CSS).is_file() and (static / KERN_FONT_CSS).is_file()
    report = {}
    if kern:
        font_css = (static / KERN_FONT_CSS).read_text(encoding="utf-8")
        font_dir = PurePosixPath(KERN_FONT_CSS).parent
        bundle_dir = PurePosixPath(BUNDLE).parent
        font_urls = {}
        for ref in dict.fromkeys(URL_REF.findall(font_css)):
            logical = str(font_dir / PurePosixPath(ref.strip()))
            logical = str(PurePosixPath(*[p for p in PurePosixPath(logical).parts if p != "."]))
            original = (static / logical).read_bytes()
            content = subset_font(original)
            files[logical] = (content, None)
            font_urls[ref.strip()] = str(
                PurePosixPath(hashed_name(logical, content)).relative_to(bundle_dir)
            )
            report[logical] = (len(original), len(content))
        full = (static / KERN_CSS).read_text(encoding="utf-8")
        own_refs = frozenset(
            ref for name in own_files(static) if name.endswith(".css")
            for ref in CUSTOM_REF.findall((static / name).read_text(encoding="utf-8"))
        )
        trimmed = trim_css(full, used_words(roots), own_refs)
        bundle = (
            "/* KERN UX (EUPL-1.2), trimmed to the rules KWIS.job uses; "
            f"Fira Sans (OFL-1.1), subset */\n{font_faces(font_css, font_urls)}\n{trimmed}"
        )
        files[BUNDLE] = (bundle.encode("utf-8"), None)
        report[KERN_CSS] = (len(full.encode("utf-8")), len(trimmed.encode("utf-8")))

    assets = {}
    staging = Path(tempfile.mkdtemp(prefix=".built-", dir=static))
    try:
        for logical, (content, source) in files.items():
            name = hashed_name(logical, content)
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            encodings = []
            if path.suffix in COMPRESSIBLE:
                for encoding, packed in _compressed(content).items():
                    if len(packed) < len(content):
                        path.with_name(path.name + SUFFIX_OF[encoding]).write_bytes(packed)
                        encodings.append(encoding)
            assets[logical] = {"path": name, "size": len(content), "encodings": encodings,
                               **({"source_sha256": source} if source else {})}
        manifest = {"version": MANIFEST_VERSION, "inputs": digest, "kern": kern,
                    "assets": assets,
                    "note": "Written by kwis_job_plugin/assets_optimize.py at build time."}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
        for folder in (target, *(p for p in target.rglob("*") if p.is_dir())):
            folder.chmod(0o755)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    for logical, (before, after) in report.items():
        log(f"  {logical}: {before // 1024} KB -> {after // 1024} KB")
    log(f"KWIS.job assets: {len(assets)} hashed and compressed -> {target}")
    return manifest
