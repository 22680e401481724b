"""The review desk's risk and effort pages: dismissing a check on a segment (the draft page's
script), drafts to review riskiest first (``/ui/review``), post-editing statistics with charts
and a CSV download (``/ui/stats``), and the concordance over approved translations
(``/ui/concordance``). They call the same service as the HTTP API (``desk.api_risk.RiskDesk``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from desk import charts
from desk import web_views as views
from desk.api_desk import ApiError
from desk.api_risk import RiskDesk
from desk.inputs import MAX_DB_INT
from desk.keys import REVIEWER
from desk.web import UIError, UIRoute, Web, _json
from newsroom import stats
from newsroom.concordance import SIDES
from newsroom.risk import reviewable_drafts


def router(web: Web) -> APIRouter:
    service: RiskDesk = getattr(web.desk, "risk", None) or RiskDesk(web.desk)
    api = APIRouter(route_class=UIRoute, include_in_schema=False)

    def call(method, *args):
        try:
            return method(*args)
        except ApiError as exc:
            raise UIError(exc.status, exc.message) from exc

    @api.post("/ui/api/drafts/{draft_id}/segments/{idx}/checks/{check}/dismiss")
    async def dismiss(request: Request, draft_id: str, check: str, idx: int = PathParam(ge=0, le=MAX_DB_INT)):
        session = web.session(request)
        web.check_csrf(request, session)
        web.need(session, REVIEWER)
        body = await _json(request)
        await run_in_threadpool(call, service.dismiss, draft_id, idx, check, body.get("reason"), session.name)
        draft, job = web.draft(draft_id)
        seg = views.segment_json(draft["segments"][idx], web.terms(job, draft["target_lang"]))
        return JSONResponse({**seg, "draft_state": draft["state"], "job_state": job["state"]})

    @api.get("/ui/review")
    def review_queue(request: Request) -> Response:
        session = web.session(request)
        drafts = reviewable_drafts(web.store, web.desk.weights)
        return web.page("review_queue.html", session, drafts=drafts)

    @api.get("/ui/stats")
    def stats_page(request: Request, direction: str = "", reviewer: str = "", model: str = "",
                   format: str = "html") -> Response:
        session = web.session(request)
        web.need(session, REVIEWER)
        start, end = request.query_params.get("from", ""), request.query_params.get("to", "")
        values = {"from": start, "to": end, "direction": direction, "reviewer": reviewer, "model": model}
        try:
            result = service.stats(service.filters(start, end, direction, reviewer, model))
            error = ""
        except ApiError as exc:
            result, error = {"rows": [], "by_risk": [], "totals": None}, exc.message
        if format == "csv":
            return Response(stats.to_csv(result["rows"]), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="dragoman-stats.csv"'})
        rows = result["rows"]
        figures = [
            charts.bars("Mean edit rate (HTER) by direction and week",
                        [(f"{r['direction']} · {r['week']}", r["edit_rate"]) for r in rows]),
            charts.bars("Risk shown vs edit rate made", [(r["risk"], r["edit_rate"]) for r in result["by_risk"]],
                        colours=charts.COLOURS),
            charts.bars("Seconds per word by reviewer", [(f"{r['reviewer']} · {r['week']}", r["seconds_per_word"])
                                                        for r in rows], fmt="{:.1f} s"),
        ]
        query = "&".join(f"{k}={v}" for k, v in values.items() if v)
        return web.page("stats.html", session, result=result, values=values, error=error, figures=figures,
                        csv_url="/ui/stats?" + (query + "&" if query else "") + "format=csv")

    @api.get("/ui/concordance")
    def concordance(request: Request, source: str = "en", target: str = "tr", q: str = "", side: str = "both"):
        session = web.session(request)
        found, error = None, ""
        if q.strip():
            try:
                found = service.concordance(source, target, q, side)
            except ApiError as exc:
                error = exc.message
        return web.page("concordance.html", session, values={"source": source, "target": target, "q": q,
                                                             "side": side}, sides=SIDES, found=found, error=error)

    return api
