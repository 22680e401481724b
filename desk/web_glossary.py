"""The review desk's glossary pages under ``/ui/glossary``: search the concepts, add one, edit a
concept's terms (in the CSV cell syntax: ``Prishtinë {def=Prishtina} | ?Prishtina``), import a file
with a preview (the dry-run plan, then Confirm), and the history with diffs and rollbacks.

Reading needs a reviewer session, changes an admin one; every POST checks the session's CSRF token
(``Web.check_csrf``). The preview carries the uploaded file back in the confirm form (compressed),
with the glossary version it was computed on: if the glossary changed in between, the new plan is
shown again instead of being applied blind.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from desk.api_desk import ApiError
from desk.api_glossary import MAX_VERSION, service_of
from desk.keys import ADMIN, REVIEWER, allows
from desk.web import UIError, UIRoute, Web, _form, _redirect
from glossary.formats import MAX_BYTES
from glossary.formats.csv import format_cell, parse_cell
from glossary.model import KINDS, LANGUAGES, Concept, GlossaryError, slug

SHOWN = 200          # concepts on the search page
HISTORY_PAGE = 50    # versions on a history page
FORMATS = ("", "csv", "tsv", "csv-pair", "tbx")


def pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def unpack(text: str) -> bytes:
    """The file a preview packed, refusing anything that is not one or unpacks past the limit."""
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(text, validate=True), MAX_BYTES + 1)
    except (binascii.Error, zlib.error, ValueError) as exc:
        raise UIError(400, "the previewed file was mangled; choose the file again") from exc
    if len(data) > MAX_BYTES or inflater.unconsumed_tail:
        raise UIError(413, "the previewed file is over the glossary size limit")
    return data


def cells(concept: Concept | None) -> dict[str, str]:
    """Each language's terms as one CSV cell, as the edit form shows them."""
    if concept is None:
        return dict.fromkeys(LANGUAGES, "")
    return {lang: format_cell(concept.terms_in(lang)) for lang in LANGUAGES}


def values_of(form: Any) -> dict[str, Any]:
    text = {name: str(form.get(name) or "").strip() for name in ("id", "kind", "note", "subject", "base")}
    return {**text, "cells": {lang: str(form.get(f"lang-{lang}") or "") for lang in LANGUAGES}}


def concept_of(values: dict[str, Any], concept_id: str = "") -> Concept:
    """The concept a form describes; GlossaryError naming the cell at fault."""
    terms = []
    for lang, cell in values["cells"].items():
        if cell.strip():
            try:
                terms += parse_cell(cell, lang)
            except ValueError as exc:
                raise GlossaryError(f"{lang}: {exc}") from exc
    if not terms:
        raise GlossaryError("give at least one term")
    kind = values["kind"] or "translate"
    if kind not in KINDS:
        raise GlossaryError(f"unknown kind {kind!r}")
    return Concept(concept_id or values["id"] or slug(terms[0].text), kind, terms, values["note"], values["subject"])


