"""Links that reopen what you saw: the one module that reads and writes `st.query_params`.

The URL's path is the page (st.navigation names it); the query string holds the rest:

* every page: the sidebar settings that differ from a new session's (`model`, `ratio`,
  `size`, `thinking`, `temperature`, `seed`, `timeout`, `thoughts`, `variants`, `engine`);
* Story, Editing and Recipe: `chat`, the open conversation;
* Prompt Lab: `experiment`; Text rendering: `batch`, the latest variants (they come back
  from the gallery, where they are kept);
* Gallery: its filters (`q`, `source` (the page), `made_with` (the model), `tags`, `fav`,
  `since`, `until`, `trash`, `group`, `view`, `p`) and the item open in the detail (`item`).

One rule for each of these groups: when the URL holds something other than what this
session last wrote there (a link opened in a new browser session, or the browser's Back),
the URL wins and the session follows it; otherwise the session wins and the URL is
rewritten from it. Values from a URL are never trusted: ids are checked against the store,
settings against their ranges, and what cannot be used is said on the page and dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

import streamlit as st

from components import state
from studio.gallery.records import ID_RE
from studio.gemini.clients import GEMINI, OFFLINE, engine_for
from studio.gemini.settings import MAX_VARIANTS, GenerationSettings

# --- the query string --------------------------------------------------------------------

def _in_url(keys: tuple[str, ...]) -> dict[str, str]:
    return {k: v for k in keys if (v := st.query_params.get(k))}


def _write(keys: tuple[str, ...], values: Mapping[str, str | None]) -> None:
    """Set the group's keys to `values` (absent or empty: removed); unchanged ones are left."""
    for key in keys:
        value = values.get(key)
        if value and st.query_params.get(key) != value:
            st.query_params[key] = value
        elif not value and key in st.query_params:
            del st.query_params[key]


def _url_wins(group: str, keys: tuple[str, ...]) -> dict[str, str] | None:
    """The URL's values of a group when they should win over the session, else None."""
    found = _in_url(keys)
    if found and found != state.linked(group):
        state.set_linked(group, found)
        return found
    return None


def _remember(group: str, keys: tuple[str, ...], values: Mapping[str, str | None]) -> None:
    """The session won: the URL says what it holds now."""
    kept = {k: v for k, v in values.items() if v and k in keys}
    _write(keys, kept)
    state.set_linked(group, kept)


def _an_id(value: str | None) -> str | None:
    return value if value and ID_RE.match(value) else None


# --- the sidebar settings (every page) -----------------------------------------------------

SETTINGS_KEYS = ("model", "ratio", "size", "thinking", "temperature", "seed", "timeout",
                 "thoughts", "variants", "engine")
_SIDEBAR_WIDGETS = ("model", "aspect_ratio", "image_size", "thinking_level", "temperature",
                    "seed", "timeout_s", "include_thoughts", "variants", "engine")
_MODEL_ID = re.compile(r"^[A-Za-z0-9._:/-]{1,100}$")
_RATIO = re.compile(r"^\d{1,2}:\d{1,2}$")
_WORD = re.compile(r"^[A-Za-z0-9_-]{1,20}$")


def _number(text: str, low: float, high: float, whole: bool) -> float | int | None:
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _settings_params(s: GenerationSettings) -> dict[str, str | None]:
    """The settings as URL values; those a new session would have anyway are left out."""
    d = state.default_settings()
    out: dict[str, str | None] = {
        "model": s.model if s.model != d.model else None,
        "ratio": s.aspect_ratio if s.aspect_ratio != d.aspect_ratio else None,
        "size": s.image_size if s.image_size and s.image_size != "1K" else None,
        "thinking": s.thinking_level,
        "temperature": f"{s.temperature:g}" if s.temperature not in (None, 1.0) else None,
        "seed": str(s.seed) if s.seed else None,
        "timeout": f"{s.timeout_s:g}" if s.timeout_s != d.timeout_s else None,
        "thoughts": "0" if not s.include_thoughts else None,
        "variants": str(s.variants) if s.variants != d.variants else None,
    }
    # Offline although a key is configured: the user chose it. (A key is never in a link.)
    deliberate = state.active_engine() == OFFLINE and engine_for(state.key_choice()) == GEMINI
    out["engine"] = OFFLINE if deliberate else None
    return out


