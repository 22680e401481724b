"""The glossary over HTTP (desk.api_glossary) through FastAPI's TestClient: import as a merge with a
dry run, prefer_file and replace; versions, diff, rollback and search; roles; errors as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.settings import Settings
from desk.api import create_app
from glossary.match import Matcher
from tests.integration.test_glossary_e2e import CONFLICTING_TBX
from tests.unit.test_glossary_merge import PLAIN_TBX

pytestmark = pytest.mark.integration

ADMIN_KEY = "admin-glossary-key"
ADMIN = {"X-API-Key": ADMIN_KEY}


def make_client(tmp_path: Path, **kw) -> TestClient:
    values = {"database_url": f"sqlite:///{tmp_path}/g.db", "models_dir": tmp_path / "no-models",
              "admin_key": ADMIN_KEY, "redis_url": "", "offline": True, "rate_limit_per_minute": 1000}
    return TestClient(create_app(Settings(**{**values, **kw})))


@pytest.fixture
def client(tmp_path) -> TestClient:
    return make_client(tmp_path)


def key(client: TestClient, role: str) -> dict[str, str]:
    response = client.post("/keys", json={"name": f"{role}-desk", "role": role}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['key']}"}


def seed(client: TestClient) -> None:
    from glossary.formats import dump
    from glossary.seed import load_seed

    response = client.post("/glossary/import?format=tbx", content=dump(load_seed(), "tbx3"), headers=ADMIN)
    assert response.status_code == 200, response.text
    assert response.json()["plan"]["counts"]["added"] == 17


def assert_error(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "status"} and body["status"] == status
    for word in words:
        assert word in body["error"], body["error"]


def test_import_merges_a_plain_tbx_into_the_seed(client):
    seed(client)
    response = client.post("/glossary/import", files={"file": ("other-tool.tbx", PLAIN_TBX)}, headers=ADMIN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["mode"], body["dry_run"], body["written"], body["version"], body["concepts"]) == \
        ("merge", False, True, 2, 3)
    assert [c["id"] for c in body["plan"]["added"]] == ["gracanica"]
    assert sorted(body["plan"]["unchanged"]) == ["kfor", "pristina"]
    store = client.app.state.desk.glossary_desk.store
    kfor = store.get("kfor")
    assert kfor.kind == "keep" and kfor.preferred("sr-Latn").forms["gen"] == "KFOR-a"
    found = Matcher(store.concepts(), "sr-Latn").find("Komandant KFOR-a doputovao je u Prištinu.")
    assert [m.concept.id for m in found] == ["kfor", "pristina"]


def test_dry_run_prefer_file_and_replace(client):
    seed(client)
    dry = client.post("/glossary/import?dry_run=true", content=CONFLICTING_TBX, headers=ADMIN).json()
    assert dry["dry_run"] and not dry["written"] and dry["version"] == 1
    conflict = dry["plan"]["conflicts"][0]
    assert {k: conflict[k] for k in ("concept", "incoming", "field", "lang", "current", "file", "applied")} == {
        "concept": "kosovo", "incoming": "k", "field": "preferred", "lang": "sq", "current": "Kosovë",
        "file": "Kosova", "applied": False}
    changes = dry["plan"]["changed"][0]["changes"]
    assert {"field": "kind", "lang": "", "term": "", "before": "translate", "after": "keep"} in changes
    assert client.get("/glossary/versions", headers=ADMIN).json()["current"] == 1
    taken = client.post("/glossary/import", data={"prefer_file": "true"}, files={"file": ("k.tbx", CONFLICTING_TBX)},
                        headers=ADMIN).json()
    assert taken["version"] == 2 and taken["plan"]["conflicts"][0]["applied"] is True
    replaced = client.post("/glossary/import?mode=replace", content=CONFLICTING_TBX, headers=ADMIN).json()
    assert replaced["version"] == 3 and replaced["plan"]["counts"]["removed"] == 17
    concepts = client.get("/glossary/concepts", headers=ADMIN).json()
    assert [c["id"] for c in concepts["concepts"]] == ["k", "peja"] and concepts["version"] == 3


def test_versions_diff_rollback_and_search(client):
    seed(client)
    client.post("/glossary/import", files={"file": ("other-tool.tbx", PLAIN_TBX)}, headers=ADMIN)
    versions = client.get("/glossary/versions", headers=ADMIN).json()
    assert versions["current"] == 2 and [v["version"] for v in versions["versions"]] == [2, 1]
    newest = versions["versions"][0]
    assert newest["who"] == "admin" and newest["created_at"].endswith("Z") and newest["snapshot"] is True
    assert newest["change"] == "import other-tool.tbx (merge): 1 added"
    assert newest["summary"]["ids"]["added"] == ["gracanica"]
    assert client.get("/glossary/versions?limit=1&offset=1", headers=ADMIN).json()["versions"][0]["version"] == 1
    diff = client.get("/glossary/diff", params={"from": 1, "to": 2}, headers=ADMIN).json()
    assert (diff["from"], diff["to"]) == (1, 2) and [c["id"] for c in diff["diff"]["added"]] == ["gracanica"]
    assert client.get("/glossary/diff?from=1", headers=ADMIN).json()["to"] == 2
    back = client.post("/glossary/rollback/1", headers=ADMIN).json()
    assert back == {**back, "rolled_back_to": 1, "version": 3}
    assert [c["id"] for c in back["diff"]["removed"]] == ["gracanica"]
    found = client.get("/glossary/concepts", params={"q": "PRIŠTINU"}, headers=ADMIN).json()
    assert [c["id"] for c in found["concepts"]] == ["pristina"] and found["total"] == 1
    assert client.get("/glossary/concepts?q=&limit=2", headers=ADMIN).json()["total"] == 17


def test_roles(client):
    reviewer, submitter = key(client, "reviewer"), key(client, "submitter")
    for path in ("/glossary/versions", "/glossary/diff?from=0", "/glossary/concepts?q=x"):
        assert client.get(path, headers=reviewer).status_code == 200
        assert_error(client.get(path, headers=submitter), 403, "reviewer")
        assert_error(client.get(path), 401, "API key")
    assert_error(client.post("/glossary/import", content=PLAIN_TBX, headers=reviewer), 403, "admin")
    assert_error(client.post("/glossary/rollback/0", headers=reviewer), 403, "admin")
    assert client.get("/glossary/versions", headers=ADMIN).json()["current"] == 0


@pytest.mark.parametrize("query,body,status,words", [
    ("", b"", 400, ["send the glossary file"]),
    ("", b"<martif><text><body><termEntry/></body></text></martif>", 422, ["no terms", "line 1"]),
    ("", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><martif/>', 422, ["entit"]),
    ("?format=csv", b"en,xx\nKFOR,KFOR\n", 422, ["xx"]),
    ("?format=docx", PLAIN_TBX, 422, ["unknown glossary format"]),
    ("?format=csv", b"en,tr\n" + b"x" * 600 + b",y\n", 422, ["longer than 500 characters"]),
    ("?mode=overwrite", PLAIN_TBX, 422, ["mode must be merge or replace"]),
    ("?mode=replace&prefer_file=true", PLAIN_TBX, 422, ["prefer_file is for merging"]),
    ("?dry_run=perhaps", PLAIN_TBX, 422, ["dry_run"]),
])
def test_bad_imports_are_json_errors_and_write_nothing(client, query, body, status, words):
    assert_error(client.post(f"/glossary/import{query}", content=body, headers=ADMIN), status, *words)
    assert client.get("/glossary/versions", headers=ADMIN).json()["versions"] == []


def test_multipart_without_a_file(client):
    assert_error(client.post("/glossary/import", data={"mode": "merge"}, files={"other": ("x", b"x")},
                             headers=ADMIN), 400, "multipart field file")


def test_too_large(tmp_path, monkeypatch):
    client = make_client(tmp_path, max_request_bytes=1000)
    assert_error(client.post("/glossary/import", content=b"x" * 2000, headers=ADMIN), 413)
    monkeypatch.setattr("desk.api_glossary.MAX_BYTES", 100)
    assert_error(make_client(tmp_path).post("/glossary/import", content=PLAIN_TBX, headers=ADMIN), 413,
                 "over the")


def test_unknown_versions(client):
    seed(client)
    assert_error(client.get("/glossary/diff?from=5", headers=ADMIN), 404, "no such version")
    assert_error(client.get("/glossary/diff?from=1&to=9", headers=ADMIN), 404, "version 9 is not stored")
    assert_error(client.post("/glossary/rollback/7", headers=ADMIN), 404, "no such version")
    assert_error(client.post("/glossary/rollback/99999999999", headers=ADMIN), 404)
    assert_error(client.get("/glossary/diff", headers=ADMIN), 422, "from")
    assert_error(client.get("/glossary/diff?from=-1", headers=ADMIN), 422)
    from glossary.store import snapshots_table

    with client.app.state.desk.glossary_desk.store.engine.begin() as conn:
        conn.execute(snapshots_table.delete())
    client.post("/glossary/import", content=PLAIN_TBX, headers=ADMIN)
    assert_error(client.get("/glossary/diff?from=1", headers=ADMIN), 404, "before dragoman kept a snapshot")
    assert_error(client.post("/glossary/rollback/1", headers=ADMIN), 404, "before dragoman kept a snapshot")


def test_the_routes_are_documented(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/glossary/import", "/glossary/versions", "/glossary/diff", "/glossary/rollback/{version}",
                 "/glossary/concepts"):
        assert path in paths