def version_of(text: str) -> int | None:
    """A version number as a form or query gives it; None if it is not one."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) <= 10 and int(text) <= MAX_VERSION else None


class GlossaryPages:
    """The pages' handlers; ``router`` binds them to their paths."""

    def __init__(self, web: Web):
        self.web, self.glossary = web, service_of(web.desk)

    def reader(self, request: Request):
        session = self.web.session(request)
        self.web.need(session, REVIEWER)
        return session

    async def changer(self, request: Request):
        session = self.web.session(request)
        form = await _form(request)
        self.web.check_csrf(request, session, form)
        self.web.need(session, ADMIN)
        return session, form

    # --- search, add, edit ----------------------------------------------------------------------------
    def search_page(self, session, q="", status=200, notice="", error="", values=None) -> Response:
        found = self.glossary.store.search(q)
        values = values or {"id": "", "kind": "translate", "note": "", "subject": "", "cells": cells(None)}
        return self.web.page("glossary.html", session, status, q=q, concepts=found[:SHOWN], total=len(found),
                             version=self.glossary.store.version(), notice=notice, error=error, kinds=KINDS,
                             values=values, can_edit=allows(session.role, ADMIN), formats=FORMATS)

    def show_glossary(self, request: Request, q: str = "", notice: str = "", error: str = "") -> Response:
        return self.search_page(self.reader(request), q[:200], notice=notice, error=error)

    async def add_concept(self, request: Request) -> Response:
        session, form = await self.changer(request)
        values = values_of(form)
        try:
            concept = concept_of(values)
            version = await run_in_threadpool(self.glossary.store.add, concept, session.name)
        except GlossaryError as exc:
            return self.search_page(session, status=422, error=str(exc), values=values)
        return _redirect("/ui/glossary/concept", id=concept.id, notice=f"Added {concept.id}: version {version}.")

    def concept_page(self, session, concept_id: str, status=200, notice="", error="", values=None) -> Response:
        concept = self.glossary.store.get(concept_id)
        if concept is None:
            raise UIError(404, f"no concept {concept_id[:100]!r} in the glossary")
        values = values or {"id": concept.id, "kind": concept.kind, "note": concept.note, "subject": concept.subject,
                            "cells": cells(concept), "base": self.glossary.store.version()}
        return self.web.page("glossary_concept.html", session, status, concept=concept, values=values, kinds=KINDS,
                             notice=notice, error=error, can_edit=allows(session.role, ADMIN))

    def show_concept(self, request: Request, id: str = "", notice: str = "", error: str = "") -> Response:
        return self.concept_page(self.reader(request), id, notice=notice, error=error)

    async def save_concept(self, request: Request) -> Response:
        session, form = await self.changer(request)
        values = values_of(form)
        concept_id, store = values["id"], self.glossary.store
        try:
            if form.get("action") == "remove":
                version = await run_in_threadpool(store.remove, concept_id, session.name)
                return _redirect("/ui/glossary", notice=f"Removed {concept_id}: version {version}.")
            concept = concept_of(values, concept_id)
            version = await run_in_threadpool(store.update, concept, session.name, version_of(values["base"]))
        except GlossaryError as exc:
            status = 409 if "someone else" in str(exc) else 422
            return self.concept_page(session, concept_id, status, error=str(exc), values=values)
        return _redirect("/ui/glossary/concept", id=concept_id, notice=f"Saved {concept_id}: version {version}.")

    # --- import with a preview ------------------------------------------------------------------------
    def preview(self, session, data: bytes, params: dict[str, str], name: str, notice: str = "") -> Response:
        try:
            result = self.glossary.import_file(data, {**params, "dry_run": "true"}, session.name, name)
        except ApiError as exc:
            return self.search_page(session, status=exc.status, error=f"{name or 'the file'}: {exc.message}")
        return self.web.page("glossary_import.html", session, result=result, plan=result["plan"], params=params,
                             filename=name, packed=pack(data), base=result["version"], notice=notice)

    async def import_file(self, request: Request) -> Response:
        session, form = await self.changer(request)
        params = {k: str(form.get(k) or "") for k in ("format", "mode", "prefer_file", "langs")}
        params["prefer_file"] = "true" if params["prefer_file"] else ""
        if form.get("confirm") == "1":
            return await self.confirm(session, form, params)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _redirect("/ui/glossary", error="choose a glossary file (CSV or TBX) to import")
        data = await upload.read()
        return await run_in_threadpool(self.preview, session, data, params, upload.filename)

    async def confirm(self, session, form, params: dict[str, str]) -> Response:
        """Apply a previewed file, unless the glossary changed since the preview: then preview again."""
        data, name = unpack(str(form.get("data") or "")), str(form.get("name") or "")[:200]
        now = self.glossary.store.version()
        if str(form.get("base") or "") != str(now):
            return await run_in_threadpool(self.preview, session, data, params, name,
                                           f"The glossary changed since the preview (now version {now}): "
                                           "check the plan again.")
        try:
            result = await run_in_threadpool(self.glossary.import_file, data, params, session.name, name)
        except ApiError as exc:
            return self.search_page(session, status=exc.status, error=f"{name}: {exc.message}")
        counts = result["plan"]["counts"]
        return _redirect("/ui/glossary/history", notice=f"Imported {name}: {counts['added']} added, "
                         f"{counts['changed']} changed, {counts['removed']} removed, {counts['conflicts']} "
                         f"conflicts; version {result['version']}.")

    # --- history, diff, rollback ----------------------------------------------------------------------
    def history(self, request: Request, page: int = 1, notice: str = "", error: str = "") -> Response:
        session = self.reader(request)
        page = min(max(1, page), 10_000)
        rows = self.glossary.store.history(HISTORY_PAGE + 1, (page - 1) * HISTORY_PAGE)
        return self.web.page("glossary_history.html", session, rows=rows[:HISTORY_PAGE], page=page,
                             more=len(rows) > HISTORY_PAGE, current=self.glossary.store.version(), notice=notice,
                             error=error, can_edit=allows(session.role, ADMIN))

    def diff(self, request: Request) -> Response:
        session = self.reader(request)
        old, new = request.query_params.get("from", ""), request.query_params.get("to", "")
        plan, error, status = None, "", 200
        if old:
            try:
                plan = self.diff_of(old, new)
            except ApiError as exc:
                error, status = exc.message, exc.status
        return self.web.page("glossary_diff.html", session, status, old=old, new=new, plan=plan, error=error)

    def diff_of(self, old: str, new: str) -> dict:
        first, second = version_of(old), version_of(new) if new else None
        if first is None or (new and second is None):
            raise ApiError(422, "versions are whole numbers (0 is the empty glossary)")
        return self.glossary.diff(first, second)["diff"]

    async def rollback(self, request: Request, version: str) -> Response:
        session, _form = await self.changer(request)
        number = version_of(version)
        if number is None:
            raise UIError(404, f"no glossary version {version[:20]!r}")
        try:
            result = await run_in_threadpool(self.glossary.rollback, number, session.name)
        except ApiError as exc:
            return _redirect("/ui/glossary/history", error=exc.message)
        return _redirect("/ui/glossary/history",
                         notice=f"Rolled back to version {number}: now version {result['version']}.")


def router(web: Web) -> APIRouter:
    pages = GlossaryPages(web)
    api = APIRouter(route_class=UIRoute, include_in_schema=False)
    for path, handler, method in [
        ("/ui/glossary", pages.show_glossary, "GET"),
        ("/ui/glossary/concepts", pages.add_concept, "POST"),
        ("/ui/glossary/concept", pages.show_concept, "GET"),
        ("/ui/glossary/concept", pages.save_concept, "POST"),
        ("/ui/glossary/import", pages.import_file, "POST"),
        ("/ui/glossary/history", pages.history, "GET"),
        ("/ui/glossary/diff", pages.diff, "GET"),
        ("/ui/glossary/rollback/{version}", pages.rollback, "POST"),
    ]:
        api.add_api_route(path, handler, methods=[method])
    return api
