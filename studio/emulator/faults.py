"""Scripted faults: a FIFO queue for tests and `[fault:...]` prompt directives.

The queue is consumed one fault per generate request; directives ride inside
the prompt so a browser test can trigger the same faults through the UI.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any

FAULT_KINDS = frozenset(
    {
        "http",  # an HTTP error status with Google's error body
        "slow",  # answer normally after `seconds`
        "image_safety",  # finishReason IMAGE_SAFETY, no image
        "prohibited",  # finishReason IMAGE_PROHIBITED_CONTENT, no image
        "prompt_block",  # promptFeedback.blockReason SAFETY, no candidates
        "no_image",  # a text part and finishReason NO_IMAGE
        "max_tokens",  # partial text, finishReason MAX_TOKENS
        "unknown_finish",  # a finishReason the SDK has never heard of
        "malformed",  # 200 with a body that is not JSON
        "stream_error",  # stream: some chunks then an error event; plain: 500
    }
)

# Faults in what is drawn rather than on the wire: `[fault:typo]` renders one wrong letter
# in a text card's headline, so proofreading has something real to catch.
DRAWING_FAULTS = frozenset({"typo"})

# Directive names that differ from the fault kind they trigger.
_DIRECTIVE_ALIASES = {"block": "prompt_block", "safety": "image_safety"}
DIRECTIVE_RE = re.compile(
    r"\[fault:\s*([a-z_]+|\d{3})\s*(?:x\s*(\d+))?\s*(?:=\s*([\d.]+))?\s*\]", re.I
)


@dataclass
class Fault:
    kind: str
    times: int | None = 1  # requests this fault applies to; None = until cleared
    status: int | None = None  # for kind "http" (default 429) and "stream_error" (default 500)
    seconds: float = 0.0  # for kind "slow"
    message: str | None = None  # overrides the error or NO_IMAGE text
    after_chunks: int = 1  # for "stream_error": chunks sent before the error event
    target: str = "generate"  # "generate" (generateContent routes) or "any"
    retry_after: float | None = None  # for kind "http": the RetryInfo retryDelay hint, seconds

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault kind {self.kind!r}; expected one of {sorted(FAULT_KINDS)}"
            )
        if self.kind == "http" and self.status is None:
            self.status = 429
        if self.target not in ("generate", "any"):
            raise ValueError("target must be 'generate' or 'any'")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fault:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FaultQueue:
    """Thread-safe FIFO of pending faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Fault] = []

    def push(self, fault: Fault) -> None:
        with self._lock:
            self._items.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def take(self, route: str) -> Fault | None:
        """The fault for this request, if the head of the queue applies to it."""
        with self._lock:
            if not self._items:
                return None
            head = self._items[0]
            if head.target != "any" and route != head.target:
                return None
            if head.times is not None:
                head.times -= 1
                if head.times <= 0:
                    self._items.pop(0)
            return head


@dataclass(frozen=True)
class Directive:
    fault: Fault
    attempts: int | None  # fail only the first N attempts of this request; None = always


def parse_directives(text: str) -> tuple[str, list[Directive]]:
    """Strip `[fault:...]` directives from `text` and return what they ask for."""
    found: list[Directive] = []
    for m in DIRECTIVE_RE.finditer(text):
        name, count, value = m.group(1).lower(), m.group(2), m.group(3)
        attempts = int(count) if count else None
        if name.isdigit():
            # `[fault:429x2=3]`: the error carries a RetryInfo hint of 3 s
            fault = Fault(kind="http", status=int(name), times=None,
                          retry_after=float(value) if value else None)
        else:
            kind = _DIRECTIVE_ALIASES.get(name, name)
            if kind not in FAULT_KINDS or kind == "http":
                continue
            fault = Fault(kind=kind, times=None, seconds=float(value) if value else 1.0)
        found.append(Directive(fault=fault, attempts=attempts))
    cleaned = re.sub(r"\s{2,}", " ", DIRECTIVE_RE.sub(" ", text)).strip()
    return cleaned, found


def strip_directives(text: str) -> str:
    return parse_directives(text)[0]


def drawing_faults(text: str) -> frozenset[str]:
    """The drawing faults (`DRAWING_FAULTS`) that `text`'s directives ask for."""
    names = {m.group(1).lower() for m in DIRECTIVE_RE.finditer(text)}
    return frozenset(names & DRAWING_FAULTS)


class AttemptCounter:
    """Counts attempts per request body so `[fault:503x2]` fails only twice.

    Retries resend the identical body, so its hash identifies "this request".
    Bounded so a long session does not grow it forever.
    """

    def __init__(self, limit: int = 2048) -> None:
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, int] = OrderedDict()
        self._limit = limit

    def hit(self, key: str) -> int:
        with self._lock:
            n = self._seen.pop(key, 0) + 1
            self._seen[key] = n
            while len(self._seen) > self._limit:
                self._seen.popitem(last=False)
            return n
