"""What a submission changes against the public version, field by field, for the review page.

The review decides on a version (``services.review``); this module says what is new in it. It
compares the snapshot approval would publish (the working copy, through the same snapshot
function) with ``published_snapshot``, so the comparison sees exactly what the public would
see before and after: texts, lists of terms, pictures with their descriptions, dates. A first
publication has no public version; then every filled field is "neu".

Every field's status is a word (``neu``, ``geändert``, ``entfernt``, ``unverändert``), never a
colour alone. Text changes are marked word by word (``difflib``); rich text is compared as the
plain text of its sanitised form, so nothing the company typed reaches the page as markup: the
template escapes every segment. Pictures come as media ids; the view turns them into URLs.
No Flask here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from ..i18n import N_
from ..i18n import gettext as _
from ..models import (
    Benefit,
    EmployerProfile,
    Media,
    OccupationalField,
    Offer,
    OfferType,
    TargetGroup,
    TrainingOccupation,
)
from . import media as media_service
from . import sanitize
from .offer_timing import Timing, date_text, time_text
from .profile_input import SOCIAL_NETWORKS
from .snapshots import offer_snapshot, profile_snapshot, published_alt_texts, read_date

NEW, CHANGED, REMOVED, SAME = "new", "changed", "removed", "same"
STATUS_WORDS = {
    NEW: N_("neu"),
    CHANGED: N_("geändert"),
    REMOVED: N_("entfernt"),
    SAME: N_("unverändert"),
}
"""The status of a field in words: the page must not say it by colour alone."""

ADDED, DELETED = "added", "deleted"
"""Marks of a word or list entry: only in the submitted version, only in the public one."""

LINE_BREAK = "\n"
"""A segment of exactly this text is a paragraph boundary of a rich text."""

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6])\s*>|<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class Segment:
    """A run of words with one mark (``None``: in both versions)."""

    text: str
    mark: str | None = None


@dataclass(frozen=True)
class Item:
    """One entry of a list (an occupational field, a benefit, ...) with its mark."""

    text: str
    mark: str | None = None


@dataclass(frozen=True)
class Picture:
    media_id: int
    width: int
    height: int


@dataclass(frozen=True)
class Side:
    """One version of one field: text segments, list items or a picture (with its
    description as segments)."""

    segments: tuple[Segment, ...] = ()
    items: tuple[Item, ...] = ()
    picture: Picture | None = None

    @property
    def empty(self) -> bool:
        return not (self.segments or self.items or self.picture)


@dataclass(frozen=True)
class FieldDiff:
    key: str
    label: str
    kind: str
    """``text``, ``list`` or ``picture``: how the template shows the two sides."""
    status: str
    before: Side
    after: Side

    @property
    def status_word(self) -> str:
        return _(STATUS_WORDS[self.status])


@dataclass(frozen=True)
class ReviewDiff:
    first_publication: bool
    fields: tuple[FieldDiff, ...] = field(default_factory=tuple)

    @property
    def changes(self) -> list[FieldDiff]:
        """The fields that differ, in the order of the form."""
        return [f for f in self.fields if f.status != SAME]

    @property
    def unchanged_labels(self) -> list[str]:
        """The filled fields that stay as they are (empty ones are not worth naming)."""
        return [f.label for f in self.fields if f.status == SAME and not f.after.empty]


# --- comparing values ---------------------------------------------------------------------------


def _status(before_empty: bool, after_empty: bool, equal: bool) -> str:
    if equal:
        return SAME
    if before_empty:
        return NEW
    if after_empty:
        return REMOVED
    return CHANGED


def _words(paragraphs: Sequence[str]) -> list[str]:
    tokens: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            tokens.append(LINE_BREAK)
        tokens.extend(paragraph.split())
    return tokens


def _runs(tokens: Iterable[tuple[str, str | None]]) -> tuple[Segment, ...]:
    """Tokens joined into runs of one mark; a line break is a segment of its own."""
    segments: list[Segment] = []
    words: list[str] = []
    mark: str | None = None

    def close() -> None:
        if words:
            segments.append(Segment(" ".join(words), mark))
            words.clear()

    for token, token_mark in tokens:
        if token == LINE_BREAK:
            close()
            segments.append(Segment(LINE_BREAK))
            continue
        if token_mark != mark:
            close()
            mark = token_mark
        words.append(token)
    close()
    return tuple(segments)


def word_diff(before: Sequence[str], after: Sequence[str]) -> tuple[tuple[Segment, ...],
                                                                    tuple[Segment, ...]]:
    """Both versions of a text (as paragraphs) with the words only one of them has marked."""
    old, new = _words(before), _words(after)
    old_marked: list[tuple[str, str | None]] = []
    new_marked: list[tuple[str, str | None]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        same = op == "equal"
        old_marked += [(t, None if same or t == LINE_BREAK else DELETED) for t in old[i1:i2]]
        new_marked += [(t, None if same or t == LINE_BREAK else ADDED) for t in new[j1:j2]]
    return _runs(old_marked), _runs(new_marked)


def _text_field(key: str, label: str, before: Sequence[str] | None,
                after: Sequence[str]) -> FieldDiff:
    """A text field; ``before`` is ``None`` on a first publication."""
    before = [p for p in (before or []) if p]
    after = [p for p in after if p]
    if before == after:
        old = new = _runs((t, None) for t in _words(after))
    else:
        old, new = word_diff(before, after)
    return FieldDiff(key, label, "text", _status(not before, not after, before == after),
                     Side(segments=old), Side(segments=new))


def _line(value: Any) -> list[str]:
    """A plain value as the paragraphs of a text field (one, or none when empty)."""
    text = " ".join(str(value).split()) if value is not None else ""
    return [text] if text else []


def rich_text_paragraphs(markup: str | None) -> list[str]:
    """Rich text as plain paragraphs: sanitised first, then stripped of every tag."""
    pieces = _BLOCK_END.split(sanitize.clean_html(markup or ""))
    return [text for text in (sanitize.plain_text(piece) for piece in pieces) if text]


def _list_field(key: str, label: str, before: Sequence[str] | None,
                after: Sequence[str]) -> FieldDiff:
    """A list of names; order does not count (the portal sorts them itself)."""
    old_list, new_list = list(dict.fromkeys(before or [])), list(dict.fromkeys(after))
    old, new = set(old_list), set(new_list)
    return FieldDiff(
        key, label, "list", _status(not old, not new, old == new),
        Side(items=tuple(Item(t, None if t in new else DELETED) for t in old_list)),
        Side(items=tuple(Item(t, None if t in old else ADDED) for t in new_list)),
    )


def _names(session: Session, model: type, *key_lists: Sequence[str] | None) -> dict[str, str]:
    keys = sorted({k for keys in key_lists for k in keys or [] if isinstance(k, str)})
    if not keys:
        return {}
    return dict(session.execute(select(model.key, model.name).where(model.key.in_(keys))).all())


def _named(keys: Sequence[str] | None, names: dict[str, str]) -> list[str]:
    return [names.get(k, k) for k in keys or [] if isinstance(k, str)]


# --- profiles -----------------------------------------------------------------------------------


def _media_rows(session: Session, *snapshots: dict[str, Any] | None) -> dict[int, Media]:
    ids = sorted({i for s in snapshots if s for i in s.get("media") or [] if isinstance(i, int)})
    if not ids:
        return {}
    rows = session.scalars(select(Media).where(Media.id.in_(ids)).options(defer(Media.data)))
    return {m.id: m for m in rows}


def _pictures(snapshot: dict[str, Any] | None, rows: dict[int, Media]
              ) -> tuple[Media | None, list[Media], dict[str, str]]:
    """Logo, photos and descriptions of a snapshot (``None``: no public version)."""
    if snapshot is None:
        return None, [], {}
    listed = [rows[i] for i in snapshot.get("media") or [] if isinstance(i, int) and i in rows]
    logo = next((m for m in listed if media_service.original_kind(m) == media_service.LOGO),
                None)
    photos = [m for m in listed if media_service.original_kind(m) == media_service.PHOTO]
    return logo, photos, published_alt_texts(snapshot, listed)


def _picture(m: Media | None) -> Picture | None:
    return Picture(m.id, m.width, m.height) if m is not None else None


def _picture_field(key: str, label: str, before: Media | None, after: Media | None,
                   before_alt: str, after_alt: str, *, first: bool) -> FieldDiff:
    """One picture: another picture is "geändert", a new description too (marked by word)."""
    old_alt = _line(before_alt) if before is not None else []
    new_alt = _line(after_alt) if after is not None else []
    old_words, new_words = word_diff(old_alt, new_alt) if old_alt != new_alt else (
        _runs((t, None) for t in _words(old_alt)), _runs((t, None) for t in _words(new_alt)))
    same = (not first and (before.id if before else None) == (after.id if after else None)
            and old_alt == new_alt)
    return FieldDiff(key, label, "picture", _status(before is None, after is None, same),
                     Side(segments=old_words, picture=_picture(before)),
                     Side(segments=new_words, picture=_picture(after)))


def _profile_pictures(session: Session, published: dict[str, Any] | None,
                      submitted: dict[str, Any]) -> list[FieldDiff]:
    rows = _media_rows(session, published, submitted)
    old_logo, old_photos, old_alts = _pictures(published, rows)
    new_logo, new_photos, new_alts = _pictures(submitted, rows)
    first = published is None
    result: list[FieldDiff] = []
    if old_logo is not None or new_logo is not None:
        result.append(_picture_field("logo", _("Logo"), old_logo, new_logo, "", "", first=first))
    old_by_id = {m.id: m for m in old_photos}
    new_ids = {m.id for m in new_photos}
    for number, photo in enumerate(new_photos, 1):
        before = old_by_id.get(photo.id)
        result.append(_picture_field(
            f"photo-{photo.id}", _("Foto %(n)s", n=number), before, photo,
            old_alts.get(str(photo.id), ""), new_alts.get(str(photo.id), ""), first=first))
    for number, photo in enumerate(old_photos, 1):
        if photo.id not in new_ids:
            result.append(_picture_field(
                f"photo-{photo.id}", _("Bisheriges Foto %(n)s", n=number), photo, None,
                old_alts.get(str(photo.id), ""), "", first=first))
    return result


def _contact_lines(snapshot: dict[str, Any] | None, key: str) -> list[str] | None:
    if snapshot is None:
        return None
    return _line((snapshot.get("contact") or {}).get(key))


def profile_diff(session: Session, published: dict[str, Any] | None,
                 submitted: dict[str, Any]) -> ReviewDiff:
    """The fields of a profile snapshot, public version against submitted version."""
    p = published
    names = {
        model: _names(session, model, (p or {}).get(key), submitted.get(key))
        for model, key in ((OccupationalField, "fields"), (TrainingOccupation, "occupations"),
                           (Benefit, "benefits"))
    }

    def listed(model: type, key: str, snapshot: dict[str, Any] | None) -> list[str] | None:
        return None if snapshot is None else _named(snapshot.get(key), names[model])

    def text(key: str, snapshot: dict[str, Any] | None) -> list[str] | None:
        return None if snapshot is None else _line(snapshot.get(key))

    fields = [
        _text_field("display_name", _("Name des Betriebs"), text("display_name", p),
                    _line(submitted.get("display_name"))),
        _text_field("philosophy_html", _("So ist es, bei uns zu arbeiten"),
                    None if p is None else rich_text_paragraphs(p.get("philosophy_html")),
                    rich_text_paragraphs(submitted.get("philosophy_html"))),
        _list_field("fields", _("Berufsfelder"), listed(OccupationalField, "fields", p),
                    listed(OccupationalField, "fields", submitted)),
        _list_field("occupations", _("Ausbildungsberufe"),
                    listed(TrainingOccupation, "occupations", p),
                    listed(TrainingOccupation, "occupations", submitted)),
        _list_field("benefits", _("Vorteile"), listed(Benefit, "benefits", p),
                    listed(Benefit, "benefits", submitted)),
        _list_field("custom_benefits", _("Eigene Vorteile"),
                    None if p is None else [str(b) for b in p.get("custom_benefits") or []],
                    [str(b) for b in submitted.get("custom_benefits") or []]),
    ]
    for key, label in (("name", _("Kontakt: Name")), ("role", _("Kontakt: Funktion")),
                       ("email", _("Kontakt: E-Mail-Adresse")),
                       ("phone", _("Kontakt: Telefon"))):
        fields.append(_text_field(f"contact.{key}", label, _contact_lines(p, key),
                                  _contact_lines(submitted, key)))
    fields.append(_text_field("video_url", _("Link zu einem Video"), text("video_url", p),
                              _line(submitted.get("video_url"))))
    old_links = None if p is None else (p.get("social_links") or {})
    new_links = submitted.get("social_links") or {}
    for key, (label, _hosts) in SOCIAL_NETWORKS.items():
        fields.append(_text_field(
            f"social_links.{key}", _("Link: %(network)s", network=_(label)),
            None if old_links is None else _line(old_links.get(key)),
            _line(new_links.get(key))))
    fields += _profile_pictures(session, p, submitted)
    return _finished(published, fields)


# --- offers -------------------------------------------------------------------------------------


def _yes_no(value: Any) -> list[str]:
    return [_("ja") if value else _("nein")]


def _place_text(place: dict[str, Any]) -> str:
    address = ", ".join(part for part in (
        place.get("street"), " ".join(p for p in (place.get("postcode"), place.get("city")) if p)
    ) if part)
    mode = place.get("mode")
    if mode == "multiple":
        return _("An mehreren Standorten") + (f" ({address})" if address else "")
    if mode == "other":
        return _("Anderer Ort: %(address)s", address=address) if address else _("Anderer Ort")
    return _("Adresse des Betriebs: %(address)s", address=address) if address else _(
        "Adresse des Betriebs")


def _offer_values(snapshot: dict[str, Any], names: dict[type, dict[str, str]]
                  ) -> dict[str, list[str]]:
    """Each compared field of an offer snapshot in words, as the public page says it."""
    timing = Timing.of_snapshot(snapshot)
    valid_until = read_date(snapshot.get("valid_until"))
    apply = snapshot.get("apply") or {}
    type_key = snapshot.get("type")
    return {
        "title": _line(snapshot.get("title")),
        "type": _line(names[OfferType].get(type_key, type_key) if type_key else None),
        "description_html": rich_text_paragraphs(snapshot.get("description_html")),
        "target_groups": _named(snapshot.get("target_groups"), names[TargetGroup]),
        "fields": _named(snapshot.get("fields"), names[OccupationalField]),
        "min_age": _line(snapshot.get("min_age")),
        "min_grade": _line(snapshot.get("min_grade")),
        "places": _line(snapshot.get("places")),
        "time": _line(time_text(timing)),
        "valid_until": _line(date_text(valid_until) if valid_until else None),
        "place": _line(_place_text(snapshot.get("place") or {})),
        "apply.contact": _line(apply.get("contact")),
        "apply.url": _line(apply.get("url")),
        "apply.email": _line(apply.get("email")),
        "accessible_workplace": _yes_no(snapshot.get("accessible_workplace")),
    }


OFFER_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("title", N_("Titel"), "text"),
    ("type", N_("Art des Angebots"), "text"),
    ("description_html", N_("Beschreibung"), "text"),
    ("target_groups", N_("Zielgruppen"), "list"),
    ("fields", N_("Berufsfelder"), "list"),
    ("min_age", N_("Mindestalter (Jahre)"), "text"),
    ("min_grade", N_("Ab Klassenstufe"), "text"),
    ("places", N_("Anzahl der Plätze"), "text"),
    ("time", N_("Zeit"), "text"),
    ("valid_until", N_("Gültig bis"), "text"),
    ("place", N_("Ort"), "text"),
    ("apply.contact", N_("Ansprechperson"), "text"),
    ("apply.url", N_("Link zur Bewerbung"), "text"),
    ("apply.email", N_("E-Mail-Adresse für Bewerbungen"), "text"),
    ("accessible_workplace", N_("Barrierefreier Arbeitsplatz"), "text"),
)
"""Key, label and kind of every compared offer field, in the order of the form."""


def offer_diff(session: Session, published: dict[str, Any] | None,
               submitted: dict[str, Any]) -> ReviewDiff:
    """The fields of an offer snapshot, public version against submitted version."""
    snapshots = [s for s in (published, submitted) if s is not None]
    names = {
        OfferType: _names(session, OfferType, [s.get("type") for s in snapshots]),
        TargetGroup: _names(session, TargetGroup, *[s.get("target_groups") for s in snapshots]),
        OccupationalField: _names(session, OccupationalField,
                                  *[s.get("fields") for s in snapshots]),
    }
    old = _offer_values(published, names) if published is not None else None
    new = _offer_values(submitted, names)
    fields = []
    for key, label, kind in OFFER_FIELDS:
        build = _list_field if kind == "list" else _text_field
        fields.append(build(key, _(label), old[key] if old is not None else None, new[key]))
    return _finished(published, fields)


# --- entry point --------------------------------------------------------------------------------


def _finished(published: dict[str, Any] | None, fields: list[FieldDiff]) -> ReviewDiff:
    """On a first publication, fields left empty are not news: they are left out."""
    if published is None:
        fields = [f for f in fields if not f.after.empty]
    return ReviewDiff(first_publication=published is None, fields=tuple(fields))


def diff(session: Session, obj: EmployerProfile | Offer,
         submitted: dict[str, Any] | None = None) -> ReviewDiff:
    """What approving ``obj`` would change on the public page.

    ``submitted`` is the snapshot the review page shows (``review.Submission.snapshot``);
    without it the working copy's snapshot is taken.
    """
    if isinstance(obj, EmployerProfile):
        return profile_diff(session, obj.published_snapshot,
                            submitted if submitted is not None else profile_snapshot(obj))
    if isinstance(obj, Offer):
        return offer_diff(session, obj.published_snapshot,
                          submitted if submitted is not None else offer_snapshot(obj))
    raise TypeError(f"no review diff for {type(obj).__name__}")
