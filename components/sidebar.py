"""Sidebar settings shared by every page: engine, model and image options."""

from __future__ import annotations

import streamlit as st

from components import state
from studio.gemini.clients import GEMINI, OFFLINE
from studio.gemini.settings import MAX_VARIANTS, GenerationSettings

_ENGINE_LABELS = {OFFLINE: "Offline emulator", GEMINI: "Gemini API"}
_KEY_SOURCES = {
    "sidebar": "the key typed here",
    "secrets": "GEMINI_API_KEY in secrets.toml",
    "environment": "the environment",
    "vertex": "Vertex AI settings",
}


def engine_badge(*, explain: bool = True) -> None:
    """Say plainly which engine is live: offline images are drawn locally, not by Gemini."""
    if state.active_engine() == OFFLINE:
        st.badge("Offline emulator", icon=":material/cloud_off:", color="orange")
        if explain:
            st.caption("Images are drawn locally, not by Gemini.")
    else:
        source = _KEY_SOURCES.get(state.key_choice().source, "")
        st.badge("Gemini API", icon=":material/cloud_done:", color="green")
        if explain:
            st.caption(f"Using {source}.")


def render_sidebar() -> GenerationSettings:
    """Draw the settings and return them; they persist for the browser session."""
    current = state.settings()
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
            format_func=lambda i: catalog.get(i).label, accept_new_options=True,
            help="Type any model id to try one that is not listed.",
        )
        info = catalog.get(model)
        ratios = list(info.aspect_ratios)
        ratio = st.selectbox(
            "Aspect ratio", ratios, key="aspect_ratio",
            index=ratios.index(current.aspect_ratio) if current.aspect_ratio in ratios else 0,
        )
        size = None
        if info.supports_image_size:
            sizes = list(info.image_sizes)
            size = st.selectbox(
                "Image size", sizes, key="image_size",
                index=sizes.index(current.image_size) if current.image_size in sizes
                else sizes.index("1K") if "1K" in sizes else 0,
            )
        variants = st.slider(
            "Variants", 1, MAX_VARIANTS, value=current.variants, key="variants",
            help="Image models make one image per call, so variants run as parallel calls.",
        )
        with st.expander("Advanced", icon=":material/tune:"):
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
        variants=int(variants),
        temperature=float(temperature),
        seed=int(seed) or None,
        include_thoughts=bool(thoughts),
        timeout_s=float(timeout),
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
