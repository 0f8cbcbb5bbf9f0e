"""The request log: off unless asked for, bounded, secrets redacted, images summarised.

Keeping whole bodies made a long offline edit session grow by hundreds of MB,
so each `inlineData.data` is replaced by its size and hash before it is kept.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

from .wire import WireError, b64decode_any

_SECRET_HEADERS = {"x-goog-api-key", "authorization", "cookie", "proxy-authorization"}
_SECRET_PARAMS = {"key", "access_token"}
REDACTED = "REDACTED"
OFF_HINT = "Request logging is off: start with --log-requests or Emulator(log_requests=True)."


def summarise_blob(blob: Mapping[str, Any]) -> dict[str, Any]:
    """An inline image reduced to what a test asserts on: type, size and hash."""
    data = blob.get("data")
    mime = blob.get("mimeType") or blob.get("mime_type")
    try:
        raw = b64decode_any(data) if isinstance(data, str) else None
    except WireError:
        raw = None
    if raw is None:
        return {"mimeType": mime, "bytes": None, "sha256": None}
    return {"mimeType": mime, "bytes": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}


def without_blobs(obj: Any) -> Any:
    """A copy of a parsed JSON body with every inline image summarised."""
    if isinstance(obj, list):
        return [without_blobs(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict[str, Any] = {}
    for k, v in obj.items():
        if k in ("inlineData", "inline_data") and isinstance(v, dict):
            out[k] = summarise_blob(v)
        else:
            out[k] = without_blobs(v)
    return out


class RequestLog:
    """The last `limit` requests (oldest first); records nothing when disabled."""

    def __init__(self, enabled: bool = False, limit: int = 50) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=max(1, limit))
        self._seq = 0

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def record(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> None:
        if not self.enabled:
            return
        try:
            parsed = without_blobs(json.loads(body)) if body else None
        except (ValueError, UnicodeDecodeError):
            parsed = None
        entry = {
            "method": method,
            "path": path,
            "query": {k: (REDACTED if k.lower() in _SECRET_PARAMS else v) for k, v in query.items()},
            "headers": {
                k: (REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()
            },
            "json": parsed,
            "bytes": len(body),
            "time": time.time(),
        }
        with self._lock:
            # A running number lets a reader ask "what came after entry N" once the log is full.
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)
