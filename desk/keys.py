"""API keys for the HTTP API: who may submit, review or administer.

A key is shown once, when it is created (``dk_`` + 32 random URL-safe characters); the store keeps
only its SHA-256, and the first characters (``prefix``) so people can tell their keys apart.
Roles rank submitter < reviewer < admin: a role may do everything the ones below it may.
``Settings.admin_key``, when set, is accepted as an admin key without a row here (bootstrap).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from common.db import create_engine, upgrade
from desk.inputs import is_id

SUBMITTER, REVIEWER, ADMIN = "submitter", "reviewer", "admin"
ROLES = (SUBMITTER, REVIEWER, ADMIN)
RANK = {role: rank for rank, role in enumerate(ROLES)}
KEY_PREFIX = "dk_"
PREFIX_CHARS = 8
MAX_NAME = 64

metadata = sa.MetaData()

api_keys = sa.Table(
    "api_keys", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(MAX_NAME), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(PREFIX_CHARS), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
)

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "desk_alembic_version"
_PUBLIC = (api_keys.c.id, api_keys.c.name, api_keys.c.role, api_keys.c.prefix, api_keys.c.created_at,
           api_keys.c.revoked)


def hash_key(key: str) -> str:
    """The stored digest of a key (a key sent in a JSON body may hold lone surrogates: never a valid key)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def allows(role: str, needed: str) -> bool:
    """True if ``role`` may do what ``needed`` may."""
    return RANK.get(role, -1) >= RANK[needed]


def migrate(engine: sa.Engine) -> None:
    """Bring the desk's tables to the newest schema (Alembic ``upgrade head``)."""
    upgrade(engine, MIGRATIONS)


class KeyStore:
    def __init__(self, url: str):
        self.engine = create_engine(url)
        migrate(self.engine)

    def create(self, name: str, role: str) -> tuple[str, str]:
        """Store a new key; returns its id and the key itself, which is never shown again."""
        name = (name or "").strip()
        if not name:
            raise ValueError("a key needs a name (who or what uses it)")
        if len(name) > MAX_NAME:
            raise ValueError(f"a key name has at most {MAX_NAME} characters")
        if not name.isprintable():
            raise ValueError("a key name must be printable (no control characters such as NUL)")
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        key_id, key = uuid.uuid4().hex, KEY_PREFIX + secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            conn.execute(api_keys.insert().values(
                id=key_id, name=name, role=role, key_hash=hash_key(key), prefix=key[:PREFIX_CHARS],
                created_at=datetime.now(UTC), revoked=False))
        return key_id, key

    def verify(self, key: str) -> dict | None:
        """The record of a valid, unrevoked key; None otherwise."""
        if not key or not key.startswith(KEY_PREFIX):
            return None
        digest = hash_key(key)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_PUBLIC, api_keys.c.key_hash).where(api_keys.c.key_hash == digest)).first()
        if row is None or not hmac.compare_digest(row.key_hash, digest) or row.revoked:
            return None
        record = dict(row._mapping)
        del record["key_hash"]
        return record

    def get(self, key_id: str) -> dict | None:
        if not is_id(key_id):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(*_PUBLIC).where(api_keys.c.id == key_id)).first()
        return dict(row._mapping) if row else None

    def revoke(self, key_id: str) -> bool:
        """Revoke a key; False if there is no such key."""
        if not is_id(key_id):
            return False
        with self.engine.begin() as conn:
            return bool(conn.execute(api_keys.update().where(api_keys.c.id == key_id).values(revoked=True)).rowcount)

    def list(self) -> list[dict]:
        """Every key, newest first, without secrets."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(*_PUBLIC).order_by(api_keys.c.created_at.desc()))
            return [dict(r._mapping) for r in rows]
