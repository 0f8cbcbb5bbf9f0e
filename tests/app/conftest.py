"""AppTest fixtures: the real app.py, navigated to one page at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from studio.emulator import ScriptedResponder
from studio.gallery.store import GalleryStore
from studio.gemini.catalog import load_catalog
from studio.gemini.offline import offline_emulator, reset_offline_emulator

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
# The emulator checks thought signatures only for thinking models, as Gemini 3 does.
THINKING_MODEL = next(m.id for m in load_catalog().models if m.thinking)


@pytest.fixture(autouse=True)
def _navigation_not_pages_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    """AppTest resets PagesManager.uses_pages_directory before every run, so with a `pages/`
    folder beside app.py each rerun after the first executes the page file alone, without
    app.py (no sidebar, no st.navigation). A real server clears the flag for good on the
    first st.navigation call; do the same here."""
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    # st.cache_data / cache_resource are process-wide: one test's emulator, store or client
    # must not leak into the next.
    st.cache_data.clear()
    st.cache_resource.clear()
    reset_offline_emulator()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
    reset_offline_emulator()


def assert_clean(at: AppTest) -> None:
    """No exception box, and no error unless the test expects one."""
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture
def open_page() -> Callable[[str], AppTest]:
    def _open(page: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.run()
        assert_clean(at)
        if page != "home":
            at.switch_page(f"pages/{page}.py").run()
            assert_clean(at)
        return at

    return _open


@pytest.fixture
def gallery(_isolated_environment: Path) -> GalleryStore:
    """The store the app writes into (same folder), to assert on what reached it."""
    return GalleryStore(_isolated_environment)


@pytest.fixture
def scripted() -> ScriptedResponder:
    """The offline model answers exactly what the test queues (`scripted.enqueue(...)`) and
    records what it was asked (`scripted.requests`); the wire layer around it is unchanged."""
    responder = ScriptedResponder()
    offline_emulator().responder = responder
    return responder
