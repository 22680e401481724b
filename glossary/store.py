"""The term base in SQL (SQLite by default, PostgreSQL in production), schema by Alembic.

Every change is one transaction that also makes a new glossary version, so a draft can record the
version it was translated with, and a failed import leaves the store as it was. Each version keeps
who made it, when, a short description and a JSON summary of what it changed (``history``), and a
snapshot of the whole term base, so any two versions can be compared (``diff``) and any version
brought back as a new one (``rollback``; history is never rewritten).

Imports merge (``merge``, see ``glossary.merge``) or, explicitly, replace the whole glossary.
``import_concepts`` is the low-level write that puts concepts in by id, whole.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from common.db import create_engine, upgrade
from glossary import merge as merging
from glossary.merge import Plan
from glossary.model import Concept, GlossaryError, Term, from_dict, to_dict, validate

metadata = sa.MetaData()

concepts_table = sa.Table(
    "glossary_concepts", metadata,
    sa.Column("id", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("subject", sa.String(200), nullable=False, default=""),
)
terms_table = sa.Table(
    "glossary_terms", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("concept_id", sa.String(200), sa.ForeignKey("glossary_concepts.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("lang", sa.String(10), nullable=False),
    sa.Column("text", sa.String(500), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("case_sensitive", sa.Boolean, nullable=False, default=True),
    sa.Column("forms", sa.JSON, nullable=False, default=dict),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("spoken", sa.String(200), nullable=False, default=""),
)
versions_table = sa.Table(
    "glossary_versions", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("change", sa.String(500), nullable=False),
    sa.Column("who", sa.String(200), nullable=False, server_default=""),
    sa.Column("summary", sa.JSON, nullable=True),
)

snapshots_table = sa.Table(
    "glossary_snapshots", metadata,
    sa.Column("version", sa.Integer, sa.ForeignKey("glossary_versions.version", ondelete="CASCADE"), primary_key=True),
    sa.Column("concepts", sa.JSON, nullable=False),
)

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "glossary_alembic_version"


def migrate(engine: sa.Engine) -> None:
    """Bring the glossary tables to the newest schema (Alembic ``upgrade head``)."""
    upgrade(engine, MIGRATIONS)


class VersionNotStored(GlossaryError):
    """A version that does not exist, or has no snapshot to show, compare or restore."""


def describe(plan: Plan) -> str:
    """``2 added, 1 changed, 1 conflict`` (only what is not zero), or ``no changes``."""
    parts = [f"{n} {name}" for name, n in plan.counts().items() if n and name not in ("unchanged", "conflicts")]
    if plan.conflicts:
        parts.append(f"{len(plan.conflicts)} conflict" + ("s" if len(plan.conflicts) > 1 else ""))
    return ", ".join(parts) or "no changes"


LIMITS = {"id": 200, "subject": 200, "text": 500, "spoken": 200}  # the columns' lengths


def _problem(text: str, limit: int | None) -> str | None:
    if limit is not None and len(text) > limit:
        return f"is longer than {limit} characters"
    if "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text):
        return "holds a NUL character or a lone surrogate"
    return None


def check_storable(concepts: list[Concept]) -> None:
    """GlossaryError naming the first value the database cannot hold (too long, NUL, lone surrogate)."""
    for c in concepts:
        fields = [("id", c.id), ("subject", c.subject), ("note", c.note)]
        fields += [(name, value) for t in c.terms for name, value in
                   [("text", t.text), ("note", t.note), ("spoken", t.spoken),
                    *(("form", f) for f in t.forms.values())]]
        for name, value in fields:
            problem = _problem(value, LIMITS.get(name))
            if problem:
                raise GlossaryError(f"concept {c.id[:60]!r}: the {name} {value[:60]!r}{'...' * (len(value) > 60)} "
                                    f"{problem}")


def matches(concept: Concept, query: str) -> bool:
    """Whether the folded ``query`` is in the concept's id, a term or one of its forms."""
    key = merging.fold(query.strip())
    texts = [concept.id, *(t.text for t in concept.terms), *(f for t in concept.terms for f in t.forms.values())]
    return any(key in merging.fold(text) for text in texts)


