"""Prompt Lab core: matrices expand as written, runs can be cancelled, files round-trip."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from studio import OFFLINE, GalleryFilter, GalleryStore, load_catalog, offline_client
from studio.lab.experiment import Experiment, ExperimentError
from studio.lab.runner import run_cells
from studio.lab.saved import ExperimentBook

ROOT = Path(__file__).resolve().parents[2]
MODELS = [m.id for m in load_catalog().models][:2]


def _experiment(**changes) -> Experiment:
    base = dict(name="Posters", prompts=["A poster that says {word} in {colour}", "Plain {word}"],
                variables={"word": ["OPEN", "SALE"], "colour": ["red"]}, models=MODELS,
                aspect_ratios=["1:1", "4:5"], seeds=[7])
    base.update(changes)
    return Experiment(**base)  # type: ignore[arg-type]


def test_cells_cross_every_prompt_value_model_ratio_and_seed() -> None:
    cells = _experiment().cells()
    assert len(cells) == (2 * 1 + 2) * 2 * 2  # (word x colour rows + word rows) x models x ratios
    assert len({c.key for c in cells}) == len(cells)
    assert "A poster that says SALE in red" in {c.prompt for c in cells}
    assert {c.seed for c in cells} == {7}


def test_a_variable_without_values_names_itself() -> None:
    with pytest.raises(ExperimentError, match=r"\{colour\}"):
        _experiment(variables={"word": ["OPEN"]}).cells()


def test_the_estimate_prices_each_call_and_halves_in_batch() -> None:
    experiment = _experiment()
    calls, cost, _ = experiment.estimate(load_catalog())
    _, batch_cost, _ = experiment.estimate(load_catalog(), batch=True)
    assert calls == 16 and cost > 0 and batch_cost == pytest.approx(cost / 2)


def test_an_experiment_file_round_trips() -> None:
    experiment = _experiment(seeds=[7, None])
    again = Experiment.from_toml(experiment.to_toml())
    assert again == experiment


def test_a_cancelled_run_keeps_its_finished_cells(tmp_path: Path) -> None:
    experiment = _experiment(models=MODELS[:1])
    cancel = threading.Event()
    with GalleryStore(tmp_path) as store:
        report = run_cells(offline_client(), store, load_catalog(), experiment,
                           experiment.cells(), engine=OFFLINE, concurrency=1, cancel=cancel,
                           on_result=lambda result, done, total: cancel.set())
        assert len(report.done) == 1 and report.cancelled == len(experiment.cells()) - 1
        assert store.count() == 1


def test_saved_results_reopen_with_ratings(tmp_path: Path) -> None:
    experiment = _experiment(models=MODELS[:1], aspect_ratios=["1:1"])
    with GalleryStore(tmp_path) as store:
        report = run_cells(offline_client(), store, load_catalog(), experiment,
                           experiment.cells(), engine=OFFLINE)
        results = {r.key: r for r in report.done}
        first = next(iter(results.values()))
        first.rating, first.winner = 5, True
        ExperimentBook(store).save(experiment, results)
    with GalleryStore(tmp_path) as reopened:  # a restart
        book = ExperimentBook(reopened)
        loaded = book.load(experiment.id)
        assert loaded is not None
        assert loaded[0] == experiment and loaded[1][first.key].rating == 5
        assert book.list()[0].made == len(results)


def test_the_cli_runs_an_experiment_file_into_the_gallery(tmp_path: Path) -> None:
    path = tmp_path / "experiment.toml"
    path.write_text(_experiment(models=MODELS[:1]).to_toml())
    data = tmp_path / "data"
    out = subprocess.run([sys.executable, "-m", "studio", "lab", "run", str(path),
                          "--data-dir", str(data)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={"PYTHONPATH": str(ROOT),
                                           "STUDIO_EMULATOR_CHUNK_DELAY": "0"})
    assert out.returncode == 0, out.stderr
    assert "8 of 8 cells made an image" in out.stdout
    with GalleryStore(data) as store:
        assert store.count(GalleryFilter(page="lab")) == 8
