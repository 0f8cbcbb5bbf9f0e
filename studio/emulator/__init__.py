"""An offline, in-process fake of the Gemini REST API for image generation.

Plug it into the real SDK through an httpx2 transport:

    emu = Emulator()
    t = EmulatorTransport(emu)
    client = genai.Client(api_key="offline", http_options=types.HttpOptions(
        base_url="http://emulator.invalid",
        httpx_client=httpx2.Client(transport=t),
        httpx_async_client=httpx2.AsyncClient(transport=t)))

or run it as a loopback server: `python -m studio.emulator --port 8765`.
Script failures with `emu.faults.push(Fault(kind="http", status=429))` or
`[fault:429x1]` directives in the prompt. Script answers by swapping the
responder (`emu.responder = ScriptedResponder()`, then `.enqueue("text", png)`);
the wire layer (signatures, streaming, faults, usage, validation against the
emulator's own model table) applies to whatever the responder answers.
"""

from __future__ import annotations

from .faults import FAULT_KINDS, Fault, FaultQueue
from .interface import ModelRequest, Reply, ReplyPart, Responder
from .models import DEFAULT_MODELS, ModelSpec
from .responders import (
    DrawingResponder,
    EchoResponder,
    NoScriptedAnswer,
    ScriptedResponder,
    scripted_image,
)
from .responses import EmulatorResponse
from .server import make_server
from .service import Emulator
from .transport import EmulatorTransport
from .wire import WireContent, WireError, WirePart

__all__ = [
    "DEFAULT_MODELS",
    "FAULT_KINDS",
    "DrawingResponder",
    "EchoResponder",
    "Emulator",
    "EmulatorResponse",
    "EmulatorTransport",
    "Fault",
    "FaultQueue",
    "ModelRequest",
    "ModelSpec",
    "NoScriptedAnswer",
    "Reply",
    "ReplyPart",
    "Responder",
    "ScriptedResponder",
    "WireContent",
    "WireError",
    "WirePart",
    "make_server",
    "scripted_image",
]
