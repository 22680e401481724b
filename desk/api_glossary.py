"""The glossary over HTTP: import (merge or replace, with a dry run), versions, diff, rollback and
search. Reading needs a reviewer key, changes an admin key. ``GlossaryDesk`` is the service behind
the routes; the review desk's glossary page (``desk.web_glossary``) calls the same methods.

    POST /glossary/import?format=&mode=merge|replace&prefer_file=&dry_run=&langs=   (admin)
         the file as the body, or as the multipart field ``file`` (form fields may carry the options)
    GET  /glossary/versions?limit=&offset=                                          (reviewer)
    GET  /glossary/diff?from=V1&to=V2                                               (reviewer)
    POST /glossary/rollback/{version}                                               (admin)
    GET  /glossary/concepts?q=&limit=                                               (reviewer)

A file that cannot be read or would make the glossary invalid is 422 (the message names the line or
concept), an empty body 400, a file over the glossary limit 413, a version without a snapshot 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from common.settings import Settings
from desk.api_desk import Admin, ApiError, Desk, Principal, Reviewer
from desk.api_views import iso
from glossary.formats import MAX_BYTES
from glossary.model import GlossaryError, to_dict
from glossary.store import GlossaryStore, VersionNotStored, shared_store

MODES = ("merge", "replace")
MAX_VERSION = 2**31 - 1  # the largest INTEGER of the versions table
SUFFIX_FORMATS = {".csv": "csv", ".tsv": "tsv", ".tbx": "tbx", ".xml": "tbx"}
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


@contextmanager
def glossary_errors() -> Iterator[None]:
    """A version that is not stored is 404; a file or change the glossary refuses is 422."""
    try:
        yield
    except VersionNotStored as exc:
        raise ApiError(404, str(exc)) from exc
    except GlossaryError as exc:
        raise ApiError(422, str(exc)) from exc


def flag(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "").strip().lower()
    if value not in TRUE + FALSE:
        raise ApiError(422, f"{name} must be true or false, not {value[:20]!r}")
    return value in TRUE


def format_for(filename: str | None) -> str | None:
    return SUFFIX_FORMATS.get(PurePath(filename).suffix.lower()) if filename else None


def who_of(principal: Principal) -> str:
    return principal.name or principal.id or "anonymous"


class GlossaryDesk:
    """The stored glossary for the API and the desk: plans, versions, diffs, rollbacks, searches."""

    def __init__(self, settings: Settings):
        self.settings = settings

    @property
    def store(self) -> GlossaryStore:
        return shared_store(self.settings.database_url)

    def load(self, data: bytes, fmt: str | None = None, langs: str = "") -> list:
        """The concepts of an uploaded file (``langs``: the two languages of a headerless pair CSV)."""
        from glossary.formats import load

        if not data:
            raise ApiError(400, "send the glossary file as the request body (or as the multipart field file)")
        if len(data) > MAX_BYTES:
            raise ApiError(413, f"the glossary file is over the {MAX_BYTES // 1024 // 1024} MB limit; split it")
        source, _, target = langs.partition(",")
        with glossary_errors():
            return load(data, fmt or None, source=source.strip() or None, target=target.strip() or None)

    def import_file(self, data: bytes, params: dict[str, str], who: str, filename: str = "") -> dict:
        """Merge (or replace with) a file; the plan, and the new version unless it is a dry run."""
        mode = params.get("mode", "merge") or "merge"
        if mode not in MODES:
            raise ApiError(422, f"mode must be merge or replace, not {mode[:20]!r}")
        prefer, dry = flag(params, "prefer_file"), flag(params, "dry_run")
        if prefer and mode == "replace":
            raise ApiError(422, "prefer_file is for merging; replace takes the whole file anyway")
        concepts = self.load(data, params.get("format") or format_for(filename), params.get("langs", ""))
        with glossary_errors():
            plan, version = self.store.merge(concepts, prefer_file=prefer, replace=mode == "replace", who=who,
                                             source=filename or "upload", dry_run=dry)
        return {"mode": mode, "dry_run": dry, "written": not dry, "version": version, "concepts": len(concepts),
                "plan": plan.to_dict()}

    def versions(self, limit: int = 50, offset: int = 0) -> dict:
        rows = self.store.history(limit, offset)
        return {"current": self.store.version(), "limit": limit, "offset": offset,
                "versions": [{**r, "created_at": iso(r["created_at"])} for r in rows]}

    def diff(self, old: int, new: int | None = None) -> dict:
        with glossary_errors():
            plan = self.store.diff(old, new)
        return {"from": old, "to": self.store.version() if new is None else new, "diff": plan.to_dict()}

    def rollback(self, version: int, who: str) -> dict:
        with glossary_errors():
            plan, new = self.store.rollback(version, who)
        return {"rolled_back_to": version, "version": new, "diff": plan.to_dict()}

    def search(self, query: str = "", limit: int = 100) -> dict:
        found = self.store.search(query)
        return {"version": self.store.version(), "query": query, "total": len(found),
                "concepts": [to_dict(c) for c in found[:limit]]}


def service_of(desk: Desk) -> GlossaryDesk:
    """The one GlossaryDesk of an app (kept on its Desk, so the API and the desk pages share it)."""
    service = getattr(desk, "glossary_desk", None)
    if service is None:
        service = desk.glossary_desk = GlossaryDesk(desk.settings)
    return service


async def upload(request: Request) -> tuple[bytes, dict[str, str], str]:
    """The file (body or multipart field ``file``), the options given as form fields, and the file's name."""
    params: dict[str, str] = {}
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "multipart/form-data":
        return await request.body(), params, ""
    form = await request.form()
    params.update({k: v for k, v in form.items() if isinstance(v, str) and k != "file"})
    file = form.get("file")
    if isinstance(file, UploadFile):
        return await file.read(), params, file.filename or ""
    if isinstance(file, str):
        return file.encode("utf-8"), params, ""
    raise ApiError(400, "send the glossary file as the multipart field file")