def _settings_from(params: Mapping[str, str], base: GenerationSettings
                   ) -> tuple[GenerationSettings, list[str]]:
    """Settings from a link's values; names of the values that could not be used."""
    checks: dict[str, tuple[str, Any]] = {
        "model": ("model", params["model"] if _MODEL_ID.match(params.get("model", "")) else None),
        "ratio": ("aspect_ratio", params["ratio"] if _RATIO.match(params.get("ratio", ""))
                  else None),
        "size": ("image_size", params["size"] if _WORD.match(params.get("size", "")) else None),
        "thinking": ("thinking_level", params["thinking"]
                     if _WORD.match(params.get("thinking", "")) else None),
        "temperature": ("temperature", _number(params.get("temperature", ""), 0, 2, False)),
        "seed": ("seed", _number(params.get("seed", ""), 1, 2**31 - 1, True)),
        "timeout": ("timeout_s", _number(params.get("timeout", ""), 1, 600, False)),
        "thoughts": ("include_thoughts", {"0": False, "1": True}.get(params.get("thoughts", ""))),
        "variants": ("variants", _number(params.get("variants", ""), 1, MAX_VARIANTS, True)),
    }
    changes: dict[str, Any] = {}
    bad: list[str] = []
    for name, (field, value) in checks.items():
        if name not in params:
            continue
        if value is None:
            bad.append(name)
        else:
            changes[field] = float(value) if field in ("temperature", "timeout_s") else value
    if "engine" in params and params["engine"] != OFFLINE:
        bad.append("engine")
    return replace(base, **changes), bad


def restore_settings() -> None:
    """Before the sidebar is drawn: a link's settings become this session's."""
    found = _url_wins("settings", SETTINGS_KEYS)
    if found is None:
        return
    settings, bad = _settings_from(found, state.default_settings())
    state.set_settings(settings)
    if found.get("engine") == OFFLINE:
        state.choose_engine(OFFLINE)
    for key in _SIDEBAR_WIDGETS:  # redrawn from the settings just restored
        state.clear_widget(key)
    if bad:
        st.warning("This link's " + ", ".join(bad) + " could not be used; the default is "
                   "in its place.", icon=":material/link_off:")


def keep_settings() -> None:
    """After the sidebar is drawn: the URL carries the settings, so a reload keeps them."""
    _remember("settings", SETTINGS_KEYS, _settings_params(state.settings()))


# --- the open conversation, experiment, text results -------------------------------------

def follow_chat(page: str) -> None:
    """Story, Editing, Recipe: `chat` names the open conversation (call before the page
    reads its chat)."""
    found = _url_wins(f"{page}.chat", ("chat",))
    if found is not None:
        chat = state.current_chat(page)
        wanted = _an_id(found["chat"])
        if wanted is None:
            state.notify("error", "The conversation in this link no longer exists.")
        elif chat is None or chat.id != wanted:
            state.open_chat_from_link(page, wanted)
    chat = state.current_chat(page)
    _remember(f"{page}.chat", ("chat",), {"chat": chat.id if chat else None})


def follow_experiment() -> None:
    """Prompt Lab: `experiment` names the open experiment (call before the page reads it)."""
    found = _url_wins("lab.experiment", ("experiment",))
    if found is not None:
        wanted = _an_id(found["experiment"])
        if wanted and wanted != state.open_experiment_id() and state.experiments().load(wanted):
            state.open_experiment(wanted)
            state.set_lab_rows(None)
            for prefix in ("lab_open", "lab_name", "lab_var_", "lab_models", "lab_ratios",
                           "lab_seeds", "lab_rate_", "lab_win_"):
                state.clear_widgets(prefix)
        elif wanted != state.open_experiment_id():
            state.notify("error", "The experiment in this link no longer exists.")
    _remember("lab.experiment", ("experiment",), {"experiment": state.open_experiment_id()})


