"""The one module that touches `st.session_state`, and the app's cached resources.

Each browser session gets one typed `StudioSession` under one key, reached through
`session()`. Process-wide resources (clients, the emulator, the gallery store) are
cached with `st.cache_resource`: a Chat dies when its Client is garbage-collected.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import streamlit as st
from google import genai

from studio.emulator import Emulator
from studio.gallery.store import GalleryStore, default_data_dir
from studio.gemini.calls import GenerationSettings
from studio.gemini.catalog import Catalog, load_catalog
from studio.gemini.clients import (
    GEMINI,
    OFFLINE,
    KeyChoice,
    NetworkSettings,
    engine_for,
    live_model_ids,
    make_gemini_client,
    make_offline_client,
    resolve_api_key,
)
from studio.making.chat import PageChat

_KEY = "studio"
EMULATOR_SECRET = b"image-studio-offline-emulator"
TRASH_DAYS = 7


@dataclass
class StudioSession:
    """Everything one browser session holds. The typed API key lives only here."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    api_key: str | None = field(default=None, repr=False)
    engine: str | None = None  # None: follow the key (gemini when one is found)
    settings: GenerationSettings | None = None
    threads: dict[str, PageChat] = field(default_factory=dict)
    text_batches: list[dict[str, Any]] = field(default_factory=list)
    seen_uploads: set[str] = field(default_factory=set)  # upload ids already turned into starts
    gallery_selection: set[str] = field(default_factory=set)
    gallery_detail: str | None = None
    export_path: str | None = None  # the last ZIP prepared, downloaded on click
    notices: list[tuple[str, str]] = field(default_factory=list)  # (kind, message) to show once


def session() -> StudioSession:
    state = st.session_state.get(_KEY)
    if not isinstance(state, StudioSession):
        state = StudioSession()
        st.session_state[_KEY] = state
    return state


# --- widget values: examples and "reuse prompt" prefill widgets through here -------------

def set_widgets(values: dict[str, Any]) -> None:
    """Prefill widgets by key; takes effect on the next run, before the widgets are drawn."""
    for key, value in values.items():
        st.session_state[key] = value


def init_widgets(defaults: dict[str, Any]) -> None:
    """Give widgets their first value without a `value=` argument, so examples can also set
    them (Streamlit warns when a widget has both)."""
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def clear_widget(key: str) -> None:
    st.session_state.pop(key, None)


def notify(kind: str, message: str) -> None:
    """Queue a message to show after the next rerun (st.toast does not survive one)."""
    session().notices.append((kind, message))


def take_notices() -> list[tuple[str, str]]:
    s = session()
    notices, s.notices = s.notices, []
    return notices


# --- engines ---------------------------------------------------------------------------

def _secrets() -> dict[str, Any]:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml is the normal case
        return {}


def key_choice() -> KeyChoice:
    return resolve_api_key(session().api_key, _secrets(), os.environ)


def active_engine() -> str:
    """Gemini when a key (or Vertex AI) is configured, unless the user chose offline."""
    return OFFLINE if session().engine == OFFLINE else engine_for(key_choice())


@st.cache_resource(show_spinner=False)
def emulator() -> Emulator:
    delay = float(os.environ.get("STUDIO_EMULATOR_CHUNK_DELAY", "0.08"))
    # A fixed signing secret: offline conversations stay resumable after a restart, and in
    # a colleague's gallery after an import, as Gemini's own signatures do.
    return Emulator(chunk_delay=delay, secret=EMULATOR_SECRET)


@st.cache_resource(show_spinner=False, max_entries=16)
def _offline_client(network: NetworkSettings) -> genai.Client:
    return make_offline_client(emulator(), network)


@st.cache_resource(show_spinner=False, max_entries=16)
def _gemini_client(fingerprint: str, network: NetworkSettings, _choice: KeyChoice) -> genai.Client:
    # Keyed by a hash of the key: the key itself never becomes a cache key.
    return make_gemini_client(_choice, network)


def network_settings() -> NetworkSettings:
    """Retries from the environment; the timeout is the sidebar's setting."""
    base = NetworkSettings.from_env()
    return replace(base, timeout_s=settings().timeout_s)


def client() -> genai.Client:
    network = network_settings()
    if active_engine() == OFFLINE:
        return _offline_client(network)
    choice = key_choice()
    return _gemini_client(choice.fingerprint, network, choice)


def secrets_in_use() -> tuple[str | None, ...]:
    """Values that must be scrubbed from anything shown or stored."""
    return (key_choice().key,)


@st.cache_data(show_spinner=False, ttl=3600)
def _live_ids(fingerprint: str) -> list[str]:
    choice = key_choice()
    if choice.fingerprint != fingerprint:
        return []
    return live_model_ids(_gemini_client(fingerprint, NetworkSettings.from_env(), choice))


def catalog() -> Catalog:
    base = load_catalog()
    if active_engine() == GEMINI:
        return base.merged_with(_live_ids(key_choice().fingerprint))
    return base


# --- gallery and threads ------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _store(data_dir: str) -> GalleryStore:
    store = GalleryStore(data_dir)
    store.purge_deleted(older_than_days=TRASH_DAYS)  # deleted images stay restorable this long
    return store


def store() -> GalleryStore:
    return _store(str(default_data_dir()))


def settings() -> GenerationSettings:
    s = session()
    if s.settings is None:
        s.settings = GenerationSettings(model=load_catalog().default_model,
                                        timeout_s=NetworkSettings.from_env().timeout_s)
    return s.settings


def set_settings(value: GenerationSettings) -> None:
    session().settings = value


def thread(page: str) -> PageChat | None:
    return session().threads.get(page)


def set_thread(page: str, value: PageChat | None) -> None:
    threads = session().threads
    if value is None:
        threads.pop(page, None)
    else:
        threads[page] = value
