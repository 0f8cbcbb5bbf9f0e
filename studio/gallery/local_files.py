"""Experiments and saved prompts left as files in the data folder, imported once into the
gallery's database (before schema v4 they lived there: experiments/<id>.json with an
<id>.batch sidecar, and prompts.json).

Run when a writable store opens. A file that was imported is renamed to `<name>.imported`
beside where it was, never deleted; a damaged one (not JSON, not an experiment) is
reported and left exactly as it is. Running it again changes nothing: an experiment row
is replaced only by a newer record, a prompt whose id is there is skipped.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studio.gallery.experiment_rows import ExperimentRow, SQLExperiments
from studio.gallery.prompt_rows import SQLPrompts
from studio.gallery.records import ID_RE

EXPERIMENTS_DIR = "experiments"
PROMPTS_FILE = "prompts.json"
IMPORTED = ".imported"
log = logging.getLogger(__name__)


@dataclass
class LocalImport:
    experiments: int = 0  # rows added or replaced by a newer file
    prompts: int = 0
    damaged: list[Path] = field(default_factory=list)  # left in place

    def lines(self) -> list[str]:
        return [f"{p}: could not be read, left in place (not imported)" for p in self.damaged]


def leftover_files(data_dir: Path) -> list[Path]:
    """The old files still waiting in the data folder (after an import: the damaged ones)."""
    folder = data_dir / EXPERIMENTS_DIR
    # .tmp-*.json: an old save interrupted before its rename; the experiment is in <id>.json
    found = sorted(p for p in folder.glob("*.json") if not p.name.startswith(".")) \
        if folder.is_dir() else []
    return [*found, *([data_dir / PROMPTS_FILE] if (data_dir / PROMPTS_FILE).is_file() else [])]


def import_local_files(data_dir: Path, experiments: SQLExperiments,
                       prompts: SQLPrompts) -> LocalImport:
    report = LocalImport()
    files = leftover_files(data_dir)
    if not files:
        return report
    done: list[Path] = []
    rows: list[ExperimentRow] = []
    for path in (p for p in files if p.parent.name == EXPERIMENTS_DIR):
        found = _experiment(path, report)
        if found is not None:
            rows.append(found[0])
            done += found[1]
    report.experiments = len(experiments.add_existing(rows)) if rows else 0
    library = data_dir / PROMPTS_FILE
    records = _prompts(library, report) if library.is_file() else None
    if records is not None:
        report.prompts = len(prompts.add_existing(records))
        done.append(library)
    for path in done:  # only once the rows are committed
        _set_aside(path)
    for line in report.lines():
        log.warning("%s", line)
    return report


def _read_json(path: Path, report: LocalImport) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report.damaged.append(path)
        return None


def _experiment(path: Path, report: LocalImport) -> tuple[ExperimentRow, list[Path]] | None:
    """The row of one experiment file, and the files it came from (a damaged .batch
    sidecar is reported and stays: the experiment comes in without its jobs)."""
    record = _read_json(path, report)
    if record is None:
        return None
    experiment = record.get("experiment") if isinstance(record, dict) else None
    eid = experiment.get("id") if isinstance(experiment, dict) else None
    if not isinstance(eid, str) or not ID_RE.match(eid) or not isinstance(
            record.get("results", []), list):
        report.damaged.append(path)
        return None
    updated_at = str(record.get("updated_at") or _modified(path))
    sidecar = path.with_suffix(".batch")
    jobs = _read_json(sidecar, report) if sidecar.is_file() else None
    if jobs is not None and not isinstance(jobs, list):
        report.damaged.append(sidecar)
        jobs = None
    row = ExperimentRow(eid, str(experiment.get("name") or ""), {**record, "updated_at": updated_at},
                        updated_at, json.dumps(jobs or []))
    return row, [path, *([sidecar] if jobs is not None else [])]


def _prompts(path: Path, report: LocalImport) -> list[dict[str, Any]] | None:
    records = _read_json(path, report)
    if not isinstance(records, list):
        if records is not None:
            report.damaged.append(path)
        return None
    out: list[dict[str, Any]] = []
    for r in records:  # a record that is no prompt is left out, as the library always did
        if isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("text"), str):
            page = r.get("page")
            out.append({**r, "id": str(r.get("id") or uuid.uuid4().hex[:12]),
                        "page": page if isinstance(page, str) else "lab",
                        "saved_at": str(r.get("saved_at") or _modified(path))})
    return out


def _modified(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


def _set_aside(path: Path) -> None:
    """`x.json` -> `x.json.imported` (a dated name if that is taken); a second process that
    imported the same file first has already done it."""
    target = path.with_name(path.name + IMPORTED)
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = path.with_name(f"{path.name}.{stamp}{IMPORTED}")
    with contextlib.suppress(OSError):  # left in place, it is imported again: no change
        os.replace(path, target)
