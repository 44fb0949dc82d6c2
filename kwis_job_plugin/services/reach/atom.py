"""Atom 1.0 (RFC 4287) written with the standard library's XML writer.

ElementTree escapes every text and attribute, so no offer title can break the document, and a
feed is a handful of elements: a library (feedgen, which pulls in lxml) would add a dependency
for nothing the RFC asks beyond this. The document is the same bytes for the same data (no
time of the request in it), so ETag and conditional GET work on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
GENERATOR = "KWIS.job"


@dataclass(frozen=True)
class Entry:
    entry_id: str
    """A permanent IRI: the same offer keeps it whatever its title or slug becomes."""
    title: str
    url: str
    published: datetime
    updated: datetime
    summary: str
    author: str
    category: str | None = None


@dataclass(frozen=True)
class Feed:
    feed_id: str
    title: str
    subtitle: str
    self_url: str
    alternate_url: str
    lang: str
    fallback_updated: datetime
    """``updated`` of a feed without entries (Atom requires one)."""


def stamp(moment: datetime) -> str:
    """RFC 3339 in UTC; stored stamps are naive UTC (``models.base.utcnow``)."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def document(feed: Feed, entries: Sequence[Entry]) -> bytes:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}feed", {XML_LANG: feed.lang})
    _add(root, "id", feed.feed_id)
    _add(root, "title", feed.title)
    _add(root, "subtitle", feed.subtitle)
    updated = max((e.updated for e in entries), default=feed.fallback_updated)
    _add(root, "updated", stamp(updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=feed.self_url)
    _add(root, "link", rel="alternate", type="text/html", href=feed.alternate_url)
    _add(root, "generator", GENERATOR)
    for entry in entries:
        element = _add(root, "entry")
        _add(element, "id", entry.entry_id)
        _add(element, "title", entry.title)
        _add(element, "link", rel="alternate", type="text/html", href=entry.url)
        _add(element, "published", stamp(entry.published))
        _add(element, "updated", stamp(entry.updated))
        author = _add(element, "author")
        _add(author, "name", entry.author)
        if entry.category:
            _add(element, "category", term=entry.category)
        _add(element, "summary", entry.summary, type="text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
