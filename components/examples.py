"""One-click examples: each fills a page's widgets, ready to generate."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import state
from studio.making.prompts import Example


def example_buttons(examples: Sequence[Example], *, key: str) -> None:
    st.caption("Try an example")
    cols = st.columns(len(examples))
    for col, (index, example) in zip(cols, enumerate(examples), strict=True):
        col.button(
            example.label, key=f"{key}_example_{index}", icon=":material/bolt:",
            on_click=state.set_widgets, args=(example.values,), width="stretch",
        )
