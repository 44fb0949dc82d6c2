"""German text normalisation for search: one function for documents and for queries.

``normalise`` turns text into search terms: lower case, ``ß`` → ``ss``, punctuation out, a small
stop-word list out, then the Snowball German stemmer, which also folds umlauts and their
spellings ``ae``/``oe``/``ue`` (so "Bäcker" and "Baecker" both become ``back``). Two small rules
go beyond Snowball:

* Latin plurals meet their singular: Praktikum/Praktika/Praktikums → ``praktik``,
  Museum/Museen → ``muse``, Studium/Studien → ``studi``, Firma/Firmen → ``firm``.
* A compound ending in one of a few heads young people search for (Schüler*praktikum*,
  Ferien*job*, Abschluss*arbeit*, Schnupper*tag*) also yields the head, so "Praktika" finds a
  "Schülerpraktikum". Queries get the same split, so a search for the compound still needs the
  compound.

Because documents and queries go through the same function, the search only compares
ready-made tokens (in the replica's bitmaps, ``services/search_replica.py``), whatever the
database engine. No database and no Flask here.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

import snowballstemmer

MIN_LENGTH = 2
"""Shorter words (single letters, one-digit numbers) are dropped."""

PREFIX_MIN_LENGTH = 3
"""The last word of a query matches as a prefix once it has this many characters."""

_STOP_WORDS = """
    aber alle als am an auch auf aus bei bin bis bzw da das dass dem den der des die dies diese
    dieser dieses doch du durch ein eine einem einen einer eines er es fuer für hat hier ich ihr
    ihre im in ist ja je kann man mit nach nicht noch nur ob oder ohne sehr sich sie sind so
    ueber über um und uns unter vom von vor war was wenn wer wie wir wird zu zum zur
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

COMPOUND_HEADS = (
    "praktikum", "praktika", "ausbildung", "studium", "studien", "job", "jobs", "arbeit", "tag",
    "tage", "camp", "camps", "woche", "wochen", "kurs",
)
"""Heads of compounds that also count on their own ("Schülerpraktikum" is a "Praktikum")."""

_WORD = re.compile(r"[0-9a-zäöü]+")
_DIAERESIS = "\u0308"
_local = threading.local()


def _stemmer():
    """Snowball stemmers keep state while they work, so every thread gets its own."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("german")
    return stemmer


def _fold(text: str) -> str:
    """Lower case, ``ß`` → ``ss``, accents off (é → e) but German umlauts kept for the stemmer."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    kept = []
    for i, char in enumerate(decomposed):
        if unicodedata.combining(char):
            if char == _DIAERESIS and i and decomposed[i - 1] in "aou":
                kept.append(char)
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def _latin(stem: str) -> str:
    """Let Latin plurals meet: the stemmer leaves "praktikum" and "praktika" apart."""
    if len(stem) >= 5 and stem.endswith("as"):  # Kitas, Firmas
        stem = stem[:-1]
    if len(stem) >= 6 and stem.endswith(("ium", "eum")):  # Studium/Studien, Museum/Museen
        return stem[:-2]
    if len(stem) >= 5 and stem.endswith("um"):  # Praktikum, Zentrum, Datum
        return stem[:-2]
    if len(stem) >= 5 and stem.endswith("a"):  # Praktika, Firma, Thema
        return stem[:-1]
    return stem


_SPELLED_UMLAUT = re.compile(r"(?<![aeiouyäöü])[ao]e|(?<![aeiouyäöüq])ue")
"""ae/oe/ue written for ä/ö/ü, but not after a vowel (Feuer, Mauer) or q (Quelle). Snowball 3
does the same inside its German stemmer; doing it here keeps older Snowball versions in line."""


def _stem(word: str) -> str:
    word = _SPELLED_UMLAUT.sub(lambda m: {"ae": "ä", "oe": "ö", "ue": "ü"}[m.group()], word)
    stem = _latin(_stemmer().stemWord(word))
    # Snowball folds umlauts already; this guards words it leaves alone.
    return stem.replace("ä", "a").replace("ö", "o").replace("ü", "u")


def _word_terms(word: str) -> list[str]:
    """The terms of one folded word: its stem, and the stem of a known compound head."""
    if len(word) < MIN_LENGTH or word in STOP_WORDS:
        return []
    terms = [_stem(word)]
    for head in COMPOUND_HEADS:
        if len(word) >= len(head) + 3 and word.endswith(head):
            head_stem = _stem(head)
            if head_stem != terms[0]:
                terms.append(head_stem)
            break
    return [t for t in terms if len(t) >= MIN_LENGTH]


def words(text: str | None) -> list[str]:
    """The folded words of ``text`` before stemming (for callers that need word boundaries)."""
    return _WORD.findall(_fold(text or ""))


def normalise(text: str | None) -> list[str]:
    """Search terms of ``text``: stemmed, folded, without stop words; unique, in order."""
    seen: dict[str, None] = {}
    for word in words(text):
        for term in _word_terms(word):
            seen.setdefault(term, None)
    return list(seen)


@dataclass(frozen=True)
class QueryTerms:
    """What a typed query asks for: every term in ``exact``, and ``prefix`` as a word start."""

    exact: tuple[str, ...]
    prefix: str | None

    @property
    def all(self) -> tuple[str, ...]:
        return self.exact + ((self.prefix,) if self.prefix else ())

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefix)


def query_terms(text: str | None) -> QueryTerms:
    """Terms of a query; the last word's stem also matches longer words ("Mecha" → Mechatronik).

    Runs ``normalise`` word by word, so a query and a document with the same words always meet.
    """
    per_word = [terms for terms in (_word_terms(w) for w in words(text)) if terms]
    if not per_word:
        return QueryTerms((), None)
    exact: dict[str, None] = {}
    for terms in per_word[:-1]:
        for term in terms:
            exact.setdefault(term, None)
    last = per_word[-1]
    prefix = last[0] if len(last[0]) >= PREFIX_MIN_LENGTH else None
    for term in last if prefix is None else last[1:]:
        exact.setdefault(term, None)
    if prefix is not None:
        exact.pop(prefix, None)
    return QueryTerms(tuple(exact), prefix)
