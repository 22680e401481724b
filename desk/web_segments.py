"""The review desk's draft page script calls (JSON under ``/ui/api``): edit a segment, set its status,
comment. Each needs a reviewer's session and its CSRF token. An edit or a status change also records
the seconds the segment was open and answers with the segment as it now stands and the draft's and
job's states; a comment answers with its history entry."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from desk import web_views as views
from desk.inputs import MAX_DB_INT
from desk.keys import REVIEWER
from desk.web import UIError, UIRoute, Web, _json
from newsroom import effort
from newsroom.review import ConflictError, ReviewError, TransitionError
from translate import inline


def router(web: Web) -> APIRouter:
    api = APIRouter(route_class=UIRoute, include_in_schema=False)

    async def reviewer_call(request: Request) -> tuple[views.Session, dict]:
        """The session and JSON body of a review action (CSRF checked, reviewer role required)."""
        session = web.session(request)
        web.check_csrf(request, session)
        web.need(session, REVIEWER)
        return session, await _json(request)

    async def review_segment(draft_id: str, idx: int, action, *args) -> dict:
        """Run a review action on a segment in the thread pool; its errors become 400, 404 and 409."""
        try:
            return await run_in_threadpool(action, draft_id, idx, *args)
        except ConflictError:
            raise
        except TransitionError as exc:
            raise UIError(409, str(exc)) from exc
        except ReviewError as exc:
            raise UIError(400, str(exc)) from exc
        except KeyError as exc:
            raise UIError(404, f"no segment {idx} in draft {draft_id}") from exc

    async def record_time(draft_id: str, idx: int, body: dict) -> None:
        """Add the seconds the desk's script says the segment was open (focus to save, idle left out)."""
        seconds = body.get("seconds")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and 0 < seconds < 1e9:
            await run_in_threadpool(effort.record_time, web.store, draft_id, idx, float(seconds))

    @api.put("/ui/api/drafts/{draft_id}/segments/{idx}")
    async def edit_segment(request: Request, draft_id: str, idx: int = PathParam(ge=0, le=MAX_DB_INT)) -> Response:
        session, body = await reviewer_call(request)
        target, version = body.get("target"), body.get("version")
        if not isinstance(target, str) or not isinstance(version, int) or isinstance(version, bool):
            raise UIError(400, 'send {"target": "<text>", "version": <number>}')
        draft, job = web.draft(draft_id)
        terms = web.terms(job, draft["target_lang"])
        try:
            await review_segment(draft_id, idx, web.review.edit, inline.from_readable(target), version,
                                   session.name)
        except ConflictError as exc:
            return JSONResponse({"error": "changed by someone else: " + str(exc), "status": 409,
                                 "current": views.segment_json(exc.current, terms)}, 409)
        await record_time(draft_id, idx, body)
        return JSONResponse(_state_json(web, draft_id, idx, terms))

    @api.post("/ui/api/drafts/{draft_id}/segments/{idx}/status")
    async def segment_status(request: Request, draft_id: str, idx: int = PathParam(ge=0, le=MAX_DB_INT)) -> Response:
        session, body = await reviewer_call(request)
        draft, job = web.draft(draft_id)
        terms = web.terms(job, draft["target_lang"])
        await review_segment(draft_id, idx, web.review.set_segment, str(body.get("status") or ""), session.name)
        await record_time(draft_id, idx, body)
        return JSONResponse(_state_json(web, draft_id, idx, terms))

    @api.post("/ui/api/drafts/{draft_id}/comments")
    async def comment(request: Request, draft_id: str) -> Response:
        session, body = await reviewer_call(request)
        idx, text = body.get("idx"), body.get("text")
        if idx is not None and (not isinstance(idx, int) or isinstance(idx, bool)):
            raise UIError(400, "idx must be a segment number")
        if not isinstance(text, str):
            raise UIError(400, 'send {"text": "<comment>", "idx": <segment, optional>}')
        draft, _job = web.draft(draft_id)
        if idx is not None and idx not in {s["idx"] for s in draft["segments"]}:
            raise UIError(404, f"no segment {idx} in draft {draft_id}")
        try:
            await run_in_threadpool(web.review.comment, draft_id, idx, text, session.name)
        except ReviewError as exc:
            raise UIError(400, str(exc)) from exc
        entry = web.review.history(draft_id)[-1]
        return JSONResponse({"ok": True, "entry": {"at": views.when(entry["at"]), "who": entry["who"],
                                                   "action": entry["action"], "idx": entry["idx"],
                                                   "new": entry["new"]}}, 201)
    return api


def _state_json(web: Web, draft_id: str, idx: int, terms: views.Terms | None) -> dict:
    """The segment as it now stands (with its risk), and the draft's and job's states."""
    draft, job = web.draft(draft_id)
    segment = views.segment_json(draft["segments"][idx], terms)
    return {**segment, "draft_state": draft["state"], "job_state": job["state"]}
