"""The emulator itself: route a request to the models list, a generation or a test hook.

Both front ends (the in-process httpx2 transport and the loopback HTTP server)
call `Emulator.handle`, so they behave identically.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from .batches import BatchQueue, run_one_with
from .control import control
from .faults import AttemptCounter, FaultQueue
from .files import FileStore
from .generation import generate
from .interface import Responder
from .models import DEFAULT_MODELS, ModelSpec, spec_for
from .reqlog import REDACTED, RequestLog
from .responders import DrawingResponder
from .responses import EmulatorResponse
from .signatures import Signer
from .wire import WireError

__all__ = ["DEFAULT_MAX_REQUEST_BYTES", "REDACTED", "Emulator"]

_API_RE = re.compile(r"^/(v1|v1beta|v1alpha)/(.*)$")
_GENERATE_RE = re.compile(r"^models/([^/:]+):(generateContent|streamGenerateContent)$")
DEFAULT_MAX_REQUEST_BYTES = 100 * 1024 * 1024
log = logging.getLogger(__name__)


class Emulator:
    """An in-process fake of the Gemini REST API (generateContent and models)."""

    def __init__(
        self,
        *,
        responder: Responder | None = None,
        models: Mapping[str, ModelSpec] | None = None,
        chunk_delay: float = 0.0,
        latency: float = 0.0,
        secret: bytes | None = None,
        default_seed: int | None = None,
        log_requests: bool = False,
        max_logged: int = 50,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        extra_models: Iterable[str] = (),
        finish_alone: bool = True,
        batch_seconds: tuple[float, float] = (2.0, 6.0),
    ) -> None:
        # Swappable at run time: the app keeps one emulator and tests change what it answers.
        self.responder: Responder = responder or DrawingResponder()
        self.models: Mapping[str, ModelSpec] = dict(DEFAULT_MODELS if models is None else models)
        self.chunk_delay = chunk_delay
        self.latency = latency
        self.default_seed = default_seed
        self.max_request_bytes = max_request_bytes
        # End a stream with a chunk of only finishReason and usage, as the API commonly
        # does; False puts them on the last content chunk instead.
        self.finish_alone = finish_alone
        self.files = FileStore()
        self.batches = BatchQueue(run_one_with(
            lambda model, body: generate(self, model, body, None, 0.0, False, False)),
            batch_seconds, self.files)
        self.faults = FaultQueue()
        self.signer = Signer(secret or os.urandom(32))
        self.attempts = AttemptCounter()
        self.log = RequestLog(log_requests, max_logged)
        self._lock = threading.Lock()
        self._listed: dict[str, None] = dict.fromkeys([*self.models, *extra_models])

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The logged requests (oldest first, secrets redacted); empty unless log_requests."""
        return self.log.entries()

    def note_model(self, model_id: str) -> None:
        """List a model id once it has been used, as the real list knows every served id."""
        with self._lock:
            self._listed.setdefault(model_id, None)

    # --- routing ---------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> EmulatorResponse:
        method, query = method.upper(), dict(query or {})
        if len(body) > self.max_request_bytes:
            return EmulatorResponse.error(
                400, f"Request payload size exceeds the limit: {self.max_request_bytes} bytes."
            )
        if path.startswith("/_emulator/"):
            return control(method, path, body, self.faults, self.log)
        try:
            filed = self.files.route(method, path, query, headers or {}, body)
        except WireError as e:
            return EmulatorResponse.error(e.code, e.message)
        if filed is not None:
            return filed
        m = _API_RE.match(path)
        if not m:
            return EmulatorResponse.error(404, f"Path {path} was not found.")
        rest = m.group(2)
        self.log.record(method, path, query, headers or {}, body)
        gen = _GENERATE_RE.match(rest)
        fault = self.faults.take("generate" if gen and method == "POST" else "other")
        delay = self.latency
        if fault and fault.kind == "http":
            return EmulatorResponse.error(fault.status or 429, fault.message, delay,
                                          fault.retry_after)
        if fault and fault.kind == "slow":
            delay += fault.seconds
            fault = None
        try:
            if gen and method == "POST":
                stream = gen.group(2) == "streamGenerateContent"
                sse_mode = query.get("alt") == "sse"
                return generate(self, gen.group(1), body, fault, delay, stream, sse_mode)
            if rest.startswith("batches") or rest.endswith(":batchGenerateContent"):
                return self._batch(method, rest, body, delay)
            if method == "GET" and rest == "models":
                return EmulatorResponse.json(200, self._list_models(query), delay)
            if method == "GET" and rest == "tunedModels":
                return EmulatorResponse.json(200, {"tunedModels": []}, delay)
            if method == "GET" and rest.startswith("models/") and ":" not in rest:
                return EmulatorResponse.json(
                    200, self._model_entry(rest.removeprefix("models/")), delay
                )
        except WireError as e:
            return EmulatorResponse.error(e.code, e.message, delay)
        except Exception:  # a bug here should look like a server fault, not kill the client
            log.exception("emulator failed on %s %s", method, path)
            return EmulatorResponse.error(500, None, delay)
        return EmulatorResponse.error(
            404, f"Method {method} {path} is not supported by the emulator.", delay
        )

    def _batch(self, method: str, rest: str, body: bytes, delay: float) -> EmulatorResponse:
        if method == "POST" and rest.endswith(":batchGenerateContent"):
            model = rest.removeprefix("models/").removesuffix(":batchGenerateContent")
            self.note_model(model)
            try:
                request = json.loads(body or b"{}")
            except ValueError as exc:
                raise WireError(400, f"Invalid JSON payload: {exc}") from None
            return EmulatorResponse.json(200, self.batches.create(model, request), delay)
        name, _, verb = rest.partition(":")
        if method == "GET" and name == "batches":
            return EmulatorResponse.json(200, self.batches.list(), delay)
        if method == "GET" and not verb:
            return EmulatorResponse.json(200, self.batches.get(name), delay)
        if method == "POST" and verb == "cancel":
            return EmulatorResponse.json(200, self.batches.cancel(name), delay)
        if method == "DELETE" and not verb:
            return EmulatorResponse.json(200, self.batches.delete(name), delay)
        raise WireError(404, f"Method {method} {rest} is not supported by the emulator.")

    # --- models ----------------------------------------------------------------

    def _model_entry(self, model_id: str) -> dict[str, Any]:
        spec = spec_for(self.models, model_id)
        return {
            "name": f"models/{model_id}",
            "version": "emulator",
            "displayName": spec.display_name,
            "description": f"{spec.display_name} (offline emulator)",
            "inputTokenLimit": spec.input_token_limit,
            "outputTokenLimit": spec.output_token_limit,
            "supportedGenerationMethods": ["generateContent", "streamGenerateContent"],
            "thinking": spec.thinking,
        }

    def _list_models(self, query: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            ids = list(self._listed)
        size = max(1, min(1000, int(query.get("pageSize") or 50)))
        token = query.get("pageToken") or "0"
        start = int(token) if token.isdigit() else 0
        out: dict[str, Any] = {"models": [self._model_entry(i) for i in ids[start : start + size]]}
        if start + size < len(ids):
            out["nextPageToken"] = str(start + size)
        return out
