"""Reliability tests: crashes, concurrent sessions and processes on one gallery folder."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.servers import chromium_launch_args

# Web-first assertions wait for the app; on a busy 2-core box a run can take seconds
# (the same setting as tests/e2e).
expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's `browser`: Debian's Chromium, never a downloaded one."""
    return chromium_launch_args()
