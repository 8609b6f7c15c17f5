"""The candidate index of batch screening: which organisations a typed name may mean.

Comparing every input name with every subject is out of the question (10,000 x 1,000,000). The
index answers, for one parsed name (`names.parse_name`), a short list of subject ids:

- the exact core ("华信科技" for "华信（西安）科技有限责任公司" and "西安华信科技有限公司" alike);
- the toneless pinyin of the core (homophone typos from pinyin input methods);
- the core with one character deleted, on both sides (a symmetric one-edit neighbourhood): a
  wrong, missing or extra character, or two swapped ones, still share a key. Character bigrams
  were not chosen: a 4-character core with its middle character wrong keeps one bigram of three,
  and a common one ("科技") is shared by a large share of all names.

Keys are 64-bit hashes (CRC-32 and Adler-32) in two numpy arrays sorted by hash (hash, subject
id): 850,000 organisations make 8.3 million keys, 130 MB, looked up with `searchsorted`. Each
subject's parts (core, regions, legal form, a hash of the whole name) are kept in arrays indexed by
id, so that `shortlist` filters candidates by edit distance (rapidfuzz) and the scorer compares
them without reading names back; a hash collision only adds a candidate the filter drops.

Freshness (chosen over a key table kept by the subjects' write path, which would need a hook in
every writer, the bulk loaders' COPY included): the index keeps a watermark, the time its last
build or refresh started and the highest id it has read. `refresh()` at the start of every job
reads the organisations changed since (minus `REFRESH_OVERLAP`, for transactions that committed
late), overwrites their parts and adds their keys to a small sorted delta, merged into the main
arrays once it grows. A renamed subject's old keys then only bring a candidate whose current
parts no longer match; a deleted subject is dropped when the shown candidates are read. If
organisations disappeared below the watermark (the count does not match), the index is rebuilt.

A built index is saved to `PUBCREDIT_SCREENING_INDEX_DIR` (default var/screening-index), one
directory of .npy files per database, so a new worker process maps it (immediately) and
refreshes it instead of rebuilding (about two minutes for a million names). Measured figures:
bench/screen.py and docs/decisions/0003-screening-index.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connections
from django.utils import timezone
from rapidfuzz.distance import Levenshtein

from pubcredit.screening.names import NameParts, parse_name, to_pinyin
from pubcredit.subjects.models import Subject, SubjectKind

logger = logging.getLogger(__name__)

FORMAT_VERSION = 5
REFRESH_OVERLAP = dt.timedelta(minutes=5)
# A delta bigger than this share of the main arrays is merged into them.
MERGE_SHARE = 0.02
# At most this many subjects are taken from one key: a key shared by more names says little
# ("科技" left of a 3-character core), and exact cores are rarely shared by more than a few.
PER_KEY_CAP = 64
READ_CHUNK = 20_000

Int64Array = np.ndarray[Any, np.dtype[np.int64]]


def _hash(key: str) -> int:
    """A stable 64-bit key hash (CRC-32 and Adler-32 of the UTF-8 bytes; Python's hash() differs
    between processes, and BLAKE2b was measured at three times the cost for no gain here)."""
    data = key.encode()
    value = (zlib.crc32(data) << 32) | zlib.adler32(data)
    return value - (1 << 64) if value >= 1 << 63 else value


def name_keys(parts: NameParts) -> Iterator[tuple[int, str]]:
    """(tier, key) of a parsed name: 0 exact core, 1 pinyin, 2 one character deleted."""
    core = parts.core
    yield 0, "c" + core
    yield 1, "p" + parts.pinyin  # for a name typed in pinyin, the core itself
    if len(core) >= 3:
        seen = set()
        for i in range(len(core)):
            dropped = core[:i] + core[i + 1 :]
            if dropped not in seen:
                seen.add(dropped)
                yield 2, "d" + dropped


def stored_keys(parts: NameParts) -> list[tuple[int, str]]:
    """The keys of a name, stored for a subject and looked up for an input alike: its deletion
    keys also hold the core itself, so a name one character longer or shorter meets it too."""
    keys = list(name_keys(parts))
    keys.append((2, "d" + parts.core))
    return keys


@dataclass
class Watermark:
    updated_at: dt.datetime | None = None
    max_id: int = 0
    count: int = 0  # organisations with id <= max_id when last checked


CORE_WIDTH = 20
REGIONS_WIDTH = 12
FORM_WIDTH = 6
# Candidates kept per input name after the cheap filter, scored in full.
SHORTLIST = 8
# A deletion key can be shared by hundreds of names one character apart ("X信科技"); this many
# are read from one key and filtered by edit distance on the stored cores.
DELETION_KEY_CAP = 512


@lru_cache(maxsize=65_536)
def _text_hash_cached(text: str) -> int:
    return _text_hash(text)


@lru_cache(maxsize=262_144)
def _pinyin_of_core(core: str) -> str:
    return to_pinyin(core)


@lru_cache(maxsize=4096)
def _regions_of(stored: str) -> frozenset[str]:
    return frozenset(stored.split("|")) if stored else frozenset()


def _text_hash(text: str) -> int:
    return _hash("t" + text)


@dataclass
class NameIndex:
    """Sorted (hash, subject id) arrays plus a small delta, and each subject's name parts by id
    (core, regions, legal form, a hash of the whole normalised name), so that candidates are
    filtered and scored without reading names back; see the module docstring."""

    hashes: Int64Array = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    ids: Int64Array = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    delta_hashes: Int64Array = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    delta_ids: Int64Array = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    cores: np.ndarray[Any, Any] = field(default_factory=lambda: np.zeros(0, dtype=f"<U{CORE_WIDTH}"))
    regions: np.ndarray[Any, Any] = field(default_factory=lambda: np.zeros(0, dtype=f"<U{REGIONS_WIDTH}"))
    forms: np.ndarray[Any, Any] = field(default_factory=lambda: np.zeros(0, dtype=f"<U{FORM_WIDTH}"))
    texts: Int64Array = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    watermark: Watermark = field(default_factory=Watermark)

    @classmethod
    def from_names(cls, rows: Iterable[tuple[int, str]]) -> NameIndex:
        index = cls()
        index.add(rows)
        index.merge()
        return index

    def _grow(self, top: int) -> None:
        if top < len(self.cores):
            return
        size = max(top + 1, int(len(self.cores) * 1.25) + 1024)
        for name in ("cores", "regions", "forms", "texts"):
            old = getattr(self, name)
            new = np.zeros(size, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)

    def add(self, rows: Iterable[tuple[int, str]]) -> int:
        """Add (id, name) rows (new or renamed subjects); the number of rows.

        Rows are turned into arrays 50,000 at a time, so that a build holds numpy arrays rather
        than millions of Python integers.
        """
        parse = parse_name.__wrapped__  # each name once: the cache would only churn
        hash_chunks: list[Int64Array] = []
        id_chunks: list[Int64Array] = []
        hash_list: list[int] = []
        id_list: list[int] = []
        slots: list[tuple[int, str, str, str, int]] = []
        count = 0

        def flush() -> None:
            if slots:
                self._grow(max(slot[0] for slot in slots))
                where = np.array([slot[0] for slot in slots], dtype=np.int64)
                self.cores[where] = [slot[1][:CORE_WIDTH] for slot in slots]
                self.regions[where] = [slot[2][:REGIONS_WIDTH] for slot in slots]
                self.forms[where] = [slot[3][:FORM_WIDTH] for slot in slots]
                self.texts[where] = [slot[4] for slot in slots]
                slots.clear()
            if hash_list:
                hash_chunks.append(np.array(hash_list, dtype=np.int64))
                id_chunks.append(np.array(id_list, dtype=np.int64))
                hash_list.clear()
                id_list.clear()

        for subject_id, name in rows:
            count += 1
            parts = parse(name)
            keys = [_hash(key) for _tier, key in stored_keys(parts)]
            hash_list += keys
            id_list += [subject_id] * len(keys)
            slots.append((subject_id, parts.core, "|".join(sorted(parts.regions)), parts.form, _text_hash(parts.text)))
            if len(slots) >= 50_000:
                flush()
        flush()
        if hash_chunks:
            merged_h = np.concatenate([self.delta_hashes, *hash_chunks])
            merged_i = np.concatenate([self.delta_ids, *id_chunks])
            del hash_chunks, id_chunks
            order = np.argsort(merged_h, kind="stable")
            self.delta_hashes, self.delta_ids = merged_h[order], merged_i[order]
        if len(self.delta_hashes) > max(10_000, MERGE_SHARE * len(self.hashes)):
            self.merge()
        return count

    def merge(self) -> None:
        if not len(self.delta_hashes):
            return
        merged_h = np.concatenate([self.hashes, self.delta_hashes])
        merged_i = np.concatenate([self.ids, self.delta_ids])
        order = np.argsort(merged_h, kind="stable")
        self.hashes, self.ids = merged_h[order], merged_i[order]
        self.delta_hashes = np.empty(0, dtype=np.int64)
        self.delta_ids = np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.hashes) + len(self.delta_hashes)

    def lookup(self, keys: list[list[tuple[int, str]]]) -> list[dict[int, int]]:
        """For each name's keys, the candidate subject ids with the best (lowest) tier that found them."""
        flat = [(n, tier, _hash(key)) for n, name_keys_ in enumerate(keys) for tier, key in name_keys_]
        out: list[dict[int, int]] = [{} for _ in keys]
        if not flat:
            return out
        wanted = np.fromiter((h for _n, _t, h in flat), dtype=np.int64, count=len(flat))
        for hashes, ids in ((self.hashes, self.ids), (self.delta_hashes, self.delta_ids)):
            if not len(hashes):
                continue
            lefts = np.searchsorted(hashes, wanted, side="left").tolist()
            rights = np.searchsorted(hashes, wanted, side="right").tolist()
            for (n, tier, _h), left, right in zip(flat, lefts, rights, strict=True):
                if left == right:
                    continue
                found = out[n]
                cap = DELETION_KEY_CAP if tier == 2 else PER_KEY_CAP
                for subject_id in ids[left : min(right, left + cap)].tolist():
                    if found.get(subject_id, 9) > tier:
                        found[subject_id] = tier
        return out

    def stored_parts(self, subject_id: int) -> NameParts | None:
        """The parts stored for a subject (the whole text is kept only as a hash)."""
        return self.stored_parts_many([subject_id])[0]

    def stored_parts_many(self, subject_ids: list[int], *, texts: list[str] | None = None) -> list[NameParts | None]:
        """The stored parts of many subjects in one step; with `texts` (one per id), a subject
        whose whole normalised name hashes like its text gets that text (so that an identical
        name compares as identical)."""
        if not subject_ids:
            return []
        where = np.array(subject_ids, dtype=np.int64)
        inside_mask = where < len(self.cores)
        where[~inside_mask] = 0
        inside = inside_mask.tolist()
        cores = self.cores[where].tolist()
        regions = self.regions[where].tolist()
        forms = self.forms[where].tolist()
        stored_texts = self.texts[where].tolist()
        out: list[NameParts | None] = []
        for n, core in enumerate(cores):
            if not inside[n] or not core:
                out.append(None)
                continue
            text = f"#{stored_texts[n]}"
            if texts is not None and stored_texts[n] == _text_hash_cached(texts[n]):
                text = texts[n]
            out.append(
                NameParts(
                    text=text,
                    core=core,
                    regions=_regions_of(regions[n]),
                    form=forms[n],
                    pinyin=_pinyin_of_core(core),
                )
            )
        return out

    def shortlist(self, names: list[NameParts], *, deletions: bool) -> list[list[int]]:
        """Per name, up to SHORTLIST subject ids: the same core, the same pinyin, or (with
        `deletions`) a core one character apart, in that order."""
        keys = [stored_keys(parts) if deletions else list(name_keys(parts))[:2] for parts in names]
        found = self.lookup(keys)
        flat_ids = [subject_id for hits in found for subject_id in hits]
        flat_cores = self.cores[np.array(flat_ids, dtype=np.int64)].tolist() if flat_ids else []
        out: list[list[int]] = []
        at = 0
        for parts, hits in zip(names, found, strict=True):
            cores = flat_cores[at : at + len(hits)]
            at += len(hits)
            ranked: list[tuple[int, int, int]] = []
            for (subject_id, tier), core in zip(hits.items(), cores, strict=True):
                if core == parts.core:
                    distance = 0
                elif tier == 1:
                    distance = 1  # same pinyin
                elif len(core) >= CORE_WIDTH or Levenshtein.distance(core, parts.core, score_cutoff=1) <= 1:
                    distance = 2
                else:
                    continue
                ranked.append((distance, tier, subject_id))
            ranked.sort()
            out.append([subject_id for _d, _t, subject_id in ranked[:SHORTLIST]])
        return out

    # --- persistence -------------------------------------------------------------------------

    _ARRAYS = ("hashes", "ids", "cores", "regions", "forms", "texts")

    def save(self, path: Path) -> None:
        """Write the arrays as .npy files into the directory `path` (replaced whole)."""
        self.merge()
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for name in self._ARRAYS:
            np.save(tmp / f"{name}.npy", getattr(self, name))
        mark = self.watermark
        meta = [
            FORMAT_VERSION,
            int(mark.updated_at.timestamp() * 1_000_000) if mark.updated_at else -1,
            mark.max_id,
            mark.count,
        ]
        np.save(tmp / "meta.npy", np.array(meta, dtype=np.int64))
        old = path.with_name(f"{path.name}.old-{os.getpid()}")
        if path.exists():
            path.rename(old)
        tmp.rename(path)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, path: Path) -> NameIndex | None:
        """The index saved in `path`, memory-mapped copy-on-write (loads at once; pages are read
        as lookups touch them), or None if it is missing, damaged or of another format."""
        try:
            meta = np.load(path / "meta.npy").tolist()
            if meta[0] != FORMAT_VERSION:
                return None
            # Copy-on-write maps, viewed as plain arrays (a memmap's item access is ten times slower).
            arrays = {name: np.load(path / f"{name}.npy", mmap_mode="c").view(np.ndarray) for name in cls._ARRAYS}
        except (OSError, KeyError, ValueError, IndexError):
            return None
        index = cls(**arrays)
        updated = None if meta[1] < 0 else dt.datetime.fromtimestamp(meta[1] / 1_000_000, tz=dt.UTC)
        index.watermark = Watermark(updated_at=updated, max_id=int(meta[2]), count=int(meta[3]))
        return index


