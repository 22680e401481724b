"""The JSON shapes the HTTP API answers with: jobs (with their callback and waiting hops), drafts and their
segments, API keys; timestamps in ISO 8601 UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from newsroom.lifecycle import APPROVED, DRAFT_READY, IN_REVIEW, REJECTED
from translate import formats

RENDERED = (DRAFT_READY, IN_REVIEW, APPROVED, REJECTED)  # a draft in these states has a text to show


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def delivery_view(row: dict) -> dict:
    return {"delivery_id": row["delivery_id"], "url": row["url"], "state": row["state"], "attempts": row["attempts"],
            "last_error": row["last_error"], "next_attempt_at": iso(row["next_attempt_at"]),
            "sent_at": iso(row["sent_at"])}


def outbox_view(job: dict) -> dict:
    """The job's callback (its latest delivery) and the hops still waiting to reach the workers."""
    rows = job.get("outbox") or []
    callbacks = [r for r in rows if r["kind"] == "callback"]
    waiting = [r for r in rows if r["kind"] == "dispatch" and r["state"] in ("pending", "sending")]
    return {"callback": delivery_view(callbacks[-1]) if callbacks else None,
            "dispatch": {"waiting": len(waiting), "last_error": next((r["last_error"] for r in waiting
                                                                       if r["last_error"]), "")}}


def job_view(job: dict) -> dict:
    drafts = [{"id": d["id"], "target": d["target_lang"], "state": d["state"], "done": d["done"],
               "total": d["total"], "hop": d["hop"], "hops": d["hops"], "error": d["error"],
               "models": d.get("models") or []} for d in job["drafts"]]
    return {"id": job["id"], "state": job["state"], "source": job["source_lang"],
            "targets": [d["target"] for d in drafts], "format": job["format"], "glossary": job["glossary"],
            "glossary_version": job["glossary_version"], "priority": job["priority"],
            "submitted_by": job["submitted_by"], "created_at": iso(job["created_at"]),
            "updated_at": iso(job["updated_at"]), "error": job["error"],
            "progress": {"done": sum(d["done"] for d in drafts), "total": sum(d["total"] for d in drafts)},
            "drafts": drafts, **outbox_view(job)}


def job_summary(job: dict) -> dict:
    return {"id": job["id"], "state": job["state"], "source": job["source_lang"], "targets": job["targets"],
            "format": job["format"], "priority": job["priority"], "created_at": iso(job["created_at"]),
            "updated_at": iso(job["updated_at"]), "error": job["error"]}


def render_draft(draft: dict) -> str:
    return formats.render_stored(draft)


def segment_view(seg: dict) -> dict:
    return {"index": seg["idx"], "block": seg["block"], "source": seg["source"], "target": seg["target"],
            "flags": seg["flags"] or [], "score": seg["score"], "terms": seg["terms"], "status": seg["status"],
            "version": seg["version"], "confidence": seg.get("confidence"), "risk": seg.get("risk"),
            "risk_score": seg.get("risk_score"),
            "dismissed": {check: {"reason": d["reason"], "who": d["who"], "at": iso(d["at"])}
                          for check, d in (seg.get("dismissed") or {}).items()}}


def draft_view(draft: dict) -> dict:
    return {"id": draft["id"], "job_id": draft["job_id"], "target": draft["target_lang"], "state": draft["state"],
            "done": draft["done"], "total": draft["total"], "hop": draft["hop"], "hops": draft["hops"],
            "error": draft["error"], "updated_at": iso(draft["updated_at"]),
            "finished_at": iso(draft["finished_at"]), "models": draft.get("models") or [],
            "text": render_draft(draft) if draft["state"] in RENDERED else None,
            "segments": [segment_view(s) for s in draft["segments"]],
            "review_order": draft.get("review_order", []), "risk": draft.get("risk_summary")}


def key_view(record: dict) -> dict:
    return {"id": record["id"], "name": record["name"], "role": record["role"], "prefix": record["prefix"],
            "created_at": iso(record["created_at"]), "revoked": bool(record["revoked"])}
