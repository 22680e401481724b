"""The review desk's glossary pages (desk.web_glossary) through FastAPI's TestClient: search, add and
edit concepts, import with a preview then confirm, history with diffs and rollbacks; sessions,
CSRF, roles and escaping as on the other desk pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from common.settings import Settings
from desk.api import create_app
from glossary.model import Concept, Term
from glossary.seed import load_seed
from tests.integration.test_glossary_e2e import CONFLICTING_TBX
from tests.unit.test_glossary_merge import PLAIN_TBX

pytestmark = pytest.mark.integration

ADMIN_KEY = "admin-desk-key"
SCRIPT = "<script>window.__pwned = 1</script>"


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/web.db", models_dir=tmp_path / "no-models",
                        admin_key=ADMIN_KEY, redis_url="", offline=True, rate_limit_per_minute=1000)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def store(client: TestClient):
    from desk.api_glossary import service_of

    return service_of(client.app.state.desk).store


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html) or re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def sign_in(client: TestClient, role: str = "admin") -> str:
    key = ADMIN_KEY
    if role != "admin":
        made = client.post("/keys", json={"name": f"{role}-person", "role": role}, headers={"X-API-Key": ADMIN_KEY})
        key = made.json()["key"]
    page = client.get("/ui/login")
    response = client.post("/ui/login", data={"key": key, "csrf": csrf_of(page.text), "next": "/ui/jobs"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/ui/jobs").text)


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


def concept_form(csrf: str, cid: str = "", action: str = "save", **cells: str) -> dict[str, str]:
    form = {"csrf": csrf, "id": cid, "action": action, "kind": "translate", "note": "", "subject": ""}
    form.update({f"lang-{lang.replace('_', '-')}": cell for lang, cell in cells.items()})
    return form


# --- sessions and roles -----------------------------------------------------------------------------------
def test_the_glossary_needs_a_reviewer_session(client):
    response = client.get("/ui/glossary", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/ui/login")
    sign_in(client, "submitter")
    assert 'href="/ui/glossary"' not in client.get("/ui/jobs").text
    page = client.get("/ui/glossary")
    assert page.status_code == 403 and "reviewer" in page.text
    client.cookies.clear()
    csrf = sign_in(client, "reviewer")
    assert 'href="/ui/glossary"' in client.get("/ui/jobs").text
    page = client.get("/ui/glossary")
    assert page.status_code == 200 and "content-security-policy" in page.headers
    assert 'id="add-concept"' not in page.text and 'id="import-glossary"' not in page.text
    refused = client.post("/ui/glossary/concepts", data=concept_form(csrf, en="Peja"))
    assert refused.status_code == 403 and "admin" in refused.text
    assert store(client).version() == 0


def test_changes_need_the_csrf_token(client):
    csrf = sign_in(client)
    assert client.post("/ui/glossary/concepts", data=concept_form("forged", en="Peja")).status_code == 403
    assert client.post("/ui/glossary/rollback/0", data={}).status_code == 403
    assert client.post("/ui/glossary/import", files={"file": ("x.tbx", PLAIN_TBX)}).status_code == 403
    assert store(client).version() == 0
    assert client.post("/ui/glossary/concepts", data=concept_form(csrf, en="Peja"),
                       follow_redirects=False).status_code == 303


# --- search, add, edit --------------------------------------------------------------------------------------
def test_search_and_escaping(client):
    store(client).merge(load_seed())
    store(client).add(Concept("evil", "translate", [Term("en", SCRIPT)], note=SCRIPT))
    sign_in(client, "reviewer")
    page = client.get("/ui/glossary", params={"q": "prištinu"}).text
    assert 'data-concept="pristina"' in page and 'data-concept="kfor"' not in page
    everything = client.get("/ui/glossary", params={"q": SCRIPT}).text
    assert SCRIPT not in everything and "&lt;script&gt;" in everything and 'data-concept="evil"' in everything
    concept = client.get("/ui/glossary/concept", params={"id": "evil"}).text
    assert SCRIPT not in concept and "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in concept
    assert client.get("/ui/glossary/concept", params={"id": "nope"}).status_code == 404


def test_add_edit_and_remove_a_concept(client):
    csrf = sign_in(client)
    added = client.post("/ui/glossary/concepts", follow_redirects=False, data=concept_form(
        csrf, en="Peja | ?Peć", sq="Pejë {def=Peja; def.gen=Pejës}", sr_Latn="Peć {gen=Peći}"))
    assert added.status_code == 303 and added.headers["location"].startswith("/ui/glossary/concept?id=peja")
    peja = store(client).get("peja")
    assert [(t.lang, t.text, t.status) for t in peja.terms][:2] == [("en", "Peja", "preferred"),
                                                                    ("en", "Peć", "admitted")]
    assert store(client).history()[0]["who"] == "admin"
    page = client.get("/ui/glossary/concept", params={"id": "peja"}).text
    assert 'value="Pejë {def=Peja; def.gen=Pejës}"' in page
    base = hidden(page, "base")
    saved = client.post("/ui/glossary/concept", follow_redirects=False, data={**concept_form(
        csrf, "peja", en="Peja | ?Peć", tr="İpek", sq="Pejë {def=Peja; def.gen=Pejës}"), "base": base})
    assert saved.status_code == 303 and "Saved+peja" in saved.headers["location"]
    assert [t.lang for t in store(client).get("peja").terms] == ["en", "en", "tr", "sq"]
    summary = store(client).history()[0]["summary"]
    assert summary["action"] == "edit" and summary["ids"]["changed"] == ["peja"]
    stale = client.post("/ui/glossary/concept", data={**concept_form(csrf, "peja", en="Pejë"), "base": base})
    assert stale.status_code == 409 and "changed by someone else" in stale.text
    bad = client.post("/ui/glossary/concepts", data=concept_form(csrf, en="Prizren {gen=}"))
    assert bad.status_code == 422 and "en:" in bad.text and 'value="Prizren {gen=}"' in bad.text
    removed = client.post("/ui/glossary/concept", data=concept_form(csrf, "peja", action="remove"),
                          follow_redirects=False)
    assert removed.status_code == 303 and store(client).get("peja") is None


# --- import with a preview --------------------------------------------------------------------------------
def test_import_preview_then_confirm(client):
    store(client).merge(load_seed())
    csrf = sign_in(client)
    preview = client.post("/ui/glossary/import", data={"csrf": csrf, "mode": "merge"},
                          files={"file": ("conflicts.tbx", CONFLICTING_TBX)})
    assert preview.status_code == 200, preview.text
    assert "1 added · 1 changed · 1 conflicts" in preview.text and 'data-added="peja"' in preview.text
    assert 'data-conflict="kosovo"' in preview.text and "Kosovë" in preview.text and "not applied" in preview.text
    assert store(client).version() == 1  # a preview writes nothing
    form = {name: hidden(preview.text, name) for name in ("csrf", "confirm", "data", "name", "base", "format",
                                                          "mode", "prefer_file", "langs")}
    done = client.post("/ui/glossary/import", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/ui/glossary/history?notice=Imported")
    assert store(client).version() == 2 and store(client).get("peja") is not None
    history = client.get(done.headers["location"]).text
    assert "Imported conflicts.tbx: 1 added, 1 changed" in history and "import conflicts.tbx (merge)" in history
    again = client.post("/ui/glossary/import", data=form)  # the glossary moved on since that preview
    assert again.status_code == 200 and "changed since the preview" in again.text and store(client).version() == 2
    assert client.post("/ui/glossary/import", data={**form, "data": "not-base64!"}).status_code == 400


def test_import_errors_are_shown(client):
    csrf = sign_in(client)
    missing = client.post("/ui/glossary/import", data={"csrf": csrf}, follow_redirects=False)
    assert missing.status_code == 303 and "choose+a+glossary+file" in missing.headers["location"]
    bad = client.post("/ui/glossary/import", data={"csrf": csrf}, files={"file": ("bad.tbx", b"<martif><oops")})
    assert bad.status_code == 422 and "bad.tbx" in bad.text and store(client).version() == 0


# --- history, diff, rollback -------------------------------------------------------------------------------
def test_history_diff_and_rollback(client):
    store(client).merge(load_seed(), who="alice", action="seed")
    store(client).merge([c for c in load_seed() if c.id != "kfor"], replace=True, who="bob")
    csrf = sign_in(client)
    history = client.get("/ui/glossary/history").text
    assert 'data-version="2"' in history and "bob" in history and "alice" in history
    assert 'href="/ui/glossary/diff?from=1&amp;to=2"' in history and 'action="/ui/glossary/rollback/1"' in history
    diff = client.get("/ui/glossary/diff", params={"from": 1, "to": 2}).text
    assert 'data-removed="kfor"' in diff and "1 removed" in diff
    back = client.post("/ui/glossary/rollback/1", data={"csrf": csrf}, follow_redirects=False)
    assert back.status_code == 303 and "Rolled+back+to+version+1" in back.headers["location"]
    assert store(client).version() == 3 and store(client).get("kfor") is not None
    assert len(store(client).history()) == 3
    unknown = client.get("/ui/glossary/diff", params={"from": 9})
    assert unknown.status_code == 404 and "no such version" in unknown.text
    assert client.get("/ui/glossary/diff", params={"from": "x"}).status_code == 422
    assert client.get("/ui/glossary/diff").status_code == 200
    missing = client.post("/ui/glossary/rollback/42", data={"csrf": csrf}, follow_redirects=False)
    assert missing.status_code == 303 and "no+such+version" in missing.headers["location"]
