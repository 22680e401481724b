"""Review by risk and what reviewing costs, over HTTP. ``RiskDesk`` is the service behind the
routes; the review desk's stats and concordance pages (``desk.web_stats``) call the same methods.

    GET  /stats?from=&to=&direction=&reviewer=&model=&format=json|csv                     (reviewer)
         post-editing effort per direction, reviewer, model and ISO week (``newsroom.stats``)
    POST /drafts/{id}/segments/{index}/checks/{check}/dismiss   {"reason": "..."}          (reviewer)
    POST /drafts/{id}/segments/{index}/checks/{check}/restore                              (reviewer)
    GET  /tm/search?source=&target=&q=&side=source|target|both&limit=                       (submitter)
         the concordance: approved translations of a pair holding a phrase

``GET /drafts/{id}`` itself carries each segment's ``confidence``, ``risk`` and ``risk_score`` and
the draft's ``review_order`` (``desk.api_desk``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from common.languages import LanguageError, normalize
from desk.api_desk import ApiError, Desk, Reviewer, Submitter
from desk.api_views import iso
from desk.inputs import MAX_DB_INT
from newsroom import risk, stats
from newsroom.concordance import ConcordanceError, search
from newsroom.lifecycle import TransitionError

MAX_FILTER = 200


def parse_when(value: str | None, name: str, end: bool = False) -> datetime | None:
    """A day (YYYY-MM-DD; ``end``: the day after it, so the day is included) or an ISO time, in UTC."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = datetime.fromisoformat(value).replace(tzinfo=UTC)
            return day + timedelta(days=1) if end else day
        stamp = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ApiError(422, f"{name} must be a date (YYYY-MM-DD) or an ISO time, not {value[:40]!r}") from exc
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


class RiskDesk:
    def __init__(self, desk: Desk):
        self.desk, self.store, self.settings = desk, desk.store, desk.settings

    def filters(self, start: str | None = None, end: str | None = None, direction: str = "", reviewer: str = "",
                model: str = "") -> stats.Filters:
        for name, value in (("direction", direction), ("reviewer", reviewer), ("model", model)):
            if len(value or "") > MAX_FILTER or "\x00" in (value or ""):
                raise ApiError(422, f"{name} must be at most {MAX_FILTER} characters")
        if direction:
            try:
                src, _, trg = direction.partition("-")
                if trg.startswith(("Latn", "Cyrl")):  # "sr-Latn-en": the script belongs to the source
                    script, _, trg = trg.partition("-")
                    src = f"{src}-{script}"
                direction = f"{normalize(src)}-{normalize(trg)}"
            except LanguageError as exc:
                raise ApiError(422, f"direction must be SOURCE-TARGET, e.g. en-tr: {exc}") from exc
        return stats.Filters(parse_when(start, "from"), parse_when(end, "to", end=True), direction or "",
                             reviewer or "", model or "")

    def stats(self, filters: stats.Filters) -> dict:
        return stats.stats(self.store, filters, self.settings.database_url)

    def dismiss(self, draft_id: str, idx: int, check: str, reason: Any, who: str) -> dict:
        self.desk.draft(draft_id)
        with self._refusals(draft_id, idx):
            gone = risk.dismiss(self.store, draft_id, idx, check, reason, who)
        return self._segment(draft_id, idx, gone)

    def restore(self, draft_id: str, idx: int, check: str, who: str) -> dict:
        self.desk.draft(draft_id)
        with self._refusals(draft_id, idx):
            gone = risk.restore(self.store, draft_id, idx, check, who)
        return self._segment(draft_id, idx, gone)

    def concordance(self, source: str, target: str, phrase: str, side: str = "both", limit: int = 50) -> dict:
        try:
            src, trg = normalize(source, self.settings.serbian_script), normalize(target, self.settings.serbian_script)
            units = search(self.store, src, trg, phrase, side, limit)
        except (LanguageError, ConcordanceError) as exc:
            raise ApiError(422, str(exc)) from exc
        return {"source": src, "target": trg, "q": phrase, "side": side,
                "units": [{"source": u["source"], "target": u["target"], "approved_at": iso(u["updated_at"]),
                           "draft_id": u["draft_id"], "uses": u["uses"]} for u in units]}

    def _segment(self, draft_id: str, idx: int, gone: dict) -> dict:
        seg = self.desk.draft(draft_id)["segments"][idx]
        return {"index": idx, "flags": seg["flags"], "risk": seg["risk"], "risk_score": seg["risk_score"],
                "dismissed": {c: {"reason": d["reason"], "who": d["who"], "at": iso(d["at"])} for c, d in gone.items()}}

    @contextmanager
    def _refusals(self, draft_id: str, idx: int) -> Iterator[None]:
        try:
            yield
        except risk.DismissError as exc:
            raise ApiError(422, str(exc)) from exc
        except TransitionError as exc:
            raise ApiError(409, str(exc)) from exc
        except KeyError as exc:
            raise ApiError(404, f"no segment {idx} in draft {draft_id}") from exc


async def _reason(request: Request) -> Any:
    try:
        body = await request.json()
    except ValueError as exc:
        raise ApiError(400, 'send a JSON object: {"reason": "<why the check does not apply>"}') from exc
    if not isinstance(body, dict):
        raise ApiError(400, 'send a JSON object: {"reason": "<why the check does not apply>"}')
    return body.get("reason")


def router(desk: Desk) -> APIRouter:
    service = RiskDesk(desk)
    desk.risk = service
    api = APIRouter()
    index = Path(ge=0, le=MAX_DB_INT)

    @api.get("/stats", tags=["review"], summary="Post-editing effort per direction, reviewer, model and week")
    def get_stats(_who: Reviewer, start: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
                  end: str | None = Query(None, alias="to", description="YYYY-MM-DD, included"),
                  direction: str = "", reviewer: str = "", model: str = "",
                  format: str = Query("json", description="json or csv")) -> Response:
        if format not in ("json", "csv"):
            raise ApiError(422, f"unknown format {format[:20]!r}; expected json or csv")
        result = service.stats(service.filters(start, end, direction, reviewer, model))
        if format == "csv":
            return Response(stats.to_csv(result["rows"]), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="dragoman-stats.csv"'})
        return JSONResponse(result)

    @api.post("/drafts/{draft_id}/segments/{idx}/checks/{check}/dismiss", tags=["review"],
              summary="Dismiss a QA check on a segment, with a reason (it no longer counts in risk)")
    async def dismiss_check(draft_id: str, check: str, request: Request, who: Reviewer, idx: int = index) -> dict:
        reason = await _reason(request)
        return await run_in_threadpool(service.dismiss, draft_id, idx, check, reason, who.name or "reviewer")

    @api.post("/drafts/{draft_id}/segments/{idx}/checks/{check}/restore", tags=["review"],
              summary="Count a dismissed check again")
    def restore_check(draft_id: str, check: str, who: Reviewer, idx: int = index) -> dict:
        return service.restore(draft_id, idx, check, who.name or "reviewer")

    @api.get("/tm/search", tags=["review"], summary="Concordance: approved translations holding a phrase")
    def tm_search(_who: Submitter, source: str, target: str, q: str, side: str = "both",
                  limit: int = Query(50, ge=1, le=500)) -> dict:
        return service.concordance(source, target, q, side, limit)

    return api
