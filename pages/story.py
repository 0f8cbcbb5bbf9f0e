"""Story: a tale told in illustrated scenes; feedback retells it or restyles it."""

from __future__ import annotations

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
from components.uploader import image_uploader, prepare_uploads
from studio.exchange.slides import STORY
from studio.making.branches import take_back_last
from studio.making.prompts import STORY_EXAMPLES, STORY_STYLES, story_prompt

PAGE = "story"

st.title(":material/auto_stories: Story")
st.caption("Gemini tells a story in scenes and illustrates each one, keeping the characters "
           "consistent. Then give feedback: it retells the story or restyles the drawings.")
links.follow_chat(PAGE)  # a link or a reload names the open conversation
show_notices()
example_buttons(STORY_EXAMPLES, key=PAGE)

state.init_widgets({"story_scenes": 4})
with st.container(border=True):
    premise = st.text_area("What is the story about?", key="story_prompt", height=80,
                           placeholder="a cute baby turtle finding its way to the sea")
    left, mid, right = st.columns([2, 1, 2])
    style = left.selectbox("Style", STORY_STYLES, key="story_style", accept_new_options=True,
                           help="Pick one or type your own.")
    scenes = mid.number_input("Scenes", 1, 8, key="story_scenes")
    with right:
        refs = image_uploader("Character references (optional)", key="story_refs", multiple=True)
    generate = st.button("Tell the story", key="story_generate", type="primary",
                         icon=":material/play_arrow:", disabled=bool(state.read_only_reason()),
                         help=state.read_only_reason())
prompt_tools(PAGE, target="story_prompt",
             fields={"story_style": style, "story_scenes": int(scenes)})

settings = state.settings()
attachments = None  # None: nothing to send (no click, no premise, or a refused image)
if generate and required(premise, "Say what the story is about first."):
    attachments = prepare_uploads(refs or [], page=PAGE)
if attachments is not None:
    run_turn(state.new_chat(PAGE), premise.strip(), settings,
             prompt=story_prompt(premise, style or STORY_STYLES[0], int(scenes),
                                 references=len(attachments)),
             attachments=attachments, label=f"Writing and illustrating {int(scenes)} scenes",
             inputs={"story_prompt": premise.strip(), "story_style": style,
                     "story_scenes": int(scenes)})
    st.rerun()

thread = state.current_chat(PAGE)
if thread is not None:
    honour_stop(thread)
recent_conversations(PAGE)
again = None
if thread is not None and thread.turns:
    st.subheader(safe_markdown(thread.title) or "Your story", anchor=False)
    branch_selector(PAGE, thread)
    turn, chosen = version_picker(thread, key="story_version")
    if chosen > 1:
        st.info(f"Feedback: {safe_markdown(turn.instruction)}", icon=":material/feedback:")
        resend_editor(PAGE, thread, chosen - 1)
    render_sections(turn)
    with st.container(horizontal=True):
        collect_button(turn.image_ids, key="story_collect")
        if st.button("Present this version", key="story_present", icon=":material/slideshow:",
                     disabled=not turn.image_ids):
            state.start_presenting(STORY, thread.id, chosen)
            st.switch_page("pages/present.py")

    if retake_button(PAGE, thread):
        again = take_back_last(thread)
    send_resend(PAGE, label="Retelling with your edited feedback", as_chat=False)
    request_meter(thread)
    feedback = st.chat_input("Feedback: “give the turtle a red scarf”, “retell it as a "
                             "watercolour”…", key="story_feedback",
                             disabled=bool(state.read_only_reason()))
    if feedback:
        run_turn(thread, feedback, state.settings(), label="Retelling the story")
        state.clear_widget("story_version")
        st.rerun()
if thread is not None and again is not None:
    retake(thread, again, label="Telling it again")
    state.clear_widget("story_version")
    st.rerun()
