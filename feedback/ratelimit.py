"""Fixed-window counters in the shared cache: how many comments an account or an address sent."""

import time

from django.conf import settings
from django.core.cache import cache


def hits(*, scope: str, key: str, window_s: int) -> int:
    """Count one more hit for `key` in the current window and return the window's total."""
    bucket = int(time.time() // window_s)
    name = f"feedback-rate:{scope}:{key}:{bucket}"
    if cache.add(name, 1, timeout=window_s + 1):
        return 1
    try:
        return cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window_s + 1)
        return 1


def limits() -> dict[str, dict[str, int]]:
    """{"user"|"ip": {"window": s, "hold": n, "refuse": n}} from FEEDBACK_RATE_LIMITS."""
    return settings.FEEDBACK_RATE_LIMITS
