"""Test hooks under /_emulator/, reachable over HTTP so browser tests can script faults."""

from __future__ import annotations

import json

from .faults import Fault, FaultQueue
from .reqlog import OFF_HINT, RequestLog
from .responses import EmulatorResponse


def control(
    method: str, path: str, body: bytes, faults: FaultQueue, log: RequestLog
) -> EmulatorResponse:
    if path == "/_emulator/faults":
        if method == "POST":
            try:
                data = json.loads(body or b"{}")
                queued = [Fault.from_dict(d) for d in (data if isinstance(data, list) else [data])]
            except (ValueError, TypeError) as e:
                return EmulatorResponse.error(400, f"Bad fault: {e}")
            for f in queued:
                faults.push(f)
            return EmulatorResponse.json(200, {"queued": len(faults)})
        if method == "DELETE":
            faults.clear()
            return EmulatorResponse.json(200, {"queued": 0})
        if method == "GET":
            return EmulatorResponse.json(200, {"faults": [f.to_dict() for f in faults.pending()]})
    if path == "/_emulator/requests" and method == "GET":
        if not log.enabled:
            return EmulatorResponse.json(200, {"requests": [], "logging": False, "hint": OFF_HINT})
        return EmulatorResponse.json(200, {"requests": log.entries(), "logging": True})
    if path == "/_emulator/health":
        return EmulatorResponse.json(200, {"status": "ok"})
    return EmulatorResponse.error(404, f"Path {path} was not found.")
