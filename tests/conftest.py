"""Every test runs offline, on a fresh data folder, with fast retries and no stream delay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.s3_server import blob_url, s3_server  # noqa: F401  (fixtures: local and S3 stores)

_KEY_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL",
             "GOOGLE_GENAI_USE_VERTEXAI")


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in _KEY_VARS:
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    monkeypatch.setenv("STUDIO_DATA_DIR", str(data))
    monkeypatch.delenv("STUDIO_BLOB_URL", raising=False)  # images in the data folder unless a test says
    monkeypatch.setenv("STUDIO_EMULATOR_CHUNK_DELAY", "0")
    monkeypatch.setenv("STUDIO_RETRY_INITIAL_DELAY_S", "0.01")
    monkeypatch.setenv("STUDIO_RETRY_MAX_DELAY_S", "0.05")
    yield data
