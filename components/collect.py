"""“Add to collection”: one small popover every page puts beside what it made."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import state
from components.render import plural
from studio.gallery.collections import CollectionError

NEW = "__new__"


def _add(item_ids: list[str], key: str) -> None:
    collections = state.store().collections
    pick = state.widget_value(f"{key}_collection", NEW)
    try:
        if pick == NEW or collections.get(pick) is None:
            made = collections.create(state.widget_value(f"{key}_name", ""),
                                      state.widget_value(f"{key}_audience", ""))
            pick = made.id
            state.clear_widget(f"{key}_name")
            state.clear_widget(f"{key}_audience")
        added = collections.add(pick, item_ids)
    except CollectionError as exc:
        st.toast(str(exc), icon=":material/error:")
        return
    collection = collections.must_get(pick)
    already = len(item_ids) - added
    note = f" ({already} {'was' if already == 1 else 'were'} in it already)" if already else ""
    st.toast(f"Added {plural(added, 'image')} to “{collection.name}”{note}: "
             f"{plural(len(collection.item_ids), 'image')} in all.",
             icon=":material/collections_bookmark:")
    state.set_widgets({f"{key}_collection": pick})


def collect_button(item_ids: Sequence[str], *, key: str, label: str = "Add to collection",
                   where: object = st) -> None:
    """A popover to add `item_ids` to a collection, or to a new one named for an audience."""
    ids = [i for i in dict.fromkeys(item_ids) if i]
    locked = state.read_only_reason()
    popover = where.popover(label, icon=":material/collections_bookmark:",  # type: ignore[attr-defined]
                            disabled=not ids or bool(locked), help=locked, key=f"{key}_open")
    with popover:
        collections = state.store().collections.list()
        labels = {c.id: f"{c.label} ({len(c.item_ids)})" for c in collections}
        options = [*labels, NEW]
        if state.widget_value(f"{key}_collection") not in options:
            state.clear_widget(f"{key}_collection")
        pick = st.selectbox("Collection", options, key=f"{key}_collection",
                            format_func=lambda c: labels.get(c, "New collection…"))
        if pick == NEW:
            st.text_input("Name", key=f"{key}_name", max_chars=120,
                          placeholder="Kickoff with design")
            st.text_input("For whom", key=f"{key}_audience", max_chars=200,
                          placeholder="the design team")
        st.button(f"Add {plural(len(ids), 'image')}", key=f"{key}_add", type="primary",
                  icon=":material/add:", on_click=_add, args=(ids, key), width="stretch")
