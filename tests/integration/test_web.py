"""The review desk (/ui) through FastAPI's TestClient: sessions and CSRF, roles, the review flow
(edit conflicts, approval, the translation memory), exports, XLIFF round trips and escaping.

Drafts come from the copy-trained Marian (copy_models): its output equals its input for the corpus
sentences, so edited articles and exports can be compared exactly.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from common.settings import Settings
from desk import web_views as views
from desk.api import create_app
from newsroom import xliff
from newsroom.tm import TranslationMemory
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

ADMIN_KEY = "admin-k"
EN_LINES = (ROOT / "tests" / "fixtures" / "corpus" / "en.txt").read_text("utf-8").splitlines()
ARTICLE = "\n\n".join(EN_LINES[:3]) + "\n"
TERMS_ARTICLE = (ROOT / "examples" / "article-terms-en.md").read_text("utf-8")
SCRIPT = "<script>window.__pwned = 1</script>"


@pytest.fixture
def client(tmp_path, copy_models) -> TestClient:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/web.db", models_dir=copy_models, admin_key=ADMIN_KEY,
                        beam_size=1, threads=1, offline=True, rate_limit_per_minute=1000)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html) or re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, key: str) -> str:
    """Sign in with ``key``; returns the session's CSRF token."""
    page = client.get("/ui/login")
    assert page.status_code == 200
    response = client.post("/ui/login", data={"key": key, "csrf": csrf_of(page.text), "next": "/ui/jobs"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/ui/jobs").text)


def new_key(client: TestClient, role: str) -> str:
    response = client.post("/keys", json={"name": f"{role}-person", "role": role}, headers={"X-API-Key": ADMIN_KEY})
    assert response.status_code == 201, response.text
    return response.json()["key"]


def submit(client: TestClient, csrf: str, text: str, targets=("tr",), source: str = "en", glossary: str = "",
           fmt: str = "") -> str:
    response = client.post("/ui/jobs/new", data={"csrf": csrf, "text": text, "targets": list(targets),
                                                 "source": source, "glossary": glossary, "priority": "5",
                                                 "format": fmt}, follow_redirects=False)
    assert response.status_code == 303, response.text
    job_id = response.headers["location"].rsplit("/", 1)[-1]
    client.app.state.desk.service.dispatcher.drain()
    return job_id


def draft_of(client: TestClient, job_id: str, target: str = "tr") -> dict:
    job = client.app.state.desk.store.job(job_id)
    draft_id = next(d["id"] for d in job["drafts"] if d["target_lang"] == target)
    return client.app.state.desk.store.draft(draft_id)


def put(client: TestClient, csrf: str, draft_id: str, idx: int, target: str, version: int):
    return client.put(f"/ui/api/drafts/{draft_id}/segments/{idx}", json={"target": target, "version": version},
                      headers={"X-CSRF-Token": csrf})


# --- sessions ------------------------------------------------------------------------------------------
def test_pages_need_a_session_and_the_cookie_is_safe(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/ui"
    response = client.get("/ui/jobs", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/ui/login")
    assert client.get("/ui/api/jobs/nope").status_code == 401

    page = client.get("/ui/login")
    bad = client.post("/ui/login", data={"key": "dk_wrong", "csrf": csrf_of(page.text)})
    assert bad.status_code == 401 and "invalid or revoked API key" in bad.text

    page = client.get("/ui/login")
    ok = client.post("/ui/login", data={"key": ADMIN_KEY, "csrf": csrf_of(page.text), "next": "/ui/jobs"},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/ui/jobs"
    cookie = ok.headers["set-cookie"].lower()
    assert "dragoman_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie

    jobs = client.get("/ui/jobs")
    assert jobs.status_code == 200 and "admin" in jobs.text
    csp = jobs.headers["content-security-policy"]
    for part in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                 "frame-ancestors 'none'"):
        assert part in csp

    # a tampered cookie is refused
    value = client.cookies.get("dragoman_session")
    client.cookies.clear()
    client.cookies.set("dragoman_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/ui/jobs", follow_redirects=False).status_code == 303


def test_csrf_is_enforced(client):
    csrf = sign_in(client, ADMIN_KEY)
    response = client.post("/ui/jobs/new", data={"text": ARTICLE, "targets": ["tr"], "source": "en"},
                           follow_redirects=False)
    assert response.status_code == 403 and "CSRF" in response.text
    assert client.post("/ui/logout", data={"csrf": "forged"}).status_code == 403
    assert client.post("/ui/login", data={"key": ADMIN_KEY}).status_code == 403  # no login token either

    job_id = submit(client, csrf, ARTICLE)
    draft = draft_of(client, job_id)
    assert put(client, "", draft["id"], 0, "x", 0).status_code == 403
    assert client.post(f"/ui/drafts/{draft['id']}/status", data={"status": "approved"}).status_code == 403
    assert client.post("/ui/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/ui/jobs", follow_redirects=False).status_code == 303


def test_submit_errors_are_shown_on_the_form(client):
    csrf = sign_in(client, ADMIN_KEY)
    response = client.post("/ui/jobs/new", data={"csrf": csrf, "text": ARTICLE, "source": "en"})
    assert response.status_code == 422 and "choose at least one target language" in response.text
    response = client.post("/ui/jobs/new", data={"csrf": csrf, "text": ARTICLE, "targets": ["en"], "source": "en"})
    assert response.status_code == 422 and "nothing to translate" in response.text
    assert EN_LINES[0] in response.text  # the article is kept in the form


def test_job_list_filters_and_pages(client, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from desk import web_views

    csrf = sign_in(client, ADMIN_KEY)
    first = submit(client, csrf, ARTICLE)
    second = submit(client, csrf, ARTICLE, targets=("sq",))
    listing = client.get("/ui/jobs").text
    assert listing.index(second[:8]) < listing.index(first[:8])  # newest first
    assert first[:8] not in client.get("/ui/jobs?lang=sq").text and second[:8] in client.get("/ui/jobs?lang=sq").text
    assert first[:8] in client.get("/ui/jobs?lang=tr").text
    assert first[:8] not in client.get("/ui/jobs?state=approved").text
    assert first[:8] in client.get("/ui/jobs?state=draft_ready").text
    today = datetime.now(UTC).date()
    assert first[:8] in client.get(f"/ui/jobs?date_from={today}&date_to={today}").text
    tomorrow = today + timedelta(days=1)
    assert first[:8] not in client.get(f"/ui/jobs?date_from={tomorrow}").text
    assert "is not a date" in client.get("/ui/jobs?date_from=yesterday").text

    monkeypatch.setattr(web_views, "PAGE_SIZE", 1)
    page_one = client.get("/ui/jobs").text
    assert second[:8] in page_one and first[:8] not in page_one and 'rel="next"' in page_one
    page_two = client.get("/ui/jobs?page=2").text
    assert first[:8] in page_two and 'rel="prev"' in page_two and 'rel="next"' not in page_two


def test_submitters_read_and_submit_but_do_not_review(client):
    admin_csrf = sign_in(client, ADMIN_KEY)
    job_id = submit(client, admin_csrf, ARTICLE)
    draft = draft_of(client, job_id)

    client.cookies.clear()
    csrf = sign_in(client, new_key(client, "submitter"))
    page = client.get(f"/ui/drafts/{draft['id']}")
    assert page.status_code == 200 and EN_LINES[0] in page.text
    assert draft_of(client, job_id)["state"] == "draft_ready"  # a submitter does not open it for review
    assert put(client, csrf, draft["id"], 0, "changed", 0).status_code == 403
    status = client.post(f"/ui/api/drafts/{draft['id']}/segments/0/status", json={"status": "approved"},
                         headers={"X-CSRF-Token": csrf})
    assert status.status_code == 403
    comment = client.post(f"/ui/api/drafts/{draft['id']}/comments", json={"text": "hi"}, headers={"X-CSRF-Token": csrf})
    assert comment.status_code == 403
    assert client.post(f"/ui/drafts/{draft['id']}/status", data={"csrf": csrf, "status": "approved"}).status_code == 403
    assert submit(client, csrf, ARTICLE)  # submitting is allowed
    assert client.get(f"/ui/drafts/{draft['id']}/export?format=md").status_code == 200


def test_review_flow_conflicts_approval_and_translation_memory(client):
    csrf = sign_in(client, new_key(client, "reviewer"))
    job_id = submit(client, csrf, ARTICLE)
    job_page = client.get(f"/ui/jobs/{job_id}")
    assert job_page.status_code == 200 and "draft_ready" in job_page.text
    draft = draft_of(client, job_id)
    assert [s["target"] for s in draft["segments"]] == EN_LINES[:3]

    page = client.get(f"/ui/drafts/{draft['id']}")
    assert page.status_code == 200
    assert draft_of(client, job_id)["state"] == "draft_ready"  # reading never changes state
    assert 'id="start-review"' in page.text and 'id="retry-draft"' not in page.text
    started = client.post(f"/ui/drafts/{draft['id']}/review", data={"csrf": csrf, "action": "start"},
                          follow_redirects=False)
    assert started.status_code == 303
    assert draft_of(client, job_id)["state"] == "in_review"
    page = client.get(started.headers["location"])
    assert "Review started." in page.text and 'id="start-review"' not in page.text
    assert 'class="flag flag-untranslated">untranslated copy<' in page.text  # English copied into "Turkish"
    assert 'data-idx="0" data-version="0" data-status="new"' in page.text

    edited = "Ayşe Demir 120 ortak devriye tamamlandığını söyledi, Sept. 29."
    first = put(client, csrf, draft["id"], 1, edited, 0)
    assert first.status_code == 200, first.text
    assert first.json()["version"] == 1 and first.json()["status"] == "edited"
    second = put(client, csrf, draft["id"], 1, "someone else's text", 0)
    assert second.status_code == 409
    assert second.json()["current"]["target"] == edited and second.json()["current"]["version"] == 1
    assert "changed by someone else" in second.json()["error"]

    comment = client.post(f"/ui/api/drafts/{draft['id']}/comments", json={"idx": 1, "text": "check the date"},
                          headers={"X-CSRF-Token": csrf})
    assert comment.status_code == 201
    history = client.get(f"/ui/drafts/{draft['id']}").text
    assert "check the date" in history and "reviewer-person" in history

    seg = client.post(f"/ui/api/drafts/{draft['id']}/segments/0/status", json={"status": "approved"},
                      headers={"X-CSRF-Token": csrf})
    assert seg.status_code == 200 and seg.json()["status"] == "approved" and seg.json()["draft_state"] == "in_review"

    done = client.post(f"/ui/drafts/{draft['id']}/status", data={"csrf": csrf, "status": "approved"},
                       follow_redirects=False)
    assert done.status_code == 303
    after = draft_of(client, job_id)
    assert after["state"] == "approved" and {s["status"] for s in after["segments"]} == {"approved"}
    assert client.app.state.desk.store.job(job_id)["state"] == "approved"
    assert "The draft is approved." in client.get(done.headers["location"]).text

    expected = ARTICLE.replace(EN_LINES[1], edited)
    txt = client.get(f"/ui/drafts/{draft['id']}/export?format=txt")
    assert txt.status_code == 200 and txt.text == expected
    assert txt.headers["content-disposition"].startswith("attachment;")
    md = client.get(f"/ui/drafts/{draft['id']}/export?format=md")
    assert md.text == expected and md.headers["content-disposition"].endswith('.md"')

    memory = TranslationMemory(client.app.state.desk.store)
    assert memory.exact("en", "tr", EN_LINES[:3]) == {EN_LINES[0]: EN_LINES[0], EN_LINES[1]: edited,
                                                      EN_LINES[2]: EN_LINES[2]}
    tmx = client.get("/ui/tm/export?source=en&target=tr")
    assert tmx.status_code == 200 and edited.encode() in tmx.content and b"<tmx" in tmx.content

    # the same sentences again: the memory answers, flagged "tm"
    again = draft_of(client, submit(client, csrf, ARTICLE))
    assert all("tm" in s["flags"] for s in again["segments"])
    assert again["segments"][1]["target"] == edited
    assert 'class="flag flag-tm">tm<' in client.get(f"/ui/drafts/{again['id']}").text

    # a near-identical sentence gets a fuzzy suggestion with an Insert button
    near = EN_LINES[1].replace("4,500", "4,800")
    assert near != EN_LINES[1]
    fuzzy = draft_of(client, submit(client, csrf, near + "\n"))
    page = client.get(f"/ui/drafts/{fuzzy['id']}").text
    assert 'class="suggestions"' in page and re.search(r"TM \d\d%", page)
    assert f'data-action="insert" data-suggestion="{edited}"' in page


def test_exports_and_xliff_round_trip(client):
    csrf = sign_in(client, ADMIN_KEY)
    draft = draft_of(client, submit(client, csrf, TERMS_ARTICLE, glossary="seed", fmt="markdown"))
    html = client.get(f"/ui/drafts/{draft['id']}/export?format=html")
    assert html.status_code == 200 and html.text.startswith("<!DOCTYPE html>")
    assert "<h1>" in html.text and "<ul>" in html.text and "<blockquote>" in html.text
    assert "&#34;" in html.text or "&quot;" in html.text  # the quote's quotation marks, escaped

    exported = client.get(f"/ui/drafts/{draft['id']}/export?format=xliff")
    assert exported.status_code == 200 and exported.headers["content-disposition"].endswith('.xlf"')
    assert xliff.validate(exported.content) == []

    seg = draft["segments"][1]
    new_target = "PRİŞTİNE, Kosova – KFOR komutanları EULEX yetkilileriyle görüştü."
    old = f">{_xml(seg['target'])}</target>".encode()
    assert old in exported.content
    changed = exported.content.replace(old, f">{_xml(new_target)}</target>".encode(), 1)
    response = client.post(f"/ui/drafts/{draft['id']}/import", data={"csrf": csrf},
                           files={"file": ("draft.xlf", changed, "application/xliff+xml")}, follow_redirects=False)
    assert response.status_code == 303
    assert "Imported 1 changed segment" in client.get(response.headers["location"]).text
    after = client.app.state.desk.store.draft(draft["id"])
    assert after["segments"][1]["target"] == new_target and after["segments"][1]["status"] == "edited"
    assert after["segments"][1]["version"] == seg["version"] + 1

    bad = client.post(f"/ui/drafts/{draft['id']}/import", data={"csrf": csrf},
                      files={"file": ("draft.xlf", b"<xliff", "application/xml")}, follow_redirects=False)
    assert "XLIFF+import+failed" in bad.headers["location"] or "XLIFF%20import%20failed" in bad.headers["location"]
    assert "XLIFF import failed" in client.get(bad.headers["location"]).text


def test_glossary_terms_are_highlighted(client):
    csrf = sign_in(client, ADMIN_KEY)
    response = client.post("/ui/jobs/new", data={"csrf": csrf, "targets": ["tr"], "glossary": "seed"},
                           files={"file": ("article-terms-en.md", TERMS_ARTICLE.encode(), "text/markdown")},
                           follow_redirects=False)  # uploaded; the source language is detected
    assert response.status_code == 303, response.text
    job_id = response.headers["location"].rsplit("/", 1)[-1]
    client.app.state.desk.service.dispatcher.drain()
    job = client.app.state.desk.store.job(job_id)
    assert (job["source_lang"], job["format"], job["glossary"]) == ("en", "markdown", "seed")
    draft = draft_of(client, job_id)
    page = client.get(f"/ui/drafts/{draft['id']}").text
    assert re.search(r'<mark class="term" data-concept="[^"]+" title="required: Priştine">Pristina</mark>', page)
    assert 'class="src heading h1"' in page


def test_script_in_an_article_is_escaped(client):
    csrf = sign_in(client, ADMIN_KEY)
    draft = draft_of(client, submit(client, csrf, SCRIPT + "\n", fmt="text"))
    page = client.get(f"/ui/drafts/{draft['id']}")
    assert SCRIPT not in page.text and "<script>window" not in page.text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    # the copy model mangles the tag; a reviewer writing it into the target gets it escaped everywhere
    seg = draft["segments"][0]
    edited = put(client, csrf, draft["id"], 0, SCRIPT, seg["version"])
    assert edited.status_code == 200 and "&lt;script&gt;" in edited.json()["target_html"]
    page = client.get(f"/ui/drafts/{draft['id']}").text
    assert "<script>window" not in page and page.count("&lt;script&gt;window.__pwned = 1&lt;/script&gt;") >= 3
    html = client.get(f"/ui/drafts/{draft['id']}/export?format=html").text
    assert "<script>" not in html and "<p>&lt;script&gt;window.__pwned = 1&lt;/script&gt;</p>" in html


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- the lifecycle on the desk ---------------------------------------------------------------------------
def make_client(tmp_path, models_dir, **kw) -> TestClient:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/web.db", models_dir=models_dir, admin_key=ADMIN_KEY,
                        beam_size=1, threads=1, offline=True, rate_limit_per_minute=1000, **kw)
    return TestClient(create_app(settings))


def review_form(client: TestClient, csrf: str, draft_id: str, action: str):
    return client.post(f"/ui/drafts/{draft_id}/review", data={"csrf": csrf, "action": action}, follow_redirects=False)


def test_opening_a_draft_changes_nothing_and_shows_its_models(client):
    csrf = sign_in(client, new_key(client, "reviewer"))
    draft = draft_of(client, submit(client, csrf, ARTICLE))
    for _ in range(2):
        page = client.get(f"/ui/drafts/{draft['id']}")
        assert page.status_code == 200
    after = draft_of(client, draft["job_id"])
    assert after["state"] == "draft_ready" and after["updated_at"] == draft["updated_at"]
    assert client.app.state.reviewing.review.history(draft["id"]) == []
    (model,) = after["models"]
    assert (model["hop"], model["direction"], model["fixture"]) == (0, "en-tr", "copy")
    assert "data-models" in page.text and f"hop 1 en-tr: {model['model']} (no pinned revision" in page.text
    assert "fixture copy" in page.text
    assert 'id="start-review"' in page.text and 'id="approve-draft"' in page.text


def test_start_review_needs_a_reviewer_and_csrf(client):
    admin_csrf = sign_in(client, ADMIN_KEY)
    draft = draft_of(client, submit(client, admin_csrf, ARTICLE))
    assert client.post(f"/ui/drafts/{draft['id']}/review", data={"action": "start"}).status_code == 403  # no CSRF
    client.cookies.clear()
    csrf = sign_in(client, new_key(client, "submitter"))
    page = client.get(f"/ui/drafts/{draft['id']}").text
    assert 'id="start-review"' not in page and 'id="retry-draft"' not in page
    assert review_form(client, csrf, draft["id"], "start").status_code == 403
    assert draft_of(client, draft["job_id"])["state"] == "draft_ready"
    assert review_form(client, csrf, "nope", "start").status_code == 403  # the role is checked first


def test_refused_page_actions_come_back_as_messages(client):
    csrf = sign_in(client, ADMIN_KEY)
    draft = draft_of(client, submit(client, csrf, ARTICLE))
    assert review_form(client, csrf, "nope", "start").status_code == 404
    response = review_form(client, csrf, draft["id"], "retry")
    assert response.status_code == 303
    assert "cannot retry" in client.get(response.headers["location"]).text
    response = client.post(f"/ui/drafts/{draft['id']}/status", data={"csrf": csrf, "status": "published"},
                           follow_redirects=False)
    assert "unknown action" in client.get(response.headers["location"]).text
    assert review_form(client, csrf, draft["id"], "reject").status_code == 303
    assert draft_of(client, draft["job_id"])["state"] == "rejected"
    response = client.post(f"/ui/drafts/{draft['id']}/status", data={"csrf": csrf, "status": "approved"},
                           follow_redirects=False)
    assert "rejected is final" in client.get(response.headers["location"]).text
    late = client.post(f"/ui/api/drafts/{draft['id']}/segments/0/status", json={"status": "approved"},
                       headers={"X-CSRF-Token": csrf})
    assert late.status_code == 409 and "rejected" in late.json()["error"]
    assert put(client, csrf, draft["id"], 0, "x", 0).status_code == 409


def test_retry_button_after_a_missing_model(tmp_path, copy_models):
    from tests.conftest import models_without, put_model_back

    models = models_without(copy_models, tmp_path / "models", "en-sq")
    with make_client(tmp_path, models) as client:
        csrf = sign_in(client, new_key(client, "reviewer"))
        job_id = submit(client, csrf, ARTICLE, targets=("sq",))
        draft = draft_of(client, job_id, "sq")
        assert draft["state"] == "failed" and "en-sq" in draft["error"]
        page = client.get(f"/ui/drafts/{draft['id']}").text
        assert 'id="retry-draft"' in page and 'id="start-review"' not in page

        put_model_back(copy_models, models, "en-sq")
        response = review_form(client, csrf, draft["id"], "retry")
        assert response.status_code == 303
        assert "The draft is queued again." in client.get(response.headers["location"]).text
        client.app.state.desk.service.dispatcher.drain()
        done = draft_of(client, job_id, "sq")
        assert done["state"] == "draft_ready" and done["error"] == ""
        assert [s["target"] for s in done["segments"]] == EN_LINES[:3]
        page = client.get(f"/ui/drafts/{draft['id']}").text
        assert 'id="retry-draft"' not in page and "hop 1 en-sq" in page


def test_the_same_bad_input_gets_the_same_message_everywhere(tmp_path, copy_models):
    """CLI submit, POST /jobs, POST /translate and the desk's form check through one request model."""
    import html

    from click.testing import CliRunner

    from desk.cli import cli

    text = "The cat sat on the mat and the dog was in the garden.\n"
    cases = [  # (what, fields, CLI options, input, exit code, /jobs status)
        ("sr-Arab target", {"targets": "sr-Arab"}, ["--to", "sr-Arab"], text, 2, 422),
        ("NUL byte", {"text": "The cat\x00 sat on the mat.\n"}, [], "The cat\x00 sat on the mat.\n", 3, 400),
        ("priority 10", {"priority": 10}, ["--priority", "10"], text, 2, 422),
        ("too large", {"text": text * 30}, [], text * 30, 3, 413),
    ]
    env = {"DRAGOMAN_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db", "DRAGOMAN_MAX_ARTICLE_BYTES": "1000",
           "DRAGOMAN_MODELS_DIR": str(copy_models), "DRAGOMAN_OFFLINE": "1"}
    with make_client(tmp_path, copy_models, max_article_bytes=1000, max_request_bytes=100_000) as client:
        csrf = sign_in(client, ADMIN_KEY)
        admin = {"X-API-Key": ADMIN_KEY}
        for what, fields, options, data, code, status in cases:
            body = {"text": text, "source": "en", "targets": "tr", **fields}
            api = client.post("/jobs", json=body, headers=admin)
            assert api.status_code == status, (what, api.text)
            message = api.json()["error"]

            cli_args = ["submit", "-", "--from", "en", *(options or []), *([] if "--to" in options else ["--to", "tr"])]
            result = CliRunner().invoke(cli, cli_args, input=data.encode(), env=env, catch_exceptions=False)
            assert (result.exit_code, result.stderr.strip()) == (code, f"dragoman: {message}"), what

            form = {"csrf": csrf, "text": body["text"], "source": "en", "priority": str(body.get("priority", 5)),
                    "targets": body["targets"].split(",")}
            page = client.post("/ui/jobs/new", data=form)
            assert page.status_code == status, what
            shown = re.search(r'<p class="alert error" role="alert">(.*?)</p>', page.text, re.S)
            assert html.unescape(shown.group(1)) == message, what

            if what != "priority 10":  # /translate has no priority; LibreTranslate answers 400 to everything
                lt = client.post("/translate", json={"q": body["text"], "source": "en", "target": body["targets"]},
                                 headers=admin)
                assert (lt.status_code, lt.json()["error"]) == (400, message), what



# --- sessions: itsdangerous, expiry, secret rotation ------------------------------------------------------
T0 = 1_750_000_000.0


def desk_client(tmp_path, secret: str = "", **kw) -> TestClient:
    """A desk without models (signing in and the job list need none), on the database in ``tmp_path``."""
    settings = Settings(database_url=f"sqlite:///{tmp_path}/web.db", models_dir=tmp_path / "no-models",
                        admin_key=ADMIN_KEY, offline=True, rate_limit_per_minute=1000, session_secret=secret, **kw)
    return TestClient(create_app(settings))


def signed_in_cookie(client: TestClient) -> str:
    sign_in(client, ADMIN_KEY)
    return client.cookies["dragoman_session"]


def opens_the_desk(client: TestClient, cookie: str) -> bool:
    client.cookies.clear()
    client.cookies.set("dragoman_session", cookie)
    response = client.get("/ui/jobs", follow_redirects=False)
    assert response.status_code in (200, 303), response.text
    return response.status_code == 200


def test_sessions_are_signed_and_end_after_their_ttl():
    session = views.new_session("0123456789abcdef" * 2, "reviewer", "Rita", now=T0)
    token = views.sign("k1", session, now=T0)
    payload, stamp, mac = token.rsplit(".", 2)  # itsdangerous: payload (maybe .compressed), time, signature
    back = views.read_session("k1", token, now=T0 + views.SESSION_TTL - 1)
    assert back == session and back.exp == int(T0) + views.SESSION_TTL
    assert views.read_session("k1", token, now=T0 + views.SESSION_TTL + 1) is None  # too old
    assert views.read_session("k2", token, now=T0) is None                          # another secret
    forged = views.sign("k2", views.Session(session.sub, "admin", "Rita", session.exp, session.csrf), now=T0)
    forged_payload = forged.rsplit(".", 2)[0]
    assert views.read_session("k1", f"{forged_payload}.{stamp}.{mac}", now=T0) is None  # admin, with Rita's MAC
    for junk in ("", "a.b.c", "\x00", "x" * 5000, payload):
        assert views.read_session("k1", junk, now=T0) is None


def test_session_secrets_rotate_the_first_signs_and_all_verify():
    token = views.sign("old", views.new_session("admin", "admin", "admin", now=T0), now=T0)
    assert views.read_session("new, old", token, now=T0) is not None  # rotated in: old cookies still work
    fresh = views.sign("new, old", views.new_session("admin", "admin", "admin", now=T0), now=T0)
    assert views.read_session("new", fresh, now=T0) is not None       # signed with the first ...
    assert views.read_session("old", fresh, now=T0) is None           # ... not with the old one
    assert views.read_session(["new", "old"], fresh, now=T0) is not None


def test_rotating_the_session_secret_keeps_people_signed_in(tmp_path):
    old_cookie = signed_in_cookie(desk_client(tmp_path, "old-secret"))
    rotated = desk_client(tmp_path, "new-secret, old-secret")
    assert opens_the_desk(rotated, old_cookie)
    rotated.cookies.clear()
    new_cookie = signed_in_cookie(rotated)
    retired = desk_client(tmp_path, "new-secret")  # the old secret dropped: its sessions end
    assert opens_the_desk(retired, new_cookie)
    assert not opens_the_desk(retired, old_cookie)
    assert not opens_the_desk(desk_client(tmp_path, "old-secret"), new_cookie)
    assert opens_the_desk(desk_client(tmp_path, " , "), "") is False  # only commas: a random secret, no crash


def test_hostile_desk_urls_are_refused_not_500(tmp_path):
    client = desk_client(tmp_path)
    csrf = sign_in(client, ADMIN_KEY)
    hex_id = "0123456789abcdef" * 2
    export = client.get("/ui/tm/export", params={"source": '€😀"x', "target": "tr"})
    assert export.status_code == 200 and 'filename="tm-x-tr.tmx"' in export.headers["content-disposition"]
    assert client.get(f"/ui/jobs?page={10**15}").status_code == 200
    assert client.get("/ui/jobs/ab%00cd").status_code == 400
    assert client.get("/ui/jobs/" + "x" * 100).status_code == 404
    segment = client.put(f"/ui/api/drafts/{hex_id}/segments/{2**40}", json={"target": "x", "version": 0},
                         headers={"X-CSRF-Token": csrf})
    assert segment.status_code == 422
    deep = client.post(f"/ui/api/drafts/{hex_id}/comments", content=b"[" * 50_000 + b"]" * 50_000,
                       headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"})
    assert deep.status_code == 400 and "nested" in deep.json()["error"]


def test_the_desk_counts_against_the_key_quota(tmp_path):
    client = desk_client(tmp_path, quota_chars_per_day=50)
    csrf = sign_in(client, ADMIN_KEY)
    form = {"csrf": csrf, "text": "Dobar dan, ovo je kratka vest iz Beograda o vremenu.", "targets": ["sr-Cyrl"],
            "source": "sr-Latn", "priority": "5", "format": ""}
    refused = client.post("/ui/jobs/new", data=form, follow_redirects=False)
    assert refused.status_code == 429 and "quota" in refused.text  # on the form, with what was typed
    assert "Dobar dan" in refused.text
    assert client.get("/keys/me", headers={"X-API-Key": ADMIN_KEY}).json()["quota_used_today"] == 0
    ok = client.post("/ui/jobs/new", data={**form, "text": "Dobar dan iz Beograda."}, follow_redirects=False)
    assert ok.status_code == 303
    assert client.get("/keys/me", headers={"X-API-Key": ADMIN_KEY}).json()["quota_used_today"] == 22  # one key
