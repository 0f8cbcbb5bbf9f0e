"""Prompt Lab experiments in the gallery ZIP: one HTML page per experiment, its grid.

An experiment appears when any exported image is tagged with it (`experiment:<id>`);
its cells show the exported images (by their path in the ZIP), stars, winner, note
and cost, and say so when a cell's image was not part of this export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import TextIO

from studio.exchange.filenames import short_id, slugify
from studio.gallery.store import GalleryStore
from studio.gemini.catalog import load_catalog
from studio.lab.runner import CellResult
from studio.lab.saved import ExperimentBook
from studio.lab.sheet import Grid, stars

TAG = "experiment:"
_STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:8px;vertical-align:top;
max-width:280px}th{background:#f6f8fa;text-align:left}img{max-width:256px;display:block}
.muted{color:#656d76;font-size:13px}.win{outline:3px solid #bf8700}.stars{color:#bf8700}"""


def write_experiment_pages(open_entry: Callable[[str], TextIO], store: GalleryStore,
                           experiment_ids: Iterable[str], files: Mapping[str, str]) -> int:
    """Write `experiments/<name>-<id>.html` for each of `experiment_ids` (the exported
    items' experiment tags, first met first); `files` maps an exported item id to its file
    in the ZIP and `open_entry(name)` opens a text entry of the ZIP. Returns the pages written."""
    book = ExperimentBook(store)
    written = 0
    for experiment_id in experiment_ids:
        try:
            loaded = book.load(experiment_id)
        except ValueError:  # a tag that is not an experiment id
            continue
        if loaded is None:
            continue
        experiment, results = loaded
        name = f"experiments/{slugify(experiment.name, 50, 'experiment')}-{short_id(experiment.id)}.html"
        with open_entry(name) as out:
            _page(out, experiment.name, Grid.of(experiment), results, files)
        written += 1
    return written


def _page(out: TextIO, title: str, grid: Grid, results: dict[str, CellResult],
          files: Mapping[str, str]) -> None:
    catalog = load_catalog()
    out.write(f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{escape(title)}"
              f"</title><style>{_STYLE}</style></head><body>\n")
    out.write(f"<p class=\"muted\"><a href=\"../index.html\">← all images</a></p>"
              f"<h1>{escape(title)}</h1>\n<table><tr><th>Prompt</th>")
    for c in range(len(grid.columns)):
        label, detail = grid.column_label(catalog, c)
        out.write(f"<th>{escape(label)}<br><span class=\"muted\">{escape(detail)}</span></th>")
    out.write("</tr>\n")
    for r, row in enumerate(grid.rows):
        out.write(f"<tr><th>{escape(row)}<br><span class=\"muted\">"
                  f"{escape(grid.prompts[row])}</span></th>")
        for c in range(len(grid.columns)):
            cell = grid.cells.get((r, c))
            out.write(_cell(results.get(cell.key) if cell else None, files))
        out.write("</tr>\n")
    out.write("</table></body></html>\n")


def _cell(result: CellResult | None, files: Mapping[str, str]) -> str:
    if result is None:
        return "<td class=\"muted\">not run</td>"
    parts = []
    if result.item_id and result.item_id in files:
        parts.append(f"<img src=\"../{escape(files[result.item_id])}\" alt=\"\" "
                     f"class=\"{'win' if result.winner else ''}\">")
    elif result.item_id:
        parts.append("<p class=\"muted\">image not in this export</p>")
    if result.message:
        parts.append(f"<p>{escape(result.message)}</p>")
    parts.append(f"<p class=\"stars\">{'★ winner · ' if result.winner else ''}"
                 f"{escape(stars(result.rating))}</p>")
    if result.facts:
        parts.append(f"<p class=\"muted\">≈ ${result.facts.cost_usd or 0:.4f} · "
                     f"{result.facts.latency_ms / 1000:.1f} s</p>")
    if result.note:
        parts.append(f"<p>{escape(result.note)}</p>")
    return f"<td>{''.join(parts)}</td>"
