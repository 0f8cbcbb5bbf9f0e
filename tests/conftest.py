"""Every test runs offline, on a fresh data folder, with fast retries and no stream delay."""

from __future__ import annotations

import os
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
    # a developer's own PostgreSQL never gets test rows: the `database` fixture sets it
    monkeypatch.delenv("STUDIO_DATABASE_URL", raising=False)
    data = tmp_path / "data"
    monkeypatch.setenv("STUDIO_DATA_DIR", str(data))
    monkeypatch.delenv("STUDIO_BLOB_URL", raising=False)  # images in the data folder unless a test says
    monkeypatch.setenv("STUDIO_EMULATOR_CHUNK_DELAY", "0")
    monkeypatch.setenv("STUDIO_RETRY_INITIAL_DELAY_S", "0.01")
    monkeypatch.setenv("STUDIO_RETRY_MAX_DELAY_S", "0.05")
    yield data


# -- the store's backends ------------------------------------------------------------------
# A test that asks for `database` (most simply: pytestmark = pytest.mark.usefixtures(
# "database")) runs once on SQLite in the data folder and once on a fresh PostgreSQL
# database, through STUDIO_DATABASE_URL, which child processes inherit too. Mark a test
# `sqlite_only` when it checks SQLite's own file (FTS5, PRAGMAs, recovery).

def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" in metafunc.fixturenames:
        sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("database", ["sqlite"] if sqlite_only else ["sqlite", "postgres"],
                             indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """The session's PostgreSQL server, or the reason it cannot run here."""
    from tests.pg_server import PostgresUnavailable, postgres_server

    try:
        with postgres_server() as server:
            yield server
    except PostgresUnavailable as exc:
        yield exc


@pytest.fixture
def postgres_url(postgres_server: object) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    from tests.pg_server import PostgresUnavailable

    if isinstance(postgres_server, PostgresUnavailable):
        if os.environ.get("CI"):  # `make test` installs PostgreSQL: not starting is a failure
            pytest.fail(f"PostgreSQL cannot be started: {postgres_server}")
        pytest.skip(f"PostgreSQL cannot be started here: {postgres_server}")
    url = postgres_server.new_database()  # type: ignore[attr-defined]
    yield url
    postgres_server.drop_database(url)  # type: ignore[attr-defined]


@pytest.fixture
def database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """"sqlite" or "postgres": the backend GalleryStore() opens in this test."""
    if request.param == "sqlite":
        monkeypatch.delenv("STUDIO_DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("STUDIO_DATABASE_URL", request.getfixturevalue("postgres_url"))
    return str(request.param)