# --- reading the subjects table ------------------------------------------------------------------


def _organisations() -> Any:
    return Subject.objects.filter(kind=SubjectKind.ORG)


def _read_all(using: str) -> Iterator[tuple[int, str]]:
    """Every organisation's (id, name), in id order, read in chunks (keyset pagination)."""
    last = 0
    while True:
        chunk = list(
            _organisations().using(using).filter(id__gt=last).order_by("id").values_list("id", "name")[:READ_CHUNK]
        )
        if not chunk:
            return
        yield from chunk
        last = chunk[-1][0]


def _max_id(using: str) -> int:
    return int(_organisations().using(using).order_by("-id").values_list("id", flat=True).first() or 0)


@dataclass(frozen=True)
class RefreshReport:
    action: str  # built | loaded+refreshed | refreshed
    seconds: float
    added: int
    size: int


def build(using: str = "default") -> NameIndex:
    started = timezone.now()
    max_id = _max_id(using)
    index = NameIndex()
    index._grow(max_id)
    count = index.add(row for row in _read_all(using) if row[0] <= max_id)
    index.merge()
    index.watermark = Watermark(updated_at=started, max_id=max_id, count=count)
    return index


def refresh(index: NameIndex, using: str = "default") -> int:
    """Add organisations created or changed since the watermark; -1 when a rebuild is needed.

    The watermark time is when the previous build or refresh started (not the latest
    `updated_at` seen, which a bulk load shares among all its rows); rows saved from
    REFRESH_OVERLAP before it are read again, for transactions that committed late.
    """
    started = timezone.now()
    mark = index.watermark
    orgs = _organisations().using(using)
    if orgs.filter(id__lte=mark.max_id).count() != mark.count:
        return -1
    max_id = _max_id(using)
    changed = orgs.filter(id__gt=mark.max_id)
    if mark.updated_at is not None:
        changed = changed | orgs.filter(updated_at__gte=mark.updated_at - REFRESH_OVERLAP)
    rows = list(changed.filter(id__lte=max_id).values_list("id", "name"))
    added = index.add(rows)
    new = sum(1 for subject_id, _name in rows if subject_id > mark.max_id)
    index.watermark = Watermark(updated_at=started, max_id=max(max_id, mark.max_id), count=mark.count + new)
    return added


