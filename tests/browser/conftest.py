"""A live review desk for the browser tests: the app under uvicorn in a background thread (embedded
mode, SQLite in a temporary folder, the copy-trained models), and headless Chromium from Debian."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ADMIN_KEY = "browser-admin-key"


@pytest.fixture(autouse=True)
def _chromium() -> None:
    """A missing Chromium fails the browser tests (a skip would let them pass unchecked)."""
    if not CHROMIUM.exists():
        pytest.fail(f"the browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium "
                    "(bash .ci/run installs it)")


@dataclass
class LiveDesk:
    url: str
    app: object


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_desk(tmp_path_factory, copy_models) -> Iterator[LiveDesk]:
    import uvicorn

    from common.settings import Settings
    from desk.api import create_app

    root = tmp_path_factory.mktemp("desk")
    settings = Settings(database_url=f"sqlite:///{root}/desk.db", models_dir=copy_models, admin_key=ADMIN_KEY,
                        redis_url="", beam_size=1, threads=1, offline=True, rate_limit_per_minute=1000)
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="desk-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start within 30 s"
        time.sleep(0.05)
    try:
        yield LiveDesk(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    try:
        yield tab
    finally:
        context.close()
