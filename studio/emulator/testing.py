"""Helpers for tests that drive the emulator through the real SDK.

`offline_client()` wires a `genai.Client` to an in-process emulator;
`running_server()` starts `python -m studio.emulator` as a subprocess.
"""

from __future__ import annotations

import io
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
from google import genai
from google.genai import types
from PIL import Image

from .service import Emulator
from .transport import EmulatorTransport

OFFLINE_BASE_URL = "http://emulator.invalid"
_READY_RE = re.compile(r"ready on (http://\S+)")


def offline_client(
    emulator: Emulator | None = None,
    *,
    retry_options: types.HttpRetryOptions | None = None,
    api_version: str | None = None,
    timeout_ms: int | None = None,
) -> tuple[genai.Client, Emulator]:
    """A real SDK client whose HTTP goes to `emulator` (a new one if None)."""
    emu = emulator or Emulator()
    transport = EmulatorTransport(emu)
    options = types.HttpOptions(
        base_url=OFFLINE_BASE_URL,
        httpx_client=httpx2.Client(transport=transport),
        httpx_async_client=httpx2.AsyncClient(transport=transport),
        retry_options=retry_options,
        api_version=api_version,
        timeout=timeout_ms,
    )
    return genai.Client(api_key="offline", http_options=options), emu


def response_images(response: types.GenerateContentResponse) -> list[Image.Image]:
    """Decoded images of the first candidate, in order."""
    cand = (response.candidates or [None])[0]
    parts = (cand.content.parts if cand and cand.content else None) or []
    return [
        Image.open(io.BytesIO(p.inline_data.data)).convert("RGB")
        for p in parts
        if p.inline_data and p.inline_data.data
    ]


def chunk_parts(chunk: types.GenerateContentResponse) -> list[types.Part]:
    """A streamed chunk's parts; none for the finish-only chunk a stream ends with."""
    cand = (chunk.candidates or [None])[0]
    return list(cand.content.parts or []) if cand and cand.content else []


def part_kinds(parts: list[types.Part]) -> str:
    """'T' for text, 'I' for image, 't' for a thought, e.g. "TITI"."""
    return "".join(
        "t" if p.thought else "I" if p.inline_data else "T" if p.text is not None else "?"
        for p in parts
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[str]


@contextmanager
def running_server(
    *args: str, port: int | None = None, timeout: float = 20.0
) -> Iterator[ServerProcess]:
    """Run `python -m studio.emulator` in a subprocess until the block exits (SIGTERM)."""
    port = free_port() if port is None else port
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen(
            [sys.executable, "-m", "studio.emulator", "--port", str(port), *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=env,
            cwd=root,
        )
        try:
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], timeout)
            line = proc.stdout.readline() if ready else ""
            m = _READY_RE.search(line)
            if not m:
                proc.kill()
                proc.wait()
                errors.seek(0)
                raise RuntimeError(f"emulator did not start: {line!r} {errors.read()[-2000:]}")
            yield ServerProcess(m.group(1), proc)
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if proc.stdout:
                proc.stdout.close()
