"""One backoff for a whole run: when one cell is rate limited, every worker waits.

Cells share a quota, so a 429 on one means the next call of any other would be refused
too. The pause lasts as long as the API's own hint (google.rpc.RetryInfo retryDelay)
says, else grows exponentially; a call already on its way is not stopped. The SDK's
per-call retry is switched off for these calls (`NO_SDK_RETRY`) so the two never multiply.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from google.genai import types

from studio.gemini.errors import StudioError

# Per-call http options for the Lab's calls: one attempt each, the run retries instead.
NO_SDK_RETRY = types.HttpOptions(retry_options=types.HttpRetryOptions(attempts=1))
# Failures worth another attempt of the same cell.
RETRIED_KINDS = frozenset({"quota", "unavailable", "timeout", "network"})


class SharedBackoff:
    """The pause every worker of one run honours before each attempt."""

    def __init__(self, retries: int = 3, initial_s: float = 1.0, max_s: float = 16.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.retries = max(0, retries)  # further attempts of one cell after its first
        self.initial_s = initial_s
        self.max_s = max_s
        self._clock = clock
        self._lock = threading.Lock()
        self._until = 0.0
        self._retry = 0
        self.pauses = 0  # how many times a rate limit held the whole run

    def delay(self, error: StudioError, retry: int) -> float:
        """The API's hint when it gave one, else initial x 2^(retry-1), capped."""
        if error.retry_after_s is not None:
            return max(0.0, error.retry_after_s)
        return min(self.max_s, self.initial_s * 2 ** max(0, retry - 1))

    def hold(self, seconds: float, retry: int) -> None:
        """Pause every worker for `seconds` from now (a later pause already set stays)."""
        with self._lock:
            until = self._clock() + seconds
            if until > self._until:
                self._until, self._retry = until, retry
                self.pauses += 1

    def left(self) -> float:
        with self._lock:
            return max(0.0, self._until - self._clock())

    def wait(self, cancel: threading.Event) -> bool:
        """Block while the run is paused; False when `cancel` was set meanwhile."""
        while (left := self.left()) > 0 and not cancel.is_set():
            cancel.wait(min(left, 0.05))
        return not cancel.is_set()

    def status(self) -> str | None:
        """"Rate limited — waiting 4 s, retry 2 of 3" while paused, else None."""
        left = self.left()
        if left <= 0:
            return None
        return (f"Rate limited — waiting {max(1, round(left))} s, "
                f"retry {self._retry} of {self.retries}")


def worth_retrying(error: StudioError | None) -> bool:
    return error is not None and error.kind in RETRIED_KINDS
