"""The review desk's draft pages: a draft side by side with its source, the reviewer's actions on it
(start, approve, reject, retry), XLIFF import, exports and the translation memory's TMX export.
``desk.web`` includes these routes; ``desk.web_segments`` holds the page script's calls."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from desk import web_views as views
from desk.api_desk import ApiError
from desk.api_views import RENDERED
from desk.keys import REVIEWER, allows
from desk.web import UIError, UIRoute, Web, _form, _redirect
from newsroom.lifecycle import DRAFT_READY, FAILED, UNFINISHED
from newsroom.review import REVIEWABLE
from newsroom.tm import canonical_lang
from newsroom.tmx import export_tm
from translate import formats, inline

TM_THRESHOLD = 0.75  # the translation memory's suggestions on the draft page: at least this similar


def router(web: Web) -> APIRouter:
    api = APIRouter(route_class=UIRoute, include_in_schema=False)

    @api.get("/ui/drafts/{draft_id}")
    def draft_page(request: Request, draft_id: str, notice: str = "", error: str = "") -> Response:
        session = web.session(request)
        draft, job = web.draft(draft_id)
        can_review = allows(session.role, REVIEWER)
        terms = web.terms(job, draft["target_lang"])
        ready = draft["state"] in RENDERED
        rows = _rows(web, draft, job, terms, suggest=ready and draft["state"] in REVIEWABLE)
        return web.page("draft.html", session, draft=draft, job=job, rows=rows, terms=terms is not None,
                        can_review=can_review, editable=can_review and draft["state"] in REVIEWABLE, ready=ready,
                        unfinished=draft["state"] in UNFINISHED, history=web.review.history(draft_id),
                        flagged=sum(1 for s in draft["segments"] if views.needs_attention(s["flags"], s["dismissed"])),
                        notice=notice, error=error, exports=list(views.EXPORTS),
                        can_start=can_review and draft["state"] == DRAFT_READY,
                        can_retry=can_review and draft["state"] == FAILED, models=views.model_lines(draft["models"]),
                        review_order=" ".join(map(str, draft["review_order"])), risk=draft["risk_summary"])

    async def page_action(request: Request, draft_id: str, action: str, done: Callable[[dict], str]) -> Response:
        """A draft action from a page's form (CSRF checked, reviewer role): back to the draft page
        with a notice, or with the reason it was refused."""
        session = web.session(request)
        web.check_csrf(request, session, await _form(request))
        web.need(session, REVIEWER)
        web.draft(draft_id)
        try:
            result = await run_in_threadpool(web.reviewing.act, draft_id, action, session.name)
        except ApiError as exc:
            return _redirect(f"/ui/drafts/{draft_id}", error=exc.message)
        return _redirect(f"/ui/drafts/{draft_id}", notice=done(result))

    @api.post("/ui/drafts/{draft_id}/status")
    async def draft_status(request: Request, draft_id: str) -> Response:
        status = str((await _form(request)).get("status") or "")
        action = {"approved": "approve", "rejected": "reject"}.get(status, status)
        return await page_action(request, draft_id, action, lambda r: f"The draft is {r['state']}.")

    @api.post("/ui/drafts/{draft_id}/review")
    async def draft_review(request: Request, draft_id: str) -> Response:
        form = await _form(request)
        action = str(form.get("action") or "")
        notices = {"start": "Review started.", "retry": "The draft is queued again."}
        return await page_action(request, draft_id, action,
                                 lambda r: notices.get(action, f"The draft is {r['state']}."))

    @api.post("/ui/drafts/{draft_id}/import")
    async def import_xliff(request: Request, draft_id: str) -> Response:
        session = web.session(request)
        form = await _form(request)
        web.check_csrf(request, session, form)
        web.need(session, REVIEWER)
        web.draft(draft_id)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _redirect(f"/ui/drafts/{draft_id}", error="choose an XLIFF file to import")
        data = await upload.read()
        try:
            result = await run_in_threadpool(web.reviewing.import_xliff, draft_id, data, session.name)
        except ApiError as exc:
            return _redirect(f"/ui/drafts/{draft_id}", error=exc.message)
        applied, problems = result["applied"], result["problems"]
        notice = f"Imported {applied} changed segment{'s' if applied != 1 else ''} from {upload.filename}."
        return _redirect(f"/ui/drafts/{draft_id}", notice=notice,
                         error=("XLIFF import: " + "; ".join(problems)) if problems else "")

    @api.get("/ui/drafts/{draft_id}/export")
    def export(request: Request, draft_id: str, format: str = "md") -> Response:
        web.session(request)
        web.draft(draft_id)
        try:
            body, media, name = web.reviewing.export(draft_id, format)
        except ApiError as exc:
            raise UIError(exc.status, exc.message) from exc
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @api.get("/ui/tm/export")
    def tm_export(request: Request, source: str = "", target: str = "") -> Response:
        web.session(request)
        src, trg = canonical_lang(source) if source else "", canonical_lang(target) if target else ""
        body = export_tm(web.memory.units(src or None, trg or None))
        name = "-".join(["tm", *(re.sub(r"[^A-Za-z0-9-]", "", x)[:20] for x in (src, trg) if x)]) + ".tmx"
        return Response(body, media_type="application/x-tmx+xml",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return api


def _rows(web: Web, draft: dict, job: dict, terms: views.Terms | None, suggest: bool) -> list[dict]:
    """The draft page's rows: one per article line that has text, with its segments."""
    blocks = [formats.Block(**b) for b in draft["blocks"]]
    by_block: dict[int, list[dict]] = {}
    for seg in draft["segments"]:
        by_block.setdefault(seg["block"], []).append(seg)
    rows = []
    for number, block in enumerate(blocks):
        segs = by_block.get(number)
        if not segs:
            if not block.translate and block.text.strip():
                rows.append({"block": number, "kind": "verbatim", "level": 0, "quoted": False, "text": block.text,
                             "segments": []})
            continue
        quoted, kind, level = views._kind(block.prefix)
        items = []
        for seg in segs:
            target = seg["target"]
            suggestions = []
            if suggest:
                suggestions = [{"score": round(score * 100), "source": src, "target": trg}
                               for score, src, trg in web.memory.fuzzy(job["source_lang"], draft["target_lang"],
                                                                       seg["source"], TM_THRESHOLD)
                               if trg != target]
            items.append({
                "idx": seg["idx"], "status": seg["status"], "version": seg["version"], "target": target,
                "source_html": views.chips(terms.source(seg["source"]) if terms else seg["source"]),
                "target_html": views.chips(terms.target(target) if terms and target is not None else (target or "")),
                "target_edit": inline.readable(target or ""),
                "chips": [inline.readable(c) for c in inline.codes(seg["source"])],
                "flags": views.flag_view(seg["flags"], seg["dismissed"]),
                "flagged": views.needs_attention(seg["flags"], seg["dismissed"]),
                "suggestions": suggestions, "terms": seg["terms"] or {}, "risk": seg["risk"],
                "risk_score": seg["risk_score"], "confidence": seg["confidence"],
            })
        rows.append({"block": number, "kind": kind, "level": level, "quoted": quoted, "text": "", "segments": items})
    return rows
