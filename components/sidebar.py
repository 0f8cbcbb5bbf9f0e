"""Sidebar settings shared by every page: engine, model and image options."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components import state
from studio.gemini.catalog import GROUNDING, GROUNDING_OFF, GROUNDING_WEB, ModelInfo, closest_ratio
from studio.gemini.clients import GEMINI, OFFLINE
from studio.gemini.settings import GenerationSettings

_ENGINE_LABELS = {OFFLINE: "Offline emulator", GEMINI: "Gemini API"}
_KEY_SOURCES = {
    "sidebar": "the key typed here",
    "secrets": "GEMINI_API_KEY in secrets.toml",
    "environment": "the environment",
    "vertex": "Vertex AI settings",
}
_DEFAULT_LEVEL = "default"
_GROUNDING_LABELS = {"off": "Off", "web": "Web search", "web+image": "Web and image search"}
GROUNDED_PAGES = frozenset({"recipe"})  # on by default where the page is world knowledge


def engine_badge(*, explain: bool = True) -> None:
    """Say plainly which engine is live: offline images are drawn locally, not by Gemini.
    With a key, say what checking it found, so a refused key shows before the first call."""
    if state.active_engine() == OFFLINE:
        st.badge("Offline emulator", icon=":material/cloud_off:", color="orange")
        if explain:
            st.caption("Images are drawn locally, not by Gemini.")
        return
    source = _KEY_SOURCES.get(state.key_choice().source, "")
    check = state.key_check()
    if check is not None and not check.ok:
        st.badge("Gemini API: key refused" if "refused" in check.message
                 else "Gemini API: key not checked", icon=":material/key_off:", color="red")
        st.caption(f"{check.message} (using {source})")
        return
    st.badge("Gemini API: key works", icon=":material/cloud_done:", color="green")
    if explain:
        st.caption(f"Using {source}; the Gemini API answered a model-list call.")


def _model_label(info: ModelInfo, today: date) -> str:
    # Short enough for the sidebar's width; the price and the rest are in the caption below.
    flag = "⚠ " if info.shutdown_notice(today) else ""
    return f"{flag}{info.label}"


def _about(info: ModelInfo, today: date) -> None:
    """One line on what the chosen model is for, what it costs, and whether it is going."""
    thinking = (f"thinking levels {', '.join(info.thinking_levels)}" if info.thinking_levels
                else "thinks" if info.thinking else "no thinking")
    facts = [f"**{info.price_line()}**", GROUNDING.get(info.grounding, info.grounding),
             thinking]
    st.caption(" · ".join(filter(None, [info.description, *facts])))
    notice = info.shutdown_notice(today)
    if notice:
        st.warning(notice, icon=":material/event_busy:")


def _kept(key: str, wanted: str | None, offered: list[str], fallback: str,
          what: str, info: ModelInfo) -> tuple[str, str | None]:
    """Keep the widget's choice when the model offers it; else pick `fallback` and say why."""
    previous = state.widget_value(key, wanted)
    if previous in offered:
        chosen, note = previous, None
    else:
        chosen = fallback
        note = (f"{info.label} does not offer {what} {previous}: now {chosen}."
                if previous else None)
    state.set_widgets({key: chosen})  # before the widget is drawn, so it shows `chosen`
    return chosen, note


def _grounding(page: str, info: ModelInfo) -> tuple[str, str | None]:
    """The grounding this page's requests ask for, and what to say when a model switch
    changed it. Each page keeps its own choice (on by default on the Recipe page)."""
    key = f"grounding_{page or 'home'}"
    default = GROUNDING_WEB if page in GROUNDED_PAGES else GROUNDING_OFF
    wanted = state.widget_value(key) or state.grounding_choice(page, default)
    chosen = info.grounding_for(wanted)
    before = state.grounding_seen(page)  # (model, grounding) of this page's last run
    state.set_grounding_seen(page, info.id, chosen)
    note = None
    if before and before[0] != info.id and before[1] != GROUNDING_OFF and chosen != before[1]:
        note = (f"{info.label} has no Google Search grounding: it was turned off."
                if chosen == GROUNDING_OFF else
                f"{info.label} searches the web only: image search was turned off.")
    if not info.grounding_modes:
        return chosen, note
    state.set_widgets({key: chosen})  # before the widget is drawn, so it shows `chosen`
    chosen = st.selectbox(
        "Google Search grounding", list(info.grounding_modes), key=key,
        format_func=_GROUNDING_LABELS.get,
        help="The model looks things up with Google Search before it answers; the answer "
             "then shows its searches and sources. The API bills grounded requests extra.")
    state.set_grounding_choice(page, chosen)
    return chosen, note


