"""An experiment's grid as files: one labelled contact-sheet PNG, and the ratings as CSV.

Both follow the page's grid: prompt rows down, (model, ratio, seed) columns across; each
cell its thumbnail, stars, winner mark and cost.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from studio.gallery.store import GalleryStore
from studio.gemini.catalog import Catalog
from studio.lab.experiment import Cell, Experiment
from studio.lab.runner import CellResult

THUMB = 256
LABEL_W = 280
HEAD_H = 64
FOOT_H = 58
PAD = 12
INK, MUTED, GOLD, PAPER, FRAME = "#1f2328", "#656d76", "#bf8700", "#ffffff", "#d0d7de"


@dataclass(frozen=True)
class Grid:
    """The grid's axes and where each cell sits."""

    columns: list[tuple[str, str, int | None]]  # (model, aspect ratio, seed)
    rows: list[str]  # cell labels, e.g. "Prompt 1: headline=OPEN LATE"
    prompts: dict[str, str]  # row label -> the filled-in prompt
    cells: dict[tuple[int, int], Cell]  # (row, column) -> cell

    @classmethod
    def of(cls, experiment: Experiment) -> Grid:
        cells = experiment.cells()
        columns = list(dict.fromkeys((c.model, c.aspect_ratio, c.seed) for c in cells))
        rows = list(dict.fromkeys(c.label for c in cells))
        at = {(rows.index(c.label), columns.index((c.model, c.aspect_ratio, c.seed))): c
              for c in cells}
        return cls(columns, rows, {c.label: c.prompt for c in cells}, at)

    def column_label(self, catalog: Catalog, index: int) -> tuple[str, str]:
        model, ratio, seed = self.columns[index]
        return catalog.get(model).label, f"{ratio} · {'random seed' if seed is None else f'seed {seed}'}"


def stars(rating: int | None) -> str:
    return "★" * (rating or 0) + "☆" * (5 - (rating or 0)) if rating else "not rated"


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for name in (("DejaVuSans-Bold.ttf",) if bold else ()) + ("DejaVuSans.ttf",):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: object, width: int) -> str:
    """`text` cut with an ellipsis to fit `width` pixels."""
    if draw.textlength(text, font=font) <= width:  # type: ignore[arg-type]
        return text
    while text and draw.textlength(text + "…", font=font) > width:  # type: ignore[arg-type]
        text = text[:-1]
    return text + "…"


def contact_sheet_png(experiment: Experiment, results: dict[str, CellResult],
                      store: GalleryStore, catalog: Catalog) -> bytes:
    """The whole grid as one PNG: axis labels, every cell's image, stars, winner, cost."""
    grid = Grid.of(experiment)
    cell_w, cell_h = THUMB + PAD, THUMB + FOOT_H + PAD
    width = LABEL_W + cell_w * len(grid.columns) + PAD
    height = HEAD_H + 44 + cell_h * len(grid.rows) + PAD
    sheet = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(sheet)
    title, small, bold = _font(22, True), _font(13), _font(14, True)
    total = sum((r.facts.cost_usd or 0) for r in results.values() if r.facts)
    draw.text((PAD, PAD), _fit(draw, experiment.name, title, width - 2 * PAD), font=title,
              fill=INK)
    made = sum(1 for r in results.values() if r.item_id)
    draw.text((PAD, PAD + 30), f"{made} of {len(grid.cells)} cells · ≈ ${total:.2f}",
              font=small, fill=MUTED)
    top = HEAD_H + 44
    for c in range(len(grid.columns)):
        x = LABEL_W + c * cell_w
        name, detail = grid.column_label(catalog, c)
        draw.text((x, HEAD_H), _fit(draw, name, bold, THUMB), font=bold, fill=INK)
        draw.text((x, HEAD_H + 20), detail, font=small, fill=MUTED)
    for r, row in enumerate(grid.rows):
        y = top + r * cell_h
        draw.text((PAD, y), _fit(draw, row, bold, LABEL_W - 2 * PAD), font=bold, fill=INK)
        for n, line in enumerate(_lines(draw, grid.prompts[row], small, LABEL_W - 2 * PAD)[:6]):
            draw.text((PAD, y + 22 + n * 17), line, font=small, fill=MUTED)
        for c in range(len(grid.columns)):
            cell = grid.cells.get((r, c))
            result = results.get(cell.key) if cell else None
            _draw_cell(sheet, draw, store, (LABEL_W + c * cell_w, y), result, small)
    out = io.BytesIO()
    sheet.save(out, "PNG", optimize=False)
    return out.getvalue()


