"""Post-editing statistics: what reviewing cost, per direction, model, reviewer and ISO week.

Each row (``rows``) covers the approved segments of a group (``newsroom.effort``):

- ``segments_reviewed``; ``approved_unchanged`` (share approved as the machine wrote them);
- ``edit_rate`` (mean HTER), ``char_ter`` (mean character TER), ``chrf`` (mean chrF);
- ``seconds_per_word``: time the segments were open in the editor over their source words;
- ``term_success_rate`` (WMT terminology task): of the glossary terms the sources required, the
  share whose required target form the approved text contains (the job's glossary version);
- ``term_consistency``: of the terms a draft required at least twice, the share rendered the
  same way (one glossary term, whatever its inflection) everywhere in the approved text;
- ``origins``: how many approved texts came from mt, tm or a rewrite.

``by_risk`` sets the risk each segment was shown with against what editing it took: does the
risk order predict the effort?
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from glossary.enforce import Enforcer
from newsroom.effort import origin, segment_effort
from newsroom.jobs import JobStore
from newsroom.schema import drafts, jobs, segments
from translate.risk import LEVELS
from translate.terms import cached_glossary

COLUMNS = ("direction", "reviewer", "model", "week", "segments_reviewed", "approved_unchanged", "edit_rate",
           "char_ter", "chrf", "seconds_per_word", "term_success_rate", "term_consistency", "words", "seconds",
           "from_mt", "from_tm", "rewritten")
_WORD = re.compile(r"\w+")


@dataclass
class Filters:
    start: datetime | None = None
    end: datetime | None = None
    direction: str = ""
    reviewer: str = ""
    model: str = ""


@dataclass
class _Group:
    rows: list[dict] = field(default_factory=list)
    expected: int = 0
    found: int = 0
    consistent: int = 0
    repeated: int = 0


def model_label(models: list[dict] | None) -> str:
    """The models of a draft's hops as one label: id@revision (12 characters), '+' between hops."""
    if not models:
        return "none"
    return "+".join(f"{m.get('model', '?')}@{(m.get('revision') or 'local')[:12]}" for m in models)


def week(stamp: datetime) -> str:
    year, number, _ = stamp.isocalendar()
    return f"{year}-W{number:02d}"


def reviewed_rows(store: JobStore, filters: Filters) -> list[dict]:
    """Every approved segment with its effort, draft, job and group keys, oldest first."""
    query = (sa.select(segment_effort, segments.c.source, drafts.c.target_lang, drafts.c.models,
                       drafts.c.job_id, jobs.c.source_lang, jobs.c.glossary, jobs.c.glossary_version)
             .join(segments, sa.and_(segments.c.draft_id == segment_effort.c.draft_id,
                                     segments.c.idx == segment_effort.c.idx))
             .join(drafts, drafts.c.id == segment_effort.c.draft_id).join(jobs, jobs.c.id == drafts.c.job_id)
             .where(segment_effort.c.reviewed_at.is_not(None), segments.c.status == "approved"))
    if filters.start:
        query = query.where(segment_effort.c.reviewed_at >= filters.start)
    if filters.end:
        query = query.where(segment_effort.c.reviewed_at < filters.end)
    if filters.reviewer:
        query = query.where(segment_effort.c.reviewer == filters.reviewer)
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query.order_by(segment_effort.c.reviewed_at)).mappings()]
    for row in rows:
        row["direction"] = f"{row['source_lang']}-{row['target_lang']}"
        row["model"] = model_label(row["models"])
        row["week"] = week(row["reviewed_at"])
        row["words"] = len(_WORD.findall(row["source"]))
    return [r for r in rows if (not filters.direction or r["direction"] == filters.direction)
            and (not filters.model or filters.model in r["model"])]


def _terms(rows: list[dict], group: _Group, database_url: str, cache: dict) -> None:
    """Terminology success and consistency of the approved texts of one group, draft by draft."""
    by_draft: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["glossary"]:
            by_draft[row["draft_id"]].append(row)
    for draft_rows in by_draft.values():
        first = draft_rows[0]
        concepts = cached_glossary(cache, first["glossary"], first["glossary_version"], database_url)
        if not concepts:
            continue
        enforcer = Enforcer(concepts, first["source_lang"], first["target_lang"])
        renderings: dict[str, list[str | None]] = defaultdict(list)
        for row in draft_rows:
            report = enforcer.check(row["source"], row["final"] or "")
            group.expected += len(report.expected)
            group.found += len(report.found)
            used = {m.concept.id: m.term.text.casefold()
                    for m in enforcer.target_matcher.find(row["final"] or "") if not m.flagged}
            for cid in report.expected:
                renderings[cid].append(used.get(cid) if cid in report.found else None)
        for seen in renderings.values():
            if len(seen) >= 2:
                group.repeated += 1
                group.consistent += int(None not in seen and len(set(seen)) == 1)


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(sum(kept) / len(kept), 4) if kept else None


def _row(key: tuple, group: _Group) -> dict:
    rows, words = group.rows, sum(r["words"] for r in group.rows)
    seconds = sum(r["seconds"] or 0.0 for r in rows)
    origins = [origin(r) for r in rows]
    return dict(zip(COLUMNS, (
        *key, len(rows), round(sum(r["edit_rate"] == 0 for r in rows) / len(rows), 4),
        _mean(r["edit_rate"] for r in rows), _mean(r["char_ter"] for r in rows), _mean(r["chrf"] for r in rows),
        round(seconds / words, 3) if words else None,
        round(group.found / group.expected, 4) if group.expected else None,
        round(group.consistent / group.repeated, 4) if group.repeated else None,
        words, round(seconds, 1), origins.count("mt"), origins.count("tm"), origins.count("rewrite")), strict=True))


def stats(store: JobStore, filters: Filters, database_url: str) -> dict:
    """``rows`` per (direction, reviewer, model, week), ``by_risk`` per risk level, ``totals``."""
    found = reviewed_rows(store, filters)
    groups: dict[tuple, _Group] = defaultdict(_Group)
    cache: dict = {}
    for row in found:
        groups[(row["direction"], row["reviewer"], row["model"], row["week"])].rows.append(row)
    for group in groups.values():
        _terms(group.rows, group, database_url, cache)
    everything = _Group(rows=found)
    _terms(found, everything, database_url, cache)
    return {"rows": [_row(key, groups[key]) for key in sorted(groups)],
            "by_risk": by_risk(found),
            "totals": _row(("all", "all", "all", "all"), everything) if found else None}


def by_risk(rows: list[dict]) -> list[dict]:
    """Per risk level shown: segments, mean edit rate, share approved unchanged, seconds per word."""
    table = []
    for level in LEVELS:
        picked = [r for r in rows if r["risk"] == level]
        words = sum(r["words"] for r in picked)
        table.append({"risk": level, "segments": len(picked), "edit_rate": _mean(r["edit_rate"] for r in picked),
                      "approved_unchanged": round(sum(r["edit_rate"] == 0 for r in picked) / len(picked), 4)
                      if picked else None,
                      "seconds_per_word": round(sum(r["seconds"] or 0 for r in picked) / words, 3) if words else None})
    return table


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
