"""`python -m studio lab run experiment.toml`: an experiment headless, into the gallery."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from studio.gallery.store import GalleryStore
from studio.gemini.catalog import load_catalog
from studio.gemini.clients import GEMINI, OFFLINE, NetworkSettings, gemini_client
from studio.gemini.offline import offline_client
from studio.lab.experiment import Experiment, ExperimentError
from studio.lab.runner import DEFAULT_CONCURRENCY, CellResult, run_cells
from studio.lab.saved import ExperimentBook

EXIT_REFUSED = 2


def add_lab_commands(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    lab = sub.add_parser("lab", help="run a Prompt Lab experiment file")
    verbs = lab.add_subparsers(dest="lab_command", required=True)
    run = verbs.add_parser("run", help="run every cell of an experiment.toml")
    run.add_argument("file", type=Path, metavar="EXPERIMENT.toml")
    run.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY,
                     help=f"calls at once (default {DEFAULT_CONCURRENCY})")
    return run


def run_lab(args: argparse.Namespace) -> int:
    try:
        experiment = Experiment.load(args.file)
        cells = experiment.cells()
    except (OSError, ExperimentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    keyed = bool(os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY"))
    client = gemini_client() if keyed else offline_client(NetworkSettings.from_env())
    engine = GEMINI if keyed else OFFLINE
    catalog = load_catalog()
    calls, cost, _ = experiment.estimate(catalog, concurrency=args.concurrency)
    print(f"{experiment.name}: {calls} calls on the {engine} engine, about ${cost:.2f}",
          file=sys.stderr)

    def progress(result: CellResult, done: int, total: int) -> None:
        mark = "ok" if result.ok else f"failed: {result.message}"
        print(f"\r[{done}/{total}] {mark}"[:120], end="\n" if done == total or not result.ok
              else "", file=sys.stderr, flush=True)

    with GalleryStore(args.data_dir) as store:
        report = run_cells(client, store, catalog, experiment, cells, engine=engine,
                           concurrency=args.concurrency, on_result=progress)
        results = {r.key: r for r in report.done}
        ExperimentBook(store).save(experiment, results)
    made = sum(r.ok for r in report.done)
    spent = sum((r.facts.cost_usd or 0) for r in report.done if r.facts)
    print(f"{experiment.name}: {made} of {len(cells)} cells made an image, "
          f"{len(cells) - made} failed, ≈ ${spent:.4f} in {report.seconds:.1f} s "
          f"(experiment {experiment.id}, tagged experiment:{experiment.id})")
    for cell in cells:
        r = results.get(cell.key)
        status = "ok" if r and r.ok else (r.message if r else "not run")
        print(f"  {cell.model:28} {cell.aspect_ratio:5} {cell.label[:50]:50} {status}")
    return 0 if made == len(cells) else 1
