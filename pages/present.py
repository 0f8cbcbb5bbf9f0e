"""Present: a full-screen slideshow of a collection, a story version or an experiment's
winners, captioned in the user's words. Arrow keys step, Escape leaves."""

from __future__ import annotations

import streamlit as st

from components import state
from components.conversations import show_notices
from components.present import chooser, deck_for, slideshow

shown = state.presenting()
deck = deck_for(shown.kind, shown.ref, shown.version) if shown is not None else None
if shown is not None and (deck is None or not deck.slides):
    state.stop_presenting()
    state.notify("warning", "There is nothing to present there any more.")
    shown = None

if shown is not None and deck is not None:
    slideshow(deck, shown)
else:
    st.title(":material/slideshow: Present")
    st.caption("A full-screen slideshow for people who never open the tool: a collection, a "
               "story as told in one version, or the winners of a Prompt Lab experiment. "
               "→ and ← step through the slides, Esc ends the show.")
    show_notices()
    chooser()
