"""The review desk's job pages: the list of jobs (filtered by state, language and day, paged), the form
that submits an article (text or an uploaded file), a job's page and the progress its script polls.
``desk.web`` includes these routes."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from common.languages import LanguageError, normalize
from desk import web_views as views
from desk.api_desk import ApiError, Principal
from desk.inputs import MAX_DB_INT
from desk.keys import SUBMITTER
from desk.web import UIRoute, Web, _form
from newsroom.lifecycle import STATES, UNFINISHED
from newsroom.requests import DEFAULT_PRIORITY, GLOSSARIES, PRIORITIES, RequestError
from translate import formats


def router(web: Web) -> APIRouter:
    api = APIRouter(route_class=UIRoute, include_in_schema=False)

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
            job = await run_in_threadpool(web.desk.submit, fields, who, default_format)
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
    return api
