"""The in-process front end: an httpx2 transport (sync and async) over the emulator.

Bodies really stream: chunks are produced (and images drawn) only as the
client reads them, with the emulator's delays in between. The client's read
timeout is honoured, so `slow` faults can trip a timeout like a real server.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import anyio
import anyio.to_thread
import httpx2

from .responses import EmulatorResponse
from .service import Emulator


def _read_timeout(request: httpx2.Request) -> float | None:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("read") if isinstance(timeout, dict) else None
    return float(value) if value is not None else None


def _call(emulator: Emulator, request: httpx2.Request, body: bytes) -> EmulatorResponse:
    query = dict(request.url.params.items())
    return emulator.handle(request.method, request.url.path, query, dict(request.headers), body)


class _SyncBody(httpx2.SyncByteStream):
    def __init__(
        self, resp: EmulatorResponse, request: httpx2.Request, timeout: float | None
    ) -> None:
        self._resp, self._request, self._timeout = resp, request, timeout

    def __iter__(self) -> Iterator[bytes]:
        for i, chunk in enumerate(self._resp.body_chunks):
            if i:
                _sleep_or_timeout(self._resp.delay_before(i), self._timeout, self._request)
            yield chunk

    def close(self) -> None:
        close = getattr(self._resp.body_chunks, "close", None)
        if close:
            close()


class _AsyncBody(httpx2.AsyncByteStream):
    def __init__(
        self, resp: EmulatorResponse, request: httpx2.Request, timeout: float | None
    ) -> None:
        self._resp, self._request, self._timeout = resp, request, timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        it = iter(self._resp.body_chunks)
        i = 0
        while True:
            # Producing a chunk may draw an image: keep that off the event loop.
            chunk = await anyio.to_thread.run_sync(next, it, None)
            if chunk is None:
                return
            if i:
                await _async_sleep_or_timeout(
                    self._resp.delay_before(i), self._timeout, self._request
                )
            i += 1
            yield chunk

    async def aclose(self) -> None:
        close = getattr(self._resp.body_chunks, "close", None)
        if close:
            close()


def _sleep_or_timeout(delay: float, timeout: float | None, request: httpx2.Request) -> None:
    if delay <= 0:
        return
    if timeout is not None and delay > timeout:
        time.sleep(timeout)
        raise httpx2.ReadTimeout(
            "Emulator response took longer than the read timeout", request=request
        )
    time.sleep(delay)


async def _async_sleep_or_timeout(
    delay: float, timeout: float | None, request: httpx2.Request
) -> None:
    if delay <= 0:
        return
    if timeout is not None and delay > timeout:
        await anyio.sleep(timeout)
        raise httpx2.ReadTimeout(
            "Emulator response took longer than the read timeout", request=request
        )
    await anyio.sleep(delay)


class EmulatorTransport(httpx2.BaseTransport, httpx2.AsyncBaseTransport):
    """Plug the emulator into `httpx2.Client(transport=...)` or `httpx2.AsyncClient(...)`."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        resp = _call(self.emulator, request, body)
        timeout = _read_timeout(request)
        _sleep_or_timeout(resp.delay_before(0), timeout, request)
        return httpx2.Response(
            resp.status, headers=resp.headers, stream=_SyncBody(resp, request, timeout)
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        resp = await anyio.to_thread.run_sync(_call, self.emulator, request, body)
        timeout = _read_timeout(request)
        await _async_sleep_or_timeout(resp.delay_before(0), timeout, request)
        return httpx2.Response(
            resp.status, headers=resp.headers, stream=_AsyncBody(resp, request, timeout)
        )