def follow_text_results() -> None:
    """Text rendering: `batch` names the latest variants; a new session gets them back from
    the gallery (call after a new batch is made, before the results are drawn)."""
    from studio.making.kept_variants import text_results_from_gallery

    found = _url_wins("text.batch", ("batch",))
    latest = state.text_results()
    if found is not None and (not latest or latest[0][1].id != found["batch"]):
        wanted = _an_id(found["batch"])
        kept = text_results_from_gallery(state.store(), wanted) if wanted else None
        if kept is None:
            st.warning("The results in this link are no longer in the gallery.",
                       icon=":material/link_off:")
        else:
            state.add_text_result(*kept)
    latest = state.text_results()
    _remember("text.batch", ("batch",), {"batch": latest[0][1].id if latest else None})


# --- the gallery's filters and open item ---------------------------------------------------

GALLERY_KEYS = ("q", "source", "made_with", "tags", "fav", "since", "until", "trash", "group",
                "view", "p", "item")
_TAG_SEPARATOR = ";"  # a tag never holds one (it is the manifest CSV's separator)


def _gallery_widgets() -> dict[str, str | None]:
    """The gallery's filter widgets as URL values (their state before this run draws them)."""
    w = state.widget_value
    dates = w("gallery_dates") or ()
    page_number = w("gallery_page_number") or 1
    return {
        "q": (w("gallery_search") or "").strip() or None,
        "source": None if w("gallery_page_filter") in (None, "all") else w("gallery_page_filter"),
        "made_with": None if w("gallery_model") in (None, "all") else w("gallery_model"),
        "tags": _TAG_SEPARATOR.join(w("gallery_tags") or []) or None,
        "fav": "1" if w("gallery_favourites") else None,
        "since": dates[0].isoformat() if len(dates) >= 1 else None,
        "until": dates[1].isoformat() if len(dates) == 2 else None,
        "trash": "1" if w("gallery_trash") else None,
        "group": None if w("gallery_group") in (None, "none") else w("gallery_group"),
        "view": "table" if w("gallery_view") == "table" else None,
        "p": str(page_number) if page_number != 1 else None,
        "item": state.detail_item(),
    }


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def follow_gallery() -> None:
    """Gallery: call before its filter widgets are drawn."""
    found = _url_wins("gallery", GALLERY_KEYS)
    if found is not None:
        since, until = _day(found.get("since")), _day(found.get("until"))
        dates = (since, until) if since and until else (since,) if since else ()
        page_number = found.get("p", "1")
        known = set(state.store().facets().get("tags", []))
        tags = [t for t in found.get("tags", "").split(_TAG_SEPARATOR) if t in known]
        group = found.get("group", "none")
        state.set_widgets({
            "gallery_tags": tags,
            "gallery_group": group if _WORD.match(group) else "none",
            "gallery_search": found.get("q", ""),
            "gallery_page_filter": found.get("source", "all"),
            "gallery_model": found.get("made_with", "all"),
            "gallery_favourites": found.get("fav") == "1",
            "gallery_dates": dates,
            "gallery_trash": found.get("trash") == "1",
            "gallery_view": "table" if found.get("view") == "table" else "grid",
            "gallery_page_number": int(page_number) if page_number.isdigit() else 1,
        })
        item = _an_id(found.get("item"))
        if item and state.store().get(item) is not None:
            state.open_detail(item)
        elif found.get("item"):
            state.notify("error", "The image in this link is no longer in the gallery.")
            state.open_detail(None)
    _remember("gallery", GALLERY_KEYS, _gallery_widgets())