def render_sidebar(page: str = "") -> GenerationSettings:
    """Draw the settings and return them; they persist for the browser session. `page` is
    the page's url path: the grounding choice is kept per page."""
    current = state.settings()
    today = date.today()
    with st.sidebar:
        st.subheader("Engine", divider="gray")
        _engine_controls()  # first: a key typed here must count in this very run
        engine_badge()
        st.subheader("Image settings", divider="gray")
        catalog = state.catalog()
        ids = catalog.ids()
        if current.model not in ids:
            ids.append(current.model)
        model = st.selectbox(
            "Model", ids, index=ids.index(current.model), key="model",
            format_func=lambda i: _model_label(catalog.get(i), today), accept_new_options=True,
            help="Type any model id to try one that is not listed.",
        )
        info = catalog.get(model)
        _about(info, today)
        notes: list[str] = []
        ratios = list(info.aspect_ratios)
        wanted = state.widget_value("aspect_ratio", current.aspect_ratio)
        _, note = _kept("aspect_ratio", current.aspect_ratio, ratios,
                        closest_ratio(wanted, ratios), "the aspect ratio", info)
        notes += [f"{note} (the closest shape it has)"] if note else []
        ratio = st.selectbox("Aspect ratio", ratios, key="aspect_ratio")
        size = None
        if info.supports_image_size:
            sizes = list(info.image_sizes)
            _, note = _kept("image_size", current.image_size or "1K", sizes,
                            "1K" if "1K" in sizes else sizes[0], "the image size", info)
            notes += [note] if note and current.image_size else []
            size = st.selectbox("Image size", sizes, key="image_size")
        level = None
        if info.thinking_levels:
            levels = [_DEFAULT_LEVEL, *info.thinking_levels]
            _, note = _kept("thinking_level", current.thinking_level or _DEFAULT_LEVEL, levels,
                            _DEFAULT_LEVEL, "the thinking level", info)
            notes += [note] if note and current.thinking_level else []
            chosen = st.selectbox(
                "Thinking level", levels, key="thinking_level",
                format_func=lambda v: "Model default" if v == _DEFAULT_LEVEL else v.title(),
                help="How much the model thinks before it draws: more is slower and dearer.")
            level = None if chosen == _DEFAULT_LEVEL else chosen
        grounding, note = _grounding(page, info)
        notes += [note] if note else []
        for note in notes:
            st.info(note, icon=":material/swap_horiz:")
        # keyed and stateful: it stays open or closed whatever appears above it
        with st.expander("Advanced", icon=":material/tune:", key="advanced", on_change="rerun"):
            temperature = st.slider(
                "Temperature", 0.0, 2.0, value=current.temperature if current.temperature
                is not None else 1.0, step=0.1, key="temperature",
            )
            seed = st.number_input(
                "Seed (0 = random)", 0, 2**31 - 1, value=current.seed or 0, key="seed",
            )
            timeout = st.number_input(
                "Timeout (seconds)", 1, 600, value=max(1, int(current.timeout_s)), step=10,
                key="timeout_s", help="How long to wait for one answer before giving up.",
            )
            thoughts = st.toggle(
                "Show the model's thoughts", value=current.include_thoughts,
                key="include_thoughts", disabled=not info.thinking,
            )
    value = GenerationSettings(
        model=model,
        aspect_ratio=ratio,
        image_size=size,
        variants=current.variants,  # set where variants are made: the text page
        temperature=float(temperature),
        seed=int(seed) or None,
        include_thoughts=bool(thoughts),
        timeout_s=float(timeout),
        thinking_level=level,
        grounding=grounding,
    )
    state.set_settings(value)
    return value


def _engine_controls() -> None:
    choice = state.key_choice()
    options = [OFFLINE, GEMINI]
    engine = st.segmented_control(
        "Engine", options, format_func=_ENGINE_LABELS.get, key="engine",
        default=state.active_engine(), label_visibility="collapsed",
    )
    chosen = engine or state.active_engine()
    state.choose_engine(chosen)
    if chosen == GEMINI and choice.source in ("none", "sidebar"):
        typed = st.text_input(
            "Gemini API key", type="password", key="api_key",
            help="Kept in this browser session only; never saved or logged.",
            placeholder="Paste a key from Google AI Studio",
        )
        state.set_typed_key(typed)
        if not typed:
            st.caption("No key yet: the offline emulator stays live.")
