"""The HTTP API end to end through FastAPI's TestClient: every status code, auth and roles, limits,
jobs and drafts, the LibreTranslate-compatible /translate, health and metrics.

Most tests fail (on purpose) before any model is needed, or use sr-Latn -> sr-Cyrl, which is script
conversion and needs no model. Only the tests at the end use the copy-trained Marian (copy_models),
whose output equals its input for the corpus sentences, so whole articles can be compared exactly.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

from common.settings import Settings
from desk.api import create_app
from desk.api_desk import ApiError
from tests.conftest import ROOT, HeldDispatcher, pg_schema_url
from translate.serbian import to_cyrillic
from workers.service import JobService

pytestmark = pytest.mark.integration

ADMIN_KEY = "admin-test-key"
ADMIN = {"X-API-Key": ADMIN_KEY}
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
EN_LINES = (CORPUS / "en.txt").read_text("utf-8").splitlines()
TR_LINES = (CORPUS / "tr.txt").read_text("utf-8").splitlines()
SR_LATN_LINES = (CORPUS / "sr-Latn.txt").read_text("utf-8").splitlines()
SR_TEXT = "\n\n".join(SR_LATN_LINES[:3]) + "\n"  # sr-Latn -> sr-Cyrl needs no model: script conversion
FINISHED = ("draft_ready", "in_review", "approved", "rejected", "failed", "cancelled")


def make_settings(tmp_path: Path, models_dir: Path | None = None, **kw) -> Settings:
    values = {"database_url": f"sqlite:///{tmp_path}/d.db", "models_dir": models_dir or tmp_path / "no-models",
              "admin_key": ADMIN_KEY, "redis_url": "", "beam_size": 1, "threads": 1, "offline": True,
              "rate_limit_per_minute": 1000}
    values.update(kw)
    return Settings(**values)


def make_client(tmp_path: Path, models_dir: Path | None = None, held: bool = False, **kw) -> TestClient:
    settings = make_settings(tmp_path, models_dir, **kw)
    service = JobService(settings, dispatcher=HeldDispatcher()) if held else None
    return TestClient(create_app(settings, service))


@pytest.fixture
def client(tmp_path) -> TestClient:
    return make_client(tmp_path)


@pytest.fixture
def held(tmp_path) -> TestClient:
    """A client whose jobs stay queued (no worker runs them)."""
    return make_client(tmp_path, held=True)


def assert_error(response, status: int, *words: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "status"}, body
    assert body["status"] == status
    assert body["error"] and "Traceback" not in body["error"]
    for word in words:
        assert word.lower() in body["error"].lower(), body["error"]
    return body


def new_key(client: TestClient, role: str, name: str = "tester") -> dict[str, str]:
    response = client.post("/keys", json={"name": name, "role": role}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['key']}"}


def wait_for(client: TestClient, job_id: str, headers=ADMIN, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(f"/jobs/{job_id}", headers=headers).json()
        if job["state"] in FINISHED:
            return job
        assert time.monotonic() < deadline, f"job still {job['state']} after {timeout} s"
        time.sleep(0.1)


def submit_sr(client: TestClient, headers=ADMIN) -> dict:
    response = client.post("/jobs", json={"text": SR_TEXT, "source": "sr-Latn", "targets": ["sr-Cyrl"]},
                           headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


# --- documentation, discovery, operations -----------------------------------------------------------------
def test_docs_and_openapi(client):
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    for path in ("/jobs", "/jobs/{job_id}", "/jobs/{job_id}/cancel", "/drafts/{draft_id}", "/translate",
                 "/languages", "/keys", "/health", "/metrics"):
        assert path in spec["paths"], path
    content = spec["paths"]["/jobs"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(content)


def test_languages_are_libretranslate_shaped(client):
    languages = client.get("/languages").json()
    assert [lang["code"] for lang in languages] == ["en", "tr", "sq", "sr-Latn", "sr-Cyrl"]
    english = languages[0]
    assert english["name"] == "English"
    assert set(english["targets"]) == {"tr", "sq", "sr-Latn", "sr-Cyrl"}
    assert all(lang["code"] not in lang["targets"] for lang in languages)


def test_health_embedded(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "queue": "embedded"}


def test_health_and_metrics_with_redis_down(tmp_path):
    client = make_client(tmp_path, held=True, redis_url="redis://127.0.0.1:1/0")
    response = client.get("/health")
    assert response.status_code == 200  # the database works; the queue is reported, not fatal
    body = response.json()
    assert body["database"] == "ok"
    assert body["queue"].startswith("unreachable")
    assert body["status"] == "degraded"
    text = client.get("/metrics").text
    assert "dragoman_queue_up 0" in text
    assert 'dragoman_jobs{state="queued"} 0' in text


def test_metrics(held):
    submit_sr(held)
    response = held.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "# TYPE dragoman_jobs gauge" in text
    assert 'dragoman_jobs{state="queued"} 1' in text
    assert 'dragoman_jobs{state="cancelled"} 0' in text
    assert 'dragoman_queue_depth{queue="mt.en-tr"} 0' in text
    assert 'dragoman_queue_depth{queue="mt.script"} 0' in text
    assert "dragoman_segments_per_second " in text


# --- auth -------------------------------------------------------------------------------------------------
def test_401_without_a_key_or_with_a_bad_one(client):
    body = assert_error(client.get("/jobs"), 401, "API key")
    assert "Bearer" in body["error"]
    assert client.get("/jobs").headers["www-authenticate"] == "Bearer"
    assert_error(client.get("/jobs", headers={"X-API-Key": "dk_not-a-real-key"}), 401, "invalid")
    assert_error(client.get("/jobs", headers={"Authorization": "Bearer wrong"}), 401, "invalid")
    assert_error(client.post("/jobs", json={"text": "x", "targets": "tr"}), 401)


def test_both_headers_work_and_revoked_keys_stop_working(client):
    created = client.post("/keys", json={"name": "desk-a", "role": "submitter"}, headers=ADMIN).json()
    assert created["key"].startswith("dk_") and created["prefix"] == created["key"][:8]
    for headers in ({"Authorization": f"Bearer {created['key']}"}, {"X-API-Key": created["key"]}):
        assert client.get("/jobs", headers=headers).status_code == 200
    listed = client.get("/keys", headers=ADMIN).json()["keys"]
    assert [k["name"] for k in listed] == ["desk-a"]
    assert all("key" not in k and "key_hash" not in k for k in listed)
    assert client.delete(f"/keys/{created['id']}", headers=ADMIN).json() == {"id": created["id"], "revoked": True}
    assert_error(client.get("/jobs", headers={"X-API-Key": created["key"]}), 401, "revoked")
    assert client.get("/keys", headers=ADMIN).json()["keys"][0]["revoked"] is True


def test_403_for_a_role_too_low(client):
    submitter = new_key(client, "submitter")
    assert_error(client.post("/keys", json={"name": "x", "role": "admin"}, headers=submitter), 403, "admin")
    assert_error(client.get("/keys", headers=submitter), 403)
    assert_error(client.delete("/keys/whatever", headers=new_key(client, "reviewer")), 403)
    job = submit_sr(client, submitter)  # but a submitter may submit and read
    assert job["submitted_by"] == "tester"
    assert client.get(f"/jobs/{job['id']}", headers=submitter).status_code == 200
    admin = new_key(client, "admin", "boss")
    assert client.get("/keys", headers=admin).status_code == 200


def test_auth_not_required_acts_as_admin(tmp_path):
    client = make_client(tmp_path, auth_required=False)
    assert client.post("/keys", json={"name": "x", "role": "submitter"}).status_code == 201
    assert client.get("/jobs").status_code == 200


# --- 400 -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "words"), [
    ("", ["empty"]),
    ("   \n\t\n", ["empty"]),
    ("Hello\x00world and more words here", ["NUL"]),
])
def test_400_for_articles_that_cannot_be_translated(client, text, words):
    assert_error(client.post("/jobs", json={"text": text, "source": "en", "targets": "tr"}, headers=ADMIN), 400, *words)


def test_400_for_an_invalid_utf8_upload(client):
    files = {"file": ("article.txt", b"Caf\xe9 in Pristina is open\n", "text/plain")}
    assert_error(client.post("/jobs", files=files, data={"targets": "tr", "source": "en"}, headers=ADMIN),
                 400, "UTF-8")


def test_400_for_an_undetectable_language_and_bad_json(client):
    assert_error(client.post("/jobs", json={"text": "12 345 678\n", "targets": "tr"}, headers=ADMIN), 400, "source")
    assert_error(client.post("/jobs", content=b"{not json", headers={**ADMIN, "Content-Type": "application/json"}),
                 400, "JSON")


# --- 404 and 409 ---------------------------------------------------------------------------------------------
def test_404_for_unknown_things(client):
    assert_error(client.get("/jobs/nope", headers=ADMIN), 404, "nope")
    assert_error(client.get("/drafts/nope", headers=ADMIN), 404, "nope")
    assert_error(client.post("/jobs/nope/cancel", headers=ADMIN), 404)
    assert_error(client.delete("/keys/nope", headers=ADMIN), 404)
    assert_error(client.get("/no-such-endpoint", headers=ADMIN), 404)


def test_cancel_a_queued_job_then_409(held):
    job = submit_sr(held)
    response = held.post(f"/jobs/{job['id']}/cancel", headers=ADMIN)
    assert response.status_code == 200
    assert response.json() == {"cancelled": True, "state": "cancelled"}
    after = held.get(f"/jobs/{job['id']}", headers=ADMIN).json()
    assert after["state"] == "cancelled"
    assert [d["state"] for d in after["drafts"]] == ["cancelled"]
    assert_error(held.post(f"/jobs/{job['id']}/cancel", headers=ADMIN), 409, "cancelled")
    draft = held.get(f"/drafts/{after['drafts'][0]['id']}", headers=ADMIN).json()
    assert draft["text"] is None


def test_409_when_cancelling_a_finished_job(client):
    job = wait_for(client, submit_sr(client)["id"])
    assert job["state"] == "draft_ready"
    assert_error(client.post(f"/jobs/{job['id']}/cancel", headers=ADMIN), 409, "draft_ready")


# --- 413 ------------------------------------------------------------------------------------------------------
def test_413_for_a_request_body_over_the_limit(tmp_path):
    client = make_client(tmp_path, max_request_bytes=1000)
    body = {"text": "The cat sat on the mat. " * 100, "source": "en", "targets": "tr"}
    assert_error(client.post("/jobs", json=body, headers=ADMIN), 413, "1000 bytes")  # by Content-Length

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b"x" * 200

    assert_error(client.post("/jobs", content=chunks(), headers=ADMIN), 413)
    assert client.get("/health").status_code == 200  # small requests still pass


def test_413_for_an_article_over_the_limit(tmp_path):
    client = make_client(tmp_path, max_article_bytes=1000, max_request_bytes=10_000)
    text = "The cat sat on the mat. " * 60
    assert_error(client.post("/jobs", json={"text": text, "source": "en", "targets": "tr"}, headers=ADMIN),
                 413, "limit")
    files = {"file": ("a.md", text.encode(), "text/markdown")}
    assert_error(client.post("/jobs", files=files, data={"targets": "tr"}, headers=ADMIN), 413)


# --- 422 ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("body", "words"), [
    ({"targets": "xx"}, ["unknown language", "xx"]),
    ({"targets": ["tr"], "source": "xx"}, ["xx"]),
    ({"targets": "en"}, ["source language"]),
    ({"targets": "tr", "priority": 12}, ["priority"]),
    ({"targets": "tr", "priority": -1}, ["priority"]),
    ({"targets": "tr", "format": "docx"}, ["format"]),
    ({"targets": "tr", "glossary": "/etc/passwd"}, ["glossary"]),
    ({"targets": "tr", "callback_url": "file:///etc/passwd"}, ["callback_url"]),
    ({"targets": ""}, ["no target"]),
])
def test_422_for_invalid_requests(client, body, words):
    request = {"text": "The cat sat on the mat.\n", "source": "en", **body}
    assert_error(client.post("/jobs", json=request, headers=ADMIN), 422, *words)


def test_422_for_missing_fields_and_bad_queries(client):
    assert_error(client.post("/jobs", json={"targets": "tr"}, headers=ADMIN), 422, "text")
    assert_error(client.post("/keys", json={"name": "x", "role": "boss"}, headers=ADMIN), 422, "role")
    assert_error(client.get("/jobs?state=sleeping", headers=ADMIN), 422, "state")
    assert_error(client.get("/jobs?lang=xx", headers=ADMIN), 422, "xx")
    assert_error(client.get("/jobs?limit=0", headers=ADMIN), 422, "limit")


# --- 429 ------------------------------------------------------------------------------------------------------
def test_429_over_the_rate_limit(tmp_path, frozen):
    client = make_client(tmp_path, rate_limit_per_minute=5)
    frozen.hold(client)
    for _ in range(5):
        assert client.get("/jobs", headers=ADMIN).status_code == 200
    response = client.get("/jobs", headers=ADMIN)
    assert_error(response, 429, "5 requests per minute")
    assert response.headers["retry-after"] == "61"   # the five hits leave the window 60 s from now
    # another key has its own budget; requests without a key count per client address
    other = new_key(make_client(tmp_path, rate_limit_per_minute=5), "submitter")
    client = make_client(tmp_path, rate_limit_per_minute=5)
    for _ in range(5):
        assert client.get("/jobs", headers=other).status_code == 200
    assert client.get("/jobs", headers=other).status_code == 429
    assert client.get("/jobs", headers=ADMIN).status_code == 200
    for _ in range(5):
        assert client.get("/jobs").status_code == 401
    assert_error(client.get("/jobs"), 429)
    assert client.get("/health").status_code == 200  # monitoring is not rate limited


# --- jobs and drafts without models ---------------------------------------------------------------------------
def test_job_and_draft_views(client):
    job = submit_sr(client)
    assert set(job) >= {"id", "state", "source", "created_at", "updated_at", "error", "priority",
                        "glossary_version", "progress", "drafts"}
    assert job["source"] == "sr-Latn" and job["priority"] == 5
    assert job["progress"]["total"] == 3
    done = wait_for(client, job["id"])
    assert done["state"] == "draft_ready"
    assert done["progress"] == {"done": 3, "total": 3}
    (draft_ref,) = done["drafts"]
    assert set(draft_ref) == {"id", "target", "state", "done", "total", "hop", "hops", "error", "models"}
    assert draft_ref["models"] == []  # script conversion: no model
    draft = client.get(f"/drafts/{draft_ref['id']}", headers=ADMIN).json()
    assert draft["job_id"] == job["id"] and draft["target"] == "sr-Cyrl" and draft["state"] == "draft_ready"
    assert draft["text"] == to_cyrillic(SR_TEXT)
    assert [s["index"] for s in draft["segments"]] == [0, 1, 2]
    assert draft["segments"][0]["source"] == SR_LATN_LINES[0]
    assert set(draft["segments"][0]) == {"index", "block", "source", "target", "flags", "score", "terms", "status",
                                         "version", "confidence", "risk", "risk_score", "dismissed"}
    assert (draft["segments"][0]["status"], draft["segments"][0]["version"]) == ("new", 0)
    # script conversion: certain (confidence 1), and nothing flagged, so low risk, in article order
    assert [(s["confidence"], s["risk"]) for s in draft["segments"]] == [(1.0, "low")] * 3
    assert draft["review_order"] == [0, 1, 2]
    assert draft["models"] == []


def test_plain_sr_means_the_default_script(tmp_path):
    client = make_client(tmp_path, serbian_script="sr-Latn", held=True)
    response = client.post("/jobs", json={"text": SR_TEXT, "source": "sr-Cyrl", "targets": "sr"}, headers=ADMIN)
    assert response.status_code == 201
    assert response.json()["targets"] == ["sr-Latn"]


def test_upload_takes_the_format_from_the_file_name(held):
    for name, fmt in (("story.md", "markdown"), ("story.txt", "text")):
        files = {"file": (name, SR_TEXT.encode("utf-8"), "application/octet-stream")}
        response = held.post("/jobs", files=files, data={"targets": "sr-Cyrl", "priority": "7"}, headers=ADMIN)
        assert response.status_code == 201, response.text
        job = response.json()
        assert job["format"] == fmt and job["priority"] == 7 and job["source"] == "sr-Latn"  # detected
    files = {"file": ("story.md", SR_TEXT.encode("utf-8"), "text/markdown")}
    job = held.post("/jobs", files=files, data={"targets": "sr-Cyrl", "format": "text"}, headers=ADMIN).json()
    assert job["format"] == "text"


def test_list_jobs_newest_first_with_filters(held):
    first = submit_sr(held)
    second = held.post("/jobs", json={"text": "\n".join(EN_LINES[:2]) + "\n", "targets": "tr,sq"},
                       headers=ADMIN).json()
    assert second["source"] == "en" and second["targets"] == ["sq", "tr"]
    listed = held.get("/jobs", headers=ADMIN).json()
    assert [j["id"] for j in listed["jobs"]] == [second["id"], first["id"]]
    assert held.get("/jobs?lang=tr", headers=ADMIN).json()["jobs"][0]["id"] == second["id"]
    assert [j["id"] for j in held.get("/jobs?lang=sr", headers=ADMIN).json()["jobs"]] == [first["id"]]
    assert held.get("/jobs?state=draft_ready", headers=ADMIN).json()["jobs"] == []
    assert [j["id"] for j in held.get("/jobs?limit=1&offset=1", headers=ADMIN).json()["jobs"]] == [first["id"]]
    held.post(f"/jobs/{first['id']}/cancel", headers=ADMIN)
    assert [j["id"] for j in held.get("/jobs?state=cancelled", headers=ADMIN).json()["jobs"]] == [first["id"]]


# --- /translate without models ----------------------------------------------------------------------------------
def test_translate_script_conversion_and_its_errors(client):
    body = {"q": SR_LATN_LINES[0], "source": "sr-Latn", "target": "sr-Cyrl", "api_key": ADMIN_KEY}
    response = client.post("/translate", json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"translatedText": to_cyrillic(SR_LATN_LINES[0])}
    form = client.post("/translate", data={"q": SR_LATN_LINES[1], "source": "auto", "target": "sr-Cyrl",
                                           "api_key": ADMIN_KEY}).json()
    assert form["translatedText"] == to_cyrillic(SR_LATN_LINES[1])
    assert form["detectedLanguage"]["language"] == "sr-Latn" and "note" not in form["detectedLanguage"]
    assert 0 <= form["detectedLanguage"]["confidence"] <= 100
    croatian = "Cijena kruha i mlijeka porasla je prošlog tjedna, a vlada će u srijedu raspravljati o tome."
    leaning = client.post("/translate", json={**body, "q": croatian, "source": "auto"}).json()["detectedLanguage"]
    assert (leaning["language"], leaning["note"]) == ("sr-Latn", "possibly hr/bs")
    assert client.post("/translate", json={**body, "q": ["", SR_LATN_LINES[0]]}).json()["translatedText"] == [
        "", to_cyrillic(SR_LATN_LINES[0])]
    assert_error(client.post("/translate", json={**body, "api_key": ""}), 403, "API key")
    assert_error(client.post("/translate", json={**body, "api_key": "dk_wrong"}), 403, "invalid")
    assert_error(client.post("/translate", json={**body, "q": ""}), 400, "q")
    assert_error(client.post("/translate", json={**body, "target": "xx"}), 400, "xx")
    assert_error(client.post("/translate", json={**body, "format": "pdf"}), 400, "format")
    assert_error(client.post("/translate", json={**body, "source": "auto", "q": "12 34"}), 400)
    # a failing translation (no model on this machine) is a 500 with the reason, not a stack trace
    assert_error(client.post("/translate", json={**body, "source": "en", "target": "tr", "q": EN_LINES[0]}),
                 500, "model")


def test_translate_times_out_without_workers(held):
    held.app.state.desk.translate_timeout = 0.3
    body = {"q": SR_LATN_LINES[0], "source": "sr-Latn", "target": "sr-Cyrl"}
    assert_error(held.post("/translate", json=body, headers=ADMIN), 504, "cancelled")
    assert held.get("/jobs?state=cancelled", headers=ADMIN).json()["jobs"]


# --- with the copy model ---------------------------------------------------------------------------------------
@pytest.fixture
def copy_client(tmp_path, copy_models) -> TestClient:
    return make_client(tmp_path, copy_models)


def test_article_end_to_end(copy_client):
    article = "# " + EN_LINES[0] + "\n\n" + "\n\n".join(" ".join(EN_LINES[i:i + 3]) for i in range(1, 10, 3)) + "\n"
    response = copy_client.post("/jobs", json={"text": article, "targets": "tr,sq", "priority": 9}, headers=ADMIN)
    assert response.status_code == 201, response.text
    job = wait_for(copy_client, response.json()["id"])
    assert job["state"] == "draft_ready", job
    assert job["source"] == "en"
    assert job["progress"]["done"] == job["progress"]["total"] == 2 * 10
    for ref in job["drafts"]:
        draft = copy_client.get(f"/drafts/{ref['id']}", headers=ADMIN).json()
        assert draft["text"] == article
        assert [s["source"] for s in draft["segments"]] == EN_LINES[:10]
        assert all(s["target"] == s["source"] for s in draft["segments"])


def test_pivot_tr_to_sq(copy_client):
    article = "\n".join(TR_LINES[:5]) + "\n"
    files = {"file": ("haber.txt", article.encode("utf-8"), "text/plain")}
    response = copy_client.post("/jobs", files=files, data={"targets": "sq", "source": "tr"}, headers=ADMIN)
    assert response.status_code == 201, response.text
    job = wait_for(copy_client, response.json()["id"])
    assert job["state"] == "draft_ready", job
    (ref,) = job["drafts"]
    assert ref["hops"] == 2
    assert copy_client.get(f"/drafts/{ref['id']}", headers=ADMIN).json()["text"] == article


def test_translate_like_libretranslate(copy_client):
    one = copy_client.post("/translate", json={"q": EN_LINES[0], "source": "en", "target": "tr"}, headers=ADMIN)
    assert one.status_code == 200, one.text
    assert one.json() == {"translatedText": EN_LINES[0]}
    many = copy_client.post("/translate", json={"q": EN_LINES[1:4], "source": "auto", "target": "sq",
                                                "api_key": ADMIN_KEY}).json()
    assert many["translatedText"] == EN_LINES[1:4]
    assert [d["language"] for d in many["detectedLanguage"]] == ["en"] * 3
    auto = copy_client.post("/translate", json={"q": " ".join(EN_LINES[4:6]), "source": "auto", "target": "sr"},
                            headers=ADMIN).json()
    assert auto["detectedLanguage"]["language"] == "en"
    assert auto["translatedText"] == to_cyrillic(" ".join(EN_LINES[4:6]))


# --- review over HTTP ---------------------------------------------------------------------------------------
def ready_draft(client: TestClient, headers=ADMIN) -> dict:
    """A translated sr-Latn -> sr-Cyrl draft (script conversion: no model needed), as GET /drafts shows it."""
    job = wait_for(client, submit_sr(client, headers)["id"], headers)
    assert job["state"] == "draft_ready", job
    return client.get(f"/drafts/{job['drafts'][0]['id']}", headers=headers).json()


def review(client: TestClient, draft_id: str, action, headers=ADMIN):
    return client.post(f"/drafts/{draft_id}/review", json={"action": action}, headers=headers)


def patch(client: TestClient, draft_id: str, idx: int, headers=ADMIN, **body):
    return client.patch(f"/drafts/{draft_id}/segments/{idx}", json=body, headers=headers)


def test_review_endpoints_are_documented(client):
    spec = client.get("/openapi.json").json()
    routes = {("/drafts/{draft_id}/review", "post"): "action",
              ("/drafts/{draft_id}/segments/{index}", "patch"): "version",
              ("/drafts/{draft_id}/import", "post"): None, ("/drafts/{draft_id}/export", "get"): None}
    for (path, method), required in routes.items():
        operation = spec["paths"][path][method]
        assert operation["tags"] == ["review"] and operation["summary"], path
        if required:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            assert required in schema["required"]
    content = spec["paths"]["/drafts/{draft_id}/import"]["post"]["requestBody"]["content"]
    assert {"application/xliff+xml", "application/octet-stream", "multipart/form-data"} <= set(content)
    job_schema = spec["paths"]["/jobs"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert job_schema["properties"]["priority"]["maximum"] == 9
    assert job_schema["properties"]["glossary"]["enum"] == ["", "db", "seed"]


def test_reading_a_draft_changes_nothing(client):
    draft = ready_draft(client)
    for _ in range(2):
        again = client.get(f"/drafts/{draft['id']}", headers=new_key(client, "reviewer"))
        assert again.json()["state"] == "draft_ready"
    assert client.app.state.reviewing.review.history(draft["id"]) == []


def test_start_approve_and_the_table_refusing(client):
    draft = ready_draft(client)
    started = review(client, draft["id"], "start")
    assert started.status_code == 200, started.text
    assert started.json() == {"action": "start", "id": draft["id"], "state": "in_review", "job_id": draft["job_id"],
                              "job_state": "in_review"}
    again = review(client, draft["id"], "start")
    body = assert_error_with(again, 409, {"state": "in_review"}, "in_review", "cannot start review")
    assert "approve" in body["error"]  # the ways forward are named
    assert_error_with(review(client, draft["id"], "retry"), 409, {"state": "in_review"}, "cannot retry")
    assert_error_with(review(client, draft["id"], "cancel"), 409, {"state": "in_review"})
    approved = review(client, draft["id"], "approve").json()
    assert (approved["state"], approved["job_state"]) == ("approved", "approved")
    after = client.get(f"/drafts/{draft['id']}", headers=ADMIN).json()
    assert {s["status"] for s in after["segments"]} == {"approved"}
    assert_error_with(review(client, draft["id"], "reject"), 409, {"state": "approved"}, "final")
    actions = [h["action"] for h in client.app.state.reviewing.review.history(draft["id"])]
    assert actions == ["start", "approve"]


def test_reject_a_ready_draft(client):
    draft = ready_draft(client)
    rejected = review(client, draft["id"], "reject", new_key(client, "reviewer"))
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert client.get(f"/jobs/{draft['job_id']}", headers=ADMIN).json()["state"] == "rejected"


def test_cancel_a_queued_draft(held):
    job = held.post("/jobs", json={"text": "\n".join(EN_LINES[:2]) + "\n", "source": "en", "targets": "tr,sq"},
                    headers=ADMIN).json()
    sq, tr = job["drafts"]
    cancelled = review(held, sq["id"], "cancel").json()
    assert (cancelled["state"], cancelled["job_state"]) == ("cancelled", "translating")  # tr still waits
    assert review(held, tr["id"], "cancel").json()["job_state"] == "cancelled"
    assert_error_with(review(held, tr["id"], "cancel"), 409, {"state": "cancelled"})


def test_review_request_errors(client, held):
    draft = ready_draft(client)
    assert_error(review(client, draft["id"], "publish"), 422, "unknown action", "start")
    assert_error(review(client, draft["id"], None), 422, "unknown action")
    assert_error(client.post(f"/drafts/{draft['id']}/review", json=["start"], headers=ADMIN), 400, "action")
    assert_error(client.post(f"/drafts/{draft['id']}/review", content=b"{", headers={**ADMIN, "Content-Type":
                                                                                     "application/json"}), 400, "JSON")
    assert_error(review(client, "nope", "start"), 404, "no draft nope")
    assert_error(client.post(f"/drafts/{draft['id']}/review", json={"action": "start"}), 401)
    assert_error(review(client, draft["id"], "start", new_key(client, "submitter")), 403, "reviewer")
    queued = submit_sr(held)["drafts"][0]["id"]
    assert_error_with(review(held, queued, "approve"), 409, {"state": "queued"}, "queued")


def assert_error_with(response, status: int, fields: dict, *words: str) -> dict:
    """Like assert_error, for a 409 that carries more than the error."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status and body["error"]
    for key, value in fields.items():
        assert body[key] == value, body
    for word in words:
        assert word.lower() in body["error"].lower(), body["error"]
    return body


