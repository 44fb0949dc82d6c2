"""The search replica serialised into the database, so a new worker starts in well under a second.

Loading a replica from ``kwis_job_search_doc`` reads and tokenises every document (6–7 s at
100,000 offers, ~40 s at a million: past gunicorn's worker timeout). A snapshot is the replica's
bitmaps (pyroaring's portable format) and columns (numpy) in one ``.npz`` blob in
``kwis_job_search_snapshot``, with the change-log ``seq`` it is current with. A new worker
restores it and then applies the log after that ``seq`` like any replica (``search_sync``), so a
stale snapshot costs only the changes since, and one older than the log (10,000 changes) is
ignored for a whole load.

Why in the database and not a file: every app server reaches the database, and the documents
stay the one source of truth; the snapshot is a cache any process can rebuild (``write``:
``kwis-job search rebuild`` and ``kwis-job search snapshot``, the latter from cron). A snapshot
of another format or a damaged one is ignored the same way. No pickle: ``np.load`` runs with
``allow_pickle=False``, so a row in the database can never run code. No Flask here.
"""

from __future__ import annotations

import io
import json
import logging

import numpy as np
from pyroaring import BitMap
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..models import SearchSnapshot
from ..models.base import utcnow
from .search_replica import Replica, positions_of

FORMAT = 1
"""Bumped whenever the replica's layout changes: an older snapshot is then ignored."""
_ID = 1
_COLUMNS = ("doc_id", "offer_id", "company", "type_index", "location", "expires", "rotation")
_INDEXES = ("terms", "title_terms", "filters")

log = logging.getLogger(__name__)


def dump(replica: Replica) -> bytes:
    """The replica as bytes (call under its lock)."""
    arrays: dict[str, np.ndarray] = {name: getattr(replica, name).view() for name in _COLUMNS}
    for name in _INDEXES:
        index = getattr(replica, name)
        keys = list(index)
        blobs = [index[key].serialize() for key in keys]
        arrays[f"{name}_keys"] = _json(keys)
        arrays[f"{name}_sizes"] = np.array([len(b) for b in blobs], dtype=np.int64)
        arrays[f"{name}_data"] = np.frombuffer(b"".join(blobs), dtype=np.uint8)
    arrays["alive"] = np.frombuffer(replica.alive.serialize(), dtype=np.uint8)
    arrays["company_profiles"] = np.array(list(replica.company_of_profile), dtype=np.int64)
    arrays["company_rotation"] = np.array(replica.company_rotation, dtype=np.int64)
    keys = list(replica._location_of)
    arrays["location_keys"] = np.array(keys, dtype=np.float64).reshape(len(keys), 2)
    arrays["location_lat"] = np.array(replica._location_lat, dtype=np.float64)
    arrays["location_lon"] = np.array(replica._location_lon, dtype=np.float64)
    arrays["type_keys"] = _json(replica.type_keys)
    arrays["meta"] = _json({"format": FORMAT, "version": replica.version})
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def restore(data: bytes) -> Replica:
    """A replica from ``dump``'s bytes (``ValueError`` if they are not such a snapshot)."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as found:
            arrays = {name: found[name] for name in found.files}
        meta = _unjson(arrays["meta"])
        if meta.get("format") != FORMAT:
            raise ValueError(f"snapshot format {meta.get('format')}, expected {FORMAT}")
        replica = Replica(int(meta["version"]))
        for name in _COLUMNS:
            column = getattr(replica, name)
            column.extend(arrays[name])
        for name in _INDEXES:
            keys = _unjson(arrays[f"{name}_keys"])
            if name == "filters":
                keys = [tuple(key) for key in keys]
            data_ = arrays[f"{name}_data"].tobytes()
            ends = np.cumsum(arrays[f"{name}_sizes"]).tolist()
            starts = [0, *ends[:-1]]
            deserialize = BitMap.deserialize
            getattr(replica, name).update(
                (key, deserialize(data_[start:end]))
                for key, start, end in zip(keys, starts, ends, strict=True)
            )
        replica.alive = BitMap.deserialize(arrays["alive"].tobytes())
        alive = positions_of(replica.alive)
        replica.position_of = dict(zip(replica.offer_id.view()[alive].tolist(), alive.tolist(),
                                       strict=True))
        profiles = arrays["company_profiles"].tolist()
        replica.company_of_profile = {profile: i for i, profile in enumerate(profiles)}
        replica.company_rotation = arrays["company_rotation"].tolist()
        replica.type_keys = _unjson(arrays["type_keys"])
        replica._type_index = {key: i for i, key in enumerate(replica.type_keys)}
        replica._location_of = {
            (lat, lon): i for i, (lat, lon) in enumerate(arrays["location_keys"].tolist())
        }
        replica._location_lat = arrays["location_lat"].tolist()
        replica._location_lon = arrays["location_lon"].tolist()
    except Exception as exc:  # a cache: whatever is wrong with it, the documents are there
        raise ValueError(f"not a search snapshot: {exc}") from exc
    return replica


def write(session: Session, replica: Replica) -> int:
    """Store ``replica`` (call under its lock) as the snapshot; returns its size in bytes.
    The caller commits."""
    data = dump(replica)
    session.execute(delete(SearchSnapshot))
    session.add(SearchSnapshot(id=_ID, seq=replica.version, format=FORMAT, written_at=utcnow(),
                               data=data))
    session.flush()
    return len(data)


def seq(session: Session) -> int | None:
    """The ``seq`` of the stored snapshot in a usable format (``None``: there is none)."""
    return session.scalar(select(SearchSnapshot.seq).where(
        SearchSnapshot.id == _ID, SearchSnapshot.format == FORMAT
    ))


def read(session: Session) -> Replica | None:
    """The stored snapshot as a replica, or ``None`` if there is none or it is unusable."""
    data = session.scalar(select(SearchSnapshot.data).where(
        SearchSnapshot.id == _ID, SearchSnapshot.format == FORMAT
    ))
    if data is None:
        return None
    try:
        return restore(bytes(data))
    except ValueError:
        log.warning("search snapshot unusable, loading the replica from the documents",
                    exc_info=True)
        return None


def _json(value) -> np.ndarray:
    return np.frombuffer(json.dumps(value).encode(), dtype=np.uint8)


def _unjson(array: np.ndarray):
    return json.loads(array.tobytes().decode())
