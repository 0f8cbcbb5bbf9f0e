"""Conversational editing: change an image over many turns of plain language."""

from __future__ import annotations

import streamlit as st

from components import links, state
from components.collect import collect_button
from components.compare import compare_turns
from components.conversations import branch_selector, recent_conversations, show_notices
from components.prompt_library import prompt_tools
from components.render import CHAT_IMAGE_WIDTH, plural, required, safe_markdown, show_copy
from components.turns import (
    continue_in_new_chat,
    honour_stop,
    render_chat_turn,
    request_meter,
    resend_editor,
    retake,
    retake_button,
    run_turn,
    send_resend,
)
from components.uploader import ACCEPTED_TYPES, image_uploader, prepare_uploads
from studio.making.branches import take_back_last
from studio.making.chat import PageChat
from studio.making.prompts import EDIT_EXAMPLES, EDIT_START_EXAMPLES

PAGE = "edit"
SHOWN_TURNS = 4  # the latest turns drawn; earlier ones behind a toggle

st.title(":material/edit: Conversational editing")
st.caption("Start from a photo, a description or a gallery image, then ask for changes one "
           "message at a time. Undo, branch from any turn, and compare versions side by side.")
links.follow_chat(PAGE)  # a link or a reload names the open conversation
show_notices()


def _start_section() -> None:
    upload_tab, describe_tab, gallery_tab = st.tabs(
        [":material/upload: Upload", ":material/draw: Describe", ":material/photo_library: "
         "From the gallery"])
    with upload_tab:
        file = image_uploader("Image to edit", key="edit_upload")
        if file is not None and state.first_sight_of_upload(file.file_id):
            kept = prepare_uploads([file], page=PAGE)
            if kept:
                state.new_chat(PAGE, start_item_id=kept[0].item_id,
                               title=f"Edit of {file.name}").save()
                st.rerun()
    with describe_tab:
        st.caption("Examples: " + " · ".join(EDIT_START_EXAMPLES))
        prompt = st.text_input("Describe the first image", key="edit_start_prompt")
        prompt_tools(PAGE, target="edit_start_prompt")
        if st.button("Create it", key="edit_start_generate", icon=":material/play_arrow:",
                     disabled=bool(state.read_only_reason()), help=state.read_only_reason()) \
                and required(prompt, "Describe the image to create first."):
            run_turn(state.new_chat(PAGE), prompt.strip(), state.settings(), label="Drawing the image",
                     inputs={"edit_start_prompt": prompt.strip()})
            st.rerun()
    with gallery_tab:
        items = state.store().query(limit=24)
        if not items:
            st.caption("The gallery is empty so far.")
        else:
            chosen = st.selectbox(
                "Gallery image", [i.id for i in items], key="edit_gallery_item",
                format_func=lambda i: next(
                    (f"{x.page} · {x.prompt[:60]}" for x in items if x.id == i), i),
            )
            if chosen:
                st.image(state.store().thumbnail_bytes(chosen), width=200)
            if st.button("Edit this image", key="edit_from_gallery", icon=":material/edit:"):
                state.new_chat(PAGE, start_item_id=chosen).save()
                st.rerun()


def _transcript(thread: PageChat) -> None:
    if thread.start is not None:
        with st.chat_message("user", avatar=":material/image:"):
            st.markdown(safe_markdown(thread.title or "Starting image"))
            show_copy(thread.start.data, thread.start.mime, max_width=CHAT_IMAGE_WIDTH)
    first = max(0, len(thread.turns) - SHOWN_TURNS)
    if first and not st.toggle(f"Show {plural(first, 'earlier turn')}", key="edit_show_earlier",
                               help="Only the latest turns are drawn, so a long conversation "
                                    "stays quick; Compare reaches every version."):
        first_shown = first
    else:
        first_shown = 0
    for index, turn in enumerate(thread.turns):
        if index < first_shown:
            continue
        render_chat_turn(turn, edit=lambda i=index: resend_editor(PAGE, thread, i))
        if turn.image_ids and index < len(thread.turns) - 1:
            st.button("Branch from here", key=f"edit_branch_{index}", icon=":material/call_split:",
                      on_click=state.fork_chat, args=(PAGE, index),
                      help="Continue from this image in a new branch; this one is kept.")
    if not thread.turns and thread.start is None:
        st.info("Describe the first image below to begin.")


thread = state.current_chat(PAGE)
if thread is not None:
    honour_stop(thread)
recent_conversations(PAGE)
if thread is None:
    _start_section()
else:
    branch_selector(PAGE, thread)
    tools = st.columns(5)
    tools[0].button("Undo", key="edit_undo", icon=":material/undo:", on_click=thread.undo,
                    disabled=not thread.turns, width="stretch")
    tools[1].button("Redo", key="edit_redo", icon=":material/redo:", on_click=thread.redo,
                    disabled=not thread.undone, width="stretch")
    tools[4].button("Reset", key="edit_reset", icon=":material/restart_alt:",
                    on_click=state.end_chat, args=(PAGE,), width="stretch",
                    help="Start over. This conversation stays under Recent conversations.")
    # Taken back before the transcript is drawn: the answer it replaces is not shown again.
    again = take_back_last(thread) if retake_button(PAGE, thread, tools[2]) else None
    compare = tools[3].toggle("Compare", key="edit_compare",
                              disabled=sum(1 for t in thread.turns if t.image_ids) < 1)
    if compare:
        compare_turns(thread)
    _transcript(thread)
    collect_button([thread.last_image_id() or ""], key="edit_collect",
                   label="Add the latest image to a collection")
    continue_in_new_chat(PAGE, thread)
    request_meter(thread)
    st.caption("Try: " + " · ".join(f"“{e}”" for e in EDIT_EXAMPLES))
    prompt_tools(PAGE, target="edit_chat",
                 text=thread.turns[-1].instruction if thread.turns else "")
    if again is not None:
        with st.chat_message("user"):
            st.markdown(safe_markdown(again.instruction))
        with st.chat_message("assistant"):
            retake(thread, again, label="Editing again")
        st.rerun()
    send_resend(PAGE, label="Editing the edited turn")
    message = st.chat_input("Describe a change, or attach a reference image…", key="edit_chat",
                            accept_file="multiple", file_type=ACCEPTED_TYPES,
                            disabled=bool(state.read_only_reason()))
    if message and (message.text or "").strip():
        first = thread.start if thread.start is not None and not thread.history else None
        attachments = prepare_uploads(message.files or [], page=PAGE,
                                      others_bytes=len(first.data) if first else 0)
        if attachments is None:
            st.warning(f"Not sent, so nothing changed: “{message.text.strip()}”. Attach a "
                       "smaller image, or send the instruction alone.",
                       icon=":material/block:")
            st.stop()
        with st.chat_message("user"):
            st.markdown(safe_markdown(message.text))
        with st.chat_message("assistant"):
            run_turn(thread, message.text.strip(), state.settings(), attachments=attachments,
                     label="Editing")
        st.rerun()
    elif message:
        st.warning("Type an instruction to go with the attached image.")
