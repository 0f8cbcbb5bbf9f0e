"""The gallery's thumbnail grid (flat or grouped, captioned in the user's words) and table."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from components import state
from components.render import safe_markdown
from studio.gallery.errors import MissingImage
from studio.gallery.money import format_usd
from studio.gallery.records import GalleryFilter, GalleryItem
from studio.gallery.store import GalleryStore
from studio.making.wording import PAGE_LABELS, capital, follow_up, headline, words_of

COLUMNS = 6
TABLE_LIMIT = 2000
GROUPINGS = {"none": "No grouping", "story": "Story version", "conversation": "Conversation",
             "experiment": "Experiment"}


def display_prompt(item: GalleryItem, title: str | None = None) -> str:
    """The item in the user's words: a story's premise, a dish, a headline, an instruction."""
    return headline(item, title)


def _experiment(item: GalleryItem) -> tuple[str, str] | None:
    found = item.settings.get("experiment") if isinstance(item.settings, dict) else None
    if isinstance(found, dict) and isinstance(found.get("id"), str):
        return found["id"], str(found.get("name") or "Untitled experiment")
    return None


def group_of(item: GalleryItem, by: str, titles: dict[str, str]) -> tuple[str, str]:
    """(key, heading in the user's words) of the group `item` belongs to; "" keys collect
    the items the grouping does not apply to."""
    cid = item.conversation_id
    title = titles.get(cid) if cid else None
    label = PAGE_LABELS.get(item.page, item.page.title())
    if by == "experiment":
        found = _experiment(item)
        return (found[0], f"Experiment · {found[1]}") if found else ("", "Not from the Prompt Lab")
    if by == "story":
        if item.page not in ("story", "recipe") or not cid:
            return "", "Not from a story or recipe"
        heading = f"{label} · {capital(words_of(item, title).subject)} · version {item.turn + 1}"
        said = follow_up(item, title)
        return f"{cid}:{item.turn}", heading + (f" — “{said}”" if said else "")
    if by == "conversation" and cid:
        return cid, f"{label} · {capital(words_of(item, title).subject)}"
    return "", "Single images"


def grouped(items: Sequence[GalleryItem], by: str,
            titles: dict[str, str]) -> list[tuple[str, list[GalleryItem]]]:
    """Groups in the order they first appear (newest first), each in story order."""
    groups: dict[str, tuple[str, list[GalleryItem]]] = {}
    for item in items:
        key, heading = group_of(item, by, titles)
        groups.setdefault(key, (heading, []))[1].append(item)
    out = [(h, sorted(g, key=lambda i: (i.turn, i.position, i.created_at)))
           for k, (h, g) in groups.items() if k]
    if "" in groups:
        out.append(groups[""])
    return out


def image_grid(items: Sequence[GalleryItem], *, trash: bool = False, group_by: str = "none") -> None:
    """Thumbnails only (JPEG, made at save time): fast however big the gallery grows."""
    store = state.store()
    titles = store.conversation_titles([i.conversation_id for i in items if i.conversation_id])
    if group_by == "none":
        _cards(store, items, titles, trash, "none")
        return
    for heading, members in grouped(items, group_by, titles):
        st.markdown(f"##### {safe_markdown(heading)}")
        st.caption(f"{len(members)} image{'s' * (len(members) != 1)}")
        _cards(store, members, titles, trash, group_by)


STEP_WORD = {"story": "Scene", "recipe": "Step"}


def caption(item: GalleryItem, title: str | None, group_by: str = "none") -> str:
    """A card's caption; inside a group whose heading already names it, just its place."""
    star = ":material/star: " if item.favourite else ""
    step = STEP_WORD.get(item.page)
    if group_by == "story" and step and item.conversation_id:
        return f"{star}{step} {item.position + 1}"
    if group_by == "conversation" and item.conversation_id:
        place = f"{step} {item.position + 1}" if step else safe_markdown(words_of(item, title).said[:60])
        return f"{star}Version {item.turn + 1} · {place}" if item.page != "text" else f"{star}Variant {item.turn + 1}"
    if group_by == "experiment" and _experiment(item):
        return f"{star}{safe_markdown(words_of(item, title).said[:70])}"
    label = PAGE_LABELS.get(item.page, item.page.title())
    text = f"{star}**{label}** · {safe_markdown(display_prompt(item, title)[:70])}"
    if said := follow_up(item, title):
        text += f"  \nVersion {item.turn + 1}: {safe_markdown(said[:60])}"
    return text


def _cards(store: GalleryStore, items: Sequence[GalleryItem], titles: dict[str, str],
           trash: bool, group_by: str) -> None:
    selection = state.selection()
    locked = state.read_only_reason()
    for start in range(0, len(items), COLUMNS):
        for column, item in zip(st.columns(COLUMNS), items[start:start + COLUMNS], strict=False):
            with column, st.container(border=True):
                thumbnail_or_note(store, item)
                st.caption(caption(item, titles.get(item.conversation_id or ""), group_by))
                with st.container(horizontal=True, vertical_alignment="center"):
                    st.checkbox("Select", value=item.id in selection,
                                key=f"gallery_sel_{item.id}", label_visibility="collapsed",
                                on_change=state.toggle_selected, args=(item.id,))
                    if trash:
                        st.button("", key=f"gallery_restore_{item.id}", help=locked or "Restore",
                                  icon=":material/restore_from_trash:", disabled=bool(locked),
                                  on_click=store.restore, args=(item.id,))
                    else:
                        st.button("", key=f"gallery_open_{item.id}", help="Details",
                                  icon=":material/open_in_full:", type="tertiary",
                                  on_click=state.open_detail, args=(item.id,))


def thumbnail_or_note(store: GalleryStore, item: GalleryItem) -> None:
    """The card's thumbnail, or a note when the image file is gone: one card, not the grid."""
    try:
        st.image(store.item_thumbnail(item), width="stretch")
    except MissingImage:
        st.warning("Image file missing. `python -m studio doctor --repair` tidies up.",
                   icon=":material/broken_image:")


def items_frame(items: Sequence[GalleryItem], titles: dict[str, str] | None = None) -> pd.DataFrame:
    titles = titles or {}
    rows = [
        {
            "created": i.created_at[:19].replace("T", " "),
            "page": PAGE_LABELS.get(i.page, i.page),
            "what": display_prompt(i, titles.get(i.conversation_id or "")),
            "prompt sent": i.prompt,
            "model": i.model,
            "aspect": i.aspect_ratio,
            "size": f"{i.width}x{i.height}" if i.width and i.height else None,
            "tokens": i.total_tokens,
            "latency_ms": i.latency_ms,
            "cost": format_usd(i.cost_usd) or None,
            "favourite": i.favourite,
            "tags": ", ".join(i.tags),
            "id": i.id,
        }
        for i in items
    ]
    return pd.DataFrame(rows)


def metadata_table(store: GalleryStore, flt: GalleryFilter) -> None:
    items = store.query(flt, limit=TABLE_LIMIT)
    titles = store.conversation_titles([i.conversation_id for i in items if i.conversation_id])
    st.dataframe(items_frame(items, titles), hide_index=True, width="stretch", height=360)
    if len(items) == TABLE_LIMIT:
        st.caption(f"Showing the newest {TABLE_LIMIT:,}; the export includes all of them.")
