"""The Prompt Lab's results: a grid with labelled axes, each cell judged where it stands.

A cell is rated, marked a winner (a favourite in the gallery too), annotated, picked
for Compare, or continued in Conversational editing. A large grid is shown a page of
rows at a time, so a rerun costs the same for 100 cells as for 10.
"""

from __future__ import annotations

import streamlit as st

from components import state
from components.collect import collect_button
from components.gallery_detail import continue_editing
from components.lab_live import save_judgement
from components.render import safe_markdown
from studio.lab.experiment import Cell, Experiment
from studio.lab.runner import CellResult

CELLS_PER_PAGE = 12
GALLERY_PAGE = "pages/gallery.py"


def _columns(cells: list[Cell]) -> list[tuple[str, str, int | None]]:
    return list(dict.fromkeys((c.model, c.aspect_ratio, c.seed) for c in cells))


def _rows(cells: list[Cell]) -> list[str]:
    return list(dict.fromkeys(c.label for c in cells))


def _judge(experiment: Experiment, results: dict[str, CellResult], key: str) -> None:
    """Store what the rating widgets say; a winner is a favourite in the gallery too."""
    result = results[key]
    rating = state.widget_value(f"lab_rate_{key}")
    result.rating = None if rating is None else int(rating) + 1
    winner = bool(state.widget_value(f"lab_win_{key}"))
    if winner != result.winner and result.item_id:
        state.store().set_favourite(result.item_id, winner)
    result.winner = winner
    save_judgement(experiment, results)


def _annotate(experiment: Experiment, results: dict[str, CellResult], key: str) -> None:
    results[key].note = str(state.widget_value(f"lab_note_{key}") or "").strip()
    save_judgement(experiment, results)


def _pick(item_id: str, key: str) -> None:
    """Add the cell's image to (or take it out of) the items Compare shows (at most 4)."""
    chosen = [i for i in state.compare_ids() if i != item_id]
    if state.widget_value(f"lab_cmp_{key}"):
        chosen.append(item_id)
    state.set_compare_ids(chosen[-4:])


def compare_bar(results: dict[str, CellResult]) -> None:
    """"Open in Compare" for the cells picked (2 to 4 of this experiment's images)."""
    mine = {r.item_id for r in results.values() if r.item_id}
    picked = [i for i in state.compare_ids() if i in mine]
    label = f"Open {len(picked)} in Compare" if picked else "Compare: tick 2 to 4 cells"
    if st.button(label, key="lab_compare", icon=":material/compare:",
                 disabled=not 2 <= len(picked) <= 4,
                 help="Tick “Compare” on two to four cells, then open them side by side."):
        state.set_compare_ids(picked)
        st.switch_page(GALLERY_PAGE)


def _page_of_rows(rows: list[str], per_row: int) -> list[str]:
    size = max(1, CELLS_PER_PAGE // max(1, per_row))
    pages = -(-len(rows) // size)
    if pages <= 1:
        return rows
    page = st.segmented_control("Rows", list(range(1, pages + 1)), default=1, key="lab_grid_page",
                                format_func=lambda p: f"{(p - 1) * size + 1}–"
                                                      f"{min(len(rows), p * size)}") or 1
    st.caption(f"{len(rows)} prompt rows, {size} at a time")
    return rows[(page - 1) * size:page * size]


def results_grid(experiment: Experiment, results: dict[str, CellResult]) -> None:
    cells = experiment.cells()
    columns = _columns(cells)
    by_place = {(c.label, (c.model, c.aspect_ratio, c.seed)): c for c in cells}
    catalog = state.catalog()
    store = state.store()
    compared = set(state.compare_ids())
    rows = _page_of_rows(_rows(cells), len(columns))
    # at least four columns' worth of width, so one model's cells stay card-sized
    widths = [1] + [2] * len(columns) + ([2 * (3 - len(columns))] if len(columns) < 3 else [])
    head = st.columns(widths)
    head[0].markdown("**Prompt**")
    for column, (model, ratio, seed) in zip(head[1:], columns, strict=False):
        column.markdown(f"**{catalog.get(model).label}**  \n{ratio} · "
                        f"{'random seed' if seed is None else f'seed {seed}'}")
    for row in rows:
        line = st.columns(widths)
        sample = next(c for c in cells if c.label == row)
        line[0].markdown(f"**{safe_markdown(row)}**")
        line[0].caption(safe_markdown(sample.prompt))
        for column, place in zip(line[1:], columns, strict=False):
            cell = by_place.get((row, place))
            result = results.get(cell.key) if cell else None
            with column, st.container(border=True):
                if cell is None or result is None:
                    st.caption("Not run yet")
                    continue
                _cell(experiment, results, cell, result,
                      bool(result.item_id and store.get(result.item_id)), compared)


def _cell(experiment: Experiment, results: dict[str, CellResult], cell: Cell,
          result: CellResult, has_image: bool, compared: set[str]) -> None:
    if has_image and result.item_id:
        # the 256 px thumbnail at its own size: passed through, never resized
        st.image(state.store().thumbnail_bytes(result.item_id), width="content")
    if result.message:
        st.warning(result.message, icon=":material/block:")
    if result.facts:
        cost = result.facts.cost_usd or 0
        st.caption(f"{result.facts.latency_ms / 1000:.1f} s · ≈ ${cost:.4f}")
    if result.note:
        st.caption(f":material/sticky_note_2: {safe_markdown(result.note)}")
    if not result.item_id:
        return
    args = (experiment, results, cell.key)
    st.feedback("stars", key=f"lab_rate_{cell.key}", on_change=_judge, args=args,
                default=None if result.rating is None else result.rating - 1)
    left, right = st.columns(2)
    left.checkbox("Winner", key=f"lab_win_{cell.key}", value=result.winner,
                  on_change=_judge, args=args)
    right.checkbox("Compare", key=f"lab_cmp_{cell.key}", value=result.item_id in compared,
                   on_change=_pick, args=(result.item_id, cell.key))
    with st.popover("Note · edit", icon=":material/edit_note:", width="stretch"):
        st.text_area("Note", value=result.note, key=f"lab_note_{cell.key}", on_change=_annotate,
                     args=args, placeholder="What works, what does not…", height=80)
        if st.button("Continue in editing", key=f"lab_edit_{cell.key}", icon=":material/edit:",
                     disabled=not has_image, width="stretch",
                     help="A new Conversational editing chat that starts from this image."):
            continue_editing(result.item_id)
    collect_button([result.item_id], key=f"lab_collect_{cell.key}", label="Collect")
