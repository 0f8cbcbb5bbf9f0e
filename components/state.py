"""The one module that touches `st.session_state`, and the app's cached resources.

Each browser session gets one typed `StudioSession` under one key. Pages and components
read and change it only through the functions here (flask's `get_db()` shape): chats are
made, resumed and ended here, so a chat is always built with the live client, store,
catalog and engine. Process-wide resources (clients, the gallery store) are cached with
`st.cache_resource`: a Chat dies when its Client is garbage-collected.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import dataclass, field, replace
from typing import Any

import streamlit as st
from google import genai

from components.auth import signed_in_user
from studio.gallery.errors import StorageError
from studio.gallery.opening import READ_ONLY, UNUSABLE, StoreHealth, open_store
from studio.gallery.store import GalleryStore, default_data_dir
from studio.gemini.catalog import Catalog, load_catalog
from studio.gemini.clients import (
    GEMINI,
    OFFLINE,
    KeyChoice,
    NetworkSettings,
    engine_for,
    live_model_ids,
    make_gemini_client,
    resolve_api_key,
)
from studio.gemini.keycheck import KeyCheck, check_key
from studio.gemini.offline import make_offline_client
from studio.gemini.settings import GenerationSettings
from studio.lab.saved import ExperimentBook
from studio.making.attachments import attachment_from_item
from studio.making.chat import PageChat
from studio.making.prompt_library import PromptLibrary

_KEY = "studio"
TRASH_DAYS = 7


@dataclass
class StudioSession:
    """Everything one browser session holds. The typed API key lives only here."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    api_key: str | None = field(default=None, repr=False)
    engine: str | None = None  # None: follow the key (gemini when one is found)
    settings: GenerationSettings | None = None
    chats: dict[str, PageChat] = field(default_factory=dict)
    text_results: list[tuple[Any, Any]] = field(default_factory=list)  # (brief, VariantSet)
    seen_uploads: set[str] = field(default_factory=set)  # upload ids already turned into starts
    gallery_selection: set[str] = field(default_factory=set)
    gallery_detail: str | None = None
    export_path: str | None = None  # the last ZIP prepared, downloaded on click
    lab_experiment: str | None = None  # the Prompt Lab experiment open on the page
    compare: list[str] = field(default_factory=list)  # gallery item ids to compare (2-4)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (kind, message) to show once
    grounding: dict[str, str] = field(default_factory=dict)  # page -> Google Search choice
    grounding_seen: dict[str, tuple[str, str]] = field(default_factory=dict)  # page -> (model, mode)
    resends: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # page: an edited turn
    lab_rows: list[str] | None = None  # the Lab's prompt rows, when a saved prompt was added
    links: dict[str, Any] = field(default_factory=dict)  # what was last written to the URL
    prompt_dialog: str | None = None  # the prompt library's open dialog, e.g. "use:story"


def _session() -> StudioSession:
    state = st.session_state.get(_KEY)
    if not isinstance(state, StudioSession):
        state = StudioSession()
        st.session_state[_KEY] = state
    return state


def session_id() -> str:
    return _session().id


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


def widget_value(key: str, default: Any = None) -> Any:
    """A widget's value from the last run (before it is drawn in this one)."""
    return st.session_state.get(key, default)


def clear_widget(key: str) -> None:
    st.session_state.pop(key, None)


def clear_widgets(prefix: str) -> None:
    """Forget every widget whose key starts with `prefix`, so it is drawn afresh."""
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        st.session_state.pop(key, None)


def notify(kind: str, message: str) -> None:
    """Queue a message to show after the next rerun (st.toast does not survive one)."""
    _session().notices.append((kind, message))


def take_notices() -> list[tuple[str, str]]:
    s = _session()
    notices, s.notices = s.notices, []
    return notices


# --- engines ---------------------------------------------------------------------------

def _secrets() -> dict[str, Any]:
    try:
        return dict(st.secrets)
    except Exception:  # no secrets.toml is the normal case
        return {}


def key_choice() -> KeyChoice:
    return resolve_api_key(_session().api_key, _secrets(), os.environ)


def active_engine() -> str:
    """Gemini when a key (or Vertex AI) is configured, unless the user chose offline."""
    return OFFLINE if _session().engine == OFFLINE else engine_for(key_choice())


def choose_engine(engine: str | None) -> None:
    _session().engine = engine


def set_typed_key(key: str | None) -> None:
    """The key typed in the sidebar: kept for this browser session only."""
    _session().api_key = key or None


@st.cache_resource(show_spinner=False, max_entries=16)
def _offline_client(network: NetworkSettings) -> genai.Client:
    return make_offline_client(network)


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


