"""What stands behind the HTTP API: errors, request bodies, limits (body size, rate), API-key
authentication and roles, and ``Desk``, the service the endpoints call (jobs, LibreTranslate,
health and metrics). ``desk.api`` wires it into FastAPI routes; ``desk.web`` reuses it; the JSON
shapes of jobs, drafts and keys are ``desk.api_views``."""

from __future__ import annotations

import hmac
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import Depends, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from common.settings import Settings
from desk.api_views import RENDERED, delivery_view, render_draft
from desk.inputs import is_id, shown
from desk.keys import ADMIN, MAX_NAME, REVIEWER, SUBMITTER, KeyStore, allows, hash_key
from desk.limits import Limits
from newsroom.jobs import IdempotencyError
from newsroom.lifecycle import STATES, UNFINISHED
from newsroom.requests import MALFORMED, ArticleRequest, RequestError, parse_targets, prepare
from newsroom.risk import assessed_draft
from translate.risk import Weights
from workers.service import JobService

log = logging.getLogger("dragoman.api")

TRANSLATE_TIMEOUT = 120.0   # seconds /translate waits for the workers before answering 504
TRANSLATE_POLL = 0.2        # seconds between looks at the store while waiting
TRANSLATE_PRIORITY = 8      # someone is waiting for a /translate answer: ahead of ordinary jobs
MAX_IDEMPOTENCY_KEY = 200   # characters of an Idempotency-Key header
LIBRETRANSLATE_ERROR = 400  # LibreTranslate answers every refused request with 400
CELERY_PRIORITY_SEP = "\x06\x16"  # Celery's Redis transport names priority queues "<queue>\x06\x16<n>"