def test_segment_edit_status_and_conflicts(client):
    draft = ready_draft(client)
    reviewer = new_key(client, "reviewer")
    edited = patch(client, draft["id"], 1, reviewer, target="Измењено.", version=0)
    assert edited.status_code == 200, edited.text
    seg = edited.json()
    assert (seg["index"], seg["target"], seg["status"], seg["version"]) == (1, "Измењено.", "edited", 1)
    assert (seg["draft_state"], seg["job_state"]) == ("in_review", "in_review")  # the first edit starts review

    stale = assert_error_with(patch(client, draft["id"], 1, reviewer, target="Друго.", version=0), 409,
                              {"state": "in_review"}, "changed by someone else")
    assert stale["current"]["target"] == "Измењено." and stale["current"]["version"] == 1

    both = patch(client, draft["id"], 1, reviewer, target="Коначно.", status="approved", version=1).json()
    assert (both["target"], both["status"], both["version"]) == ("Коначно.", "approved", 3)
    refused = assert_error_with(patch(client, draft["id"], 1, reviewer, status="approved", version=3), 409,
                                {"state": "in_review"}, "approved")
    assert refused["current"]["version"] == 3
    rejected = patch(client, draft["id"], 0, reviewer, status="rejected", version=0).json()
    assert rejected["status"] == "rejected" and rejected["draft_state"] == "in_review"
    for idx, version in ((0, 1), (2, 0)):
        last = patch(client, draft["id"], idx, reviewer, status="approved", version=version).json()
    assert (last["draft_state"], last["job_state"]) == ("approved", "approved")  # with its last segment
    view = client.get(f"/drafts/{draft['id']}", headers=ADMIN).json()
    assert [(s["status"], s["version"]) for s in view["segments"]] == [("approved", 2), ("approved", 3),
                                                                        ("approved", 1)]
    assert view["text"].splitlines()[2] == "Коначно."
    assert_error_with(patch(client, draft["id"], 2, reviewer, target="x", version=1), 409, {"state": "approved"})