@st.cache_data(show_spinner=False, ttl=600)
def _key_check(fingerprint: str) -> KeyCheck:
    choice = key_choice()
    if choice.fingerprint != fingerprint:
        return KeyCheck(False, "Key not checked yet.")
    return check_key(_gemini_client(fingerprint, NetworkSettings.from_env(), choice),
                     secrets=(choice.key,))


def key_check() -> KeyCheck | None:
    """What a cheap listing call found for the key in use (once per key); None offline."""
    if active_engine() != GEMINI:
        return None
    return _key_check(key_choice().fingerprint)


def catalog() -> Catalog:
    """models.json, plus the live model list when a key is in use: what every page uses."""
    base = load_catalog()
    if active_engine() == GEMINI:
        return base.merged_with(_live_ids(key_choice().fingerprint))
    return base


# --- settings and the gallery ---------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _opened(data_dir: str) -> tuple[GalleryStore | None, StoreHealth]:
    """The store whatever state its folder is in, with what was found (studio/gallery/opening.py)."""
    store, health = open_store(data_dir)
    if store is not None and health.status != READ_ONLY:
        with contextlib.suppress(StorageError):  # a full disk: the trash can wait
            store.purge_deleted(older_than_days=TRASH_DAYS)  # restorable this long
    return store, health


def forget_store() -> None:
    """Open the gallery afresh on the next call (after it was found unusable)."""
    _opened.clear()


def store_health() -> StoreHealth:
    return _opened(str(default_data_dir()))[1]


def read_only_reason() -> str | None:
    """Why nothing can be generated now (the data folder cannot be written), or None."""
    health = store_health()
    return health.message if health.status in (READ_ONLY, UNUSABLE) else None


def store() -> GalleryStore:
    """The gallery; raises StorageError when the folder is unusable (app.py stops first)."""
    opened, health = _opened(str(default_data_dir()))
    if opened is None:
        raise StorageError(health.message)
    return opened.signed_as(signed_in_user())  # what this session adds records who made it


def default_settings() -> GenerationSettings:
    """What a new session starts with (before a link or the sidebar changes it)."""
    return GenerationSettings(model=load_catalog().default_model,
                              timeout_s=NetworkSettings.from_env().timeout_s)


def settings() -> GenerationSettings:
    s = _session()
    if s.settings is None:
        s.settings = default_settings()
    return s.settings


def set_settings(value: GenerationSettings) -> None:
    _session().settings = value


def first_sight_of_upload(upload_id: str) -> bool:
    """True once per uploaded file: a rerun must not start a second conversation from it."""
    seen = _session().seen_uploads
    if upload_id in seen:
        return False
    seen.add(upload_id)
    return True


def selection() -> frozenset[str]:
    return frozenset(_session().gallery_selection)


def toggle_selected(item_id: str) -> None:
    _session().gallery_selection.symmetric_difference_update({item_id})


def detail_item() -> str | None:
    return _session().gallery_detail


def open_detail(item_id: str | None) -> None:
    _session().gallery_detail = item_id


def compare_ids() -> list[str]:
    """The gallery items chosen for Compare, in the order they were chosen."""
    return list(_session().compare)


def set_compare_ids(item_ids: list[str]) -> None:
    """Choose up to four items to compare (from the gallery, the Lab or a page)."""
    _session().compare = list(dict.fromkeys(item_ids))[:4]


def export_path() -> str | None:
    return _session().export_path


def set_export_path(path: str) -> str | None:
    """Remember the newest ZIP; returns the one it replaces, for the caller to delete."""
    s = _session()
    old, s.export_path = s.export_path, path
    return old if old != path else None


def add_text_result(brief: Any, variants: Any) -> None:
    _session().text_results.insert(0, (brief, variants))


def text_results() -> list[tuple[Any, Any]]:
    return list(_session().text_results)


def experiments() -> ExperimentBook:
    """The Prompt Lab's saved experiments, in the gallery's database."""
    return ExperimentBook(store())


def open_experiment_id() -> str | None:
    return _session().lab_experiment


def open_experiment(experiment_id: str | None) -> None:
    _session().lab_experiment = experiment_id


# --- chats: made, resumed and ended through here -------------------------------------------

def new_chat(page: str, *, start_item_id: str | None = None, title: str = "") -> PageChat:
    """A new conversation for `page`, on the live engine; it becomes the page's chat."""
    gallery = store()
    chat = PageChat(
        page=page, client=client(), store=gallery, catalog=catalog(),
        model=settings().model, engine=active_engine(), title=title,
        start=attachment_from_item(gallery, start_item_id) if start_item_id else None,
    )
    _session().chats[page] = chat
    return chat


def resume_chat(page: str, conversation_id: str) -> PageChat | None:
    chat = PageChat.resume(store(), conversation_id, client(), active_engine(), catalog())
    if chat is None:
        notify("error", "That conversation no longer exists.")
        _session().chats.pop(page, None)
    else:
        _session().chats[page] = chat
    return chat


