"""Home: the four things Gemini's native image output does best, one click from each."""

from __future__ import annotations

import streamlit as st

from components import state
from components.sidebar import engine_badge
from components.turns import run_turn
from studio.gemini.clients import OFFLINE
from studio.making.prompts import RECIPE_EXAMPLES, STORY_EXAMPLES, TEXT_EXAMPLES, Example

CARDS = (
    ("pages/story.py", ":material/auto_stories:", "Story",
     "A story told in scenes, each illustrated, characters kept consistent. Feedback retells "
     "it or restyles the drawings.", STORY_EXAMPLES[0]),
    ("pages/edit.py", ":material/edit:", "Conversational editing",
     "Edit an image over many turns of natural language, with undo, branches and "
     "side-by-side comparison.", Example("Red bicycle",
                                         {"edit_start_prompt": "A red vintage bicycle leaning "
                                          "on a blue wall"})),
    ("pages/recipe.py", ":material/restaurant:", "Recipe",
     "World knowledge: an illustrated, step-by-step recipe with an ingredient table.",
     RECIPE_EXAMPLES[0]),
    ("pages/text.py", ":material/text_fields:", "Text rendering",
     "Long, exact text inside images: invitations, ads, social posts, menus.",
     TEXT_EXAMPLES[0]),
)


def _open(page: str, values: dict[str, object]) -> None:
    if page == "pages/edit.py":
        # The edit page opens on its Upload tab, so a filled-in description would sit unseen
        # behind Describe: start the conversation here and open the page on its first image.
        prompt = str(values["edit_start_prompt"])
        run_turn(state.new_chat("edit"), prompt, state.settings(), label="Drawing the image",
                 inputs={"edit_start_prompt": prompt})
    else:
        state.set_widgets(values)
    st.switch_page(page)


st.title(":material/palette: Image Studio")
st.markdown("Prototype, demo and export what **Gemini's native image generation** can do: "
            "answers that mix text and images.")
engine_badge(explain=False)
if state.active_engine() == OFFLINE:
    st.caption("No API key found, so the offline emulator answers: it follows the Gemini API "
               "exactly but draws its pictures locally. Add a key in the sidebar, in "
               "`.streamlit/secrets.toml` or as `GEMINI_API_KEY` to use Gemini.")

for row in (CARDS[:2], CARDS[2:]):
    for column, (page, icon, title, blurb, example) in zip(st.columns(2, gap="medium"), row,
                                                            strict=True):
        with column, st.container(border=True, height="stretch"):
            st.subheader(f"{icon} {title}", anchor=False)
            st.write(blurb)
            # A row that wraps, each label at its own width: two equal columns cut
            # "Open Conversational editing" and "Try: Birthday invitation" short.
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                st.page_link(page, label=f"Open {title}", icon=":material/arrow_forward:",
                             width="content")
                if st.button(f"Try: {example.label}", key=f"home_try_{title}",
                             icon=":material/bolt:", width="content"):
                    _open(page, example.values)

store = state.store()
total = store.count()
st.divider()
left, right = st.columns([3, 1], vertical_alignment="center")
left.markdown(f":material/photo_library: **{total:,}** image{'s' * (total != 1)} in the gallery, "
              "kept across reloads and exportable as a ZIP a stakeholder can open.")
right.page_link("pages/gallery.py", label="Open the gallery", icon=":material/arrow_forward:")
