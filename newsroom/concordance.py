"""Concordance: search the approved translations (the translation memory) of a language pair for
a phrase in the source, the target or either — "how did we translate 'Quint countries' last
month?". Case-insensitive substring search, most recently approved first."""

from __future__ import annotations

import sqlalchemy as sa

from newsroom.jobs import JobStore
from newsroom.tm import canonical_lang, tm_units

SIDES = ("source", "target", "both")
MAX_QUERY = 200
LIMIT = 50


class ConcordanceError(ValueError):
    """A search that cannot be run (empty or too long a phrase, unknown side): HTTP 422."""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(store: JobStore, source_lang: str, target_lang: str, phrase: str, side: str = "both",
           limit: int = LIMIT) -> list[dict]:
    """Units of the pair whose source and/or target contain ``phrase`` (any case), newest first."""
    phrase = " ".join((phrase or "").split())
    if not phrase or len(phrase) > MAX_QUERY or "\x00" in phrase:
        raise ConcordanceError(f"search for a phrase of 1 to {MAX_QUERY} characters")
    if side not in SIDES:
        raise ConcordanceError(f"unknown side {side!r}; expected one of {', '.join(SIDES)}")
    pattern = _like(phrase)
    columns = {"source": [tm_units.c.source], "target": [tm_units.c.target],
               "both": [tm_units.c.source, tm_units.c.target]}[side]
    query = (sa.select(tm_units.c.source, tm_units.c.target, tm_units.c.updated_at, tm_units.c.draft_id,
                       tm_units.c.uses)
             .where(tm_units.c.source_lang == canonical_lang(source_lang),
                    tm_units.c.target_lang == canonical_lang(target_lang),
                    sa.or_(*(c.ilike(pattern, escape="\\") for c in columns)))
             .order_by(tm_units.c.updated_at.desc(), tm_units.c.id.desc()).limit(max(1, min(limit, 500))))
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