def test_segment_request_errors(client, held):
    draft = ready_draft(client)
    assert_error(patch(client, draft["id"], 0, target="x"), 422, "version")
    assert_error(patch(client, draft["id"], 0, target="x", version="0"), 422, "version")
    assert_error(patch(client, draft["id"], 0, target="x", version=True), 422, "version")
    assert_error(patch(client, draft["id"], 0, version=0), 422, "nothing to change")
    assert_error(patch(client, draft["id"], 0, status="published", version=0), 422, "unknown segment status")
    assert_error(patch(client, draft["id"], 0, target=5, version=0), 422, "target")
    assert_error(patch(client, draft["id"], 0, target="a\x00b", version=0), 422, "NUL")
    assert_error(client.patch(f"/drafts/{draft['id']}/segments/0", json=[1], headers=ADMIN), 400)
    assert_error(patch(client, draft["id"], 99, target="x", version=0), 404, "no segment 99")
    assert_error(patch(client, "nope", 0, target="x", version=0), 404, "no draft nope")
    assert_error(patch(client, draft["id"], 0, new_key(client, "submitter"), target="x", version=0), 403)
    assert_error(client.patch(f"/drafts/{draft['id']}/segments/0", json={"target": "x", "version": 0}), 401)
    assert client.get(f"/drafts/{draft['id']}", headers=ADMIN).json()["state"] == "draft_ready"  # none applied
    queued = submit_sr(held)["drafts"][0]["id"]
    body = assert_error_with(patch(held, queued, 0, target="x", version=0), 409, {"state": "queued"}, "queued")
    assert body["current"]["target"] is None


