"""A PostgreSQL gallery whose server is down at start or goes away mid-session: a sentence
naming the database (never its password) and what to do, not a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore
from tests.app.conftest import APP, TIMEOUT, assert_clean
from tests.pg_server import PostgresUnavailable, postgres_server

PASSWORD = "s3cret-pw"


def _with_password(url: str) -> str:
    return url.replace("postgresql://studio@", f"postgresql://studio:{PASSWORD}@", 1)


def _closed_port() -> int:
    with socket.socket() as s:  # bound, never listening: connections are refused
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_a_server_down_at_start_names_the_database_and_a_reload_finds_it_back(
    _isolated_environment: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str,
) -> None:
    port = _closed_port()
    monkeypatch.setenv("STUDIO_DATABASE_URL", f"postgresql://studio:{PASSWORD}@127.0.0.1:{port}/team")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert_clean(at)
    shown = " ".join(_errors(at))
    assert f"127.0.0.1:{port}/team" in shown and "cannot be reached" in shown, shown
    assert "Start the database server" in shown and PASSWORD not in shown
    # the server is up now (here: the URL fixed): reloading opens it, no restart needed
    monkeypatch.setenv("STUDIO_DATABASE_URL", _with_password(postgres_url))
    at.run()
    assert_clean(at)
    assert not _errors(at), _errors(at)


@pytest.mark.parametrize("page", ["home", "gallery"])
def test_a_server_gone_mid_session_is_a_message_on_the_page_until_it_is_back(
    _isolated_environment: Path, monkeypatch: pytest.MonkeyPatch, page: str,
) -> None:
    try:
        server_cm = postgres_server()  # its own server: this test stops it
        server = server_cm.__enter__()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL cannot be started here: {exc}")
    try:
        url = _with_password(server.new_database())
        monkeypatch.setenv("STUDIO_DATABASE_URL", url)
        with GalleryStore(_isolated_environment) as store:
            store.add_image(_png(), "image/png", NewItem(page="story", prompt="a turtle"))
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.run()
        if page != "home":
            at.switch_page(f"pages/{page}.py").run()
        assert_clean(at)
        assert not _errors(at), _errors(at)
        server.stop()
        at.run()
        assert_clean(at)
        shown = " ".join(_errors(at))
        assert "cannot be reached" in shown and url.rsplit("@", 1)[1] in shown, shown
        assert PASSWORD not in shown
        server.start()  # back again: the next run reconnects, no restart of the app
        at.run()
        assert_clean(at)
        assert not _errors(at), _errors(at)
        if page == "gallery":
            assert len(at.image) == 1
    finally:
        server_cm.__exit__(None, None, None)


def _png() -> bytes:
    import io

    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 90, 40)).save(out, "PNG")
    return out.getvalue()
