"""The term base in SQL (SQLite by default, PostgreSQL in production), schema by Alembic.

Every change is one transaction that also bumps the glossary version, so a draft can record the
version it was translated with, and a failed import leaves the store as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from common.db import create_engine, upgrade
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
)
versions_table = sa.Table(
    "glossary_versions", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("change", sa.String(500), nullable=False),
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


class GlossaryStore:
    def __init__(self, url: str):
        self.engine = create_engine(url)
        migrate(self.engine)

    # --- reading ------------------------------------------------------------------------------
    def version(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(versions_table.c.version))).scalar() or 0

    def concepts(self, version: int | None = None) -> list[Concept]:
        """The term base now or, with ``version``, exactly as it stood at that version."""
        with self.engine.connect() as conn:
            if version is None:
                return self._load(conn)
            saved = conn.execute(sa.select(snapshots_table.c.concepts)
                                 .where(snapshots_table.c.version == version)).scalar()
            if saved is not None:
                return [from_dict(d) for d in saved]
            latest = conn.execute(sa.select(sa.func.max(versions_table.c.version))).scalar() or 0
            if version == latest:  # made before snapshots were kept, and nothing changed since
                return self._load(conn)
        raise GlossaryError(f"glossary version {version} is not stored (the newest is {latest}); "
                            "versions made before dragoman kept snapshots cannot be restored")

    def get(self, concept_id: str) -> Concept | None:
        return next((c for c in self.concepts() if c.id == concept_id), None)

    @staticmethod
    def _load(conn: sa.Connection) -> list[Concept]:
        concepts = {
            row.id: Concept(row.id, row.kind, [], row.note, row.subject)
            for row in conn.execute(sa.select(concepts_table).order_by(concepts_table.c.id))
        }
        rows = conn.execute(sa.select(terms_table).order_by(terms_table.c.concept_id, terms_table.c.position))
        for row in rows:
            concepts[row.concept_id].terms.append(
                Term(row.lang, row.text, row.status, dict(row.forms or {}), row.case_sensitive, row.note))
        return list(concepts.values())

    # --- changing -----------------------------------------------------------------------------
    def import_concepts(self, incoming: list[Concept], replace: bool = False, change: str = "import") -> int:
        """Add or update ``incoming`` (by concept id), or replace the whole glossary with it.
        The result is validated as a whole first; on any error nothing is written."""
        with self.engine.begin() as conn:
            current = {} if replace else {c.id: c for c in self._load(conn)}
            for concept in incoming:
                current[concept.id] = concept
            validate(list(current.values()))
            if replace:
                conn.execute(terms_table.delete())
                conn.execute(concepts_table.delete())
            else:
                ids = [c.id for c in incoming]
                conn.execute(terms_table.delete().where(terms_table.c.concept_id.in_(ids)))
                conn.execute(concepts_table.delete().where(concepts_table.c.id.in_(ids)))
            self._insert(conn, incoming)
            return self._bump(conn, f"{change}: {len(incoming)} concepts")

    def add(self, concept: Concept) -> int:
        if self.get(concept.id):
            raise GlossaryError(f"concept {concept.id!r} already exists")
        return self.import_concepts([concept], change=f"add {concept.id}")

    def remove(self, concept_id: str) -> int:
        with self.engine.begin() as conn:
            deleted = conn.execute(concepts_table.delete().where(concepts_table.c.id == concept_id)).rowcount
            if not deleted:
                raise GlossaryError(f"no concept {concept_id!r}")
            conn.execute(terms_table.delete().where(terms_table.c.concept_id == concept_id))
            return self._bump(conn, f"remove {concept_id}")

    @staticmethod
    def _insert(conn: sa.Connection, concepts: list[Concept]) -> None:
        if not concepts:
            return
        conn.execute(concepts_table.insert(), [
            {"id": c.id, "kind": c.kind, "note": c.note, "subject": c.subject} for c in concepts])
        rows = [
            {"concept_id": c.id, "position": i, "lang": t.lang, "text": t.text, "status": t.status,
             "case_sensitive": t.case_sensitive, "forms": dict(t.forms), "note": t.note}
            for c in concepts for i, t in enumerate(c.terms)
        ]
        if rows:
            conn.execute(terms_table.insert(), rows)

    @classmethod
    def _bump(cls, conn: sa.Connection, change: str) -> int:
        """A new version, with a snapshot of the term base as this transaction leaves it."""
        result = conn.execute(versions_table.insert().values(created_at=datetime.now(UTC), change=change[:500]))
        version = int(result.inserted_primary_key[0])
        conn.execute(snapshots_table.insert().values(version=version,
                                                     concepts=[to_dict(c) for c in cls._load(conn)]))
        return version