def _lines(draw: ImageDraw.ImageDraw, text: str, font: object, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:  # type: ignore[arg-type]
            line = trial
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def _draw_cell(sheet: Image.Image, draw: ImageDraw.ImageDraw, store: GalleryStore,
               at: tuple[int, int], result: CellResult | None, font: object) -> None:
    x, y = at
    frame = GOLD if result is not None and result.winner else FRAME
    draw.rectangle((x - 2, y - 2, x + THUMB + 1, y + THUMB + 1), outline=frame,
                   width=3 if frame == GOLD else 1)
    if result is None or not result.item_id or store.get(result.item_id) is None:
        words = "not run" if result is None else (result.message or "no image")
        for n, line in enumerate(_lines(draw, words, font, THUMB - 16)[:8]):
            draw.text((x + 8, y + 8 + n * 17), line, font=font, fill=MUTED)  # type: ignore[arg-type]
    else:
        with Image.open(io.BytesIO(store.thumbnail_bytes(result.item_id))) as thumb:
            thumb = thumb.convert("RGB")
            thumb.thumbnail((THUMB, THUMB))
            sheet.paste(thumb, (x + (THUMB - thumb.width) // 2, y + (THUMB - thumb.height) // 2))
    if result is None:
        return
    cost = f"≈ ${result.facts.cost_usd or 0:.4f} · {result.facts.latency_ms / 1000:.1f} s" \
        if result.facts else ""
    mark = "★ winner · " if result.winner else ""
    draw.text((x, y + THUMB + 6), f"{mark}{stars(result.rating)}", font=font,  # type: ignore[arg-type]
              fill=GOLD if result.rating or result.winner else MUTED)
    draw.text((x, y + THUMB + 24), cost, font=font, fill=MUTED)  # type: ignore[arg-type]
    if result.note:
        draw.text((x, y + THUMB + 40), _fit(draw, result.note, font, THUMB), font=font,  # type: ignore[arg-type]
                  fill=INK)


RATING_COLUMNS = ["experiment", "row", "prompt", "values", "model", "aspect_ratio", "seed",
                  "rating", "winner", "note", "cost_usd", "latency_s", "item_id", "outcome"]


def ratings_csv(experiment: Experiment, results: dict[str, CellResult]) -> str:
    """One line per cell: what it was, how it was judged, what it cost."""
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheets then read UTF-8 prompts correctly
    writer = csv.writer(out)
    writer.writerow(RATING_COLUMNS)
    for cell in experiment.cells():
        r = results.get(cell.key)
        facts = r.facts if r else None
        writer.writerow([
            experiment.name, cell.row + 1, _safe(cell.prompt),
            _safe("; ".join(f"{k}={v}" for k, v in cell.values)), cell.model, cell.aspect_ratio,
            "" if cell.seed is None else cell.seed, (r.rating or "") if r else "",
            "yes" if r and r.winner else "", _safe(r.note) if r else "",
            f"{facts.cost_usd:.6f}" if facts and facts.cost_usd is not None else "",
            f"{facts.latency_ms / 1000:.2f}" if facts else "", (r.item_id or "") if r else "",
            "not run" if r is None else ("made" if r.ok else _safe(r.message or "failed"))])
    return out.getvalue()


def _safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula ("=...") is quoted."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
