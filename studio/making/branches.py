"""Versions of a conversation: taking a turn back to send it again, and branches.

"Branch from here" forks: a new saved conversation with the history up to that turn and
the same start image, while the old one stays as it was. A fork records its parent, the
turn it branched at and the family's root in its settings record, so the page can list
and switch between the branches of one family.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.gallery.store import GalleryStore
from studio.making.attachments import Attachment, attachment_from_item
from studio.making.chat import FAMILY_KEYS, INTERRUPTED, STOPPED, PageChat
from studio.making.turns import Turn

FAMILY_SCAN = 40  # recent conversations of the page looked through for a family's branches


@dataclass(frozen=True)
class Retake:
    """A turn taken back to be sent again: what the user asked, as it was sent."""

    instruction: str
    prompt: str | None
    attachments: list[Attachment]


def take_back_last(chat: PageChat) -> Retake | None:
    """Undo the last turn and return what it asked, for Retry and Regenerate."""
    if not chat.turns:
        return None
    last = chat.turns[-1]
    found = (attachment_from_item(chat.store, i) for i in last.attachments)
    chat.undo()
    chat.undone.pop()  # it is being replaced, not set aside for Redo
    return Retake(last.instruction, last.prompt, [a for a in found if a is not None])


def wait_until_idle(chat: PageChat, timeout_s: float) -> bool:
    """Wait for a turn another script run is sending to end; False on timeout. A Stop click
    starts a new run at once (fastReruns) while the old one records what arrived."""
    if not chat.sending.acquire(timeout=timeout_s):
        return False
    chat.sending.release()
    return True


def mark_stopped(chat: PageChat) -> bool:
    """The user's Stop interrupted the last turn: say so (True when a turn was marked)."""
    if chat.turns and chat.turns[-1].message == INTERRUPTED:
        chat.turns[-1].message = STOPPED
        chat.save()
        return True
    return False


def root_id(chat: PageChat) -> str:
    return str(chat.family.get("root_id") or chat.id)


def fork(chat: PageChat, index: int) -> PageChat:
    """A new saved conversation that continues from turn `index` (0-based); `chat` is kept."""
    keep = chat.turns[: index + 1]
    history_len = keep[-1].history_len if keep else 0
    base = chat.title.split(" (branch at turn ")[0] or "Conversation"
    branch = PageChat(
        page=chat.page, client=chat.client, store=chat.store, catalog=chat.catalog,
        model=chat.model, engine=chat.engine, title=f"{base} (branch at turn {index + 1})",
        history=chat.history[:history_len], turns=[Turn.from_json(t.to_json()) for t in keep],
        start=chat.start,
    )
    branch.family = {"parent_id": chat.id, "branch_turn": index + 1, "root_id": root_id(chat)}
    if "root_id" not in chat.family:  # the root learns it has a family, so it lists it too
        chat.family = {**chat.family, "root_id": chat.id}
        chat.save()
    branch.save()
    return branch


@dataclass(frozen=True)
class Branch:
    id: str
    title: str
    turns: int
    branch_turn: int | None  # None for the family's root


def family(store: GalleryStore, page: str, root: str) -> list[Branch]:
    """Every saved conversation of the family rooted at `root`, the root first."""
    out: list[Branch] = []
    for summary in store.list_conversations(page=page, limit=FAMILY_SCAN):
        record = store.conversation_record(summary.id) or {}
        settings = record.get("settings") or {}
        if summary.id != root and settings.get("root_id") != root:
            continue
        turn = settings.get("branch_turn") if summary.id != root else None
        out.append(Branch(summary.id, summary.title, summary.turns,
                          int(turn) if turn is not None else None))
    out.sort(key=lambda b: (b.branch_turn is not None, b.branch_turn or 0, b.title))
    return out


__all__ = ["FAMILY_KEYS", "Branch", "Retake", "family", "fork", "mark_stopped", "root_id",
           "take_back_last", "wait_until_idle"]
