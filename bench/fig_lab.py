"""Figure: a Prompt Lab matrix runs at the concurrency limit, not one cell after another.

24 cells (6 wordings x 2 models x 2 ratios) with the emulator answering after 1 s each,
4 at once: ideally 6 rounds of 1 s. Each cell is generated, parsed and kept in the
gallery with photographic-size images, as the page does.
"""

from __future__ import annotations

import time

from bench.harness import Config, Row, noise_png, workdir
from bench.replay import make_client, offline_transport
from studio import OFFLINE, GalleryStore, load_catalog
from studio.lab.experiment import Experiment
from studio.lab.runner import run_cells

FIGURE = "lab"
MAX_RATIO = 1.3
CONCURRENCY = 4


def run(cfg: Config) -> list[Row]:
    catalog = load_catalog()
    models = [m.id for m in catalog.models][:2]
    latency = cfg.pick(1.0, 0.1)
    transport, source = offline_transport(latency=latency, chunk_delay=0.0,
                                          png=noise_png(1024, 1024), model=models[0],
                                          texts=["A poster."])
    client = make_client(transport)
    words = [f"WORD{n}" for n in range(cfg.pick(6, 2))]
    experiment = Experiment(name="bench", prompts=["A poster that says {word}"],
                            variables={"word": words}, models=models,
                            aspect_ratios=["1:1", "4:5"], seeds=[5])
    cells = experiment.cells()
    with workdir(FIGURE) as root, GalleryStore(root / "data") as store:
        started = time.perf_counter()
        report = run_cells(client, store, catalog, experiment, cells, engine=OFFLINE,
                           concurrency=CONCURRENCY)
        seconds = time.perf_counter() - started
        made = sum(r.ok for r in report.done)
    ideal = latency * -(-len(cells) // CONCURRENCY)
    ratio = seconds / ideal
    note = (f"{source}, {latency:.1f} s per answer: {len(cells)} cells, {made} made, "
            f"{seconds:.2f} s against an ideal {ideal:.1f} s")
    return [Row(FIGURE, f"{len(cells)} cells at {CONCURRENCY} at once / ideal", ratio, "x",
                f"<= {MAX_RATIO}", ratio <= MAX_RATIO and made == len(cells), note,
                {"seconds": seconds, "ideal": ideal, "cells": len(cells), "made": made})]
