"""The Prompt Lab's results: a grid with labelled axes, each cell judged where it stands."""

from __future__ import annotations

import streamlit as st

from components import state
from components.collect import collect_button
from components.render import safe_markdown
from studio.lab.experiment import Cell, Experiment
from studio.lab.runner import CellResult


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
    state.experiments().save(experiment, results)


def results_grid(experiment: Experiment, results: dict[str, CellResult]) -> None:
    cells = experiment.cells()
    columns = _columns(cells)
    by_place = {(c.label, (c.model, c.aspect_ratio, c.seed)): c for c in cells}
    catalog = state.catalog()
    store = state.store()
    # at least four columns' worth of width, so one model's cells stay card-sized
    widths = [1] + [2] * len(columns) + [2 * max(0, 3 - len(columns))]
    head = st.columns(widths)
    head[0].markdown("**Prompt**")
    for column, (model, ratio, seed) in zip(head[1:], columns, strict=False):
        column.markdown(f"**{catalog.get(model).label}**  \n{ratio} · "
                        f"{'random seed' if seed is None else f'seed {seed}'}")
    for row in _rows(cells):
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
                if result.item_id and store.get(result.item_id):
                    # the 256 px thumbnail at its own size: passed through, never resized
                    st.image(store.thumbnail_bytes(result.item_id), width="content")
                if result.message:
                    st.warning(result.message, icon=":material/block:")
                if result.facts:
                    cost = result.facts.cost_usd or 0
                    st.caption(f"{result.facts.latency_ms / 1000:.1f} s · ≈ ${cost:.4f}")
                if result.item_id:
                    st.feedback("stars", key=f"lab_rate_{cell.key}", on_change=_judge,
                                default=None if result.rating is None else result.rating - 1,
                                args=(experiment, results, cell.key))
                    st.checkbox("Winner", key=f"lab_win_{cell.key}", value=result.winner,
                                on_change=_judge, args=(experiment, results, cell.key))
                    collect_button([result.item_id], key=f"lab_collect_{cell.key}",
                                   label="Collect")
