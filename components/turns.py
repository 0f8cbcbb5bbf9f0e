"""Running a chat turn with live progress, and drawing saved turns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from components import state
from components.grounding import show_grounding
from components.render import (
    CHAT_IMAGE_WIDTH,
    LiveRenderer,
    meta_line,
    render_stored_parts,
    safe_markdown,
    show_item_image,
    show_message,
    show_thoughts,
)
from studio.gallery.errors import StorageError
from studio.gemini.budget import MB, megabytes
from studio.gemini.results import Result
from studio.gemini.settings import GenerationSettings
from studio.making.attachments import Attachment, attachment_from_item
from studio.making.branches import Retake, mark_stopped, wait_until_idle
from studio.making.chat import PageChat, TooManyReferences
from studio.making.turns import Turn


def run_turn(
    thread: PageChat,
    instruction: str,
    settings: GenerationSettings,
    *,
    label: str,
    prompt: str | None = None,
    attachments: list[Attachment] | None = None,
    inputs: dict[str, Any] | None = None,
) -> Turn | None:
    """Send a turn under an st.status that says what is happening as parts arrive.
    None when nothing was sent; the reason is queued as a notice for the next run."""
    with st.status(label, expanded=True) as status:
        # Any click reruns the script, which stops this run at its next Streamlit call; the
        # chat keeps what arrived, and the next run (honour_stop) marks the turn stopped.
        st.button("Stop", key=f"{thread.page}_stop", icon=":material/stop_circle:")
        renderer = LiveRenderer(st.container())

        def on_update(result: Result) -> None:
            renderer.update(result)
            images = len(result.images)
            if images:
                status.update(label=f"{label} · {images} image{'s' * (images != 1)} so far",
                              expanded=True)  # without it the box folds over the stream

        def on_retry(code: int) -> None:  # the SDK waits, then tries again
            said = "Rate limited" if code == 429 else f"The service answered {code}"
            status.update(label=f"{said} — retrying…", state="running", expanded=True)

        try:
            turn, result = thread.send(
                instruction, settings, prompt=prompt, attachments=attachments,
                on_update=on_update, secrets=state.secrets_in_use(), inputs=inputs,
                on_retry=on_retry,
            )
        except TooManyReferences as exc:  # refused before anything was sent
            status.update(label="Not sent", state="error")
            state.notify("error", str(exc))
            return None
        except StorageError as exc:  # a full disk or a folder gone read-only mid-answer
            status.update(label="Not saved", state="error")
            state.notify("error", exc.message)
            return None
        if result.error is not None:
            status.update(label="Stopped: " + result.error.kind.replace("_", " "), state="error")
        elif turn.message:
            status.update(label="Finished with a note", state="error")
        else:
            status.update(label=f"Done in {result.latency_ms / 1000:.1f} s", state="complete",
                          expanded=False)
    return turn


STOP_WAIT_S = 30.0


def honour_stop(thread: PageChat) -> None:
    """In the run a Stop click started: mark the interrupted turn as stopped."""
    if not state.clicked(f"{thread.page}_stop"):
        return
    # The stopped run ends at its next Streamlit call, once more of the answer arrives.
    wait_until_idle(thread, STOP_WAIT_S)
    if not mark_stopped(thread):
        st.info("The answer had finished before Stop reached it.", icon=":material/stop_circle:")


def retake_button(page: str, thread: PageChat, where: Any = st) -> bool:
    """Retry a failed last turn, or Regenerate the last answer: True when clicked."""
    last = thread.turns[-1] if thread.turns else None
    if last is None:
        return False
    failed = bool(last.message) or not last.parts
    return bool(where.button(
        "Retry" if failed else "Regenerate", key=f"{page}_retake",
        icon=":material/refresh:", width="stretch",
        help="Take back the last turn and send its instruction again."))


def retake(thread: PageChat, again: Retake, *, label: str) -> Turn | None:
    """Send a taken-back turn once more (`take_back_last(thread)`), its images too."""
    return run_turn(thread, again.instruction, state.settings(), prompt=again.prompt,
                    attachments=again.attachments, label=label)


def render_sections(turn: Turn) -> None:
    """A story or recipe: each section's text beside its illustration."""
    show_thoughts(turn.thoughts)
    for texts, item_id in turn.sections():
        if item_id is None:
            for text in texts:
                st.markdown(safe_markdown(text))
            continue
        with st.container(border=True):
            left, right = st.columns(2, gap="medium", vertical_alignment="top")
            with left:
                for text in texts:
                    st.markdown(safe_markdown(text))
            with right:
                show_item_image(item_id)
    show_grounding(turn.grounding)
    show_message(turn.message, error_kind=turn.facts.error_kind if turn.facts else None)
    show_note(turn)
    meta_line(turn.facts)


