"""Translation memory: approved sentence pairs per language pair, kept in the job store's database.

A unit is keyed by its language pair and the normalised source (NFC, whitespace collapsed):
adding the same source again replaces the target, so the latest approved translation wins.
``exact`` reuses translations verbatim; ``fuzzy`` finds near matches scored by the similarity of
the normalised sources (shared characters over total length, as difflib's ratio, aligned word by
word then character by character inside differing words; 1.0 only for the same normalised text).
A SQL prefilter on length (the window the threshold allows) and shared word stems, and scoring
the candidates best upper bound first, keep it fast with tens of thousands of units. The table is
created by the job store's migration j0002.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from difflib import SequenceMatcher

import sqlalchemy as sa

from common.languages import SR_CYRL, LanguageError
from common.languages import normalize as normalize_tag
from newsroom.jobs import JobStore
from newsroom.schema import metadata, now

tm_units = sa.Table(
    "tm_units", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source_lang", sa.String(10), nullable=False),
    sa.Column("target_lang", sa.String(10), nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("source_key", sa.Text, nullable=False),        # normalised source
    sa.Column("key_hash", sa.String(64), nullable=False),    # sha256 of source_key: indexable at any length
    sa.Column("length", sa.Integer, nullable=False),         # len(source_key), for the fuzzy prefilter
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("draft_id", sa.String(32)),                    # where the approved target came from
    sa.Column("uses", sa.Integer, nullable=False, default=0),
    sa.UniqueConstraint("source_lang", "target_lang", "key_hash", name="uq_tm_units_pair_key"),
    sa.Index("ix_tm_units_pair_length", "source_lang", "target_lang", "length"),
)

MAX_STEMS = 8        # words of the query used in the SQL prefilter
BATCH = 500          # keys per IN (...) query
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\s*(?:\w+|[^\w\s])")


def normalize(text: str) -> str:
    """The matching key of a source sentence: NFC, whitespace runs collapsed to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def canonical_lang(tag: str, default_serbian: str = SR_CYRL) -> str:
    """The dragoman tag for a language tag from outside (``languages.normalize``: "EN-us" -> "en",
    "sr-Cyrl-RS" -> "sr-Cyrl"); a language dragoman does not translate is kept as written, so a
    TMX file's other pairs can still be stored and exported."""
    try:
        return normalize_tag(tag, default_serbian)
    except LanguageError:
        return (tag or "").strip()


def tokens(key: str) -> list[str]:
    """Words and punctuation marks, each with the space before it: joined they give ``key`` back."""
    return _TOKEN.findall(key)


def _opcodes(matcher: SequenceMatcher, a: list[str], b: list[str]) -> tuple[list, int, int]:
    """Token alignment of ``a`` against the matcher's second sequence ``b``: the opcodes, the
    characters in equal runs, and an upper bound of the characters that can match in all."""
    matcher.set_seq1(a)
    ops = matcher.get_opcodes()
    equal = bound = 0
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            chars = sum(len(t) for t in a[i1:i2])
            equal, bound = equal + chars, bound + chars
        elif tag == "replace":
            bound += min(sum(len(t) for t in a[i1:i2]), sum(len(t) for t in b[j1:j2]))
    return ops, equal, bound


def _matched(ops: list, equal: int, a: list[str], b: list[str]) -> int:
    """Characters matched: equal token runs, plus the characters a replaced stretch shares with
    its counterpart (so that Приштину / Приштини or Prishtinë / Prishtinës still count)."""
    matched = equal
    for tag, i1, i2, j1, j2 in ops:
        if tag == "replace":
            gap = SequenceMatcher(None, "".join(a[i1:i2]), "".join(b[j1:j2]), autojunk=False)
            matched += sum(block.size for block in gap.get_matching_blocks())
    return matched