class GlossaryStore:
    def __init__(self, url: str):
        self.engine = create_engine(url)
        migrate(self.engine)

    # --- reading ------------------------------------------------------------------------------
    def version(self) -> int:
        with self.engine.connect() as conn:
            return self._version(conn)

    def concepts(self, version: int | None = None) -> list[Concept]:
        """The term base now or, with ``version``, exactly as it stood at that version (0: empty)."""
        with self.engine.connect() as conn:
            return self._load(conn) if version is None else self._at(conn, version)

    def get(self, concept_id: str) -> Concept | None:
        return next((c for c in self.concepts() if c.id == concept_id), None)

    def search(self, query: str = "", limit: int | None = None) -> list[Concept]:
        """Concepts whose id, terms or forms contain ``query`` (NFC, any case); all for an empty one."""
        found = [c for c in self.concepts() if not query.strip() or matches(c, query)]
        return found[:limit] if limit is not None else found

    def history(self, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Versions newest first: version, created_at, who, change, summary and whether a snapshot exists."""
        has = sa.exists().where(snapshots_table.c.version == versions_table.c.version)
        query = (sa.select(versions_table, has.label("snapshot"))
                 .order_by(versions_table.c.version.desc()).limit(limit).offset(offset))
        with self.engine.connect() as conn:
            return [{**row._mapping, "snapshot": bool(row.snapshot)} for row in conn.execute(query)]

    def diff(self, old: int, new: int | None = None) -> Plan:
        """What changed from version ``old`` to version ``new`` (default: now)."""
        with self.engine.connect() as conn:
            before = self._at(conn, old)
            after = self._load(conn) if new is None else self._at(conn, new)
        return merging.diff(before, after)

    @staticmethod
    def _version(conn: sa.Connection) -> int:
        return conn.execute(sa.select(sa.func.max(versions_table.c.version))).scalar() or 0

    @classmethod
    def _at(cls, conn: sa.Connection, version: int) -> list[Concept]:
        if version == 0:
            return []
        saved = conn.execute(sa.select(snapshots_table.c.concepts)
                             .where(snapshots_table.c.version == version)).scalar()
        if saved is not None:
            return [from_dict(d) for d in saved]
        latest = cls._version(conn)
        if version == latest:  # made before snapshots were kept, and nothing changed since
            return cls._load(conn)
        known = conn.execute(sa.select(versions_table.c.version).where(versions_table.c.version == version)).first()
        if known is None:
            raise VersionNotStored(f"glossary version {version} is not stored: there is no such version "
                                   f"(the newest is {latest})")
        raise VersionNotStored(f"glossary version {version} is not stored: it was made before dragoman kept a "
                               f"snapshot of each version, so it cannot be shown, compared or restored "
                               f"(the newest is {latest})")

    @staticmethod
    def _load(conn: sa.Connection) -> list[Concept]:
        concepts = {
            row.id: Concept(row.id, row.kind, [], row.note, row.subject)
            for row in conn.execute(sa.select(concepts_table).order_by(concepts_table.c.id))
        }
        rows = conn.execute(sa.select(terms_table).order_by(terms_table.c.concept_id, terms_table.c.position))
        for row in rows:
            concepts[row.concept_id].terms.append(
                Term(row.lang, row.text, row.status, dict(row.forms or {}), row.case_sensitive, row.note,
                     row.spoken or ""))
        return list(concepts.values())

    # --- changing -----------------------------------------------------------------------------
    def merge(self, incoming: list[Concept], *, prefer_file: bool = False, replace: bool = False, who: str = "",
              source: str = "", action: str = "import", dry_run: bool = False) -> tuple[Plan, int]:
        """Merge ``incoming`` into the glossary (``glossary.merge``) or, with ``replace``, put it in
        the glossary's place. Returns the plan and the new version (with ``dry_run``: the current
        one, and nothing is written). The result is validated as a whole; on any error nothing is written."""
        with self.engine.begin() as conn:
            self._lock(conn)
            current = self._load(conn)
            plan = merging.diff(current, incoming) if replace else merging.plan(current, incoming, prefer_file)
            if dry_run:
                validate(merging.apply(current, plan))
                check_storable([c.after for c in plan.changed] + list(plan.added))
                return plan, self._version(conn)
            change = f"{action} {source}".strip() + f" ({plan.mode}): {describe(plan)}"
            return plan, self._commit(conn, current, plan, change, who, action, source=source)

    def import_concepts(self, incoming: list[Concept], replace: bool = False, change: str = "import",
                        who: str = "", action: str = "import") -> int:
        """Put ``incoming`` in whole, replacing the concepts with the same ids (or, with ``replace``,
        the whole glossary). Imports from files go through ``merge``, which keeps what is there."""
        with self.engine.begin() as conn:
            self._lock(conn)
            current = self._load(conn)
            ids = {c.id for c in incoming}
            result = list(incoming) if replace else [c for c in current if c.id not in ids] + list(incoming)
            plan = merging.diff(current, result)
            return self._commit(conn, current, plan, f"{change}: {len(incoming)} concepts", who, action)

    def add(self, concept: Concept, who: str = "") -> int:
        if self.get(concept.id):
            raise GlossaryError(f"concept {concept.id!r} already exists")
        return self.import_concepts([concept], change=f"add {concept.id}", who=who, action="add")

    def update(self, concept: Concept, who: str = "", base: int | None = None) -> int:
        """Replace the concept with ``concept.id`` by ``concept``. With ``base`` (the version the
        editor read), refuse if someone else changed the concept since."""
        with self.engine.begin() as conn:
            self._lock(conn)
            current = self._load(conn)
            before = next((c for c in current if c.id == concept.id), None)
            if before is None:
                raise GlossaryError(f"no concept {concept.id!r}")
            if base is not None and next((c for c in self._at(conn, base) if c.id == concept.id), None) != before:
                raise GlossaryError(f"concept {concept.id!r} was changed by someone else after version {base}; "
                                    "reload it and make your change again")
            plan = merging.diff(current, [concept if c.id == concept.id else c for c in current])
            return self._commit(conn, current, plan, f"edit {concept.id}: {describe(plan)}", who, "edit")

    def remove(self, concept_id: str, who: str = "") -> int:
        with self.engine.begin() as conn:
            self._lock(conn)
            current = self._load(conn)
            if all(c.id != concept_id for c in current):
                raise GlossaryError(f"no concept {concept_id!r}")
            plan = merging.diff(current, [c for c in current if c.id != concept_id])
            return self._commit(conn, current, plan, f"remove {concept_id}", who, "remove")

    def rollback(self, version: int, who: str = "") -> tuple[Plan, int]:
        """A new version whose term base equals version ``version``'s snapshot; nothing is deleted
        from the history. Returns what it changed and the new version."""
        with self.engine.begin() as conn:
            self._lock(conn)
            target = self._at(conn, version)
            current = self._load(conn)
            plan = merging.diff(current, target)
            new = self._commit(conn, current, plan, f"rollback to version {version}: {describe(plan)}", who, "rollback",
                               rolled_back_to=version)
            return plan, new

    def _commit(self, conn: sa.Connection, current: list[Concept], plan: Plan, change: str, who: str, action: str,
                **extra) -> int:
        """Write what ``plan`` changes to ``current`` and make the version that records it."""
        validate(merging.apply(current, plan))
        check_storable([c.after for c in plan.changed] + list(plan.added))
        gone = [c.id for c in plan.changed] + [c.id for c in plan.removed]
        if gone:
            conn.execute(terms_table.delete().where(terms_table.c.concept_id.in_(gone)))
            conn.execute(concepts_table.delete().where(concepts_table.c.id.in_(gone)))
        self._insert(conn, [c.after for c in plan.changed] + list(plan.added))
        summary = {"action": action, **plan.summary(), **extra}
        return self._bump(conn, change, who, summary)

    @staticmethod
    def _lock(conn: sa.Connection) -> None:
        """One writer at a time on PostgreSQL, so a merge is computed on what it changes (SQLite
        refuses a write from a transaction that read before another one committed)."""
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("LOCK TABLE glossary_versions IN SHARE ROW EXCLUSIVE MODE"))

    @staticmethod
    def _insert(conn: sa.Connection, concepts: list[Concept]) -> None:
        if not concepts:
            return
        conn.execute(concepts_table.insert(), [
            {"id": c.id, "kind": c.kind, "note": c.note, "subject": c.subject} for c in concepts])
        rows = [
            {"concept_id": c.id, "position": i, "lang": t.lang, "text": t.text, "status": t.status,
             "case_sensitive": t.case_sensitive, "forms": dict(t.forms), "note": t.note, "spoken": t.spoken}
            for c in concepts for i, t in enumerate(c.terms)
        ]
        if rows:
            conn.execute(terms_table.insert(), rows)

    @classmethod
    def _bump(cls, conn: sa.Connection, change: str, who: str = "", summary: dict | None = None) -> int:
        """A new version, with a snapshot of the term base as this transaction leaves it."""
        result = conn.execute(versions_table.insert().values(created_at=datetime.now(UTC), change=change[:500],
                                                             who=(who or "")[:200], summary=summary))
        version = int(result.inserted_primary_key[0])
        conn.execute(snapshots_table.insert().values(version=version,
                                                     concepts=[to_dict(c) for c in cls._load(conn)]))
        return version


_SHARED: dict[tuple[str, int], GlossaryStore] = {}
_SHARING = threading.Lock()
SHARED_STORES = 8  # databases a process keeps a store open for


def shared_store(url: str) -> GlossaryStore:
    """One store per database and process (one engine, migrated once) for the many readers of a
    long-running process, instead of an engine per read; a forked child makes its own. The
    ``SHARED_STORES`` most recently opened are kept; an older one's engine is disposed."""
    key = (url, os.getpid())
    with _SHARING:
        if key not in _SHARED:
            if len(_SHARED) >= SHARED_STORES:
                _SHARED.pop(next(iter(_SHARED))).engine.dispose()
            _SHARED[key] = GlossaryStore(url)
        return _SHARED[key]
