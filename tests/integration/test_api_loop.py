"""The API's event loop never waits on a request's CPU work: checking and decoding a JSON body, decoding a form,
checking an article (``newsroom.requests.prepare``) and parsing and splitting it run in the thread pool, so ``/health``
answers while a large submission is being worked on.

Each test holds one step inside a patched function (it sets ``entered`` and waits for ``release``), asks for
``/health`` meanwhile and lets the step go on only after ``/health`` has answered, or its deadline passed.
Were the step on the event loop, ``/health`` could not answer before the step was released, and the test fails
at its deadline. The client is used as a context manager: all its requests share one event loop (without it,
each request runs on a loop of its own and nothing could block ``/health``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

import desk.api_desk
import desk.inputs
import translate.formats
from tests.integration.test_api import ADMIN, make_client

pytestmark = pytest.mark.integration

DEADLINE = 30.0  # seconds: how long a test waits for what should happen at once (only a failing test waits)
BIG = "Policija je zatvorila prelaz Jarinje [" + " " * 100_000 + "] posle ponoći. " * 3
HELD = [
    ("article parse", translate.formats, "parse"),
    ("request checks", desk.api_desk, "prepare"),
    ("JSON depth check", desk.inputs, "json_depth_ok"),
]
FORMS = {  # how an article comes as a form: the client's keyword arguments
    "urlencoded": {"data": {"text": BIG, "source": "sr-Latn", "targets": "sr-Cyrl", "format": "text"}},
    "file upload": {"data": {"source": "sr-Latn", "targets": "sr-Cyrl"},
                    "files": {"file": ("vesti.txt", BIG.encode(), "text/plain")}},
}


def _hold(monkeypatch, module, name: str) -> tuple[threading.Event, threading.Event]:
    """Patch ``module.name`` so that its first call waits for ``release`` (after setting ``entered``)."""
    entered, release = threading.Event(), threading.Event()
    real = getattr(module, name)

    def held(*args, **kwargs):
        if not entered.is_set():
            entered.set()
            assert release.wait(2 * DEADLINE), "the test never released the held step"
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return entered, release


def _in_thread(call: Callable[[], object]) -> tuple[threading.Event, dict]:
    done, result = threading.Event(), {}

    def run() -> None:
        try:
            result["value"] = call()
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    return done, result


def _health_while_held(client, send: Callable[[], object], entered: threading.Event,
                       release: threading.Event) -> tuple[object, object]:
    """``/health``'s response, asked for while ``send()`` is held, then ``send()``'s response."""
    sent, submission = _in_thread(send)
    try:
        assert entered.wait(DEADLINE), "the request never reached the held step"
        answered, health = _in_thread(lambda: client.get("/health"))
        assert answered.wait(DEADLINE), "/health did not answer while the request's work was held"
    finally:
        release.set()
    assert sent.wait(DEADLINE), "the request did not finish once released"
    return health["value"], submission["value"]


@pytest.mark.parametrize("module, name", [(m, n) for _, m, n in HELD], ids=[i for i, _, _ in HELD])
def test_health_answers_while_a_job_submission_is_worked_on(tmp_path, monkeypatch, module, name):
    entered, release = _hold(monkeypatch, module, name)
    with make_client(tmp_path) as client:
        body = {"text": BIG, "source": "sr-Latn", "targets": ["sr-Cyrl"], "format": "text"}
        health, submission = _health_while_held(
            client, lambda: client.post("/jobs", json=body, headers=ADMIN), entered, release)
    assert health.status_code == 200, health.text
    assert submission.status_code == 201, submission.text
    assert submission.json()["targets"] == ["sr-Cyrl"]


def test_health_answers_while_a_translate_request_is_checked(tmp_path, monkeypatch):
    entered, release = _hold(monkeypatch, desk.api_desk, "prepare")
    with make_client(tmp_path) as client:
        body = {"q": BIG, "source": "sr-Latn", "target": "sr-Cyrl", "format": "text"}
        health, answer = _health_while_held(
            client, lambda: client.post("/translate", json=body, headers=ADMIN), entered, release)
    assert health.status_code == 200, health.text
    assert answer.status_code == 200, answer.text
    assert answer.json()["translatedText"].startswith("Полиција је затворила прелаз Јариње [")


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS)
def test_health_answers_while_a_form_is_parsed(tmp_path, monkeypatch, form):
    entered, release = _hold(monkeypatch, desk.inputs, "parse_form")
    with make_client(tmp_path) as client:
        health, submission = _health_while_held(
            client, lambda: client.post("/jobs", headers=ADMIN, **form), entered, release)
    assert health.status_code == 200, health.text
    assert submission.status_code == 201, submission.text
    job = submission.json()
    assert (job["source"], job["targets"], job["format"]) == ("sr-Latn", ["sr-Cyrl"], "text")