def similarity(a: str, b: str) -> float:
    """Similarity of two normalised strings, 0..1, 1.0 only when they are equal: twice the
    characters they share over their total length (like difflib's ratio), aligned word by word
    first and character by character inside the words that differ, which keeps it fast."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    ta, tb = tokens(a), tokens(b)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(tb)
    ops, equal, _ = _opcodes(matcher, ta, tb)
    return 2 * _matched(ops, equal, ta, tb) / (len(a) + len(b))


def _stems(key: str) -> list[str]:
    """Word stems of ``key`` for the prefilter: the longest distinct words, endings trimmed so
    that inflected forms (Prishtinë / Prishtinës, Приштина / Приштини) still meet."""
    words = list(dict.fromkeys(_WORD.findall(key)))
    long = [w for w in words if len(w) >= 4] or words
    long.sort(key=len, reverse=True)
    return [w[: max(4, len(w) - 3)] for w in long[:MAX_STEMS]]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class TranslationMemory:
    def __init__(self, store: JobStore):
        self.store = store
        self.engine = store.engine

    # --- writing ----------------------------------------------------------------------------------
    def add(self, source_lang: str, target_lang: str, source: str, target: str, draft_id: str | None = None) -> int:
        """Store an approved pair; a unit with the same pair and normalised source gets the new
        target (the latest approval wins). Returns the unit id."""
        source_lang, target_lang = canonical_lang(source_lang), canonical_lang(target_lang)
        key = normalize(source)
        if not key:
            raise ValueError("a translation memory unit needs a non-empty source")
        if target is None:
            raise ValueError("a translation memory unit needs a target")
        digest, stamp = key_hash(key), now()
        where = (tm_units.c.source_lang == source_lang, tm_units.c.target_lang == target_lang,
                 tm_units.c.key_hash == digest)
        for attempt in range(2):
            try:
                with self.engine.begin() as conn:
                    found = conn.execute(sa.select(tm_units.c.id).where(*where)).scalar()
                    if found is not None:
                        conn.execute(tm_units.update().where(tm_units.c.id == found).values(
                            source=source, target=target, draft_id=draft_id, updated_at=stamp))
                        return int(found)
                    result = conn.execute(tm_units.insert().values(
                        source_lang=source_lang, target_lang=target_lang, source=source, target=target,
                        source_key=key, key_hash=digest, length=len(key), created_at=stamp, updated_at=stamp,
                        draft_id=draft_id, uses=0))
                    return int(result.inserted_primary_key[0])
            except sa.exc.IntegrityError:
                if attempt:                       # a concurrent add inserted it: update on the retry
                    raise
        raise AssertionError("unreachable")

    def import_units(self, units: list[dict]) -> int:
        """Store units read from a TMX file (or ``units()`` of another store). An existing unit is
        replaced unless it is newer than the incoming one. Returns the number stored."""
        stamp = now()
        incoming: dict[tuple[str, str, str], dict] = {}
        for unit in units:
            key = normalize(unit.get("source") or "")
            if not key or unit.get("target") is None:
                continue
            pair = (canonical_lang(unit["source_lang"]), canonical_lang(unit["target_lang"]))
            changed = _aware(unit.get("updated_at") or unit.get("created_at"))
            row = {"source_lang": pair[0], "target_lang": pair[1], "source": unit["source"],
                   "target": unit["target"], "source_key": key, "key_hash": key_hash(key), "length": len(key),
                   "created_at": _aware(unit.get("created_at")) or stamp, "updated_at": changed or stamp,
                   "draft_id": unit.get("draft_id"), "uses": int(unit.get("uses") or 0), "_dated": changed}
            previous = incoming.get((*pair, row["key_hash"]))
            if previous is None or (previous["_dated"] or stamp) <= (changed or stamp):
                incoming[(*pair, row["key_hash"])] = row
        stored = 0
        by_pair: dict[tuple[str, str], list[dict]] = {}
        for (src, trg, _), row in incoming.items():
            by_pair.setdefault((src, trg), []).append(row)
        with self.engine.begin() as conn:
            for (src, trg), rows in by_pair.items():
                existing: dict[str, sa.Row] = {}
                for chunk in _chunks([r["key_hash"] for r in rows]):
                    for found in conn.execute(sa.select(tm_units.c.id, tm_units.c.key_hash, tm_units.c.updated_at,
                                                        tm_units.c.uses).where(
                            tm_units.c.source_lang == src, tm_units.c.target_lang == trg,
                            tm_units.c.key_hash.in_(chunk))):
                        existing[found.key_hash] = found
                new = []
                for row in rows:
                    dated = row.pop("_dated")
                    old = existing.get(row["key_hash"])
                    if old is None:
                        new.append(row)
                    elif dated is None or dated >= _aware(old.updated_at):
                        conn.execute(tm_units.update().where(tm_units.c.id == old.id).values(
                            source=row["source"], target=row["target"], draft_id=row["draft_id"],
                            updated_at=row["updated_at"], uses=max(old.uses or 0, row["uses"])))
                        stored += 1
                if new:
                    conn.execute(tm_units.insert(), new)
                    stored += len(new)
        return stored

    # --- reading ----------------------------------------------------------------------------------
    def exact(self, source_lang: str, target_lang: str, sources: list[str], count_use: bool = False) -> dict[str, str]:
        """source -> stored target for each of ``sources`` whose normalised text is in the memory;
        with ``count_use`` the hits' use counters go up by one."""
        source_lang, target_lang = canonical_lang(source_lang), canonical_lang(target_lang)
        keys: dict[str, list[str]] = {}
        for source in sources:
            key = normalize(source)
            if key:
                keys.setdefault(key_hash(key), []).append(source)
        found: dict[str, str] = {}
        hits: list[int] = []
        with self.engine.begin() as conn:
            for chunk in _chunks(list(keys)):
                rows = conn.execute(sa.select(tm_units.c.id, tm_units.c.key_hash, tm_units.c.source_key,
                                              tm_units.c.target).where(
                    tm_units.c.source_lang == source_lang, tm_units.c.target_lang == target_lang,
                    tm_units.c.key_hash.in_(chunk)))
                for row in rows:
                    for source in keys[row.key_hash]:
                        if normalize(source) == row.source_key:
                            found[source] = row.target
                            hits.append(row.id)
            if count_use and hits:
                for chunk in _chunks(sorted(set(hits))):
                    conn.execute(tm_units.update().where(tm_units.c.id.in_(chunk))
                                 .values(uses=tm_units.c.uses + 1))
        return found

    def fuzzy(self, source_lang: str, target_lang: str, source: str, threshold: float = 0.75,
              limit: int = 3, *, stats: dict[str, int] | None = None) -> list[tuple[float, str, str]]:
        """Up to ``limit`` (score, source, target) with score >= ``threshold``, best first (ties:
        more used, then more recent). A ``stats`` dict, when given, receives the work done (for
        tests and benchmarks): ``rows`` the SQL prefilter returned, ``candidates`` whose upper bound
        reaches the threshold, ``scored`` of those scored in full before the search stopped."""
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        source_lang, target_lang = canonical_lang(source_lang), canonical_lang(target_lang)
        key = normalize(source)
        if not key or limit <= 0:
            return []
        # ratio = 2M / (a + b) <= 2 min(a, b) / (a + b): lengths outside this window cannot reach the threshold.
        n = len(key)
        low = math.ceil(n * threshold / (2 - threshold) - 1e-9)
        high = math.floor(n * (2 - threshold) / threshold + 1e-9)
        stems = _stems(key)
        # A near match shares most of the query's longer words: ask for enough of them.
        needed = max(1, math.floor(len(stems) * (threshold - 0.25)))
        shared = sum((sa.case((tm_units.c.source_key.ilike(f"%{_like_escape(s)}%", escape="\\"), 1), else_=0)
                      for s in stems), sa.literal(0))
        query = sa.select(tm_units.c.source, tm_units.c.target, tm_units.c.source_key, tm_units.c.uses,
                          tm_units.c.updated_at).where(
            tm_units.c.source_lang == source_lang, tm_units.c.target_lang == target_lang,
            tm_units.c.length.between(low, high))
        if stems:                                         # a query of punctuation only has no words
            query = query.where(shared >= needed)
        query_tokens = tokens(key)
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(query_tokens)                    # the query is analysed once
        candidates = []
        rows = 0
        with self.engine.connect() as conn:
            for row in conn.execute(query):
                rows += 1
                total = len(row.source_key) + n
                if row.source_key == key:
                    candidates.append((1.0, row, None, 0, None))
                    continue
                row_tokens = tokens(row.source_key)
                ops, equal, bound = _opcodes(matcher, row_tokens, query_tokens)
                if 2 * bound / total >= threshold:
                    candidates.append((2 * bound / total, row, ops, equal, row_tokens))
        # Best bound first; stop once no remaining candidate can enter the results.
        candidates.sort(key=lambda c: c[0], reverse=True)
        scored: list[tuple[float, int, float, str, str]] = []
        examined = 0
        for bound, row, ops, equal, row_tokens in candidates:
            if len(scored) >= limit and bound < scored[limit - 1][0]:
                break
            examined += 1
            if ops is None:
                score = 1.0
            else:
                score = 2 * _matched(ops, equal, row_tokens, query_tokens) / (len(row.source_key) + n)
            if score < threshold:
                continue
            stamp = _aware(row.updated_at)
            scored.append((score, row.uses or 0, stamp.timestamp() if stamp else 0.0, row.source, row.target))
            scored.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
        if stats is not None:
            stats.update(rows=rows, candidates=len(candidates), scored=examined)
        return [(score, src, trg) for score, _, _, src, trg in scored[:limit]]

    def units(self, source_lang: str | None = None, target_lang: str | None = None) -> list[dict]:
        """All units (of a pair, or with a given source or target language), oldest first."""
        query = sa.select(tm_units.c.id, tm_units.c.source_lang, tm_units.c.target_lang, tm_units.c.source,
                          tm_units.c.target, tm_units.c.created_at, tm_units.c.updated_at, tm_units.c.draft_id,
                          tm_units.c.uses)
        if source_lang:
            query = query.where(tm_units.c.source_lang == canonical_lang(source_lang))
        if target_lang:
            query = query.where(tm_units.c.target_lang == canonical_lang(target_lang))
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(query.order_by(tm_units.c.id)).mappings()]
        for row in rows:
            row["created_at"], row["updated_at"] = _aware(row["created_at"]), _aware(row["updated_at"])
        return rows

    def count(self, source_lang: str | None = None, target_lang: str | None = None) -> int:
        query = sa.select(sa.func.count()).select_from(tm_units)
        if source_lang:
            query = query.where(tm_units.c.source_lang == canonical_lang(source_lang))
        if target_lang:
            query = query.where(tm_units.c.target_lang == canonical_lang(target_lang))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)
