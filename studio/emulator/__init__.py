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
`[fault:429x1]` directives in the prompt.
"""

from __future__ import annotations

from .faults import FAULT_KINDS, Fault, FaultQueue
from .responses import EmulatorResponse
from .server import make_server
from .service import Emulator
from .transport import EmulatorTransport

__all__ = [
    "FAULT_KINDS",
    "Emulator",
    "EmulatorResponse",
    "EmulatorTransport",
    "Fault",
    "FaultQueue",
    "make_server",
]
