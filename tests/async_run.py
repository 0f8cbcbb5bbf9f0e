"""Run a coroutine on its own event loop in its own thread.

pytest-playwright's sync API leaves an event loop running in the main thread of the
process that ran a browser test, and asyncio.run() refuses to start inside one."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