# --- one index per database per process ----------------------------------------------------------

_lock = threading.Lock()
_indexes: dict[str, NameIndex] = {}


def _identity(using: str) -> str:
    conf = connections[using].settings_dict
    name = str(conf.get("NAME") or "")
    raw = f"{connections[using].vendor}|{conf.get('HOST') or ''}|{conf.get('PORT') or ''}|{name}"
    return hashlib.blake2b(raw.encode(), digest_size=8).hexdigest()


def _cache_path(using: str) -> Path | None:
    directory = getattr(settings, "PUBCREDIT_SCREENING_INDEX_DIR", None)
    if directory is None:
        directory = Path(getattr(settings, "VAR_DIR", Path(settings.BASE_DIR) / "var")) / "screening-index"
    if not directory:
        return None
    return Path(directory) / _identity(using)


def current_index(using: str = "default", *, persist: bool | None = None) -> tuple[NameIndex, RefreshReport]:
    """The process's index of database `using`, refreshed now (built or loaded on first use)."""
    started = time.monotonic()
    key = _identity(using)
    path = _cache_path(using) if persist is not False else None
    with _lock:
        index = _indexes.get(key)
        action = "refreshed"
        if index is None and path is not None and path.exists():
            index = NameIndex.load(path)
            action = "loaded+refreshed"
        added = refresh(index, using) if index is not None else -1
        if index is None or added < 0:
            index = build(using)
            added = len(index)
            action = "built"
        _indexes[key] = index
        if path is not None and (action == "built" or added > 0 or not path.exists()):
            try:
                index.save(path)
            except OSError as exc:  # a read-only disk costs speed, not correctness
                logger.warning("screening index not saved to %s: %s", path, exc)
    report = RefreshReport(action, time.monotonic() - started, added, len(index))
    logger.info("screening index %s in %.2f s (%d keys)", action, report.seconds, report.size)
    return index, report


def forget_indexes() -> None:
    """Drop the process's indexes (tests, after a database is recreated)."""
    with _lock:
        _indexes.clear()


def now() -> dt.datetime:
    return timezone.now()
