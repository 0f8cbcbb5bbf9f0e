"""What came back on the wire during one call: every HTTP status, as it arrives.

The SDK retries 429 and 5xx answers itself, out of sight. An httpx response hook on
every client the app makes reports each status to the call running in this context, so
the page can say "Rate limited — retrying…" while it waits, and tell a stream that broke
partway (it opened with 200) from a request that was refused and retried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

OnRetry = Callable[[int], None]
RETRIED_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass
class Attempts:
    """The statuses of one call's HTTP responses, oldest first."""

    on_retry: OnRetry | None = None
    statuses: list[int] = field(default_factory=list)

    @property
    def stream_opened(self) -> bool:
        """The last response was a 200: whatever failed, failed while the answer streamed."""
        return bool(self.statuses) and self.statuses[-1] == 200

    @property
    def retried(self) -> bool:
        return len(self.statuses) > 1


_current: ContextVar[Attempts | None] = ContextVar("studio_attempts", default=None)


@contextmanager
def watching(on_retry: OnRetry | None = None) -> Iterator[Attempts]:
    """Record the responses of the calls made inside; `on_retry(status)` on each 429/5xx."""
    attempts = Attempts(on_retry)
    token = _current.set(attempts)
    try:
        yield attempts
    finally:
        _current.reset(token)


def observe_response(response: Any) -> None:
    """The httpx "response" hook: headers are in, the body (or the stream) is still to come."""
    attempts = _current.get()
    if attempts is None:
        return
    status = int(response.status_code)
    attempts.statuses.append(status)
    if status in RETRIED_STATUSES and attempts.on_retry is not None:
        attempts.on_retry(status)


EVENT_HOOKS: dict[str, list[Callable[[Any], None]]] = {"response": [observe_response]}
