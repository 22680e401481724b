"""Rate limits and daily character quotas per API key, kept by the ``limits`` library: in Redis when
``DRAGOMAN_REDIS_URL`` is set, so that every API process counts against the same budget, and in
this process's memory otherwise.

- rate: a moving window (``limits.MovingWindowRateLimiter``): at most ``per_minute`` requests in
  any 60 seconds; a refused request is not counted;
- quota: at most ``chars_per_day`` characters per UTC day (0 = unlimited, but still counted, so a
  key's owner sees its use), a fixed window keyed by the day, so it starts again at 00:00 UTC; a
  request that would go over is refused and not counted.

A refusal is the whole seconds to wait (for the ``Retry-After`` header). If Redis cannot be reached
the request is let through and the failure logged: the limits never take the API down.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, datetime, timedelta

from limits import RateLimitItemPerDay, RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger("dragoman.limits")

DAY = 86_400
KEY_PREFIX = "dragoman-limits"
REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}


class Limits:
    """The rate limit and the character quota of every bucket (an API key, or a client address)."""

    def __init__(self, per_minute: int, chars_per_day: int = 0, url: str = "", clock=time.time):
        self.per_minute, self.chars_per_day, self.clock = per_minute, chars_per_day, clock
        options = {"key_prefix": KEY_PREFIX, **REDIS_OPTIONS} if url else {}
        self.storage = storage_from_string(url or "memory://", wrap_exceptions=True, **options)
        self.window = MovingWindowRateLimiter(self.storage)
        self.rate = RateLimitItemPerMinute(per_minute)
        self.quota = RateLimitItemPerDay(max(chars_per_day, 1))

    # --- counting -------------------------------------------------------------------------------------
    def hit(self, bucket: str, cost: int = 1) -> int | None:
        """Count ``cost`` requests; None if they fit, else the seconds until they would."""
        if cost <= 0:
            return None
        try:
            if self.window.hit(self.rate, "rate", bucket, cost=cost):
                return None
            reset = self.window.get_window_stats(self.rate, "rate", bucket).reset_time
        except StorageError as exc:
            log.warning("rate limit not checked (the limit store failed): %s", exc)
            return None
        return max(0, int(reset - self.clock())) + 1  # strictly past the window's edge, which still counts

    def spend(self, bucket: str, chars: int) -> int | None:
        """Count ``chars`` characters against today's quota (counted even when it is unlimited, for
        ``usage``); None if they fit, else the seconds until the quota starts again (00:00 UTC)."""
        if chars <= 0:
            return None
        key = self._quota_key(bucket)
        try:
            used = self.storage.incr(key, DAY, amount=chars)
            if not self.chars_per_day or used <= self.chars_per_day:
                return None
            self.storage.incr(key, DAY, amount=-chars)  # refused: give them back
        except StorageError as exc:
            log.warning("quota not checked (the limit store failed): %s", exc)
            return None
        return self.seconds_to_midnight()

    # --- reading --------------------------------------------------------------------------------------
    def usage(self, bucket: str) -> dict:
        """What a key's owner may see of its limits (``GET /keys/me``); None where the store failed."""
        try:
            left = self.window.get_window_stats(self.rate, "rate", bucket).remaining
            used = self.storage.get(self._quota_key(bucket))
        except StorageError as exc:
            log.warning("limits not read (the limit store failed): %s", exc)
            left, used = None, None
        quota = self.chars_per_day or None
        return {"rate_limit_per_minute": self.per_minute, "requests_left_this_minute": left,
                "quota_chars_per_day": quota, "quota_used_today": used,
                "quota_left_today": None if quota is None or used is None else max(quota - used, 0),
                "quota_resets_at": self.midnight().isoformat().replace("+00:00", "Z")}

    # --- the day --------------------------------------------------------------------------------------
    def today(self) -> str:
        return datetime.fromtimestamp(self.clock(), UTC).date().isoformat()

    def midnight(self) -> datetime:
        """The next 00:00 UTC: when today's quota starts again."""
        now = datetime.fromtimestamp(self.clock(), UTC)
        return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)

    def seconds_to_midnight(self) -> int:
        return max(1, math.ceil(self.midnight().timestamp() - self.clock()))

    def _quota_key(self, bucket: str) -> str:
        return self.quota.key_for("quota", bucket, self.today())
