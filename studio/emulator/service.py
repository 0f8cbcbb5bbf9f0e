"""The emulator itself: route a request, apply faults, plan and build the answer.

Both front ends (the in-process httpx2 transport and the loopback HTTP server)
call `Emulator.handle`, so they behave identically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

from studio.gemini.catalog import Catalog, ModelInfo, load_catalog

from .faults import AttemptCounter, Fault, FaultQueue, parse_directives
from .intents import PlannedPart, Settings, plan_answer, read_conversation
from .responses import (
    Answer,
    EmulatorResponse,
    apply_outcome,
    malformed_response,
    plain_response,
    stream_response,
)
from .signatures import Signer
from .wire import GenerateRequest, WireError, parse_generate_request

_API_RE = re.compile(r"^/(v1|v1beta|v1alpha)/(.*)$")
_GENERATE_RE = re.compile(r"^models/([^/:]+):(generateContent|streamGenerateContent)$")
_SECRET_HEADERS = {"x-goog-api-key", "authorization", "cookie", "proxy-authorization"}
_SECRET_PARAMS = {"key", "access_token"}
REDACTED = "REDACTED"
log = logging.getLogger(__name__)


class Emulator:
    """An in-process fake of the Gemini REST API (generateContent and models)."""

    def __init__(
        self,
        *,
        chunk_delay: float = 0.0,
        latency: float = 0.0,
        secret: bytes | None = None,
        default_seed: int | None = None,
        max_requests: int = 100,
        extra_models: Iterable[str] = (),
        catalog: Catalog | None = None,
    ) -> None:
        self.chunk_delay = chunk_delay
        self.latency = latency
        self.default_seed = default_seed
        self.catalog = catalog or load_catalog()
        self.faults = FaultQueue()
        self._signer = Signer(secret or os.urandom(32))
        self._attempts = AttemptCounter()
        self._lock = threading.Lock()
        self._requests: deque[dict[str, Any]] = deque(maxlen=max_requests)
        self._models: dict[str, None] = dict.fromkeys([*self.catalog.ids(), *extra_models])

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The last received requests (oldest first), secrets redacted."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

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
        if path.startswith("/_emulator/"):
            return self._control(method, path, body)
        m = _API_RE.match(path)
        if not m:
            return EmulatorResponse.error(404, f"Path {path} was not found.")
        rest = m.group(2)
        self._record(method, path, query, headers or {}, body)
        gen = _GENERATE_RE.match(rest)
        fault = self.faults.take("generate" if gen and method == "POST" else "other")
        delay = self.latency
        if fault and fault.kind == "http":
            return EmulatorResponse.error(fault.status or 429, fault.message, delay)
        if fault and fault.kind == "slow":
            delay += fault.seconds
            fault = None
        try:
            if gen and method == "POST":
                stream = gen.group(2) == "streamGenerateContent"
                return self._generate(
                    gen.group(1), body, fault, delay, stream, query.get("alt") == "sse"
                )
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

    def _record(
        self, method: str, path: str, query: dict[str, str], headers: Mapping[str, str], body: bytes
    ) -> None:
        try:
            parsed = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError):
            parsed = None
        entry = {
            "method": method,
            "path": path,
            "query": {
                k: (REDACTED if k.lower() in _SECRET_PARAMS else v) for k, v in query.items()
            },
            "headers": {
                k: (REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()
            },
            "json": parsed,
            "time": time.time(),
        }
        with self._lock:
            self._requests.append(entry)

    def _control(self, method: str, path: str, body: bytes) -> EmulatorResponse:
        """Test hooks, reachable over HTTP so browser tests can script faults."""
        if path == "/_emulator/faults":
            if method == "POST":
                try:
                    data = json.loads(body or b"{}")
                    faults = [
                        Fault.from_dict(d) for d in (data if isinstance(data, list) else [data])
                    ]
                except (ValueError, TypeError) as e:
                    return EmulatorResponse.error(400, f"Bad fault: {e}")
                for f in faults:
                    self.faults.push(f)
                return EmulatorResponse.json(200, {"queued": len(self.faults)})
            if method == "DELETE":
                self.faults.clear()
                return EmulatorResponse.json(200, {"queued": 0})
            if method == "GET":
                return EmulatorResponse.json(
                    200, {"faults": [f.to_dict() for f in self.faults.pending()]}
                )
        if path == "/_emulator/requests" and method == "GET":
            return EmulatorResponse.json(200, {"requests": self.requests})
        if path == "/_emulator/health":
            return EmulatorResponse.json(200, {"status": "ok"})
        return EmulatorResponse.error(404, f"Path {path} was not found.")

    # --- models ----------------------------------------------------------------

    def _model_entry(self, model_id: str) -> dict[str, Any]:
        info = self.catalog.get(model_id)
        return {
            "name": f"models/{model_id}",
            "version": "emulator",
            "displayName": info.label,
            "description": f"{info.label} (offline emulator)",
            "inputTokenLimit": 65536,
            "outputTokenLimit": 32768,
            "supportedGenerationMethods": ["generateContent"],
            "thinking": info.thinking,
        }

    def _list_models(self, query: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            ids = list(self._models)
        size = max(1, min(1000, int(query.get("pageSize") or 50)))
        start = int(query.get("pageToken") or 0) if (query.get("pageToken") or "0").isdigit() else 0
        out: dict[str, Any] = {"models": [self._model_entry(i) for i in ids[start : start + size]]}
        if start + size < len(ids):
            out["nextPageToken"] = str(start + size)
        return out

    # --- generation ------------------------------------------------------------

    def _generate(
        self,
        model: str,
        body: bytes,
        fault: Fault | None,
        delay: float,
        stream: bool,
        sse_mode: bool,
    ) -> EmulatorResponse:
        model = model.removeprefix("models/")
        with self._lock:
            self._models.setdefault(model, None)
        req = parse_generate_request(model, body)
        latest = next((c for c in reversed(req.contents) if c.role != "model"), req.contents[-1])
        _, directives = parse_directives(" ".join(p.text or "" for p in latest.parts if p.is_text))
        faults = [fault] if fault else []
        if directives:
            attempt = self._attempts.hit(hashlib.sha256(model.encode() + b"\0" + body).hexdigest())
            faults += [d.fault for d in directives if d.attempts is None or attempt <= d.attempts]
        for f in faults:
            if f.kind == "http":
                return EmulatorResponse.error(f.status or 429, f.message, delay)
            if f.kind == "slow":
                delay += f.seconds
            if f.kind == "stream_error" and not stream:
                return EmulatorResponse.error(f.status or 500, f.message, delay)
        outcome = next((f for f in faults if f.kind not in ("http", "slow")), None)
        if outcome and outcome.kind == "malformed":
            return malformed_response(stream, delay)
        info = self.catalog.get(model)
        if info.thinking and (problem := self._signer.check_history(req.contents)):
            return EmulatorResponse.error(400, problem, delay)
        size, size_key = self._image_size(req, info)
        seed = req.seed if req.seed is not None else self.default_seed
        settings = Settings(
            size=size,
            seed=seed if seed is not None else random.SystemRandom().getrandbits(31),
            temperature=req.temperature if req.temperature is not None else 1.0,
        )
        plan = plan_answer(read_conversation(req), settings)
        answer = self._answer(req, info, plan.parts, plan.thoughts, plan.finish_reason, size_key)
        if outcome:
            apply_outcome(answer, outcome)
        if stream:
            return stream_response(answer, self._signer, delay, self.chunk_delay, sse_mode)
        return plain_response(answer, self._signer, delay)

    def _image_size(self, req: GenerateRequest, info: ModelInfo) -> tuple[tuple[int, int], str]:
        cat, ar, size = self.catalog, req.aspect_ratio, (req.image_size or "").upper() or None
        if ar and (
            ar not in cat.aspect_ratio_pixels or (info.known and ar not in info.aspect_ratios)
        ):
            allowed = ", ".join(info.aspect_ratios)
            raise WireError(
                400, f"Unsupported aspect ratio {ar!r} for model {info.id}. Supported: {allowed}."
            )
        if size and size not in cat.image_size_scale:
            raise WireError(
                400,
                f"Unsupported image size {size!r}. Supported: {', '.join(cat.image_size_scale)}.",
            )
        if not info.supports_image_size:
            size = None  # this model only draws at its native size
        elif size and size not in info.image_sizes:
            raise WireError(400, f"Image size {size!r} is not supported by model {info.id}.")
        return cat.pixels(ar, size), size or "1K"

    def _answer(
        self,
        req: GenerateRequest,
        info: ModelInfo,
        parts: list[PlannedPart],
        thoughts: list[str],
        finish: str,
        size_key: str,
    ) -> Answer:
        mods = req.modalities
        if mods and "IMAGE" not in mods:
            parts = [p for p in parts if p.kind != "image"]
        if mods and "TEXT" not in mods and any(p.kind == "image" for p in parts):
            parts = [p for p in parts if p.kind != "text"]
        prompt_chars = sum(len(p.text or "") for c in req.contents for p in c.parts)
        prompt_images = sum(1 for c in req.contents for p in c.parts if p.is_image)
        thought_tokens = (
            sum((len(t) + 3) // 4 for t in thoughts)
            if (info.thinking or req.include_thoughts)
            else 0
        )
        return Answer(
            model=req.model,
            response_id=uuid.uuid4().hex[:22],
            parts=parts,
            thoughts=thoughts if req.include_thoughts else [],
            finish_reason=finish,
            prompt_tokens=max(1, (prompt_chars + 3) // 4) + 258 * prompt_images,
            prompt_image_tokens=258 * prompt_images,
            image_tokens=info.price.image_tokens.get(size_key, 1290),
            thought_tokens=thought_tokens,
        )
