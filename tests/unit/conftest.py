"""Unit-tier hygiene: every JobService a test makes (its own, or create_app's) is closed when the test
ends, so that no pump outlives its test: a callback that keeps failing would otherwise be retried by
a thread for the rest of the session, in later tests' time (and random state)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _services_closed(monkeypatch):
    from workers.service import JobService

    made: list[JobService] = []
    init = JobService.__init__

    def recording(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(JobService, "__init__", recording)
    yield
    busy = [service for service in made if not service.close()]
    assert not busy, f"{len(busy)} JobService(s) still had a thread at work after closing"
