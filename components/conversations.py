"""Recent conversations of a page: resume one after a refresh or on another day."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from components import state
from components.render import plural, safe_markdown
from studio.making.branches import family, root_id
from studio.making.chat import PageChat


def _when(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d %b %H:%M")
    except ValueError:
        return iso


def recent_conversations(page: str, *, label: str = "Recent conversations") -> None:
    """A compact list of saved conversations with a Resume button each."""
    summaries = state.store().list_conversations(page=page, limit=8)
    active = state.current_chat(page)
    summaries = [c for c in summaries if active is None or c.id != active.id]
    if not summaries:
        return
    with st.expander(f"{label} ({len(summaries)})", icon=":material/history:"):
        for conv in summaries:
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.markdown(f"**{safe_markdown(conv.title) or 'Untitled'}**  \n"
                          f"{_when(conv.updated_at)} · {plural(conv.turns, 'turn')} · {conv.model}")
            right.button("Resume", key=f"resume_{page}_{conv.id}", icon=":material/play_arrow:",
                         on_click=state.resume_chat, args=(page, conv.id))


def show_notices() -> None:
    for kind, message in state.take_notices():
        (st.error if kind == "error" else st.success if kind == "success" else st.info)(message)


def branch_selector(page: str, thread: PageChat) -> None:
    """Switch between the branches of this conversation's family (shown once it has one)."""
    if "root_id" not in thread.family:
        return
    branches = family(state.store(), page, root_id(thread))
    ids = [b.id for b in branches]
    if len(ids) < 2 or thread.id not in ids:
        return
    names = {b.id: f"{_branch_name(b.branch_turn)} · {plural(b.turns, 'turn')}"
             for b in branches}
    # A strip of buttons (one click, every branch in view) rather than a dropdown. No key:
    # the widget follows the open conversation, however it was opened.
    chosen = st.segmented_control(
        "Branch", ids, default=thread.id, format_func=names.get, required=True,
        help="Every branch is kept; pick one to continue it.") or thread.id
    if chosen != thread.id:
        state.resume_chat(page, chosen)
        st.rerun()


def _branch_name(branch_turn: int | None) -> str:
    if branch_turn is None:
        return "Original"
    return f"Branch at turn {branch_turn}" if branch_turn else "Branch from the start"
