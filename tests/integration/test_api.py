"""The HTTP API end to end through FastAPI's TestClient: every status code, auth and roles, limits,
jobs and drafts, the LibreTranslate-compatible /translate, health and metrics.

Most tests fail (on purpose) before any model is needed, or use sr-Latn -> sr-Cyrl, which is script
conversion and needs no model. Only the tests at the end use the copy-trained Marian (copy_models),
whose output equals its input for the corpus sentences, so whole articles can be compared exactly.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.settings import Settings
from desk.api import create_app
from tests.conftest import ROOT
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


class HeldDispatcher:
    """Keeps every hop message instead of running it, as if the workers were down."""

    def __init__(self):
        self.sent: list[tuple[str, int, str, int]] = []

    def send(self, draft_id: str, hop: int, queue: str, priority: int) -> None:
        self.sent.append((draft_id, hop, queue, priority))


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
    ({"targets": "tr", "format": "html"}, ["format"]),
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
def test_429_over_the_rate_limit(tmp_path):
    client = make_client(tmp_path, rate_limit_per_minute=5)
    for _ in range(5):
        assert client.get("/jobs", headers=ADMIN).status_code == 200
    response = client.get("/jobs", headers=ADMIN)
    assert_error(response, 429, "5 requests per minute")
    assert 1 <= int(response.headers["retry-after"]) <= 60
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
    assert set(draft_ref) == {"id", "target", "state", "done", "total", "hop", "hops", "error"}
    draft = client.get(f"/drafts/{draft_ref['id']}", headers=ADMIN).json()
    assert draft["job_id"] == job["id"] and draft["target"] == "sr-Cyrl" and draft["state"] == "draft_ready"
    assert draft["text"] == to_cyrillic(SR_TEXT)
    assert [s["index"] for s in draft["segments"]] == [0, 1, 2]
    assert draft["segments"][0]["source"] == SR_LATN_LINES[0]
    assert set(draft["segments"][0]) == {"index", "block", "source", "target", "flags", "score", "terms"}


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
    assert form["detectedLanguage"]["language"] == "sr-Latn"
    assert 0 <= form["detectedLanguage"]["confidence"] <= 100
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
