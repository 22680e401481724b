"""The review desk: server-rendered pages under ``/ui`` for signing in with an API key, submitting
articles, following jobs and reviewing drafts segment by segment.

Sessions are a cookie signed by itsdangerous (``URLSafeTimedSerializer``, at most ``SESSION_TTL``
old) with ``session_secret`` (several comma-separated secrets rotate: the first signs, all verify),
or a random secret made once per app, holding the key id, role, name and a CSRF token; every
POST/PUT must echo that token (form field ``csrf`` or header ``X-CSRF-Token``). Pages are sent
with a Content-Security-Policy that forbids inline scripts: all behaviour lives in
``/static/desk.js`` and reads ``data-*`` attributes.

This module holds the session, signing in and the job pages; the draft pages are ``web_drafts``, the
draft page script's calls ``web_segments``, the glossary pages ``web_glossary``, review by risk and
the stats ``web_stats``: each a router built on the shared ``Web``.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from common.languages import LANGUAGES, NAMES, LanguageError, normalize
from desk import web_views as views
from desk.api_desk import ApiError, Desk, Principal
from desk.api_review import Reviewing
from desk.inputs import MAX_DB_INT, form_body, is_id, json_body, shown
from desk.keys import SUBMITTER, allows
from glossary.store import shared_store
from newsroom.lifecycle import STATES, UNFINISHED
from newsroom.requests import DEFAULT_PRIORITY, GLOSSARIES, PRIORITIES, RequestError
from newsroom.risk import assessed_draft
from translate import formats
from translate.terms import cached_glossary

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; frame-ancestors 'none'; "
       "base-uri 'self'; form-action 'self'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
ENV.globals.update(names=NAMES, languages=LANGUAGES, when=views.when)


class UIError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the sign-in form."""


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/ui/api/") or "application/json" in request.headers.get("accept", "")


class UIRoute(APIRoute):
    """Adds the security headers to every desk response and turns desk errors into pages (or JSON
    for the script's endpoints)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def wrapped(request: Request) -> Response:
            try:
                response = await handler(request)
            except LoginRequired:
                if _wants_json(request):
                    response = JSONResponse({"error": "sign in first (your session ended)", "status": 401}, 401)
                else:
                    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                    response = RedirectResponse(f"/ui/login?next={quote(target, safe='')}", 303)
            except UIError as exc:
                if _wants_json(request):
                    response = JSONResponse({"error": exc.message, "status": exc.status}, exc.status)
                else:
                    html = ENV.get_template("error.html").render(status=exc.status, message=exc.message,
                                                                 session=None)
                    response = HTMLResponse(html, exc.status)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return wrapped


def _redirect(path: str, **params: str) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v})
    return RedirectResponse(path + (f"?{query}" if query else ""), 303)


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/ui") and not value.startswith("//") and "\\" not in value:
        return value
    return "/ui/jobs"


class Web:
    """State shared by the desk's routes."""

    def __init__(self, desk: Desk, reviewing: Reviewing):
        self.desk, self.reviewing = desk, reviewing
        self.settings = desk.settings
        self.store = desk.store
        configured = desk.settings.session_secret.strip(" ,")  # "new,old": the first signs, both verify
        self.secret = configured or getattr(desk, "session_secret", "") or secrets.token_urlsafe(32)
        desk.session_secret = self.secret
        self.memory = reviewing.memory
        self.review = reviewing.review
        self.env = ENV
        self._glossaries: dict[tuple[str, int | None], list] = {}
        self._lock = threading.Lock()

    # --- sessions ---------------------------------------------------------------------------------
    def session(self, request: Request) -> views.Session:
        session = views.read_session(self.secret, request.cookies.get(views.SESSION_COOKIE))
        if session is None:
            raise LoginRequired()
        if self.settings.auth_required:
            if session.sub == "admin":
                if not self.desk.admin_digest:
                    raise LoginRequired()
            else:
                record = self.desk.keys.get(session.sub)
                if record is None or record["revoked"]:
                    raise LoginRequired()
        return session

    @staticmethod
    def check_csrf(request: Request, session: views.Session, form=None) -> None:
        given = request.headers.get("x-csrf-token")
        if not given and form is not None:
            value = form.get("csrf")
            given = value if isinstance(value, str) else None
        if not views.same_token(session.csrf, given):
            raise UIError(403, "missing or invalid CSRF token: reload the page and try again")

    @staticmethod
    def need(session: views.Session, role: str) -> None:
        if not allows(session.role, role):
            raise UIError(403, f"this needs a {role} key (or higher); you signed in with a {session.role} key")

    def page(self, name: str, session: views.Session | None, status: int = 200, **context) -> HTMLResponse:
        html = self.env.get_template(name).render(session=session, **context)
        return HTMLResponse(html, status)

    # --- data -----------------------------------------------------------------------------------------
    def job(self, job_id: str) -> dict:
        job = self.store.job(job_id) if is_id(job_id) else None
        if job is None:
            raise UIError(404, f"no job {shown(job_id)}")
        return job

    def draft(self, draft_id: str) -> tuple[dict, dict]:
        """The draft (with each segment's risk and the review order) and its job."""
        draft = assessed_draft(self.store, draft_id, self.desk.weights) if is_id(draft_id) else None
        if draft is None:
            raise UIError(404, f"no draft {shown(draft_id)}")
        return draft, self.job(draft["job_id"])

    def concepts(self, spec: str) -> list | None:
        """The concepts of glossary ``spec`` as they stand now (the stored one at its current version)."""
        if spec not in ("db", "seed"):
            return None
        version = shared_store(self.settings.database_url).version() if spec == "db" else None
        with self._lock:
            return cached_glossary(self._glossaries, spec, version, self.settings.database_url)

    def terms(self, job: dict, target: str) -> views.Terms | None:
        concepts = self.concepts(job["glossary"] or "")
        return views.Terms(concepts, job["source_lang"], target) if concepts else None


