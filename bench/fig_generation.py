"""Figure 1: what the app adds around one 1024x1024 image.

App path: build_config -> generate (SDK over a replaying transport answering a canned
~1.5 MB PNG) -> Result -> keep_answer() into a gallery store (PNG metadata, thumbnail, files,
row). Baseline: a bare client.models.generate_content on the same transport, then the
image decoded with Pillow.
"""

from __future__ import annotations

import io
import itertools
import statistics

from PIL import Image

from bench.harness import Config, Row, interleaved, noise_png, workdir
from bench.replay import ReplayTransport, canned_body, make_client
from studio import (
    OFFLINE,
    GalleryStore,
    GenerationSettings,
    Origin,
    build_config,
    generate,
    keep_answer,
    load_catalog,
)

FIGURE = "generation"
MAX_ADDED_MS = 30.0
MAX_RATIO = 1.5


def run(cfg: Config) -> list[Row]:
    catalog = load_catalog()
    model = catalog.default_model
    info = catalog.get(model)
    png = noise_png(1024, 1024)
    transport = ReplayTransport(canned_body(model, png, "A turtle reading under a lamp."))
    client = make_client(transport)
    settings = GenerationSettings(model=model, seed=7)
    counter = itertools.count()
    bare_config = build_config(settings, info)

    def bare() -> None:
        response = client.models.generate_content(model=model, contents="a turtle",
                                                  config=bare_config)
        data = response.candidates[0].content.parts[1].inline_data.data  # type: ignore[index,union-attr]
        with Image.open(io.BytesIO(data)) as im:
            im.load()

    with workdir(FIGURE) as root, GalleryStore(root / "data") as store:

        def app() -> None:
            n = next(counter)  # a new prompt each time: new bytes, so a new thumbnail too
            prompt = f"a turtle reading under a lamp #{n}"
            result = generate(client, settings, info, [prompt], build_config(settings, info))
            assert result.images, result.message
            items = keep_answer(store, result, settings, Origin(page="text", prompt=prompt,
                                                                engine=OFFLINE))
            assert len(items) == 1

        timings = interleaved({"bare": bare, "app": app},
                              repeats=cfg.pick(15, 3), warmup=cfg.pick(2, 1))
    base, full = timings["bare"], timings["app"]
    # median of the paired differences: each app run against the bare run next to it, so
    # a burst of load from elsewhere shifts both sides of a pair alike
    added = statistics.median(a - b for a, b in zip(full.samples, base.samples, strict=True)) * 1000
    ratio = full.median / base.median
    extra = {"png_bytes": len(png), "bare": base.summary(), "app": full.summary()}
    note = f"bare {base.median_ms:.1f} ms, app {full.median_ms:.1f} ms, PNG {len(png) / 1e6:.2f} MB"
    return [
        Row(FIGURE, "ms added per 1024px image", added, "ms", f"<= {MAX_ADDED_MS:.0f} ms",
            added <= MAX_ADDED_MS, note, extra),
        Row(FIGURE, "app / bare SDK+decode", ratio, "x", f"<= {MAX_RATIO}", ratio <= MAX_RATIO),
    ]
