"""Figure: the Prompt Lab page's rerun cost with a 100-cell grid against a 10-cell one.

Two experiments on one data folder, every cell made (offline, the model answering a
1024x1024 noise PNG of ~1.5 MB, as photographic answers are, so each cell's thumbnail is
cut from a real-size image as the gallery's are): 5 prompt rows x 2 models, and 50 rows x
2 models. Each is opened on the Lab page in its own AppTest of app.py and rerun with
nothing changed, the two interleaved. A grid that draws every cell grows with the
experiment; the page shows 12 cells a page, so the target is 100 cells at most 1.5x 10.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.apptest import app_env, check, open_page, rerun
from bench.harness import Config, Row, interleaved, noise_png, workdir
from studio import OFFLINE, GalleryStore, load_catalog
from studio.emulator import Emulator, ScriptedResponder
from studio.emulator.interface import ModelRequest, Reply, ReplyPart
from studio.emulator.testing import offline_client
from studio.lab.experiment import Experiment
from studio.lab.runner import run_cells
from studio.lab.saved import ExperimentBook

FIGURE = "lab_rerun"
MAX_RATIO = 1.5


class _Photo(ScriptedResponder):
    """Every answer the same photographic-size image."""

    def __init__(self, png: bytes) -> None:
        super().__init__()
        self.png = png

    def respond(self, request: ModelRequest) -> Reply:
        return Reply((ReplyPart.of("Here it is."), ReplyPart.of(self.png)))


def _experiment(data: Path, rows: int, png: bytes) -> str:
    catalog = load_catalog()
    client, _ = offline_client(Emulator(responder=_Photo(png)))
    experiment = Experiment(name=f"{rows * 2} cells", prompts=["A poster that says {word}"],
                            variables={"word": [f"WORD{n}" for n in range(rows)]},
                            models=[m.id for m in catalog.models][:2], seeds=[3])
    with GalleryStore(data) as store:
        report = run_cells(client, store, catalog, experiment, experiment.cells(),
                           engine=OFFLINE, concurrency=4)
        results = {r.key: r for r in report.done}
        if not all(r.ok for r in results.values()):
            raise RuntimeError(f"{experiment.name}: not every cell made an image")
        ExperimentBook(store).save(experiment, results)
    return experiment.name


def _opened(data: Path, name: str) -> AppTest:
    at = open_page("lab", data)
    labels = at.selectbox(key="lab_open").options
    at.selectbox(key="lab_open").select_index(
        next(n for n, label in enumerate(labels) if label.startswith(f"{name} ·"))).run()
    check(at, f"open {name}")
    return at


def run(cfg: Config) -> list[Row]:
    small, large = 5, cfg.pick(50, 10)
    png = noise_png(*cfg.pick((1024, 1024), (256, 256)))
    repeats = cfg.pick(9, 3)
    with workdir(FIGURE) as root, app_env():
        data = root / "data"
        names = {rows: _experiment(data, rows, png) for rows in (small, large)}
        apps = {rows: _opened(data, names[rows]) for rows in (small, large)}
        shown = {rows: len(apps[rows].image) for rows in apps}
        timings = interleaved(
            {str(r): (lambda r=r: rerun(apps[r], data, f"rerun at {r * 2} cells")) for r in apps},
            repeats=repeats)
    ms = {r: timings[str(r)].median_ms for r in (small, large)}
    ratio = ms[large] / ms[small]
    extra = {str(r * 2): timings[str(r)].summary() for r in (small, large)}
    extra.update(image_bytes=len(png), thumbnails_shown={str(r * 2): shown[r] for r in shown})
    note = (f"{ms[small]:,.0f} ms at {small * 2} cells ({shown[small]} shown), "
            f"{ms[large]:,.0f} ms at {large * 2} cells ({shown[large]} shown)")
    return [
        Row(FIGURE, f"no-op rerun at {small * 2} cells", ms[small], "ms"),
        Row(FIGURE, f"no-op rerun at {large * 2} cells", ms[large], "ms"),
        Row(FIGURE, f"rerun at {large * 2} cells / at {small * 2}", ratio, "x",
            f"<= {MAX_RATIO}", ratio <= MAX_RATIO, note, extra),
    ]
