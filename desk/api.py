"""The HTTP API: submit articles, follow jobs, read and review drafts; a LibreTranslate-compatible
``/translate``. Routes only: the checks of an article request are ``newsroom.requests``', the
service behind the routes is ``desk.api_desk.Desk`` and, for review, ``desk.api_review.Reviewing``.

    uvicorn desk.api:create_app --factory --host 0.0.0.0 --port 8000

It reads the same settings table as everything else and talks to the same job store as the CLI
and the workers. With ``DRAGOMAN_REDIS_URL`` set the work goes to the Celery workers; without it
the embedded dispatcher runs it in this process.

Every endpoint but ``/health``, ``/metrics``, ``/languages`` and the docs needs an API key
(``Authorization: Bearer <key>`` or ``X-API-Key: <key>``) unless ``DRAGOMAN_AUTH_REQUIRED=false``.
Reading needs a submitter key, review actions a reviewer key; the glossary routes (``/glossary/...``,
``desk.api_glossary``) a reviewer key to read and an admin key to change. Errors are always JSON:
``{"error": "<message>", "status": <code>}`` (a 409 of the review adds the draft's ``state`` and,
for a segment, the ``current`` segment).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.languages import LANGUAGES, NAMES, LanguageError, normalize
from common.settings import Settings, get_settings
from desk.api_desk import (
    Admin,
    ApiError,
    Desk,
    KeyRequest,
    PresentedKey,
    Reviewer,
    Submitter,
    error_response,
)
from desk.api_docs import (
    IMPORT_BODY_DOC,
    JOB_BODY_DOC,
    REVIEW_BODY_DOC,
    SEGMENT_BODY_DOC,
    TRANSLATE_BODY_DOC,
)
from desk.api_review import Reviewing
from desk.api_views import draft_view, job_summary, job_view, key_view
from desk.inputs import MAX_DB_INT, InputGuard, form_body, json_body, shown
from desk.keys import ROLES, SUBMITTER
from newsroom.lifecycle import STATES
from newsroom.requests import MALFORMED, RequestError
from translate import formats
from workers.service import JobService

log = logging.getLogger("dragoman.api")

# --- reading bodies -------------------------------------------------------------------------------------
async def _json_body(request: Request) -> Any:
    try:
        return await json_body(request)
    except (ValueError, RecursionError) as exc:  # InputGuard refuses deep nesting first; this is the backstop
        raise ApiError(400, "the request body is not valid JSON") from exc


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _is_form(request: Request) -> bool:
    return _content_type(request) in ("multipart/form-data", "application/x-www-form-urlencoded")


async def _job_fields(request: Request) -> tuple[Any, str]:
    """The fields of a job submission (JSON, a form, or a form with the article as ``file``, kept as
    bytes for ``prepare`` to decode) and the format to assume when none is given."""
    if not _is_form(request):
        fields = await _json_body(request)
        if not isinstance(fields, dict):
            raise RequestError(MALFORMED, "the request body must be a JSON object")
        return fields, "markdown"
    form = await form_body(request)
    try:
        fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "file"}
        targets = [v for v in form.getlist("targets") if isinstance(v, str)]
        if len(targets) > 1:
            fields["targets"] = targets
        upload = form.get("file")
        if isinstance(upload, UploadFile):
            fields["text"] = await upload.read()
            return fields, formats.format_for(upload.filename)
        if isinstance(upload, str):
            fields["text"] = upload
        return fields, "markdown"
    finally:
        await form.close()


async def _xliff_body(request: Request) -> bytes:
    if _content_type(request) == "multipart/form-data":
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            raise ApiError(400, "send the XLIFF file as the multipart field file")
        return await upload.read()
    return await request.body()


# --- the application -------------------------------------------------------------------------------------
def create_app(settings: Settings | None = None, service: JobService | None = None) -> FastAPI:
    if settings is None:
        settings = service.settings if service is not None else get_settings()
    service = service or JobService(settings)
    desk = Desk(settings, service)
    reviewing = Reviewing(desk)

    app = FastAPI(
        title="dragoman",
        summary="Machine translation for the newsroom: English, Turkish, Albanian, Serbian.",
        description=__doc__,
        version="0.1.0",
    )
    app.state.desk, app.state.reviewing = desk, reviewing
    app.add_middleware(InputGuard, respond=error_response, limit=settings.max_request_bytes)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.headers, exc.extra)

    @app.exception_handler(RequestError)
    async def _refused(_request: Request, exc: RequestError) -> JSONResponse:
        return error_response(exc.status, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, _validation_message(exc.errors()))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal server error (the details are in the server log)")

    # --- jobs ---------------------------------------------------------------------------------------
    @app.post("/jobs", status_code=201, tags=["jobs"], openapi_extra=JOB_BODY_DOC,
              summary="Submit an article (JSON, or a multipart file upload)")
    async def submit_job(request: Request, who: Submitter, idempotency_key: str = Header(
            "", alias="Idempotency-Key", description="Yours, per API key: a retry with the same key and "
            "body returns the same job (200); another body with it is 409.")) -> JSONResponse:
        fields, default_format = await _job_fields(request)
        job = await run_in_threadpool(desk.submit, fields, who, default_format, idempotency_key)
        return JSONResponse(job_view(job), status_code=200 if job.get("replayed") else 201)

    @app.get("/jobs/{job_id}", tags=["jobs"], summary="A job, its drafts and their progress")
    def get_job(job_id: str, _who: Submitter) -> dict:
        return job_view(desk.job(job_id))

    @app.get("/jobs", tags=["jobs"], summary="Jobs, newest first")
    def list_jobs(_who: Submitter, state: str | None = Query(None, description=f"One of: {', '.join(STATES)}."),
                  lang: str | None = Query(None, description="Jobs from or into this language."),
                  limit: int = Query(50, ge=1, le=500),
                  offset: int = Query(0, ge=0, le=MAX_DB_INT)) -> dict:
        if state and state not in STATES:
            raise ApiError(422, f"unknown state {state!r}; expected one of {', '.join(STATES)}")
        tag = None
        if lang:
            try:
                tag = normalize(lang, settings.serbian_script)
            except LanguageError as exc:
                raise ApiError(422, str(exc)) from exc
        found = desk.store.jobs(state or None, tag, limit, offset)
        return {"jobs": [job_summary(j) for j in found], "limit": limit, "offset": offset}

    @app.post("/jobs/{job_id}/cancel", tags=["jobs"], summary="Cancel what is not translated yet")
    def cancel_job(job_id: str, _who: Submitter) -> dict:
        return desk.cancel(job_id)

    @app.post("/jobs/{job_id}/callback", tags=["jobs"],
              summary="Send the job's callback again, now (admin; 409 if it has none yet)")
    def resend_callback(job_id: str, _who: Admin) -> dict:
        return desk.resend_callback(job_id)

    @app.get("/drafts/{draft_id}", tags=["jobs"], summary="A draft: its segments and, once ready, the article")
    def get_draft(draft_id: str, _who: Submitter) -> dict:
        return draft_view(desk.draft(draft_id))

    # --- review -------------------------------------------------------------------------------------
    @app.post("/drafts/{draft_id}/review", tags=["review"], openapi_extra=REVIEW_BODY_DOC,
              summary="Start review of, approve, reject, retry or cancel a draft (409 with its state if refused)")
    async def review_draft(draft_id: str, request: Request, who: Reviewer) -> dict:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise ApiError(400, 'send a JSON object: {"action": "start|approve|reject|retry|cancel"}')
        return await run_in_threadpool(reviewing.act, draft_id, body.get("action"), who.name)

    @app.patch("/drafts/{draft_id}/segments/{index}", tags=["review"], openapi_extra=SEGMENT_BODY_DOC,
               summary="Edit a segment and/or approve or reject it (409 with the current segment on a conflict)")
    async def change_segment(draft_id: str, request: Request, who: Reviewer,
                             index: int = Path(ge=0, le=MAX_DB_INT)) -> dict:
        body = await _json_body(request)
        return await run_in_threadpool(reviewing.change_segment, draft_id, index, body, who.name)

    @app.get("/drafts/{draft_id}/export", tags=["review"], response_class=Response,
             summary="The translated draft as txt, md, html or XLIFF (409 while it is not translated)")
    def export_draft(draft_id: str, _who: Submitter,
                     format: str = Query("md", description="txt, md, html or xliff.")) -> Response:
        body, media, name = reviewing.export(draft_id, format)
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.post("/drafts/{draft_id}/import", tags=["review"], openapi_extra=IMPORT_BODY_DOC,
              summary="Apply an edited XLIFF file: the number of segments applied and the problems")
    async def import_draft(draft_id: str, request: Request, who: Reviewer) -> dict:
        data = await _xliff_body(request)
        return await run_in_threadpool(reviewing.import_xliff, draft_id, data, who.name)

    # --- LibreTranslate-compatible -------------------------------------------------------------------
    @app.post("/translate", tags=["libretranslate"], openapi_extra=TRANSLATE_BODY_DOC,
              summary="Translate text and wait for it (LibreTranslate-compatible)")
    async def translate(request: Request, key: PresentedKey) -> dict:
        if _is_form(request):
            form = await form_body(request)
            await form.close()
            fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
            if len(qs := [v for v in form.getlist("q") if isinstance(v, str)]) > 1:
                fields["q"] = qs
        else:
            fields = await _json_body(request)
            if not isinstance(fields, dict):
                raise ApiError(400, "Invalid request: the body must be a JSON object")
        body_key = fields.get("api_key")
        key = key or (body_key if isinstance(body_key, str) and body_key else None)
        who = await run_in_threadpool(desk.authorize, request, key, SUBMITTER, 403)
        return await run_in_threadpool(desk.translate, fields, who)

    @app.get("/languages", tags=["libretranslate"], summary="Languages and their targets")
    def languages() -> list[dict]:
        return [{"code": tag, "name": NAMES[tag], "targets": [t for t in LANGUAGES if t != tag]}
                for tag in LANGUAGES]

    # --- keys ---------------------------------------------------------------------------------------
    @app.post("/keys", status_code=201, tags=["keys"], summary="Create an API key (shown once)")
    def create_key(body: KeyRequest, _who: Admin) -> dict:
        try:
            key_id, key = desk.keys.create(body.name, body.role)
        except ValueError as exc:
            raise ApiError(422, str(exc)) from exc
        return {**key_view(desk.keys.get(key_id)), "key": key}

    @app.get("/keys", tags=["keys"], summary="API keys, without their secrets")
    def list_keys(_who: Admin) -> dict:
        return {"keys": [key_view(r) for r in desk.keys.list()], "roles": list(ROLES)}

    @app.get("/keys/me", tags=["keys"], summary="Your key: its role, rate limit and today's character quota")
    def my_key(who: Submitter) -> dict:
        return {"id": who.id, "name": who.name, "role": who.role, **desk.limits.usage(who.bucket)}

    @app.delete("/keys/{key_id}", tags=["keys"], summary="Revoke an API key")
    def revoke_key(key_id: str, _who: Admin) -> dict:
        if not desk.keys.revoke(key_id):
            raise ApiError(404, f"no key {shown(key_id)}")
        return {"id": key_id, "revoked": True}

    # --- operations -----------------------------------------------------------------------------------
    @app.get("/health", tags=["operations"], summary="Database and queue reachability")
    def health() -> JSONResponse:
        status, body = desk.health()
        return JSONResponse(body, status_code=status)

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse, summary="Prometheus metrics")
    def metrics() -> PlainTextResponse:
        return PlainTextResponse(desk.metrics(), media_type="text/plain; version=0.0.4; charset=utf-8")

    # --- the glossary: import, versions, diff, rollback, search (desk.api_glossary) ----------------------
    from desk.api_glossary import router as glossary_router

    app.include_router(glossary_router(desk))

    # --- review by risk: stats, dismissed checks, concordance (desk.api_risk) ----------------------------
    from desk.api_risk import router as risk_router

    app.include_router(risk_router(desk))

    # --- the review desk (/ui) and its static files -----------------------------------------------------
    from fastapi.staticfiles import StaticFiles

    from desk.web import STATIC
    from desk.web import router as web_router

    app.include_router(web_router(desk, reviewing))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    return app


def _validation_message(errors) -> str:
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        where = ".".join(loc)
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "invalid request: " + "; ".join(parts) if parts else "invalid request"
