"""Finished search pages, kept per version of everything they show (issue #12).

A search page is a function of its full URL, the locale, the day (the daily order, expiry) and
the database's versions: the index's change number and the settings version (regions, switches,
taxonomies, looks, legal data; ``search_settings``). ``key`` joins exactly these, so an entry
can never be served after one of them moved on: a switch thrown in the admin area changes the
settings version in the same transaction, and every worker reads that version with the change
log's in the request's one version statement (``search_versions``) before it looks here. Old
entries are never invalidated, they just stop being asked for and fall out of the LRU (or
expire in the shared store).

Stores: ``MemoryStore``, a bounded LRU in process memory (the default), and ``RedisStore`` for
several app servers (``KWIS_JOB_RESPONSE_CACHE_URL``), so a page rendered by one server serves
the others. The cache holds only public pages, which carry no personal data. No Flask here.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Protocol

DAY_SECONDS = 86_400
_PREFIX = "kwis_job:page:"


class Store(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes) -> None: ...


class MemoryStore:
    """At most ``entries`` pages, the least recently used leaving first."""

    def __init__(self, entries: int):
        self.entries = entries
        self._pages: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
            return found

    def set(self, key: str, value: bytes) -> None:
        with self._lock:
            self._pages[key] = value
            self._pages.move_to_end(key)
            while len(self._pages) > self.entries:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


class RedisStore:
    """Pages in a shared Redis (``pip install redis``), kept a day at most: a key names a day,
    so older ones are never asked for again."""

    def __init__(self, url: str, client=None):
        if client is None:
            import redis  # only where a shared store is configured

            client = redis.Redis.from_url(url)
        self.client = client

    def get(self, key: str) -> bytes | None:
        return self.client.get(_PREFIX + key)

    def set(self, key: str, value: bytes) -> None:
        self.client.set(_PREFIX + key, value, ex=DAY_SECONDS)


def store_for(entries: int, url: str | None) -> Store | None:
    """The store the settings ask for; ``None`` when the cache is off (``entries`` 0, no URL)."""
    if url:
        return RedisStore(url)
    return MemoryStore(entries) if entries > 0 else None


def key(*parts: object) -> str:
    """One key for the parts (URL, locale, day, versions...), fixed length whatever the URL."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()


def pack(etag: str, body: bytes) -> bytes:
    return etag.encode() + b"\n" + body


def unpack(value: bytes) -> tuple[str, bytes]:
    etag, _, body = value.partition(b"\n")
    return etag.decode(), body