async def _form(request: Request, article: bool = False):
    """The request's form; an article's (``article``) parsed in the thread pool, to be closed by the caller."""
    try:
        return await (form_body(request) if article else request.form())
    except ClientDisconnect:
        raise
    except Exception as exc:  # a malformed body
        raise UIError(400, f"the form could not be read: {exc}") from exc


async def _json(request: Request) -> dict:
    try:
        body = await json_body(request)
    except (ValueError, RecursionError) as exc:
        raise UIError(400, "the request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise UIError(400, "the request body must be a JSON object")
    return body


def router(desk: Desk, reviewing: Reviewing | None = None) -> APIRouter:
    web = Web(desk, reviewing or Reviewing(desk))
    api = APIRouter(route_class=UIRoute, include_in_schema=False)

    @api.get("/")
    def root() -> Response:
        return RedirectResponse("/ui", 307)

    @api.get("/ui")
    def ui_home(request: Request) -> Response:
        return RedirectResponse("/ui/jobs", 303)

    # --- signing in ------------------------------------------------------------------------------
    @api.get("/ui/login")
    def login_form(request: Request, next: str = "") -> Response:
        token = secrets.token_urlsafe(24)
        response = web.page("login.html", None, csrf=token, next=_safe_next(next), error="")
        response.set_cookie(views.LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="lax", path="/ui")
        return response

    @api.post("/ui/login")
    async def login(request: Request) -> Response:
        form = await _form(request)
        key, nxt = str(form.get("key") or "").strip(), _safe_next(str(form.get("next") or ""))
        if not views.same_token(request.cookies.get(views.LOGIN_COOKIE, ""), str(form.get("csrf") or "")):
            raise UIError(403, "missing or invalid CSRF token: reload the sign-in page and try again")
        csrf = request.cookies.get(views.LOGIN_COOKIE, "")
        try:
            who = await run_in_threadpool(desk.authorize, request, key, SUBMITTER)
        except ApiError as exc:
            message = "enter an API key" if not key else exc.message
            return web.page("login.html", None, 401 if exc.status in (401, 403) else exc.status, csrf=csrf, next=nxt,
                            error=message)
        sub = "admin" if who.id == "admin-key" else (who.id or "anonymous")
        session = views.new_session(sub, who.role, who.name or sub)
        response = RedirectResponse(nxt, 303)
        response.set_cookie(views.SESSION_COOKIE, views.sign(web.secret, session),
                            max_age=views.SESSION_TTL, httponly=True, samesite="lax", path="/",
                            secure=request.url.scheme == "https")
        response.delete_cookie(views.LOGIN_COOKIE, path="/ui")
        return response

    @api.post("/ui/logout")
    async def logout(request: Request) -> Response:
        session = web.session(request)
        web.check_csrf(request, session, await _form(request))
        response = RedirectResponse("/ui/login", 303)
        response.delete_cookie(views.SESSION_COOKIE, path="/")
        return response

    # --- jobs -----------------------------------------------------------------------------------------
    @api.get("/ui/jobs")
    def job_list(request: Request, state: str = "", lang: str = "", date_from: str = "", date_to: str = "",
                 page: int = 1) -> Response:
        session = web.session(request)
        problems = []
        if state and state not in STATES:
            problems.append(f"unknown state {state!r}")
            state = ""
        tag = None
        if lang:
            try:
                tag = normalize(lang, web.settings.serbian_script)
            except LanguageError as exc:
                problems.append(str(exc))
        day_from, day_to = views.parse_day(date_from), views.parse_day(date_to)
        if date_from and day_from is None:
            problems.append(f"{date_from!r} is not a date (YYYY-MM-DD)")
        if date_to and day_to is None:
            problems.append(f"{date_to!r} is not a date (YYYY-MM-DD)")
        page = min(max(1, page), MAX_DB_INT // views.PAGE_SIZE)
        found = views.list_jobs(web.store, state or None, tag, day_from, day_to, views.PAGE_SIZE + 1,
                                (page - 1) * views.PAGE_SIZE)
        more = len(found) > views.PAGE_SIZE
        filters = {"state": state, "lang": lang, "date_from": date_from, "date_to": date_to}
        base = {k: v for k, v in filters.items() if v}
        return web.page("jobs.html", session, jobs=found[:views.PAGE_SIZE], filters=filters, states=STATES,
                        page=page, error="; ".join(problems),
                        prev_url=f"/ui/jobs?{urlencode({**base, 'page': page - 1})}" if page > 1 else "",
                        next_url=f"/ui/jobs?{urlencode({**base, 'page': page + 1})}" if more else "")

    def new_job_page(session, status=200, error="", values=None) -> HTMLResponse:
        values = values or {"text": "", "source": "", "targets": [], "glossary": "", "priority": DEFAULT_PRIORITY,
                            "format": ""}
        return web.page("job_new.html", session, status, error=error, values=values, glossaries=GLOSSARIES,
                        priorities=PRIORITIES)

    @api.get("/ui/jobs/new")
    def new_job(request: Request) -> Response:
        return new_job_page(web.session(request))

    @api.post("/ui/jobs/new")
    async def submit_job(request: Request) -> Response:
        session = web.session(request)
        form = await _form(request, article=True)
        try:
            web.check_csrf(request, session, form)
            web.need(session, SUBMITTER)
            targets = [t for t in form.getlist("targets") if isinstance(t, str) and t]
            values = {"text": str(form.get("text") or ""), "source": str(form.get("source") or ""),
                      "targets": targets, "glossary": str(form.get("glossary") or ""),
                      "priority": str(form.get("priority") or DEFAULT_PRIORITY),
                      "format": str(form.get("format") or "")}
            fields, default_format = dict(values), "markdown"
            upload = form.get("file")
            if isinstance(upload, UploadFile) and upload.filename:
                data = await upload.read()
                if data:
                    fields["text"], default_format = data, formats.format_for(upload.filename)
        finally:
            await form.close()
        key_id = "admin-key" if session.sub == "admin" else session.sub  # as the API names it: one quota
        who = Principal(key_id, session.name, session.role, f"key:{key_id}")
        try:
            job = await run_in_threadpool(desk.submit, fields, who, default_format)
        except (RequestError, ApiError) as exc:  # ApiError: the key's daily character quota
            return new_job_page(session, exc.status, exc.message, values)
        return RedirectResponse(f"/ui/jobs/{job['id']}", 303)

    @api.get("/ui/jobs/{job_id}")
    def job_page(request: Request, job_id: str) -> Response:
        session = web.session(request)
        job = web.job(job_id)
        return web.page("job.html", session, job=job, unfinished=job["state"] in UNFINISHED,
                        done=sum(d["done"] for d in job["drafts"]), total=sum(d["total"] for d in job["drafts"]))

    @api.get("/ui/api/jobs/{job_id}")
    def job_progress(request: Request, job_id: str) -> Response:
        web.session(request)
        job = web.job(job_id)
        return JSONResponse({"id": job["id"], "state": job["state"], "finished": job["state"] not in UNFINISHED,
                             "drafts": [{"id": d["id"], "target": d["target_lang"], "state": d["state"],
                                         "done": d["done"], "total": d["total"], "error": d["error"]}
                                        for d in job["drafts"]]})

    # --- drafts and their review (desk.web_drafts), the draft page's script (desk.web_segments) ------
    from desk.web_drafts import router as drafts_router
    from desk.web_segments import router as segments_router

    api.include_router(drafts_router(web))
    api.include_router(segments_router(web))

    # --- the glossary pages (desk.web_glossary) ---------------------------------------------------------
    from desk.web_glossary import router as glossary_router

    api.include_router(glossary_router(web))

    # --- review by risk: dismissing checks, the stats and concordance pages (desk.web_stats) ------------
    from desk.web_stats import router as stats_router

    api.include_router(stats_router(web))
    return api