def test_export_formats_and_refusals(client, held):
    draft = ready_draft(client)
    submitter = new_key(client, "submitter")
    expected = to_cyrillic(SR_TEXT)
    for fmt, media, ext in (("txt", "text/plain", "txt"), ("md", "text/markdown", "md"), ("html", "text/html", "html"),
                            ("xliff", "application/xliff+xml", "xlf")):
        response = client.get(f"/drafts/{draft['id']}/export?format={fmt}", headers=submitter)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media)
        assert response.headers["content-disposition"].endswith(f'-sr-Cyrl.{ext}"')
    assert client.get(f"/drafts/{draft['id']}/export", headers=submitter).text == expected  # md by default
    assert client.get(f"/drafts/{draft['id']}").status_code == 401
    assert_error(client.get(f"/drafts/{draft['id']}/export?format=pdf", headers=ADMIN), 422, "pdf")
    assert_error(client.get("/drafts/nope/export?format=md", headers=ADMIN), 404)
    queued = submit_sr(held)["drafts"][0]["id"]
    assert_error_with(held.get(f"/drafts/{queued}/export?format=md", headers=ADMIN), 409, {"state": "queued"},
                      "once it is translated")


def _edited_xliff(client: TestClient, draft: dict, idx: int, new_target: str) -> bytes:
    exported = client.get(f"/drafts/{draft['id']}/export?format=xliff", headers=ADMIN).content
    old = f">{draft['segments'][idx]['target']}</target>".encode()
    assert old in exported
    return exported.replace(old, f">{new_target}</target>".encode(), 1)


