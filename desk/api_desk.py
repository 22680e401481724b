"""What stands behind the HTTP API: errors, request bodies, limits (body size, rate), API-key
authentication and roles, and ``Desk``, the service the endpoints call (jobs, LibreTranslate,
health and metrics). ``desk.api`` wires it into FastAPI routes; ``desk.web`` reuses it."""

from __future__ import annotations

import hmac
import logging
import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import Depends, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, field_validator

from common.languages import LanguageError, normalize
from common.settings import Settings
from desk.keys import ADMIN, MAX_NAME, SUBMITTER, KeyStore, allows, hash_key
from glossary.model import GlossaryError
from newsroom.jobs import APPROVED, DRAFT_READY, IN_REVIEW, REJECTED, STATES, UNFINISHED
from translate import formats
from translate.detect import DetectionError, detect
from translate.pipeline import ArticleError
from workers.service import JobService

log = logging.getLogger("dragoman.api")

RATE_WINDOW = 60.0          # seconds of the sliding rate-limit window
TRANSLATE_TIMEOUT = 120.0   # seconds /translate waits for the workers before answering 504
TRANSLATE_POLL = 0.2        # seconds between looks at the store while waiting
TRANSLATE_PRIORITY = 8      # someone is waiting for a /translate answer: ahead of ordinary jobs
RENDERED = (DRAFT_READY, IN_REVIEW, APPROVED, REJECTED)
CELERY_PRIORITY_SEP = "\x06\x16"  # Celery's Redis transport names priority queues "<queue>\x06\x16<n>"
GLOSSARIES = ("", "db", "seed")  # file paths are not accepted over HTTP: they would read the server's disk


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


# --- request bodies -----------------------------------------------------------------------------------
class JobRequest(BaseModel):
    text: str = Field(description="The article (Markdown or plain text).")
    targets: list[str] | str = Field(description='Target languages: a list, or a comma-separated string "tr,sq".')
    source: str | None = Field(None, description='Source language; omitted, empty or "auto": detected.')
    format: Literal["markdown", "text"] = "markdown"
    glossary: Literal["", "db", "seed"] = Field("", description='"db": the stored glossary; "seed": the '
                                                 "built-in newsroom glossary; empty: none.")
    priority: int = Field(5, ge=0, le=9, description="0 lowest ... 9 most urgent.")
    callback_url: str = Field("", max_length=2000, description="POSTed the finished job, once.")

    @field_validator("callback_url")
    @classmethod
    def _http_only(cls, value: str) -> str:
        if value and not value.lower().startswith(("http://", "https://")):
            raise ValueError("callback_url must be an http:// or https:// URL")
        return value


class KeyRequest(BaseModel):
    name: str = Field(min_length=1, max_length=MAX_NAME, description="Who or what uses the key.")
    role: Literal["submitter", "reviewer", "admin"]


_UPLOAD_SCHEMA = {
    "type": "object",
    "required": ["file", "targets"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "UTF-8 article; .md is Markdown."},
        "targets": {"type": "string", "example": "tr,sq"},
        "source": {"type": "string"},
        "format": {"type": "string", "enum": ["markdown", "text"]},
        "glossary": {"type": "string", "enum": list(GLOSSARIES)},
        "priority": {"type": "integer", "minimum": 0, "maximum": 9},
        "callback_url": {"type": "string"},
    },
}
_TRANSLATE_SCHEMA = {
    "type": "object",
    "required": ["q", "target"],
    "properties": {
        "q": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "source": {"type": "string", "default": "auto"},
        "target": {"type": "string"},
        "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
        "api_key": {"type": "string"},
    },
}
JOB_BODY_DOC = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": JobRequest.model_json_schema()},
    "multipart/form-data": {"schema": _UPLOAD_SCHEMA}}}}
TRANSLATE_BODY_DOC = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": _TRANSLATE_SCHEMA},
    "application/x-www-form-urlencoded": {"schema": _TRANSLATE_SCHEMA},
    "multipart/form-data": {"schema": _TRANSLATE_SCHEMA}}}}


