"""Fuzzing the HTTP API from its own OpenAPI document (``app.openapi()``), in process through the
ASGI app (no network), on PostgreSQL (which refuses what SQLite would store: NUL characters, lone
surrogates, integers past 32 bits), for every operation with an admin key and without one: no
response may be a 5xx.

Two generators, both bounded and derandomized (the same cases every run):

- schemathesis: per operation, cases that fit the schema (positive) and cases that break it (negative);
- hostile values (hypothesis): every path parameter, query parameter and JSON body field the schema
  names, filled with NUL, lone surrogates, huge strings and numbers, nested structures, real ids
  and other ids; and raw bodies nested past the JSON depth limit.

The review desk's pages (not in the OpenAPI document) get the hostile path and query values too,
signed in. The workers are held (nothing is translated): /translate answers 504 after waiting 0 s,
the one 5xx allowed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from urllib.parse import quote

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from common.settings import Settings
from desk.api import create_app
from tests.conftest import ROOT, HeldDispatcher, pg_schema_url
from translate.engines import Engines
from workers.runner import run_hop
from workers.service import JobService

pytestmark = [pytest.mark.integration, pytest.mark.filterwarnings("ignore:Generating overly large repr")]

PG_URL = os.environ.get("DRAGOMAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SCHEMA = "dragoman_test_fuzz"
ADMIN_KEY = "fuzz-admin-key"
AS_ADMIN = {"X-API-Key": ADMIN_KEY, "Authorization": f"Bearer {ADMIN_KEY}"}
AUTH_HEADERS = ("authorization", "x-api-key")
SCHEMATHESIS_EXAMPLES = 12   # per operation and mode; each case is sent twice (admin key, no key)
HOSTILE_EXAMPLES = 12        # per operation, after the deterministic sweep of hostile values
SR_TEXT = "\n\n".join((ROOT / "tests" / "fixtures" / "corpus" / "sr-Latn.txt").read_text("utf-8").splitlines()[:2])
FUZZ = settings(deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def app():
    settings_ = Settings(database_url=pg_schema_url(PG_URL, SCHEMA), models_dir=ROOT / "no-models",
                         admin_key=ADMIN_KEY, redis_url="", offline=True, rate_limit_per_minute=10**6)
    app = create_app(settings_, JobService(settings_, dispatcher=HeldDispatcher()))
    app.state.desk.translate_timeout = 0
    yield app
    for engine in (app.state.desk.store.engine, app.state.desk.keys.engine):
        engine.dispose()


@pytest.fixture(scope="module")
def ids(app) -> dict[str, str]:
    """Real ids: a translated draft (its one hop run here: script conversion needs no model), its job, a key."""
    client = TestClient(app)
    job = client.post("/jobs", json={"text": SR_TEXT, "source": "sr-Latn", "targets": "sr-Cyrl"}, headers=AS_ADMIN)
    assert job.status_code == 201, job.text
    desk, draft_id = app.state.desk, job.json()["drafts"][0]["id"]
    run_hop(desk.store, Engines(desk.settings), desk.settings, draft_id, 0)
    assert desk.store.draft(draft_id)["state"] == "draft_ready"
    key = client.post("/keys", json={"name": "fuzzed", "role": "reviewer"}, headers=AS_ADMIN).json()
    return {"job_id": job.json()["id"], "draft_id": draft_id, "key_id": key["id"], "index": "0"}


def server_error(status: int, method: str, path: str) -> bool:
    return status >= 500 and not (status == 504 and method == "POST" and path == "/translate")


def operations(app) -> list[tuple[str, str, dict]]:
    return [(path, method.upper(), op) for path, item in app.openapi()["paths"].items()
            for method, op in item.items() if method in ("get", "post", "put", "patch", "delete")]


# --- schemathesis ---------------------------------------------------------------------------------------------
def _schemathesis_run(operation, mode, failures: list[str]) -> None:
    @settings(FUZZ, max_examples=SCHEMATHESIS_EXAMPLES)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case) -> None:
        case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in AUTH_HEADERS}
        for headers in (AS_ADMIN, {}):
            try:
                status = case.call(headers=headers).status_code
            except Exception as exc:  # a server exception the test client re-raised
                status, detail = 599, repr(exc)[:300]
            else:
                detail = ""
            if server_error(status, operation.method.upper(), operation.path):
                failures.append(f"{operation.label} [{mode.value}, {'admin' if headers else 'no key'}] -> {status} "
                                f"{detail} path={case.path_parameters} query={case.query} body={str(case.body)[:200]}")

    with contextlib.suppress(Unsatisfiable):  # nothing to break in an operation without parameters or body
        run()


def test_schemathesis_cases_never_get_a_5xx(app, ids):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _schemathesis_run(operation, mode, failures)
    assert not failures, "\n".join(failures[:20])


# --- hostile values --------------------------------------------------------------------------------------------
HOSTILE_TEXT = ["", "\x00", "a\x00b", "\ud800", "x" * 100_000, "é€😀\u202e\u0301", "%00", "../../etc/passwd",
                "' OR 1=1 --", "\r\n\t", "0" * 32, "f" * 33, "-1"]
HOSTILE_NUMBERS = [-1, 2**31, 2**63, 10**40, 1e308, 0.5, True, float("nan")]
HOSTILE_JSON = [*HOSTILE_TEXT, *HOSTILE_NUMBERS, None, [], {}, ["x", 1], [[["deep"]]]]
BOMBS = ["[" * 50_000 + "]" * 50_000, '{"a": ' + "[" * 40 + "]" * 40 + "}", "\x00", "not json", '"\\ud800"', "[]"]
BASE_BODIES = {  # a request that would succeed, so that one hostile field at a time gets far
    "/jobs": {"text": SR_TEXT, "source": "sr-Latn", "targets": "sr-Cyrl"},
    "/translate": {"q": "Dobar dan.", "source": "sr-Latn", "target": "sr-Cyrl"},
    "/keys": {"name": "fuzzed", "role": "submitter"},
    "/drafts/{draft_id}/review": {"action": "start"},
    "/drafts/{draft_id}/segments/{index}": {"target": "Dobar dan.", "version": 0},
}


def _url_safe(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# past the URL limit (8 KiB) but within the test client's (64 KiB); numbers as text
URL_TEXT = [t for t in HOSTILE_TEXT if _url_safe(t) and len(t) < 1000] + ["y" * 9000] + list(map(str, HOSTILE_NUMBERS))
scalars = (st.sampled_from(HOSTILE_TEXT) | st.text(max_size=30) | st.sampled_from(HOSTILE_NUMBERS)
           | st.integers() | st.none() | st.booleans())
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.sampled_from(HOSTILE_TEXT) | st.text(max_size=10), inner, max_size=4),
                           max_leaves=12)


def path_names(path: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", path)


def query_names(op: dict) -> list[str]:  # an OpenAPI operation's
    return [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"]


def body_fields(op: dict) -> list[str]:
    content = op.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        return ["name", "role"]  # the one pydantic body (KeyRequest)
    return list(schema.get("properties", {}))


def sweep(path: str, op: dict, ids: dict[str, str]):
    """(path values, query, body, with the admin key): every hostile value in every parameter and body
    field in turn, the rest of the request real (ids that exist, a body that would be accepted). With
    the admin key: without one the key check refuses before a route reads anything but its body."""
    real = {name: ids.get(name, "x") for name in path_names(path)}
    body = BASE_BODIES.get(path, {}) if "requestBody" in op else None
    plain = None if body is None else json.dumps(body)
    for name in real:
        yield from (({**real, name: value}, {}, plain, True) for value in URL_TEXT)
    for name in query_names(op):
        yield from ((real, {name: value}, plain, True) for value in URL_TEXT)
    if body is not None:
        for name in dict.fromkeys([*body, *body_fields(op)]):
            yield from ((real, {}, json.dumps({**body, name: value}), True) for value in HOSTILE_JSON)
        yield from ((real, {}, bomb, admin) for bomb in BOMBS for admin in (True, False))


def send(client: TestClient, method: str, path: str, params: dict, query: dict, body: str | None,
         admin: bool) -> str | None:
    """Make the request; a description of it if the answer is a 5xx."""
    url = re.sub(r"\{(\w+)\}", lambda m: quote(params[m.group(1)], safe=""), path)
    content = body.encode("utf-8", "surrogatepass") if body is not None else None
    headers = {**(AS_ADMIN if admin else {}), "Content-Type": "application/json"}
    response = client.request(method, url, params=query, content=content, headers=headers)
    if not server_error(response.status_code, method, path):
        return None
    return (f"{method} {url[:120]} query={str(query)[:120]} body={(body or '')[:120]!r} "
            f"{'admin' if admin else 'no key'} -> {response.status_code} {response.text[:200]}")


def _random_run(client: TestClient, ids, path: str, method: str, op: dict, failures: list[str]) -> None:
    words = st.sampled_from(list(ids.values()) + URL_TEXT) | st.text(max_size=30).filter(_url_safe)
    bodies = st.fixed_dictionaries({}, optional=dict.fromkeys(body_fields(op), json_values)) | json_values

    @settings(FUZZ, max_examples=HOSTILE_EXAMPLES)
    @given(params=st.fixed_dictionaries(dict.fromkeys(path_names(path), words)),
           query=st.fixed_dictionaries({}, optional=dict.fromkeys(query_names(op), words)),
           body=bodies.map(json.dumps) if "requestBody" in op else st.none(), admin=st.booleans())
    def run(params, query, body, admin) -> None:
        failures.append(send(client, method, path, params, query, body, admin))

    run()


def fuzz(client: TestClient, ids, path: str, method: str, op: dict) -> list[str]:
    failures = [send(client, method, path, *case) for case in sweep(path, op, ids)]
    _random_run(client, ids, path, method, op, failures)
    return [f for f in failures if f]


def test_hostile_values_never_get_a_5xx(app, ids):
    client = TestClient(app, raise_server_exceptions=False)
    failures = [f for path, method, op in operations(app) for f in fuzz(client, ids, path, method, op)]
    assert not failures, f"{len(failures)} requests got a 5xx:\n" + "\n".join(failures[:20])


def flat_routes(routes) -> list:
    """The routes of the app and of the routers it includes (the review desk's, among them)."""
    flat = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        flat += flat_routes(inner.routes) if inner is not None else [route] if hasattr(route, "methods") else []
    return flat


def test_hostile_values_on_the_desk_pages_never_get_a_5xx(app, ids):
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/ui/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    client.post("/ui/login", data={"key": ADMIN_KEY, "csrf": csrf, "next": "/ui/jobs"})
    routes = [r for r in flat_routes(app.routes) if r.path.startswith("/ui") and "GET" in (r.methods or ())]
    assert len(routes) >= 8, [r.path for r in routes]
    failures = [f for route in routes for f in fuzz(client, ids, route.path, "GET", {"parameters": [
        {"in": "query", "name": q.alias} for q in route.dependant.query_params]})]
    assert not failures, f"{len(failures)} requests got a 5xx:\n" + "\n".join(failures[:20])