def test_xliff_import_as_a_body_or_a_file(client, held):
    draft = ready_draft(client)
    reviewer = new_key(client, "reviewer")
    data = _edited_xliff(client, draft, 0, "Прво измењено.")
    raw = client.post(f"/drafts/{draft['id']}/import", content=data,
                      headers={**reviewer, "Content-Type": "application/xliff+xml"})
    assert raw.status_code == 200, raw.text
    assert raw.json() == {"applied": 1, "problems": [], "id": draft["id"], "state": "in_review",
                          "job_id": draft["job_id"], "job_state": "in_review"}
    segment = client.get(f"/drafts/{draft['id']}", headers=ADMIN).json()["segments"][0]
    assert (segment["target"], segment["status"], segment["version"]) == ("Прво измењено.", "edited", 1)

    data = _edited_xliff(client, client.get(f"/drafts/{draft['id']}", headers=ADMIN).json(), 2, "Треће.")
    files = {"file": ("draft.xlf", data, "application/xliff+xml")}
    uploaded = client.post(f"/drafts/{draft['id']}/import", files=files, headers=reviewer).json()
    assert uploaded["applied"] == 1 and uploaded["problems"] == []
    octets = client.post(f"/drafts/{draft['id']}/import", content=data,
                         headers={**reviewer, "Content-Type": "application/octet-stream"}).json()
    assert octets["applied"] == 0  # nothing changed since

    assert_error(client.post(f"/drafts/{draft['id']}/import", content=b"<xliff", headers=reviewer), 422,
                 "XLIFF import failed")
    assert_error(client.post(f"/drafts/{draft['id']}/import", content=b"", headers=reviewer), 400, "XLIFF")
    assert_error(client.post(f"/drafts/{draft['id']}/import", files={"other": ("a", b"x")}, headers=reviewer), 400)
    assert_error(client.post(f"/drafts/{draft['id']}/import", content=data,
                             headers=new_key(client, "submitter")), 403)
    assert_error(client.post("/drafts/nope/import", content=data, headers=reviewer), 404)
    queued = submit_sr(held)["drafts"][0]["id"]
    assert_error_with(held.post(f"/drafts/{queued}/import", content=data, headers=ADMIN), 409, {"state": "queued"})


