"""Running app pages under Streamlit's AppTest, as the app tests do."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from bench.harness import OFFLINE_ENV, env

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 120


class PageError(RuntimeError):
    """The page showed an exception: the figure cannot be taken."""


def check(at: AppTest, where: str) -> None:
    if at.exception:
        raise PageError(f"{where}: " + " | ".join(str(e.value) for e in at.exception))
    if not at.sidebar.children:  # the page file ran alone: the figure would time half a run
        raise PageError(f"{where}: no sidebar, so app.py did not run (outside app_env()?)")


@contextlib.contextmanager
def navigation_not_pages_directory() -> Iterator[None]:
    """Every run goes through app.py (st.navigation, the sidebar), as on a real server.

    AppTest sets PagesManager.uses_pages_directory back to None before every run, and the
    new PagesManager then sees the `pages/` folder beside app.py and sets it True: each
    run after the first executes the page file alone, without app.py. A real server
    clears the flag for good on the first st.navigation call; do the same on every
    PagesManager built in here (tests/app/conftest.py has the same fix as a fixture).
    Both the constructor and the flag are put back afterwards."""
    original = PagesManager.__init__
    flag = PagesManager.uses_pages_directory

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original  # type: ignore[method-assign]
        PagesManager.uses_pages_directory = flag


@contextlib.contextmanager
def app_env() -> Iterator[None]:
    """Offline (no API key reaches the app), no stream delay, every run through app.py,
    and STUDIO_DATA_DIR put back afterwards (open_page and rerun point it at each
    benchmark store)."""
    with env(**OFFLINE_ENV, STUDIO_EMULATOR_CHUNK_DELAY="0",
             STUDIO_DATA_DIR=os.environ.get("STUDIO_DATA_DIR")), \
            navigation_not_pages_directory():
        yield


def open_page(page: str, data_dir: Path) -> AppTest:
    """A fresh AppTest of app.py on `data_dir`, navigated to `page` ("home" or a file under
    pages/). Clears Streamlit's process-wide caches first, so nothing of another data folder
    (store, emulator, clients) is reused."""
    os.environ["STUDIO_DATA_DIR"] = str(data_dir)
    # "No runtime found", "missing ScriptRunContext": true outside a server, and noise
    logging.disable(logging.WARNING)
    try:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    finally:
        logging.disable(logging.NOTSET)
    at.run()
    check(at, "home")
    if page != "home":
        at.switch_page(f"pages/{page}.py").run()
        check(at, page)
    return at


def rerun(at: AppTest, data_dir: Path, where: str) -> None:
    os.environ["STUDIO_DATA_DIR"] = str(data_dir)
    at.run()
    check(at, where)
