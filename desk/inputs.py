"""Checks of raw input before anything parses it or sends it to the database.

- ids (jobs, drafts, API keys) are 32 lowercase hex characters (``uuid4().hex``, see
  ``newsroom.jobs.new_id``); anything else is unknown without asking the database;
- ``InputGuard``, an ASGI middleware, reads each body once and answers 413 to one over the size
  limit, 400 to a path or query string with control
  characters (NUL included), 414 to an over-long URL and 400 to a JSON body nested deeper than
  ``MAX_JSON_DEPTH``, all before any route parses them. The depth check scans the raw bytes: it
  never builds the document, so ``[[[...]]]`` cannot exhaust the parser's recursion;
- ``json_body`` decodes a request's JSON body, ``form_body`` an article's form (urlencoded or multipart). The
  depth check and the decoding run in the thread pool, as all CPU work on a request does: on the event loop,
  a large body would hold up every other request (``/health`` too) while it is read.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any
from urllib.parse import unquote_to_bytes

import anyio
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request

MAX_JSON_DEPTH = 32
MAX_URL_BYTES = 8192       # path and query string together
MAX_SHOWN = 64             # characters of a caller's value quoted back in an error
MAX_DB_INT = 2**31 - 1     # the largest value of an INTEGER column (PostgreSQL)

_ID = re.compile(r"[0-9a-f]{32}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_STRING = re.compile(rb'"(?:[^"\\]+|\\.)*"?', re.DOTALL)  # a JSON string, unterminated ones too
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def is_id(value: object) -> bool:
    """True if ``value`` can be the id of a job, a draft or an API key."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def has_control(text: str) -> bool:
    """True if ``text`` holds a control character (NUL, a line break, ESC ...)."""
    return _CONTROL.search(text) is not None


def shown(value: str) -> str:
    """``value`` as an error message may quote it: as it is when short and printable, else repr'd and cut."""
    if len(value) <= MAX_SHOWN and value.isprintable():
        return value
    text = repr(value[:MAX_SHOWN])
    return text + "..." if len(value) > MAX_SHOWN else text


def json_depth_ok(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True unless ``body``, read as JSON, nests arrays and objects more than ``limit`` deep
    (brackets inside strings do not count). Linear in the body's length; builds nothing."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return True
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return all(depth <= limit for depth in accumulate(_STEP[b] for b in brackets))


async def json_body(request: Request) -> Any:
    """A request's body decoded as JSON, in the thread pool (ValueError or RecursionError when it is not JSON)."""
    return await run_in_threadpool(json.loads, await request.body())


async def form_body(request: Request) -> FormData:
    """A request's form, parsed by Starlette as ``request.form()`` does, but in the thread pool: python-multipart
    parses in Python (about 0.16 s a MB of a urlencoded form). The caller closes it (``await form.close()``)."""
    return await run_in_threadpool(parse_form, request.scope, await request.body())


def parse_form(scope: dict, body: bytes) -> FormData:
    """The form of a request whose body has been read (on an event loop of this thread's own)."""
    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def parse() -> FormData:
        return await Request(scope, receive).form()

    return anyio.run(parse)


def url_problem(path: str, raw_path: bytes, query: bytes) -> tuple[int, str] | None:
    """The status and message for a URL no route should see; None if it is fine."""
    if len(raw_path) + len(query) > MAX_URL_BYTES:
        return 414, f"the URL is longer than {MAX_URL_BYTES} bytes"
    if has_control(path):
        return 400, "the URL path must not contain control characters (such as NUL)"
    if any(b < 0x20 or b == 0x7F for b in unquote_to_bytes(query)):
        return 400, "the query string must not contain control characters (such as NUL)"
    return None


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip()[:1] in (b"[", b"{")


class InputGuard:
    """ASGI middleware: read each request body once, and refuse before the app parses anything a body over
    ``limit`` bytes (413: by its Content-Length header first, then by what arrives, as chunked bodies have no
    length), a bad URL (``url_problem``) or a too-deep JSON body; the checked body is replayed to the app.

    ``respond(status, message, headers=None)`` makes the error response (an ASGI app)."""

    def __init__(self, app, respond, limit: int):
        self.app, self.respond, self.limit = app, respond, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body, problem = await self._read(scope, receive)
        if problem is None:
            problem = url_problem(scope.get("path", ""), scope.get("raw_path") or b"", scope.get("query_string", b""))
        if (problem is None and body is not None and _looks_like_json(body)
                and not await run_in_threadpool(json_depth_ok, body)):
            problem = 400, f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep"
        if problem is not None:
            await self.respond(*problem)(scope, receive, send)
        elif body is not None:
            await self.app(scope, _replay(body, receive), send)

    async def _read(self, scope, receive) -> tuple[bytes | None, tuple | None]:
        """The whole body, or the refusal of one too large; (None, None) when the client went away."""
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.isdigit():
                return None, (400, "invalid Content-Length header")
            if int(length) > self.limit:
                return None, self._too_large()
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return None, None
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return None, self._too_large()
            more = message.get("more_body", False)
        return b"".join(chunks), None

    def _too_large(self) -> tuple:
        return 413, (f"the request body is larger than {self.limit} bytes (DRAGOMAN_MAX_REQUEST_BYTES); split the "
                     "article or raise the limit"), {"Connection": "close"}


def _replay(body: bytes, receive):
    """A ``receive`` that hands the app the body already read, then goes on with the connection's."""
    delivered = False

    async def replay():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
