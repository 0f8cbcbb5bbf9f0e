"""Experiments kept beside the gallery: matrix, results and ratings, one JSON file each.

Saved after every finished cell and every rating, so a reload or a restart reopens the
experiment as it was. A file is replaced atomically: a crash leaves the old one.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studio.gallery.records import ID_RE
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
    """The experiments of one data folder."""

    def __init__(self, data_dir: str | Path) -> None:
        self.folder = Path(data_dir) / "experiments"

    def _path(self, experiment_id: str) -> Path:
        if not ID_RE.match(experiment_id):  # the id becomes a file name: never trust it
            raise ValueError(f"not an experiment id: {experiment_id!r}")
        return self.folder / f"{experiment_id}.json"

    def save(self, experiment: Experiment, results: dict[str, CellResult]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        record = {
            "experiment": asdict(experiment),
            "results": [asdict(r) for r in results.values()],
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(record, out, ensure_ascii=False)
            os.replace(tmp, self._path(experiment.id))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def load(self, experiment_id: str) -> tuple[Experiment, dict[str, CellResult]] | None:
        try:
            record = json.loads(self._path(experiment_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        experiment = Experiment.from_dict(record["experiment"])
        results = {r["key"]: _result(r) for r in record.get("results", [])}
        return experiment, results

    def jobs(self, experiment_id: str) -> list[JobView]:
        """The batch jobs submitted for an experiment, as last seen."""
        try:
            return jobs_from_json(self._path(experiment_id).with_suffix(".batch").read_text())
        except (OSError, ValueError, TypeError):
            return []

    def save_jobs(self, experiment_id: str, jobs: list[JobView]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(experiment_id).with_suffix(".batch")
        tmp = path.with_suffix(".batch.tmp")
        tmp.write_text(jobs_to_json(jobs), encoding="utf-8")
        os.replace(tmp, path)

    def list(self) -> list[ExperimentSummary]:
        out: list[ExperimentSummary] = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.exists() else []:
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
                experiment = Experiment.from_dict(record["experiment"])
                cells = len(experiment.cells())
            except Exception:  # a damaged file hides itself, not the others
                continue
            made = sum(1 for r in record.get("results", []) if r.get("item_id"))
            out.append(ExperimentSummary(experiment.id, experiment.name, cells, made,
                                         str(record.get("updated_at", ""))))
        return sorted(out, key=lambda s: s.updated_at, reverse=True)


def _result(data: dict[str, Any]) -> CellResult:
    facts = AnswerFacts.from_json(data.get("facts"))
    values = {k: v for k, v in data.items() if k != "facts"}
    return CellResult(**values, facts=facts)
