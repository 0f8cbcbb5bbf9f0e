"""An experiment's grid leaves the app: a contact-sheet PNG, ratings CSV, HTML in the ZIP."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from PIL import Image

from studio import OFFLINE, GalleryStore, load_catalog, offline_client
from studio.exchange.export_zip import export_zip
from studio.lab.experiment import Experiment
from studio.lab.runner import run_cells
from studio.lab.saved import ExperimentBook
from studio.lab.sheet import FOOT_H, HEAD_H, LABEL_W, PAD, THUMB, contact_sheet_png, ratings_csv

MODELS = [m.id for m in load_catalog().models][:2]


def _judged(tmp_path: Path, store: GalleryStore):
    experiment = Experiment(name="Sheet test", prompts=["A sign that says {word}"],
                            variables={"word": ["OPEN", "=SUM(A1)"]}, models=MODELS)
    report = run_cells(offline_client(), store, load_catalog(), experiment, experiment.cells(),
                       engine=OFFLINE)
    results = {r.key: r for r in report.done}
    first = results[experiment.cells()[0].key]
    first.rating, first.winner, first.note = 4, True, "the best one"
    ExperimentBook(store).save(experiment, results)
    return experiment, results, first


def test_the_contact_sheet_has_every_cell_labelled_and_the_winner_framed(tmp_path: Path) -> None:
    with GalleryStore(tmp_path) as store:
        experiment, results, _ = _judged(tmp_path, store)
        png = contact_sheet_png(experiment, results, store, load_catalog())
    sheet = Image.open(io.BytesIO(png)).convert("RGB")
    cell_w, cell_h = THUMB + PAD, THUMB + FOOT_H + PAD
    assert sheet.size == (LABEL_W + 2 * cell_w + PAD, HEAD_H + 44 + 2 * cell_h + PAD)
    top = HEAD_H + 44
    # the winner's frame is gold; the cell beside it has the plain frame
    assert sheet.getpixel((LABEL_W - 2, top + 100)) == (0xBF, 0x87, 0x00)
    assert sheet.getpixel((LABEL_W + cell_w - 2, top + 100)) != (0xBF, 0x87, 0x00)
    # each cell holds its image (not the blank paper)
    for r in range(2):
        for c in range(2):
            x, y = LABEL_W + c * cell_w + THUMB // 2, top + r * cell_h + THUMB // 2
            box = sheet.crop((x - 20, y - 20, x + 20, y + 20))
            assert box.getextrema() != ((255, 255), (255, 255), (255, 255)), (r, c)


def test_the_ratings_csv_has_a_line_per_cell_and_no_formula(tmp_path: Path) -> None:
    with GalleryStore(tmp_path) as store:
        experiment, results, first = _judged(tmp_path, store)
    rows = list(csv.DictReader(io.StringIO(ratings_csv(experiment, results).lstrip("\ufeff"))))
    assert len(rows) == 4
    best = next(r for r in rows if r["item_id"] == first.item_id)
    assert (best["rating"], best["winner"], best["note"], best["outcome"]) == \
        ("4", "yes", "the best one", "made")
    assert float(best["cost_usd"]) > 0
    assert all(not r["prompt"].startswith("=") and not r["values"].startswith("=") for r in rows)


def test_the_gallery_zip_holds_the_experiment_grid_as_html(tmp_path: Path) -> None:
    with GalleryStore(tmp_path) as store:
        _judged(tmp_path, store)
        export_zip(store, None, tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        pages = [n for n in zf.namelist() if n.startswith("experiments/")]
        assert len(pages) == 1 and pages[0].endswith(".html")
        html = zf.read(pages[0]).decode()
        sources = re.findall(r'<img src="\.\./([^"]+)"', html)
        assert len(sources) == 4 and all(s in zf.namelist() for s in sources)
    assert "Sheet test" in html and "★★★★☆" in html and "the best one" in html
    assert 'class="win"' in html
