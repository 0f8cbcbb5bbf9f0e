"""Compare any two versions of an edited image side by side."""

from __future__ import annotations

import streamlit as st

from components.render import show_item_image
from studio.making.chat import PageChat


def versions(thread: PageChat) -> dict[str, str]:
    """Label -> gallery item id, for the start image and every turn that made one."""
    out: dict[str, str] = {}
    if thread.start is not None:
        out["Start"] = thread.start.item_id
    for index, turn in enumerate(thread.turns):
        if turn.image_ids:
            out[f"Turn {index + 1}: {turn.instruction[:40]}"] = turn.image_ids[-1]
    return out


def compare_turns(thread: PageChat) -> None:
    options = versions(thread)
    labels = list(options)
    if len(labels) < 2:
        st.caption("Make at least one edit to compare versions.")
        return
    with st.container(border=True):
        left, right = st.columns(2)
        a = left.selectbox("Left", labels, index=len(labels) - 2, key="edit_compare_a")
        b = right.selectbox("Right", labels, index=len(labels) - 1, key="edit_compare_b")
        for column, label in ((left, a), (right, b)):
            with column:
                show_item_image(options[label])