class ApiError(Exception):
    """An answer other than 2xx: ``{"error": message, "status": status, **extra}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, extra: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers, self.extra = status, message, headers or {}, extra or {}

    @classmethod
    def refused(cls, exc: RequestError, status: int | None = None) -> ApiError:
        """A request ``newsroom.requests`` refused, with the status of its kind (or ``status``)."""
        return cls(status or exc.status, exc.message)


def error_response(status: int, message: str, headers: dict[str, str] | None = None,
                   extra: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status, **(extra or {})}, status_code=status, headers=headers)


# --- request bodies -----------------------------------------------------------------------------------
class KeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_NAME, description="Who or what uses the key.")
    role: Literal["submitter", "reviewer", "admin"]


# --- auth ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Principal:
    id: str
    name: str
    role: str
    bucket: str  # the rate-limit bucket: the key, or the client address when there is none


_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer dk_...`")
_header_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key: `X-API-Key: dk_...`")


def presented_key(bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
                  header: Annotated[str | None, Security(_header_key)]) -> str | None:
    if bearer is not None:
        return bearer.credentials
    return header or None


PresentedKey = Annotated[str | None, Depends(presented_key)]


def require(role: str):
    """A dependency: the caller, if its key has at least ``role`` (401/403/429 otherwise)."""
    def dependency(request: Request, key: PresentedKey) -> Principal:
        return desk_of(request).authorize(request, key, role)

    return dependency


Submitter = Annotated[Principal, Depends(require(SUBMITTER))]
Reviewer = Annotated[Principal, Depends(require(REVIEWER))]
Admin = Annotated[Principal, Depends(require(ADMIN))]


# --- the service behind the endpoints -------------------------------------------------------------------
class Desk:
    def __init__(self, settings: Settings, service: JobService):
        self.settings, self.service, self.store = settings, service, service.store
        self.keys = KeyStore(settings.database_url)
        self.limits = Limits(settings.rate_limit_per_minute, settings.quota_chars_per_day, settings.redis_url)
        self.admin_digest = hash_key(settings.admin_key) if settings.admin_key else ""
        self.weights = Weights.from_settings(settings)
        self.translate_timeout = TRANSLATE_TIMEOUT
        self._redis = None

    # --- who is asking ----------------------------------------------------------------------------------
    def identify(self, key: str) -> Principal | None:
        if self.admin_digest and hmac.compare_digest(hash_key(key), self.admin_digest):
            return Principal("admin-key", "admin", ADMIN, "key:admin-key")
        record = self.keys.verify(key)
        if record is None:
            return None
        return Principal(record["id"], record["name"], record["role"], f"key:{record['id']}")

    def authorize(self, request: Request, key: str | None, needed: str, unauthenticated: int = 401) -> Principal:
        address = request.client.host if request.client else "unknown"
        principal = self.identify(key) if key else None
        if not self.settings.auth_required:
            principal = Principal(principal.id if principal else "", principal.name if principal else "", ADMIN,
                                  principal.bucket if principal else f"ip:{address}")
        self.charge(principal.bucket if principal else f"ip:{address}")
        if principal is None:
            message = ("an API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`"
                       if not key else "invalid or revoked API key")
            raise ApiError(unauthenticated, message, {"WWW-Authenticate": "Bearer"})
        if not allows(principal.role, needed):
            raise ApiError(403, f"this needs a {needed} key (or higher); this key is a {principal.role} key")
        return principal

    def charge(self, bucket: str, hits: int = 1, chars: int = 0) -> None:
        """Count ``hits`` requests and ``chars`` characters against ``bucket``'s rate limit and daily
        quota (``desk.limits``); 429 with Retry-After when they do not fit."""
        wait = self.limits.hit(bucket, hits)
        if wait is not None:
            raise ApiError(429, f"rate limit exceeded: at most {self.settings.rate_limit_per_minute} requests "
                                f"per minute (each item of a /translate batch counts); retry in {wait} s",
                           {"Retry-After": str(wait)})
        wait = self.limits.spend(bucket, chars)
        if wait is not None:
            raise ApiError(429, f"daily character quota exceeded: this request has {chars:,} characters, more than "
                                f"are left of {self.settings.quota_chars_per_day:,} per day (see GET /keys/me); "
                                f"it starts again at 00:00 UTC, in {wait} s", {"Retry-After": str(wait)})

    # --- jobs ---------------------------------------------------------------------------------------------
    def submit(self, fields: Any, who: Principal, default_format: str = "markdown", idempotency_key: str = "") -> dict:
        """Prepare (``newsroom.requests``) and submit a job; RequestError for a refused request.
        ``idempotency_key`` (the Idempotency-Key header, per API key): a retry with the same key and
        request gets the job the first made (``replayed``), another request with it 409."""
        key = _idempotency_key(who, idempotency_key)
        request = prepare(fields, self.settings, default_format=default_format)
        if not (key and self.store.job_by_key(key)):  # a replay returns the job it made: nothing more to pay
            self.charge(who.bucket, hits=0, chars=len(request.text) * len(request.targets))
        try:
            return self.service.submit(request, submitted_by=who.name[:MAX_NAME], idempotency_key=key)
        except IdempotencyError as exc:
            raise ApiError(409, str(exc)) from exc

    def resend_callback(self, job_id: str) -> dict:
        """Queue the job's callback again, now (an admin's action); 409 if there is none yet."""
        job = self.job(job_id)
        row = self.service.resend_callback(job_id)
        if row is None:
            why = "it has no callback_url" if not job["callback_url"] else f"it is {job['state']}, not finished"
            raise ApiError(409, f"job {job_id} has no callback to send: {why}")
        return {"job_id": job_id, "callback": delivery_view(row)}

    def job(self, job_id: str) -> dict:
        job = self.store.job(job_id) if is_id(job_id) else None
        if job is None:
            raise ApiError(404, f"no job {shown(job_id)}")
        return job

    def cancel(self, job_id: str) -> dict:
        if not is_id(job_id):
            raise ApiError(404, f"no job {shown(job_id)}")
        try:
            cancelled = self.service.cancel(job_id)
        except KeyError as exc:
            raise ApiError(404, f"no job {job_id}") from exc
        state = self.job(job_id)["state"]
        if not cancelled:
            raise ApiError(409, f"job {job_id} is already {state}: there is nothing left to cancel")
        return {"cancelled": True, "state": state}

    def draft(self, draft_id: str) -> dict:
        """The stored draft with each segment's risk and the draft's review order (``newsroom.risk``)."""
        draft = assessed_draft(self.store, draft_id, self.weights) if is_id(draft_id) else None
        if draft is None:
            raise ApiError(404, f"no draft {shown(draft_id)}")
        return draft

    # --- LibreTranslate --------------------------------------------------------------------------------
    def translate(self, fields: dict[str, Any], who: Principal) -> dict:
        """Translate ``q`` (a string or a list) and wait; every refusal is 400, as LibreTranslate answers."""
        try:
            items, batch, lt_fields = _libretranslate(fields)
            self._count_items(who, len(items))
            requests = self._prepare_items(items, lt_fields)
        except RequestError as exc:
            raise ApiError.refused(exc, LIBRETRANSLATE_ERROR) from exc
        self.charge(who.bucket, hits=0, chars=sum(len(r.text) for r in requests if r is not None and r.targets))
        job_ids = {i: self.service.submit(r, submitted_by=who.name[:MAX_NAME])["id"]
                   for i, r in enumerate(requests) if r is not None and r.targets}
        finished = self._wait(list(job_ids.values()))
        out = list(items)
        for i, job_id in job_ids.items():
            draft = finished[job_id]["drafts"][0]
            if draft["state"] not in RENDERED:
                reason = draft["error"] or finished[job_id]["error"] or draft["state"]
                raise ApiError(500, f"translation failed: {reason}")
            text = render_draft(self.draft(draft["id"]))
            out[i] = text if items[i].endswith("\n") else text.removesuffix("\n")
        result: dict[str, Any] = {"translatedText": out if batch else out[0]}
        if lt_fields["source"].strip().lower() == "auto":
            detected = [_detected(r) for r in requests]
            result["detectedLanguage"] = detected if batch else detected[0]
        return result

    def _count_items(self, who: Principal, items: int) -> None:
        """A batch has at most ``translate_max_items`` items (413), and each item is a request of the
        rate limit (the request itself counted the first): a batch larger than the rate limit never fits."""
        most = min(self.settings.translate_max_items, self.settings.rate_limit_per_minute)
        if items > most:
            why = ("DRAGOMAN_TRANSLATE_MAX_ITEMS" if most == self.settings.translate_max_items
                   else "each item counts as a request of DRAGOMAN_RATE_LIMIT_PER_MINUTE")
            raise ApiError(413, f"a /translate batch may have at most {most} items ({why}); this one has {items}")
        self.charge(who.bucket, hits=items - 1)

    def _prepare_items(self, items: list[str], fields: dict[str, Any]) -> list[ArticleRequest | None]:
        """Each item that has text, as a request of its own (None for blank items); an item too short
        to tell its language takes the language of all of them."""
        parse_targets(fields["targets"], self.settings.serbian_script)  # checked even when every item is blank
        whole = "\n".join(items)
        return [prepare({**fields, "text": item}, self.settings, detect_from=whole, same_language_ok=True)
                if item.strip() else None for item in items]

    def _wait(self, job_ids: list[str]) -> dict[str, dict]:
        if not job_ids:
            return {}
        deadline = time.monotonic() + self.translate_timeout
        while True:  # never drain(): behind a backlog that would outlast the deadline
            jobs = {job_id: self.store.job(job_id) for job_id in job_ids}
            if all(job["state"] not in UNFINISHED for job in jobs.values()):
                return jobs
            if time.monotonic() >= deadline:
                for job_id in job_ids:
                    self.service.cancel(job_id)
                raise ApiError(504, f"the translation did not finish within {self.translate_timeout:g} s "
                                    "(are the workers running?); it has been cancelled")
            time.sleep(TRANSLATE_POLL)

    # --- operations -----------------------------------------------------------------------------------
    def redis(self):
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(self.settings.redis_url, socket_connect_timeout=2, socket_timeout=2)
        return self._redis

    def health(self) -> tuple[int, dict]:
        import sqlalchemy as sa

        try:
            with self.store.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            database = "ok"
        except Exception as exc:
            log.warning("health: database check failed: %s: %s", exc.__class__.__name__, exc)
            database = "unreachable"  # the details go to the log, never to the (unauthenticated) caller
        if not self.settings.redis_url:
            queue = "embedded"
        else:
            try:
                self.redis().ping()
                queue = "ok"
            except Exception as exc:
                log.warning("health: queue broker check failed: %s: %s", exc.__class__.__name__, exc)
                queue = "unreachable"
        status = "ok" if database == "ok" and queue != "unreachable" else "degraded"
        if database != "ok":
            status = "unavailable"
        return (200 if database == "ok" else 503), {"status": status, "database": database, "queue": queue}

    def queue_depths(self) -> dict[str, int] | None:
        """Messages waiting per Celery queue (all its priority sub-queues together); None if Redis
        cannot be read."""
        from workers.app import QUEUES

        if not self.settings.redis_url:
            return dict.fromkeys(QUEUES, 0)
        import redis

        client = self.redis()
        depths = {}
        try:
            for name in QUEUES:
                total = 0
                for key in client.scan_iter(match=_glob_escape(name) + "*", count=1000):
                    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
                    if text == name or text.startswith(name + CELERY_PRIORITY_SEP):
                        try:
                            total += int(client.llen(key))
                        except redis.ResponseError:  # not a list
                            continue
                depths[name] = total
        except redis.RedisError as exc:
            log.warning("metrics: cannot read queue depths: %s", exc)
            return None
        return depths

    def metrics(self) -> str:
        counts = self.store.counts()
        lines = ["# HELP dragoman_jobs Jobs in each state.", "# TYPE dragoman_jobs gauge"]
        lines += [f'dragoman_jobs{{state="{state}"}} {counts.get(state, 0)}' for state in STATES]
        depths = self.queue_depths()
        lines += ["# HELP dragoman_queue_up Whether the queue broker could be read (1 in embedded mode).",
                  "# TYPE dragoman_queue_up gauge", f"dragoman_queue_up {0 if depths is None else 1}",
                  "# HELP dragoman_queue_depth Messages waiting in each Celery queue.",
                  "# TYPE dragoman_queue_depth gauge"]
        lines += [f'dragoman_queue_depth{{queue="{_label(name)}"}} {n}' for name, n in (depths or {}).items()]
        done = self.store.segments_done_since(datetime.now(UTC) - timedelta(seconds=60))
        lines += ["# HELP dragoman_segments_per_second Segments translated per second over the last minute.",
                  "# TYPE dragoman_segments_per_second gauge", f"dragoman_segments_per_second {done / 60:.4f}"]
        return "\n".join(lines) + "\n"


def desk_of(request: Request) -> Desk:
    return request.app.state.desk


def _libretranslate(fields: Any) -> tuple[list[str], bool, dict[str, Any]]:
    """The items of a LibreTranslate request, whether it was a batch, and the request's fields under
    dragoman's names (the checks themselves are ``newsroom.requests``')."""
    if not isinstance(fields, dict):
        raise RequestError(MALFORMED, "Invalid request: the body must be a JSON object")
    q = fields.get("q")
    if q is None or q == "" or q == []:
        raise RequestError(MALFORMED, "Invalid request: missing q parameter")
    batch = not isinstance(q, str)
    items = list(q) if batch and isinstance(q, list) else [q]
    if not all(isinstance(item, str) for item in items):
        raise RequestError(MALFORMED, "Invalid request: q must be a string or a list of strings")
    target = fields.get("target")
    if not target or not isinstance(target, str):
        raise RequestError(MALFORMED, "Invalid request: missing target parameter")
    fmt = fields.get("format") or "text"
    if fmt not in ("text", "html"):
        raise RequestError(MALFORMED, f"Invalid request: format must be text or html, not {fmt!r}")
    source = fields.get("source") or "auto"
    if not isinstance(source, str):
        raise RequestError(MALFORMED, "Invalid request: source must be a string")
    return items, batch, {"source": source, "targets": target, "format": fmt, "priority": TRANSLATE_PRIORITY}


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _idempotency_key(who: Principal, key: str) -> str:
    """The key as stored: scoped to the caller's API key (or address), checked."""
    if not key:
        return ""
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isascii() or not key.isprintable():
        raise ApiError(400, f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY} printable ASCII characters")
    return f"{who.bucket}|{key}"


def _detected(request: ArticleRequest | None) -> dict[str, Any]:
    """LibreTranslate's detectedLanguage of one /translate item (confidence in percent), with the
    detector's ``note`` ("possibly hr/bs") when it has one; a blank item has no language."""
    if request is None:
        return {"confidence": 0.0, "language": None}
    found = {"confidence": round((request.confidence or 0) * 100, 1), "language": request.source}
    return {**found, "note": request.detection_note} if request.detection_note else found
