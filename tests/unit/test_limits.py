"""desk.limits (the rate limit's moving window and the daily character quota, in memory, on a fake
clock) and desk.inputs (ids, the JSON depth pre-check, URLs). The Redis store, shared by several
processes, is tested end to end in tests/integration/test_api.py."""

from __future__ import annotations

from datetime import UTC, datetime

import limits.storage.memory
import pytest

from desk.inputs import MAX_JSON_DEPTH, is_id, json_depth_ok, shown, url_problem
from desk.limits import Limits

pytestmark = pytest.mark.unit

NOON = datetime(2025, 3, 14, 12, 0, tzinfo=UTC).timestamp()


class FakeTime:
    """A clock for ``Limits`` and, as the module ``time``, for the ``limits`` memory store."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeTime:
    fake = FakeTime(NOON)
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    return fake


def make(clock: FakeTime, per_minute: int = 3, chars_per_day: int = 0) -> Limits:
    return Limits(per_minute, chars_per_day, clock=clock.time)


# --- the rate limit ---------------------------------------------------------------------------------------
def test_a_moving_window_of_sixty_seconds(clock):
    lim = make(clock)
    assert [lim.hit("k") for _ in range(3)] == [None, None, None]
    assert lim.hit("k") == 61                      # full: the oldest hit leaves the window after 60 s
    clock.advance(20)
    assert lim.hit("k") == 41
    clock.advance(40)                              # exactly 60 s old: still in the window
    assert lim.hit("k") == 1
    clock.advance(1)
    assert lim.hit("k") is None


def test_the_window_moves_hit_by_hit(clock):
    lim = make(clock, per_minute=2)
    assert lim.hit("k") is None
    clock.advance(30)
    assert lim.hit("k") is None
    clock.advance(29)
    assert lim.hit("k") == 2                       # the first hit leaves after 1 s
    clock.advance(2)
    assert lim.hit("k") is None                    # ... and only it: the second is still in the window
    assert lim.hit("k") == 30


def test_refused_hits_do_not_count_and_buckets_are_separate(clock):
    lim = make(clock, per_minute=2)
    assert lim.hit("a") is None and lim.hit("a") is None
    for _ in range(10):
        assert lim.hit("a") is not None
    assert lim.hit("b") is None                    # another key has its own budget
    clock.advance(61)
    assert lim.hit("a") is None and lim.hit("a") is None


def test_a_cost_takes_several_hits_or_none(clock):
    lim = make(clock, per_minute=5)
    assert lim.hit("k", 4) is None
    assert lim.hit("k", 2) is not None             # 4 + 2 > 5: refused whole, nothing counted
    assert lim.hit("k", 1) is None
    assert lim.hit("k", 0) is None                 # counting nothing never refuses
    assert lim.hit("other", 6) is not None         # more than the whole limit never fits


# --- the daily character quota ---------------------------------------------------------------------------
def test_the_quota_refuses_what_would_go_over_and_keeps_the_rest(clock):
    lim = make(clock, chars_per_day=100)
    assert lim.spend("k", 60) is None
    wait = lim.spend("k", 41)                      # 101 > 100: refused, not counted
    assert wait == 12 * 3600                       # until 00:00 UTC
    assert lim.spend("k", 40) is None              # exactly 100
    assert lim.spend("k", 1) is not None
    assert lim.spend("other", 100) is None
    usage = lim.usage("k")
    assert (usage["quota_chars_per_day"], usage["quota_used_today"], usage["quota_left_today"]) == (100, 100, 0)
    assert usage["quota_resets_at"] == "2025-03-15T00:00:00Z"


def test_the_quota_starts_again_at_midnight_utc(clock):
    lim = make(clock, chars_per_day=10)
    assert lim.spend("k", 10) is None and lim.spend("k", 1) is not None
    clock.advance(12 * 3600 - 1)                   # 23:59:59
    assert lim.spend("k", 1) == 1
    clock.advance(1)
    assert lim.spend("k", 10) is None
    assert lim.usage("k")["quota_resets_at"] == "2025-03-16T00:00:00Z"


def test_no_quota_is_unlimited_but_still_counted(clock):
    lim = make(clock, per_minute=10)
    assert lim.spend("k", 10**9) is None and lim.spend("k", 5) is None
    usage = lim.usage("k")
    assert usage["quota_chars_per_day"] is None and usage["quota_left_today"] is None
    assert usage["quota_used_today"] == 10**9 + 5


def test_usage_shows_the_rate_limit_left(clock):
    lim = make(clock, per_minute=3)
    lim.hit("k")
    assert lim.usage("k")["rate_limit_per_minute"] == 3
    assert lim.usage("k")["requests_left_this_minute"] == 2


def test_an_unreachable_store_lets_requests_through():
    lim = Limits(1, 5, "redis://127.0.0.1:1/0")
    assert [lim.hit("k") for _ in range(3)] == [None, None, None]
    assert lim.spend("k", 1000) is None
    assert lim.usage("k")["quota_used_today"] is None


# --- raw input --------------------------------------------------------------------------------------------
def test_ids_are_32_lowercase_hex():
    assert is_id("0123456789abcdef" * 2)
    for bad in ("", "nope", "0" * 31, "0" * 33, "A" * 32, "0" * 31 + "\x00", "0" * 31 + "g", None, 5, ["0" * 32]):
        assert not is_id(bad), bad


def test_values_quoted_in_errors_are_short_and_printable():
    assert shown("nope") == "nope"
    assert shown("a\x00b") == "'a\\x00b'"
    assert len(shown("x" * 10_000)) < 80


@pytest.mark.parametrize(("body", "ok"), [
    (b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, True),
    (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), False),
    (b"[" * 100_000 + b"]" * 100_000, False),
    (b"[" * 100_000, False),                                        # unbalanced: still refused early
    (b'{"a": {"b": [1, {"c": []}]}}', True),
    (b'{"text": "' + b"[" * 1000 + b'"}', True),                   # brackets inside a string do not count
    (b'{"text": "\\"' + b"[" * 1000 + b'"}', True),                # ... nor after an escaped quote
    (b'["' + b"\\\\" * 10 + b'"' + b", [" * 40 + b"]" * 40 + b"]", False),  # an escaped backslash ends nothing
    (b"[]" * 100_000, True),
])
def test_json_depth_is_checked_on_the_raw_bytes(body, ok):
    assert json_depth_ok(body) is ok


def test_urls_with_control_characters_or_too_long_are_refused():
    assert url_problem("/jobs/abc", b"/jobs/abc", b"limit=5") is None
    assert url_problem("/jobs/a\x00b", b"/jobs/a%00b", b"")[0] == 400
    assert url_problem("/jobs", b"/jobs", b"lang=%00")[0] == 400
    assert url_problem("/jobs", b"/jobs", b"lang=a%0Ab")[0] == 400
    assert url_problem("/jobs", b"/jobs", b"lang=%C3%A9n")  is None  # UTF-8 is fine
    assert url_problem("/jobs", b"/jobs", b"q=" + b"x" * 9000)[0] == 414
