"""The HTTP API: submit articles, follow jobs, read drafts; a LibreTranslate-compatible ``/translate``.

    uvicorn desk.api:create_app --factory --host 0.0.0.0 --port 8000

It reads the same settings table as everything else and talks to the same job store as the CLI
and the workers. With ``DRAGOMAN_REDIS_URL`` set the work goes to the Celery workers; without it
the embedded dispatcher runs it in this process.

Every endpoint but ``/health``, ``/metrics``, ``/languages`` and the docs needs an API key
(``Authorization: Bearer <key>`` or ``X-API-Key: <key>``) unless ``DRAGOMAN_AUTH_REQUIRED=false``.
Errors are always JSON: ``{"error": "<message>", "status": <code>}``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from common.languages import LANGUAGES, NAMES, LanguageError, normalize
from common.settings import Settings, get_settings
from desk.api_desk import (
    JOB_BODY_DOC,
    TRANSLATE_BODY_DOC,
    Admin,
    ApiError,
    BodyLimit,
    Desk,
    JobRequest,
    KeyRequest,
    PresentedKey,
    Submitter,
    draft_view,
    error_response,
    job_summary,
    job_view,
    key_view,
)
from desk.keys import ROLES, SUBMITTER
from newsroom.jobs import STATES
from translate import formats
from translate.pipeline import ArticleError, decode
from workers.service import JobService

log = logging.getLogger("dragoman.api")

# --- reading bodies -------------------------------------------------------------------------------------
async def _json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError as exc:
        raise ApiError(400, "the request body is not valid JSON") from exc


def _is_form(request: Request) -> bool:
    ctype = request.headers.get("content-type", "").lower()
    return ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded"))


async def _upload_fields(request: Request, desk: Desk) -> tuple[dict[str, Any], str | None]:
    """The fields of a multipart job submission, the article decoded; and the format its name implies."""
    form = await request.form()
    fields: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "file"}
    upload = form.get("file")
    fmt = None
    if isinstance(upload, UploadFile):
        data = await upload.read()
        limit = desk.settings.max_article_bytes
        if len(data) > limit:
            raise ApiError(413, f"the article is {len(data)} bytes; the limit is {limit} bytes "
                                "(split it, or raise DRAGOMAN_MAX_ARTICLE_BYTES)")
        try:
            fields["text"] = decode(data)
        except ArticleError as exc:
            raise ApiError(400, str(exc)) from exc
        fmt = formats.format_for(upload.filename)
    elif isinstance(upload, str):
        fields["text"] = upload
    if fields.get("format"):
        fmt = None  # an explicit format wins over the file name
    return fields, fmt


# --- the application -------------------------------------------------------------------------------------
def create_app(settings: Settings | None = None, service: JobService | None = None) -> FastAPI:
    if settings is None:
        settings = service.settings if service is not None else get_settings()
    service = service or JobService(settings)
    desk = Desk(settings, service)

    app = FastAPI(
        title="dragoman",
        summary="Machine translation for the newsroom: English, Turkish, Albanian, Serbian.",
        description=__doc__,
        version="0.1.0",
    )
    app.state.desk = desk
    app.add_middleware(BodyLimit, limit=settings.max_request_bytes)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.headers)

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
    async def submit_job(request: Request, who: Submitter) -> JSONResponse:
        fmt = None
        if _is_form(request):
            fields, fmt = await _upload_fields(request, desk)
        else:
            fields = await _json_body(request)
        if fmt and isinstance(fields, dict) and not fields.get("format"):
            fields = {**fields, "format": fmt}
        try:
            req = JobRequest.model_validate(fields)
        except ValidationError as exc:
            raise RequestValidationError(exc.errors()) from exc
        job = await run_in_threadpool(desk.submit, req, who)
        return JSONResponse(job_view(job), status_code=201)

    @app.get("/jobs/{job_id}", tags=["jobs"], summary="A job, its drafts and their progress")
    def get_job(job_id: str, _who: Submitter) -> dict:
        return job_view(desk.job(job_id))

    @app.get("/jobs", tags=["jobs"], summary="Jobs, newest first")
    def list_jobs(_who: Submitter, state: str | None = Query(None, description=f"One of: {', '.join(STATES)}."),
                  lang: str | None = Query(None, description="Jobs from or into this language."),
                  limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> dict:
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

    @app.get("/drafts/{draft_id}", tags=["jobs"], summary="A draft: its segments and, once ready, the article")
    def get_draft(draft_id: str, _who: Submitter) -> dict:
        return draft_view(desk.draft(draft_id))

    # --- LibreTranslate-compatible -------------------------------------------------------------------
    @app.post("/translate", tags=["libretranslate"], openapi_extra=TRANSLATE_BODY_DOC,
              summary="Translate text and wait for it (LibreTranslate-compatible)")
    async def translate(request: Request, key: PresentedKey) -> dict:
        if _is_form(request):
            form = await request.form()
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

    @app.delete("/keys/{key_id}", tags=["keys"], summary="Revoke an API key")
    def revoke_key(key_id: str, _who: Admin) -> dict:
        if not desk.keys.revoke(key_id):
            raise ApiError(404, f"no key {key_id}")
        return {"id": key_id, "revoked": True}

    # --- operations -----------------------------------------------------------------------------------
    @app.get("/health", tags=["operations"], summary="Database and queue reachability")
    def health() -> JSONResponse:
        status, body = desk.health()
        return JSONResponse(body, status_code=status)

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse, summary="Prometheus metrics")
    def metrics() -> PlainTextResponse:
        return PlainTextResponse(desk.metrics(), media_type="text/plain; version=0.0.4; charset=utf-8")

    # --- the review desk (/ui) and its static files -----------------------------------------------------
    from fastapi.staticfiles import StaticFiles

    from desk.web import STATIC
    from desk.web import router as web_router

    app.include_router(web_router(desk))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    return app


def _validation_message(errors) -> str:
    parts = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        where = ".".join(loc)
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg", "invalid")))
    return "invalid request: " + "; ".join(parts) if parts else "invalid request"