def models_without(copy_models: Path, root: Path, key: str) -> tuple[Path, object]:
    """A models dir like ``copy_models`` without ``key``'s model, and a function that puts it back."""
    import shutil

    from translate.models import ModelStore

    name = ModelStore(Settings(models_dir=copy_models)).hf_dir(key).name
    for entry in copy_models.iterdir():
        if not entry.name.startswith(name):
            shutil.copytree(entry, root / entry.name)
    return root, lambda: shutil.copytree(copy_models / name, root / name)


def test_retry_after_a_missing_model(tmp_path, copy_models):
    models, put_back = models_without(copy_models, tmp_path / "models", "en-sq")
    client = make_client(tmp_path, models)
    article = "\n\n".join(EN_LINES[:3]) + "\n"
    job = client.post("/jobs", json={"text": article, "source": "en", "targets": "tr,sq"}, headers=ADMIN).json()
    failed = wait_for(client, job["id"])
    assert failed["state"] == "failed", failed
    sq, tr = failed["drafts"]
    assert sq["state"] == "failed" and "en-sq" in sq["error"] and sq["error"] in failed["error"]
    assert tr["state"] == "draft_ready"
    assert [(m["hop"], m["direction"], m["fixture"]) for m in tr["models"]] == [(0, "en-tr", "copy")]
    assert_error_with(review(client, tr["id"], "retry"), 409, {"state": "draft_ready"}, "cannot retry")

    put_back()
    retried = review(client, sq["id"], "retry", new_key(client, "reviewer"))
    assert retried.status_code == 200, retried.text
    assert retried.json()["state"] in ("queued", "translating", "draft_ready")
    done = wait_for(client, job["id"])
    assert done["state"] == "draft_ready" and done["error"] == ""
    draft = client.get(f"/drafts/{sq['id']}", headers=ADMIN).json()
    assert draft["text"] == article and draft["error"] == ""
    assert [(m["hop"], m["direction"]) for m in draft["models"]] == [(0, "en-sq")]
    assert "retry" in [h["action"] for h in client.app.state.reviewing.review.history(sq["id"])]


# --- one way in -----------------------------------------------------------------------------------------------
def test_jobs_accept_region_subtags_aliases_and_string_priorities(held):
    body = {"text": SR_TEXT, "source": "sr-Latn-RS", "targets": ["sr-Cyrl-RS", "srp", "sr-Latn"], "priority": "6"}
    job = held.post("/jobs", json=body, headers=ADMIN).json()
    assert (job["source"], job["targets"], job["priority"]) == ("sr-Latn", ["sr-Cyrl"], 6)
    form = held.post("/jobs", data={"text": SR_TEXT, "targets": ["sr-Cyrl", "tr-TR"], "source": "sr-Latn"},
                     headers=ADMIN)
    assert form.status_code == 201, form.text
    assert form.json()["targets"] == ["sr-Cyrl", "tr"] and form.json()["format"] == "markdown"
    assert_error(held.post("/jobs", json=[SR_TEXT], headers=ADMIN), 400, "JSON object")


def test_celery_gets_the_inverted_priority(tmp_path):
    class Sent:
        def __init__(self):
            self.calls = []

        def send_task(self, *args, **kwargs):
            self.calls.append(kwargs)

    from workers.service import CeleryDispatcher

    dispatcher = CeleryDispatcher.__new__(CeleryDispatcher)
    dispatcher.app = Sent()
    service = JobService(make_settings(tmp_path), dispatcher=dispatcher)
    client = TestClient(create_app(service.settings, service))
    client.post("/jobs", json={"text": SR_TEXT, "source": "sr-Latn", "targets": "sr-Cyrl", "priority": 9},
                headers=ADMIN)
    assert [c["priority"] for c in dispatcher.app.calls] == [0]


def test_translate_checks_each_item_like_a_job(client):
    body = {"source": "en", "target": "tr", "api_key": ADMIN_KEY}
    nul = client.post("/translate", json={**body, "q": ["fine text here", "bad\x00item"]})
    assert_error(nul, 400, "NUL")
    same = client.post("/jobs", json={"text": "bad\x00item", "source": "en", "targets": "tr"}, headers=ADMIN)
    assert same.json()["error"] == nul.json()["error"]
    assert_error(client.post("/translate", json={**body, "q": ["", " "], "target": "xx"}), 400, "xx")
    assert client.post("/translate", json={**body, "q": ["", " "]}).json() == {"translatedText": ["", " "]}
    region = client.post("/translate", json={"q": SR_LATN_LINES[0], "source": "sr-Latn-RS", "target": "sr-Cyrl-RS",
                                             "api_key": ADMIN_KEY})
    assert region.json() == {"translatedText": to_cyrillic(SR_LATN_LINES[0])}
    echo = client.post("/translate", json={"q": SR_LATN_LINES[0], "source": "sr-Latn", "target": "sr-Latn",
                                           "api_key": ADMIN_KEY})
    assert echo.json() == {"translatedText": SR_LATN_LINES[0]}  # already in the target language
    assert_error(client.post("/translate", json=["q"], headers=ADMIN), 400, "JSON object")