# --- limits -------------------------------------------------------------------------------------------
class RateLimiter:
    """At most ``limit`` hits per bucket in any sliding ``window`` seconds, in this process."""

    def __init__(self, limit: int, window: float = RATE_WINDOW, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str) -> float | None:
        """Count a request; None if allowed, else the seconds until the bucket has room again."""
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(bucket, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 0.0)
            hits.append(now)
            if len(self._hits) > 10_000:
                self._prune(now)
            return None

    def _prune(self, now: float) -> None:
        for bucket in [b for b, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[bucket]


class BodyLimit:
    """Answer 413 to a request body over ``limit`` bytes: by its Content-Length header first, then
    by what actually arrives (chunked bodies have no length). The checked body is replayed to the app."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await error_response(400, "invalid Content-Length header")(scope, receive, send)
                return
            if declared > self.limit:
                await self._too_large(scope, receive, send)
                return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body = message.get("body", b"")
            size += len(body)
            if size > self.limit:
                await self._too_large(scope, receive, send)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        body, delivered = b"".join(chunks), False

        async def replay():
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope, receive, send) -> None:
        message = (f"the request body is larger than {self.limit} bytes "
                   "(DRAGOMAN_MAX_REQUEST_BYTES); split the article or raise the limit")
        await error_response(413, message, {"Connection": "close"})(scope, receive, send)


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
Admin = Annotated[Principal, Depends(require(ADMIN))]


# --- the service behind the endpoints -------------------------------------------------------------------
class Desk:
    def __init__(self, settings: Settings, service: JobService):
        self.settings, self.service, self.store = settings, service, service.store
        self.keys = KeyStore(settings.database_url)
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.admin_digest = hash_key(settings.admin_key) if settings.admin_key else ""
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
        wait = self.limiter.hit(principal.bucket if principal else f"ip:{address}")
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, f"rate limit exceeded: at most {self.settings.rate_limit_per_minute} requests "
                                f"per minute; retry in {seconds} s", {"Retry-After": str(seconds)})
        if principal is None:
            message = ("an API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`"
                       if not key else "invalid or revoked API key")
            raise ApiError(unauthenticated, message, {"WWW-Authenticate": "Bearer"})
        if not allows(principal.role, needed):
            raise ApiError(403, f"this needs a {needed} key (or higher); this key is a {principal.role} key")
        return principal

    # --- jobs ---------------------------------------------------------------------------------------------
    def submit(self, req: JobRequest, who: Principal) -> dict:
        self.check_size(req.text, 413)
        source = None if not req.source or req.source.strip().lower() == "auto" else req.source
        try:
            return self.service.submit(req.text, req.targets, source, req.format, req.glossary,
                                       req.priority, req.callback_url, who.name[:MAX_NAME])
        except DetectionError as exc:
            raise ApiError(400, _detection_message(exc)) from exc
        except ArticleError as exc:
            raise ApiError(400, str(exc)) from exc
        except (LanguageError, GlossaryError) as exc:
            raise ApiError(422, str(exc)) from exc
        except ValueError as exc:  # priority, format
            raise ApiError(422, str(exc)) from exc

    def check_size(self, text: str, status: int) -> None:
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise ApiError(400, "the text contains invalid characters (unpaired surrogates)") from exc
        limit = self.settings.max_article_bytes
        if size > limit:
            raise ApiError(status, f"the article is {size} bytes; the limit is {limit} bytes "
                                   "(split it, or raise DRAGOMAN_MAX_ARTICLE_BYTES)")

    def job(self, job_id: str) -> dict:
        job = self.store.job(job_id)
        if job is None:
            raise ApiError(404, f"no job {job_id}")
        return job

    def cancel(self, job_id: str) -> dict:
        try:
            cancelled = self.service.cancel(job_id)
        except KeyError as exc:
            raise ApiError(404, f"no job {job_id}") from exc
        state = self.job(job_id)["state"]
        if not cancelled:
            raise ApiError(409, f"job {job_id} is already {state}: there is nothing left to cancel")
        return {"cancelled": True, "state": state}

    def draft(self, draft_id: str) -> dict:
        draft = self.store.draft(draft_id)
        if draft is None:
            raise ApiError(404, f"no draft {draft_id}")
        return draft

    # --- LibreTranslate --------------------------------------------------------------------------------
    def translate(self, fields: dict[str, Any], who: Principal) -> dict:
        q = fields.get("q")
        if q is None or q == "" or q == []:
            raise ApiError(400, "Invalid request: missing q parameter")
        batch = not isinstance(q, str)
        items = list(q) if batch else [q]
        if not all(isinstance(item, str) for item in items):
            raise ApiError(400, "Invalid request: q must be a string or a list of strings")
        target = fields.get("target")
        if not target or not isinstance(target, str):
            raise ApiError(400, "Invalid request: missing target parameter")
        fmt = fields.get("format") or "text"
        if fmt not in ("text", "html"):
            raise ApiError(400, f"Invalid request: format must be text or html, not {fmt!r}")
        source = fields.get("source") or "auto"
        if not isinstance(source, str):
            raise ApiError(400, "Invalid request: source must be a string")
        self.check_size("".join(items), 400)
        script = self.settings.serbian_script
        try:
            target_tag = normalize(target, script)
            auto = source.strip().lower() == "auto"
            sources = self._detect(items) if auto else [(normalize(source, script), None)] * len(items)
        except DetectionError as exc:
            raise ApiError(400, _detection_message(exc)) from exc
        except LanguageError as exc:
            raise ApiError(400, str(exc)) from exc

        job_ids: dict[int, str] = {}
        try:
            for i, (item, (src, _)) in enumerate(zip(items, sources, strict=True)):
                if item.strip() and src != target_tag:
                    job = self.service.submit(item, [target_tag], src, "text", priority=TRANSLATE_PRIORITY,
                                              submitted_by=who.name[:MAX_NAME])
                    job_ids[i] = job["id"]
        except (ArticleError, LanguageError, DetectionError) as exc:
            for job_id in job_ids.values():
                self.service.cancel(job_id)
            raise ApiError(400, str(exc)) from exc
        finished = self._wait(list(job_ids.values()))
        out = list(items)
        for i, job_id in job_ids.items():
            job = finished[job_id]
            draft = job["drafts"][0]
            if draft["state"] not in RENDERED:
                reason = draft["error"] or job["error"] or draft["state"]
                raise ApiError(500, f"translation failed: {reason}")
            text = render_draft(self.draft(draft["id"]))
            out[i] = text if items[i].endswith("\n") else text.removesuffix("\n")
        result: dict[str, Any] = {"translatedText": out if batch else out[0]}
        if auto:
            detected = [{"confidence": round((conf or 0) * 100, 1), "language": src} for src, conf in sources]
            result["detectedLanguage"] = detected if batch else detected[0]
        return result

    def _detect(self, items: list[str]) -> list[tuple[str, float | None]]:
        """The language of each item; items too short to tell take the language of all of them."""
        found: list[tuple[str, float] | None] = []
        for item in items:
            try:
                found.append(detect(item))
            except DetectionError:
                found.append(None)
        if any(f is None for f in found):
            whole = detect("\n".join(items))  # raises DetectionError: the caller answers 400
            found = [f or whole for f in found]
        return found  # type: ignore[return-value]

    def _wait(self, job_ids: list[str]) -> dict[str, dict]:
        if not job_ids:
            return {}
        deadline = time.monotonic() + self.translate_timeout
        if self.service.embedded:
            self.service.dispatcher.drain()
        while True:
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
            log.warning("health: database check failed: %s", exc)
            database = f"unreachable: {exc.__class__.__name__}"
        if not self.settings.redis_url:
            queue = "embedded"
        else:
            try:
                self.redis().ping()
                queue = "ok"
            except Exception as exc:
                queue = f"unreachable: {exc.__class__.__name__}: {exc}"
        status = "ok" if database == "ok" and not queue.startswith("unreachable") else "degraded"
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


def _detection_message(exc: DetectionError) -> str:
    return str(exc).replace("give it with --from", 'give it as "source"')


def _glob_escape(text: str) -> str:
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


# --- views ----------------------------------------------------------------------------------------------
def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def job_view(job: dict) -> dict:
    drafts = [{"id": d["id"], "target": d["target_lang"], "state": d["state"], "done": d["done"],
               "total": d["total"], "hop": d["hop"], "hops": d["hops"], "error": d["error"]} for d in job["drafts"]]
    return {"id": job["id"], "state": job["state"], "source": job["source_lang"],
            "targets": [d["target"] for d in drafts], "format": job["format"], "glossary": job["glossary"],
            "glossary_version": job["glossary_version"], "priority": job["priority"],
            "submitted_by": job["submitted_by"], "created_at": iso(job["created_at"]),
            "updated_at": iso(job["updated_at"]), "error": job["error"],
            "progress": {"done": sum(d["done"] for d in drafts), "total": sum(d["total"] for d in drafts)},
            "drafts": drafts}


def job_summary(job: dict) -> dict:
    return {"id": job["id"], "state": job["state"], "source": job["source_lang"], "targets": job["targets"],
            "format": job["format"], "priority": job["priority"], "created_at": iso(job["created_at"]),
            "updated_at": iso(job["updated_at"]), "error": job["error"]}


def render_draft(draft: dict) -> str:
    return formats.render_stored(draft)


def draft_view(draft: dict) -> dict:
    return {"id": draft["id"], "job_id": draft["job_id"], "target": draft["target_lang"], "state": draft["state"],
            "done": draft["done"], "total": draft["total"], "hop": draft["hop"], "hops": draft["hops"],
            "error": draft["error"], "updated_at": iso(draft["updated_at"]),
            "finished_at": iso(draft["finished_at"]),
            "text": render_draft(draft) if draft["state"] in RENDERED else None,
            "segments": [{"index": s["idx"], "block": s["block"], "source": s["source"], "target": s["target"],
                          "flags": s["flags"] or [], "score": s["score"], "terms": s["terms"]}
                         for s in draft["segments"]]}


def key_view(record: dict) -> dict:
    return {"id": record["id"], "name": record["name"], "role": record["role"], "prefix": record["prefix"],
            "created_at": iso(record["created_at"]), "revoked": bool(record["revoked"])}