IMPORT_DOC: dict[str, Any] = {"requestBody": {"content": {
    "application/xml": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}}


def router(desk: Desk) -> APIRouter:
    glossary = service_of(desk)
    api = APIRouter(prefix="/glossary", tags=["glossary"])

    @api.post("/import", openapi_extra=IMPORT_DOC,
              summary="Import a CSV or TBX file: merge (default) or replace; dry_run shows the plan only")
    async def import_glossary(request: Request, who: Admin,
                              format: str = Query("", description="csv, tsv, csv-pair or tbx (default: from the "
                                                                  "file name or the content)"),
                              mode: str = Query("merge", description="merge or replace"),
                              prefer_file: bool = Query(False, description="On a conflict take the file's value"),
                              dry_run: bool = Query(False, description="Compute the plan, write nothing"),
                              langs: str = Query("", description="A headerless two-column CSV's languages: en,tr")
                              ) -> dict:
        data, fields, name = await upload(request)
        params = {"format": format, "mode": mode, "prefer_file": str(prefer_file), "dry_run": str(dry_run),
                  "langs": langs, **fields}
        return await run_in_threadpool(glossary.import_file, data, params, who_of(who), name)

    @api.get("/versions", summary="Glossary versions, newest first: when, who, what changed")
    def versions(_who: Reviewer, limit: int = Query(50, ge=1, le=500),
                 offset: int = Query(0, ge=0, le=MAX_VERSION)) -> dict:
        return glossary.versions(limit, offset)

    @api.get("/diff", summary="Concepts added, removed and changed between two versions")
    def diff(_who: Reviewer, old: int = Query(alias="from", ge=0, le=MAX_VERSION),
             new: int | None = Query(None, alias="to", ge=0, le=MAX_VERSION)) -> dict:
        return glossary.diff(old, new)

    @api.post("/rollback/{version}", summary="A new version equal to an earlier one (history is kept)")
    def rollback(version: int, who: Admin) -> dict:
        if not 0 <= version <= MAX_VERSION:
            raise ApiError(404, f"glossary version {version} is not stored: there is no such version")
        return glossary.rollback(version, who_of(who))

    @api.get("/concepts", summary="Search concepts by id, term or form (any case)")
    def concepts(_who: Reviewer, q: str = Query("", max_length=200), limit: int = Query(100, ge=1, le=1000)) -> dict:
        return glossary.search(q, limit)

    return api
