"""The review desk: server-rendered pages under ``/ui`` for signing in with an API key, submitting
articles, following jobs and reviewing drafts segment by segment.

Sessions are a cookie signed by itsdangerous (``URLSafeTimedSerializer``, at most ``SESSION_TTL``
old) with ``session_secret`` (several comma-separated secrets rotate: the first signs, all verify),
or a random secret made once per app, holding the key id, role, name and a CSRF token; every
POST/PUT must echo that token (form field ``csrf`` or header ``X-CSRF-Token``). Pages are sent
with a Content-Security-Policy that forbids inline scripts: all behaviour lives in
``/static/desk.js`` and reads ``data-*`` attributes.

This module holds the session and signing in; the job pages are ``web_jobs``, the draft pages
``web_drafts``, the draft page script's calls ``web_segments``, the glossary pages ``web_glossary``,
review by risk and the stats ``web_stats``: each a router built on the shared ``Web``.
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
from starlette.requests import ClientDisconnect

from common.languages import LANGUAGES, NAMES
from desk import web_views as views
from desk.api_desk import ApiError, Desk
from desk.api_review import Reviewing
from desk.inputs import form_body, is_id, json_body, shown
from desk.keys import SUBMITTER, allows
from glossary.store import shared_store
from newsroom.risk import assessed_draft
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

    # --- the job pages (desk.web_jobs), drafts and their review (desk.web_drafts), the draft page's
    # script (desk.web_segments) ---------------------------------------------------------------------
    from desk.web_drafts import router as drafts_router
    from desk.web_jobs import router as jobs_router
    from desk.web_segments import router as segments_router

    api.include_router(jobs_router(web))
    api.include_router(drafts_router(web))
    api.include_router(segments_router(web))

    # --- the glossary pages (desk.web_glossary) ---------------------------------------------------------
    from desk.web_glossary import router as glossary_router

    api.include_router(glossary_router(web))

    # --- review by risk: dismissing checks, the stats and concordance pages (desk.web_stats) ------------
    from desk.web_stats import router as stats_router

    api.include_router(stats_router(web))
    return api