# --- input checks: nothing malformed reaches the database, nothing a client sends is a 500 ------------------
PG_URL = os.environ.get("DRAGOMAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HEX_ID = "0123456789abcdef" * 2


def send_json(client: TestClient, method: str, url: str, body, headers=ADMIN):
    """``body`` as JSON with \\uXXXX escapes, so that it may hold what httpx will not encode (lone surrogates)."""
    headers = {**headers, "Content-Type": "application/json"}
    return client.request(method, url, content=json.dumps(body).encode(), headers=headers)


class FrozenTime:
    """The clock of the limits (dragoman's and the ``limits`` library's storages), standing still: a refusal's
    Retry-After is then exact."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    def hold(self, *clients: TestClient) -> None:
        for client in clients:
            client.app.state.desk.limits.clock = self.time


@pytest.fixture
def frozen(monkeypatch) -> FrozenTime:
    """Time stands at 23:58:20 UTC: 100 s before the daily quota starts again."""
    import limits.storage.memory
    import limits.storage.redis

    clock = FrozenTime(datetime(2026, 11, 29, 23, 58, 20, tzinfo=UTC).timestamp())
    for module in (limits.storage.memory, limits.storage.redis):
        monkeypatch.setattr(module, "time", clock)
    return clock


def two_clients(tmp_path: Path, **kw) -> tuple[TestClient, TestClient]:
    """Two apps, each with its own database, as two API processes with their own memory."""
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    return make_client(tmp_path / "one", **kw), make_client(tmp_path / "two", **kw)


@pytest.fixture
def pg(tmp_path) -> TestClient:
    """A client on PostgreSQL, which (unlike SQLite) refuses NUL characters: a value that reaches it
    unchecked is a 500. Its jobs run (script conversion needs no model) when the dispatcher is drained."""
    client = make_client(tmp_path, database_url=pg_schema_url(PG_URL, "dragoman_test_api"))
    yield client
    desk = client.app.state.desk
    for engine in (desk.store.engine, desk.keys.engine):
        engine.dispose()


def test_nul_in_a_url_is_400_before_any_route(pg):
    for method, url in (("GET", "/jobs/ab%00cd"), ("GET", "/drafts/ab%00cd"), ("POST", "/jobs/ab%00cd/cancel"),
                        ("GET", f"/drafts/{HEX_ID[:-1]}%00/export"), ("DELETE", "/keys/%00"),
                        ("POST", "/drafts/%00/review"), ("GET", "/jobs?lang=%00"), ("GET", "/jobs?state=en%00"),
                        ("GET", "/ui/jobs/ab%00cd")):
        assert_error(pg.request(method, url, headers=ADMIN), 400, "control characters")
    assert_error(pg.get("/jobs?lang=" + "x" * 9000, headers=ADMIN), 414)


def test_malformed_ids_never_reach_the_database(pg):
    for bad in ("nope", "0" * 33, "ä" * 32, "'; DROP TABLE jobs; --", HEX_ID.upper()):
        assert_error(pg.get(f"/jobs/{bad}", headers=ADMIN), 404, "no job")
        assert_error(pg.get(f"/drafts/{bad}", headers=ADMIN), 404, "no draft")
    desk = pg.app.state.desk
    for call in (desk.job, desk.draft, desk.cancel):  # below the URL check: the id check alone
        with pytest.raises(ApiError) as refused:
            call("ab\x00cd")
        assert refused.value.status == 404 and "\\x00" in refused.value.message
    assert desk.keys.revoke("\x00") is False and desk.keys.get("\x00") is None


def test_text_the_database_cannot_store_is_422(pg):
    assert_error(pg.post("/keys", json={"name": "a\x00b", "role": "submitter"}, headers=ADMIN), 422, "printable")
    assert_error(send_json(pg, "POST", "/keys", {"name": "\ud800", "role": "submitter"}), 422, "name")
    body = {"text": SR_TEXT, "source": "sr-Latn", "targets": "sr-Cyrl"}
    for url in ("http://example.com/\x00", "http://example.com/\ud800"):
        assert_error(send_json(pg, "POST", "/jobs", {**body, "callback_url": url}), 422, "callback_url")
    assert_error(pg.post("/jobs", json={**body, "source": "x" * 10_000}, headers=ADMIN), 422, "longer than")
    job = submit_sr(pg)
    pg.app.state.desk.service.dispatcher.drain()
    draft_id = pg.get(f"/jobs/{job['id']}", headers=ADMIN).json()["drafts"][0]["id"]
    segment = f"/drafts/{draft_id}/segments/0"
    assert_error(send_json(pg, "PATCH", segment, {"target": "\ud800", "version": 0}), 422, "surrogates")
    assert_error(patch(pg, draft_id, 2**40, target="x", version=0), 422, "index")
    assert_error(pg.get(f"/jobs?offset={2**40}", headers=ADMIN), 422, "offset")
    assert patch(pg, draft_id, 0, target="Добро.", version=0).status_code == 200  # the draft still works


@pytest.mark.parametrize("url", ["/jobs", "/translate", "/keys", f"/drafts/{HEX_ID}/review"])
def test_deeply_nested_json_is_refused_before_it_is_parsed(client, url):
    for deep in (b"[" * 100_000 + b"]" * 100_000, b'{"q": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"):
        for media in ("application/json", "text/plain"):
            response = client.post(url, content=deep, headers={**ADMIN, "Content-Type": media})
            assert_error(response, 400, "nested more than 32")


def test_json_nested_up_to_the_limit_is_fine(held):
    nested = "[" * 31 + "]" * 31  # inside the body object: 32 levels
    body = f'{{"text": {SR_TEXT!r}, "source": "sr-Latn", "targets": "sr-Cyrl", "extra": {nested}}}'
    response = held.post("/jobs", content=body.replace("'", '"').encode(),
                         headers={**ADMIN, "Content-Type": "application/json"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("q", [5, 1.5, True, {"a": "b"}, [1], ["ok", None], [["nested"]]])
def test_translate_q_must_be_text(client, q):
    assert_error(client.post("/translate", json={"q": q, "source": "sr-Latn", "target": "sr-Cyrl"}, headers=ADMIN),
                 400, "q")


# --- limits: rate, batches, quota -----------------------------------------------------------------------------
def translate_sr(client: TestClient, items, headers=ADMIN):
    return client.post("/translate", json={"q": items, "source": "sr-Latn", "target": "sr-Cyrl"}, headers=headers)


def test_translate_batches_are_bounded(tmp_path):
    client = make_client(tmp_path)
    assert_error(translate_sr(client, SR_LATN_LINES[:1] * 300), 413, "at most 100 items", "has 300")
    assert client.get("/jobs", headers=ADMIN).json()["jobs"] == []  # not 300 jobs: none
    client = make_client(tmp_path, translate_max_items=3)
    assert_error(translate_sr(client, SR_LATN_LINES[:4]), 413, "DRAGOMAN_TRANSLATE_MAX_ITEMS")
    assert translate_sr(client, SR_LATN_LINES[:3]).status_code == 200
    client = make_client(tmp_path, rate_limit_per_minute=5)  # a batch larger than the rate limit never fits
    assert_error(translate_sr(client, SR_LATN_LINES[:6]), 413, "at most 5 items", "RATE_LIMIT")


def test_each_item_of_a_batch_is_a_request_of_the_rate_limit(tmp_path, frozen):
    client = make_client(tmp_path, rate_limit_per_minute=6)
    frozen.hold(client)
    assert translate_sr(client, SR_LATN_LINES[:4]).status_code == 200            # 4 requests
    refused = translate_sr(client, SR_LATN_LINES[:3])                              # 5th, and 2 more: 7 > 6
    assert_error(refused, 429, "6 requests per minute", "each item")
    assert refused.headers["retry-after"] == "61"
    assert client.get("/keys/me", headers=ADMIN).json()["requests_left_this_minute"] == 0  # the 6th
    assert client.get("/jobs", headers=ADMIN).status_code == 429


def test_the_daily_character_quota(tmp_path, frozen):
    client = make_client(tmp_path, quota_chars_per_day=400)
    frozen.hold(client)
    submitter = new_key(client, "submitter")
    text = SR_LATN_LINES[0] + "\n"  # 92 characters
    body = {"text": text, "source": "sr-Latn", "targets": ["sr-Cyrl", "en"]}
    job = client.post("/jobs", json=body, headers={**submitter, "Idempotency-Key": "q-1"})
    assert job.status_code == 201, job.text                                       # 2 targets: 184
    again = client.post("/jobs", json=body, headers={**submitter, "Idempotency-Key": "q-1"})
    assert again.status_code == 200 and again.json()["id"] == job.json()["id"]   # a replay costs nothing
    assert translate_sr(client, SR_LATN_LINES[1:3], submitter).status_code == 200  # 74 + 90: 348
    me = client.get("/keys/me", headers=submitter).json()
    assert (me["role"], me["quota_chars_per_day"], me["quota_used_today"], me["quota_left_today"]) == (
        "submitter", 400, 348, 52)
    over = client.post("/jobs", json={"text": SR_LATN_LINES[3], "source": "sr-Latn", "targets": "sr-Cyrl"},
                       headers=submitter)
    assert_error(over, 429, "daily character quota", "86 characters")
    assert over.headers["retry-after"] == "100"                                 # until 00:00 UTC
    assert_error(translate_sr(client, SR_LATN_LINES[3:4], submitter), 429, "quota")
    assert client.get("/keys/me", headers=submitter).json()["quota_used_today"] == 348  # refused: not counted
    assert len(client.get("/jobs", headers=ADMIN).json()["jobs"]) == 3                # and no job made
    assert translate_sr(client, SR_LATN_LINES[3:4]).status_code == 200                 # another key's quota


def test_keys_me(client):
    me = client.get("/keys/me", headers=ADMIN).json()
    assert me["id"] == "admin-key" and me["role"] == "admin" and me["rate_limit_per_minute"] == 1000
    assert me["quota_chars_per_day"] is None and me["quota_left_today"] is None
    assert me["quota_resets_at"].endswith("T00:00:00Z")
    reviewer = client.get("/keys/me", headers=new_key(client, "reviewer", "rita")).json()
    assert (reviewer["name"], reviewer["role"]) == ("rita", "reviewer")
    assert_error(client.get("/keys/me"), 401)


REDIS_TEST_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_TEST_URL)
    client.flushdb()
    yield REDIS_TEST_URL
    client.flushdb()


def test_two_api_processes_share_the_rate_limit_through_redis(tmp_path, shared_redis, frozen):
    one, two = two_clients(tmp_path, held=True, redis_url=shared_redis, rate_limit_per_minute=5)
    frozen.hold(one, two)
    for client in (one, two, one, two, one):
        assert client.get("/jobs", headers=ADMIN).status_code == 200
    for client in (two, one):
        refused = client.get("/jobs", headers=ADMIN)
        assert_error(refused, 429, "5 requests per minute")
        assert refused.headers["retry-after"] == "61"


def test_two_api_processes_share_the_quota_through_redis(tmp_path, shared_redis):
    one, two = two_clients(tmp_path, held=True, redis_url=shared_redis, quota_chars_per_day=200)
    body = {"text": SR_LATN_LINES[0], "source": "sr-Latn", "targets": "sr-Cyrl"}  # 91 characters
    assert one.post("/jobs", json=body, headers=ADMIN).status_code == 201
    assert two.post("/jobs", json=body, headers=ADMIN).status_code == 201
    assert_error(one.post("/jobs", json=body, headers=ADMIN), 429, "quota")
    assert two.get("/keys/me", headers=ADMIN).json()["quota_used_today"] == 182


def test_without_redis_each_process_counts_alone(tmp_path):
    one, two = two_clients(tmp_path, rate_limit_per_minute=2)
    for client in (one, one, two, two):
        assert client.get("/jobs", headers=ADMIN).status_code == 200
    assert one.get("/jobs", headers=ADMIN).status_code == 429


def test_health_shows_no_details_of_a_failure(tmp_path):
    client = make_client(tmp_path, held=True, redis_url="redis://127.0.0.1:1/0")
    response = client.get("/health")
    assert response.json() == {"status": "degraded", "database": "ok", "queue": "unreachable"}
    assert "127.0.0.1" not in response.text and "Error" not in response.text


def test_translate_html_like_libretranslate(copy_client):
    html = ('<p>The main bridge in the divided town will reopen to pedestrians on <strong>June 3</strong>, the '
            'municipality said on Tuesday.</p>\n<p><a href="https://news.example/x" title="Read it">Read more</a></p>')
    answer = copy_client.post("/translate", json={"q": html, "source": "en", "target": "sq", "format": "html"},
                              headers=ADMIN)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"translatedText": html}
    cyrillic = copy_client.post("/translate", json={"q": [html], "source": "en", "target": "sr-Cyrl",
                                                    "format": "html"}, headers=ADMIN).json()["translatedText"][0]
    assert '<a href="https://news.example/x" title="Реад ит">' in cyrillic and "<strong>" in cyrillic
