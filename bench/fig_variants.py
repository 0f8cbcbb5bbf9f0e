"""Figure 2: four variants at once cost about as much as one.

make_variants (run_variants underneath) with the emulator answering after `latency`
seconds per call, four variants against one. Each variant is generated, parsed and
recorded into the gallery, as the single-image pages do.
"""

from __future__ import annotations

from dataclasses import replace

from bench.harness import Config, Row, interleaved, noise_png, workdir
from bench.replay import make_client, offline_transport
from studio import (
    MAX_VARIANTS,
    OFFLINE,
    GalleryStore,
    GenerationSettings,
    load_catalog,
    make_variants,
)

FIGURE = "variants"
MAX_RATIO = 1.3


def run(cfg: Config) -> list[Row]:
    model = load_catalog().default_model
    latency = cfg.pick(1.0, 0.2)
    transport, source = offline_transport(latency=latency, chunk_delay=0.0,
                                          png=noise_png(1024, 1024), model=model,
                                          texts=["A turtle reading under a lamp."])
    client = make_client(transport)
    one = GenerationSettings(model=model, seed=11, variants=1)
    four = replace(one, variants=MAX_VARIANTS)
    with workdir(FIGURE) as root, GalleryStore(root / "data") as store:
        counter = iter(range(1_000_000))

        def batch(settings: GenerationSettings) -> None:
            prompt = f"a turtle reading under a lamp #{next(counter)}"
            made = make_variants(client, store, load_catalog(), prompt, settings, page="text",
                                 engine=OFFLINE)
            assert all(v.items for v in made.variants), [v.result.message for v in made.variants]
            assert len(made.variants) == settings.variants

        timings = interleaved({"one": lambda: batch(one), "four": lambda: batch(four)},
                              repeats=cfg.pick(5, 1), warmup=1)
    t1, t4 = timings["one"], timings["four"]
    ratio = t4.median / t1.median
    note = (f"{source} latency {latency:.1f} s: 1 variant {t1.median_ms:.0f} ms, "
            f"4 variants {t4.median_ms:.0f} ms")
    return [Row(FIGURE, f"{MAX_VARIANTS} variants / 1", ratio, "x", f"<= {MAX_RATIO}",
                ratio <= MAX_RATIO, note,
                {"source": source, "latency_s": latency, "one": t1.summary(),
                 "four": t4.summary()})]
