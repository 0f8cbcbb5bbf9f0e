"""Figure 5: one filtered, newest-first page of 48 items at 10,000 items against 100.

Both stores hold the same 60 matching items (spread evenly over time) among different
amounts of non-matching rows, so both queries return the same full page: the ratio is
what the store's size alone costs. Two filters: model (served by an index) and
page + text search (an index for the page, a LIKE scan for the text).
"""

from __future__ import annotations

from bench.fill import import_rows
from bench.harness import Config, Row, interleaved, workdir
from studio.gallery.records import GalleryFilter
from studio.gallery.store import GalleryStore
from studio.gemini.catalog import load_catalog

FIGURE = "store_query"
PER_PAGE = 48
MATCHES = 60
MAX_RATIO = 2.0
MAX_MS = 20.0


def run(cfg: Config) -> list[Row]:
    catalog = load_catalog()
    rare = next(m.id for m in catalog.models if m.id != catalog.default_model)
    match = {"page": "story", "prompt": "A sea turtle reading by lamplight", "model": rare}
    small_n, large_n = cfg.pick((100, 10_000), (60, 500))
    filters = {
        "model": GalleryFilter(model=rare),
        "page+text": GalleryFilter(page="story", text="turtle"),
    }
    rows: list[Row] = []
    with workdir(FIGURE) as root:
        stores = {}
        for n in (small_n, large_n):
            stores[n] = GalleryStore(root / f"data-{n}")
            import_rows(stores[n], n, matches=min(MATCHES, n), match=match,
                        other_model=catalog.default_model)
        try:
            for label, flt in filters.items():
                for n, store in stores.items():
                    got = store.query(flt, limit=PER_PAGE, order="newest")
                    assert len(got) == min(PER_PAGE, MATCHES, n), (label, n, len(got))

                def page(n: int, flt: GalleryFilter = flt) -> None:
                    stores[n].query(flt, limit=PER_PAGE, order="newest")

                timings = interleaved({"small": lambda: page(small_n), "large": lambda: page(large_n)},
                                      repeats=cfg.pick(101, 11), warmup=3)
                small, large = timings["small"], timings["large"]
                ratio = large.median / small.median
                note = (f"{small_n:,}: {small.median_ms:.2f} ms, {large_n:,}: "
                        f"{large.median_ms:.2f} ms")
                extra = {"small_n": small_n, "large_n": large_n, "small": small.summary(),
                         "large": large.summary()}
                rows.append(Row(FIGURE, f"{label}: page of 48 at {large_n:,} (ms)",
                                large.median_ms, "ms", f"< {MAX_MS:.0f} ms",
                                large.median_ms < MAX_MS, note, extra))
                rows.append(Row(FIGURE, f"{label}: {large_n:,} / {small_n:,} items", ratio,
                                "x", f"<= {MAX_RATIO:.0f}", ratio <= MAX_RATIO))
        finally:
            for store in stores.values():
                store.close()
    return rows
