"""Experiments kept in the gallery's database: matrix, results and ratings, one row each.

Saved after every finished cell and every rating, so a reload, a restart or another app
server on the same database reopens the experiment as it was. A save replaces the whole
record in one statement (studio/gallery/experiment_rows.py): of two saves at once, the
last one stays, whole. Before schema v4 each experiment was a JSON file in
`<data dir>/experiments/`; a store imports those once when it opens.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from studio.gallery.experiment_rows import SQLExperiments
from studio.gallery.records import ID_RE
from studio.gallery.store import GalleryStore
from studio.lab.batch import JobView, jobs_from_json, jobs_to_json
from studio.lab.experiment import Experiment
from studio.lab.runner import CellResult
from studio.making.turns import AnswerFacts


@dataclass(frozen=True)
class ExperimentSummary:
    id: str
    name: str
    cells: int
    made: int
    updated_at: str


class ExperimentBook:
    """The experiments of one gallery (its store, or the store's `experiments` rows)."""

    def __init__(self, store: GalleryStore | SQLExperiments) -> None:
        self.rows = store.experiments if isinstance(store, GalleryStore) else store

    @staticmethod
    def _check(experiment_id: str) -> str:
        if not ID_RE.match(experiment_id):  # ids come from links and tags: never trust them
            raise ValueError(f"not an experiment id: {experiment_id!r}")
        return experiment_id

    def save(self, experiment: Experiment, results: dict[str, CellResult]) -> None:
        record = {"experiment": asdict(experiment), "results": [asdict(r) for r in results.values()]}
        self.rows.save(self._check(experiment.id), experiment.name, record)

    def load(self, experiment_id: str) -> tuple[Experiment, dict[str, CellResult]] | None:
        record = self.rows.load(self._check(experiment_id))
        if record is None:
            return None
        try:
            experiment = Experiment.from_dict(record["experiment"])
            results = {r["key"]: _result(r) for r in record.get("results", [])}
        except (KeyError, TypeError, ValueError, AttributeError):  # unreadable: as good as none
            return None
        return experiment, results

    def jobs(self, experiment_id: str) -> list[JobView]:
        """The batch jobs submitted for an experiment, as last seen."""
        try:
            return jobs_from_json(self.rows.jobs(self._check(experiment_id)) or "[]")
        except (ValueError, TypeError):
            return []

    def save_jobs(self, experiment_id: str, jobs: list[JobView]) -> None:
        """Jobs belong to a saved experiment (the Lab saves it first); KeyError if it is not."""
        if not self.rows.set_jobs(self._check(experiment_id), jobs_to_json(jobs)):
            raise KeyError(f"no saved experiment {experiment_id!r}")

    def list(self) -> list[ExperimentSummary]:
        """Every experiment, most recently saved first."""
        out: list[ExperimentSummary] = []
        for row in self.rows.rows():
            try:
                experiment = Experiment.from_dict(row.record["experiment"])
                cells = len(experiment.cells())
            except Exception:  # a record that cannot be read hides itself, not the others
                continue
            made = sum(1 for r in row.record.get("results", []) if r.get("item_id"))
            out.append(ExperimentSummary(experiment.id, experiment.name, cells, made,
                                         row.updated_at))
        return out


def _result(data: dict[str, Any]) -> CellResult:
    facts = AnswerFacts.from_json(data.get("facts"))
    values = {k: v for k, v in data.items() if k != "facts"}
    return CellResult(**values, facts=facts)
