"""The review desk: server-rendered pages under ``/ui`` for signing in with an API key, submitting
articles, following jobs and reviewing drafts segment by segment.

Sessions are a cookie signed by itsdangerous (``URLSafeTimedSerializer``, at most ``SESSION_TTL``
old) with ``session_secret`` (several comma-separated secrets rotate: the first signs, all verify),
or a random secret made once per app, holding the key id, role, name and a CSRF token; every
POST/PUT must echo that token (form field ``csrf`` or header ``X-CSRF-Token``). Pages are sent
with a Content-Security-Policy that forbids inline scripts: all behaviour lives in
``/static/desk.js`` and reads ``data-*`` attributes.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from common.languages import LANGUAGES, NAMES, LanguageError, normalize
from desk import web_views as views
from desk.api_desk import RENDERED, ApiError, Desk, Principal
from desk.api_review import Reviewing
from desk.inputs import MAX_DB_INT, form_body, is_id, json_body, shown
from desk.keys import REVIEWER, SUBMITTER, allows
from glossary.store import shared_store
from newsroom import effort
from newsroom.lifecycle import DRAFT_READY, FAILED, STATES, UNFINISHED
from newsroom.requests import DEFAULT_PRIORITY, GLOSSARIES, PRIORITIES, RequestError
from newsroom.review import REVIEWABLE, ConflictError, ReviewError, TransitionError
from newsroom.risk import assessed_draft
from newsroom.tm import canonical_lang
from newsroom.tmx import export_tm
from translate import formats, inline
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
TM_THRESHOLD = 0.75
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

    # --- drafts -------------------------------------------------------------------------------------
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

    # --- the draft page's script -------------------------------------------------------------------------
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

    # --- the glossary pages (desk.web_glossary) ---------------------------------------------------------
    from desk.web_glossary import router as glossary_router

    api.include_router(glossary_router(web))

    # --- review by risk: dismissing checks, the stats and concordance pages (desk.web_stats) ------------
    from desk.web_stats import router as stats_router

    api.include_router(stats_router(web))
    return api


def _state_json(web: Web, draft_id: str, idx: int, terms: views.Terms | None) -> dict:
    """The segment as it now stands (with its risk), and the draft's and job's states."""
    draft, job = web.draft(draft_id)
    segment = views.segment_json(draft["segments"][idx], terms)
    return {**segment, "draft_state": draft["state"], "job_state": job["state"]}


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

