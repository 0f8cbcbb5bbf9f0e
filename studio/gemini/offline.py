"""The offline engine: the process's one emulator, and the only maker of offline clients.

The emulator answers with its own model table, not the app's catalog, so a request the
app builds wrongly for a model is refused offline as the API would refuse it.
"""

from __future__ import annotations

import os
import threading

import httpx2
from google import genai

from studio.emulator import Emulator, EmulatorTransport
from studio.gemini.attempts import EVENT_HOOKS
from studio.gemini.budget import max_request_bytes
from studio.gemini.clients import NetworkSettings

OFFLINE_BASE_URL = "http://emulator.invalid"
# A fixed signing secret: offline conversations stay resumable after a restart, and in a
# colleague's gallery after an import, as Gemini's own signatures do.
OFFLINE_SECRET = b"image-studio-offline-emulator"

_lock = threading.Lock()
_emulator: Emulator | None = None


def offline_emulator() -> Emulator:
    """The emulator every offline client of this process talks to (made on first use).
    Tests swap what it answers through its `responder`, or queue `faults`."""
    global _emulator
    with _lock:
        if _emulator is None:
            delay = float(os.environ.get("STUDIO_EMULATOR_CHUNK_DELAY", "0.08"))
            # seconds a batch job waits, then runs: the API aims for 24 h, a demo for seconds
            pending, _, running = os.environ.get("STUDIO_EMULATOR_BATCH_SECONDS",
                                                 "2,6").partition(",")
            # The same inline limit the chats budget for (env STUDIO_MAX_REQUEST_MB).
            _emulator = Emulator(chunk_delay=delay, secret=OFFLINE_SECRET,
                                 max_request_bytes=max_request_bytes(),
                                 batch_seconds=(float(pending), float(running or 0)))
        return _emulator


def reset_offline_emulator() -> None:
    """Forget the process's emulator (its faults, responder and counters); tests use this."""
    global _emulator
    with _lock:
        _emulator = None


def make_offline_client(network: NetworkSettings, emulator: Emulator | None = None
                        ) -> genai.Client:
    """A client whose HTTP goes to the in-process emulator instead of the network."""
    transport = EmulatorTransport(emulator or offline_emulator())
    timeout = httpx2.Timeout(network.timeout_s)
    options = network.http_options(
        base_url=OFFLINE_BASE_URL,
        httpx_client=httpx2.Client(transport=transport, timeout=timeout, event_hooks=EVENT_HOOKS),
        httpx_async_client=httpx2.AsyncClient(transport=transport, timeout=timeout),
    )
    return genai.Client(api_key="offline-emulator", http_options=options)


def offline_client(network: NetworkSettings | None = None) -> genai.Client:
    """An SDK client on the process's offline emulator: no key, no network."""
    return make_offline_client(network or NetworkSettings.from_env())
