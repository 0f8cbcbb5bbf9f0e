"""Recipe: world knowledge as an illustrated, step-by-step recipe."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from components import links, state
from components.collect import collect_button
from components.conversations import branch_selector, recent_conversations, show_notices
from components.examples import example_buttons
from components.prompt_library import prompt_tools
from components.render import required, safe_markdown
from components.turns import (
    honour_stop,
    render_sections,
    request_meter,
    resend_editor,
    retake,
    retake_button,
    run_turn,
    send_resend,
    version_picker,
)
from studio.gemini.results import TextPart
from studio.making.branches import take_back_last
from studio.making.prompts import DIETS, RECIPE_EXAMPLES, recipe_prompt
from studio.making.recipe_table import ingredient_rows, without_table
from studio.making.turns import TurnPart

PAGE = "recipe"


def _without_first_table(parts: list[TurnPart]) -> list[TurnPart]:
    """The table is shown as a dataframe above, so drop it from the first text."""
    out: list[TurnPart] = []
    done = False
    for part in parts:
        if not done and isinstance(part, TextPart):
            part, done = TextPart(without_table(part.text)), True
        out.append(part)
    return out

st.title(":material/restaurant: Recipe")
st.caption("Gemini draws on what it knows about cooking to write an illustrated recipe, one "
           "picture per step. Results are a starting point: check quantities before you cook.")
links.follow_chat(PAGE)  # a link or a reload names the open conversation
show_notices()
example_buttons(RECIPE_EXAMPLES, key=PAGE)

state.init_widgets({"recipe_servings": 4})
with st.container(border=True):
    left, mid, right = st.columns([3, 1, 2])
    dish = left.text_input("Dish", key="recipe_dish", placeholder="fluffy buttermilk pancakes")
    servings = mid.number_input("Servings", 1, 24, key="recipe_servings")
    diets = right.multiselect("Dietary needs", DIETS, key="recipe_diets",
                              accept_new_options=True)
    generate = st.button("Write the recipe", key="recipe_generate", type="primary",
                         icon=":material/play_arrow:", disabled=bool(state.read_only_reason()),
                         help=state.read_only_reason())
prompt_tools(PAGE, target="recipe_dish",
             fields={"recipe_servings": int(servings), "recipe_diets": list(diets or [])})

if generate and required(dish, "Name a dish first."):
    settings = state.settings()
    run_turn(state.new_chat(PAGE), dish.strip(), settings,
             prompt=recipe_prompt(dish, int(servings), diets or []),
             label=f"Cooking up {dish.strip()}",
             inputs={"recipe_dish": dish.strip(), "recipe_servings": int(servings),
                     "recipe_diets": list(diets or [])})
    st.rerun()

thread = state.current_chat(PAGE)
if thread is not None:
    honour_stop(thread)
recent_conversations(PAGE)
if thread is not None and thread.turns:
    st.subheader(safe_markdown(thread.title) or "Your recipe", anchor=False)
    branch_selector(PAGE, thread)
    turn, chosen = version_picker(thread, key="recipe_version")
    if chosen > 1:
        st.info(f"Adjusted: {safe_markdown(turn.instruction)}", icon=":material/tune:")
        resend_editor(PAGE, thread, chosen - 1)
    texts = turn.texts
    rows = ingredient_rows(texts[0]) if texts else []
    if rows:
        st.markdown("**Ingredients**")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="content")
        turn = replace(turn, parts=_without_first_table(turn.parts))
    render_sections(turn)
    collect_button(turn.image_ids, key="recipe_collect")
    if retake_button(PAGE, thread):
        again = take_back_last(thread)
        if again is not None:
            retake(thread, again, label="Cooking it again")
            state.clear_widget("recipe_version")
            st.rerun()
    send_resend(PAGE, label="Reworking it with your edited request", as_chat=False)
    request_meter(thread)
    follow_up = st.chat_input("Adjust it: “make it vegan”, “for 8 people”, “no oven”…",
                              key="recipe_feedback", disabled=bool(state.read_only_reason()))
    if follow_up:
        run_turn(thread, follow_up, state.settings(), label="Reworking the recipe")
        state.clear_widget("recipe_version")
        st.rerun()