def render_chat_turn(turn: Turn, *, edit: Callable[[], None] | None = None) -> None:
    """An edit turn as a chat exchange; `edit` draws the user turn's Edit and resend."""
    store = state.store()
    with st.chat_message("user"):
        st.markdown(safe_markdown(turn.instruction))
        if edit is not None:
            edit()
        for item_id in turn.attachments:
            item = store.get(item_id)
            if item is not None:
                try:
                    st.image(store.item_thumbnail(item), width=120)
                except FileNotFoundError:  # MissingImage: the rest of the turn still shows
                    st.caption("(attached image missing)")
    with st.chat_message("assistant"):
        render_stored_parts(turn.parts, max_width=CHAT_IMAGE_WIDTH)
        show_grounding(turn.grounding)
        show_message(turn.message, error_kind=turn.facts.error_kind if turn.facts else None)
        show_note(turn)
        meta_line(turn.facts)


def show_note(turn: Turn) -> None:
    if turn.note:
        st.caption(f":material/content_cut: {turn.note}")


def request_meter(thread: PageChat) -> None:
    """How full the next request is, against the working history size (under the size
    limit) and the model's input limit."""
    plan = thread.plan(model=state.settings().model)
    cost, limits = plan.full_cost, plan.limits
    size = megabytes(limits.working_bytes)
    if limits.working_bytes < limits.max_bytes:
        size += f" (working size; the endpoint takes {megabytes(limits.max_bytes)})"
    text = (f"Next request: {cost.bytes / MB:.1f} of {size} · "
            f"≈ {cost.tokens:,} of {limits.max_tokens:,} input tokens")
    if plan.left_out:
        text += " · older turns will be left out"
    st.progress(min(1.0, plan.fullness), text=text)


def continue_in_new_chat(page: str, thread: PageChat) -> None:
    """After the API refused a request for its size: go on from the latest image afresh."""
    last = thread.turns[-1] if thread.turns else None
    image = thread.last_image_id()
    if last is None or last.facts is None or last.facts.error_kind != "too_large" or not image:
        return
    st.button("Continue from the latest image in a new conversation", key=f"{page}_continue_new",
              icon=":material/fiber_new:", on_click=_continue, args=(page, image, thread.title))


def _continue(page: str, image_id: str, title: str) -> None:
    state.new_chat(page, start_item_id=image_id, title=f"{title} (continued)".strip()).save()


def version_picker(thread: PageChat, *, key: str) -> tuple[Turn, int]:
    """Each later turn is a new version (a retelling, an adjusted recipe); earlier ones
    stay readable. Returns the chosen turn and its number (1 = the first)."""
    versions = len(thread.turns)
    chosen = versions
    if versions > 1:
        chosen = st.segmented_control(
            "Version", list(range(1, versions + 1)), default=versions, key=key,
            format_func=lambda v: f"v{v}" + (" (latest)" if v == versions else ""),
        ) or versions
    return thread.turns[chosen - 1], chosen


def resend_editor(page: str, thread: PageChat, index: int, *, where: Any = st) -> None:
    """Edit and resend user turn `index`: the edited text goes out in a new branch from the
    turn before it, so the turn as first sent (and all after it) stays in its own branch."""
    turn = thread.turns[index]
    with where.popover("Edit and resend", icon=":material/edit_note:", type="tertiary",
                       key=f"{page}_resend_open_{index}"):
        st.text_area("Instruction", value=turn.instruction, key=f"{page}_resend_text_{index}",
                     height=100)
        st.button("Send as a new branch", key=f"{page}_resend_{index}", icon=":material/send:",
                  type="primary", on_click=_resend, args=(page, index),
                  disabled=bool(state.read_only_reason()),
                  help="The conversation as it was stays under the Branch selector.")


def _resend(page: str, index: int) -> None:
    thread = state.current_chat(page)
    text = str(state.widget_value(f"{page}_resend_text_{index}") or "").strip()
    if thread is None or index >= len(thread.turns) or not text:
        state.notify("error", "Type the instruction to send first.")
        return
    attachments = list(thread.turns[index].attachments)
    state.fork_chat(page, index - 1)
    state.queue_resend(page, text, attachments)


def send_resend(page: str, *, label: str, as_chat: bool = True) -> None:
    """Send the turn an Edit and resend queued, in the branch it opened (then rerun)."""
    queued = state.take_resend(page)
    thread = state.current_chat(page)
    if queued is None or thread is None:
        return
    text, ids = queued
    found = (attachment_from_item(state.store(), i) for i in ids)
    attachments = [a for a in found if a is not None]
    if as_chat:
        with st.chat_message("user"):
            st.markdown(safe_markdown(text))
        with st.chat_message("assistant"):
            run_turn(thread, text, state.settings(), label=label, attachments=attachments)
    else:
        run_turn(thread, text, state.settings(), label=label, attachments=attachments)
    state.clear_widget(f"{page}_version")
    st.rerun()