def current_chat(page: str) -> PageChat | None:
    """The page's chat, carried over to the current engine if it changed."""
    chat = _session().chats.get(page)
    if chat is not None:
        chat.rebind(client(), active_engine(), catalog())
    return chat


def end_chat(page: str) -> None:
    """Leave the page's chat; it stays saved under Recent conversations."""
    _session().chats.pop(page, None)



def fork_chat(page: str, index: int) -> PageChat | None:
    """Branch the page's chat at turn `index` into a new saved conversation, and go on in
    it; the conversation branched from stays as it was."""
    from studio.making.branches import fork

    chat = _session().chats.get(page)
    if chat is None:
        return None
    branch = fork(chat, index)
    _session().chats[page] = branch
    return branch


def clicked(key: str) -> bool:
    """A button's click in this run, read before (or without) drawing the button again."""
    return bool(st.session_state.get(key))


# --- Google Search grounding: a choice per page -----------------------------------------

def grounding_choice(page: str, default: str) -> str:
    return _session().grounding.get(page, default)


def set_grounding_choice(page: str, mode: str) -> None:
    _session().grounding[page] = mode


def grounding_seen(page: str) -> tuple[str, str] | None:
    """The model and grounding of the page's last run, to notice a model switch."""
    return _session().grounding_seen.get(page)


def set_grounding_seen(page: str, model: str, mode: str) -> None:
    _session().grounding_seen[page] = (model, mode)


def select_items(item_ids: list[str]) -> None:
    """Add these gallery items to the selection (e.g. "select all on this page")."""
    _session().gallery_selection.update(item_ids)
    for item_id in item_ids:
        st.session_state[f"gallery_sel_{item_id}"] = True


def clear_selection() -> None:
    """Empty the gallery selection, and the checkboxes that show it."""
    _session().gallery_selection.clear()
    clear_widgets("gallery_sel_")


def queue_resend(page: str, instruction: str, attachment_ids: list[str]) -> None:
    """An edited user turn to send in the next run of `page` (set from a button callback)."""
    _session().resends[page] = (instruction, list(attachment_ids))


def take_resend(page: str) -> tuple[str, list[str]] | None:
    return _session().resends.pop(page, None)


# --- presenter mode (pages/present.py) -------------------------------------------------------

_PRESENT_KEY = "studio_present"  # its own key, beside the session object


@dataclass
class Presenting:
    """What is being presented: a collection, a story (with its version) or an experiment's
    winners, and the slide on screen (0-based)."""

    kind: str
    ref: str
    version: int | None = None
    slide: int = 0


def presenting() -> Presenting | None:
    value = st.session_state.get(_PRESENT_KEY)
    return value if isinstance(value, Presenting) else None


def start_presenting(kind: str, ref: str, version: int | None = None) -> None:
    st.session_state[_PRESENT_KEY] = Presenting(kind, ref, version)


def step_slide(delta: int, count: int) -> None:
    """Next (+1) or previous (-1) slide, stopping at the first and the last."""
    shown = presenting()
    if shown is not None:
        shown.slide = max(0, min(count - 1, shown.slide + delta))


def stop_presenting() -> None:
    st.session_state.pop(_PRESENT_KEY, None)


# --- the prompt library, and the Lab's rows -------------------------------------------------

def prompt_library() -> PromptLibrary:
    """Saved prompts in the gallery's database, and the curated examples."""
    return PromptLibrary(store())


def lab_rows() -> list[str] | None:
    """The Lab's prompt rows when they were set from outside the table (a saved prompt)."""
    rows = _session().lab_rows
    return list(rows) if rows is not None else None


def set_lab_rows(rows: list[str] | None) -> None:
    """Give the Lab's table these rows; its own edits start afresh from them."""
    _session().lab_rows = list(rows) if rows is not None else None
    clear_widget("lab_table")


def prompt_dialog() -> str | None:
    """Which prompt-library dialog is open ("use:story", "save:lab"...), if any."""
    return _session().prompt_dialog


def open_prompt_dialog(name: str | None, widgets: dict[str, Any] | None = None) -> None:
    """Open (or, with None, close) a prompt-library dialog, prefilling its widgets."""
    _session().prompt_dialog = name
    set_widgets(widgets or {})


# --- links: what the URL last said, so a changed URL can be told from a changed session ------

def linked(name: str, default: Any = None) -> Any:
    return _session().links.get(name, default)


def set_linked(name: str, value: Any) -> None:
    _session().links[name] = value


def open_chat_from_link(page: str, conversation_id: str) -> bool:
    """Resume the conversation a link names, if it exists and belongs to `page`."""
    record = store().conversation_record(conversation_id)
    if record is None or record.get("page") != page:
        notify("error", "The conversation in this link no longer exists.")
        return False
    return resume_chat(page, conversation_id) is not None
