"""Figure 4: the gallery page's script run time as the gallery grows.

Stores of 20, 200 and 2,000 small images (through add_image, so thumbnails exist), the
Gallery page opened on each under AppTest, then reruns timed, interleaved across sizes.
"""

from __future__ import annotations

from pathlib import Path

from bench.apptest import PageError, app_env, open_page, rerun
from bench.fill import add_images
from bench.harness import Config, Row, interleaved, workdir
from studio.gallery.store import GalleryStore

FIGURE = "gallery_page"
MAX_RATIO = 1.5
PER_PAGE = 48  # the page's grid size (pages/gallery.py)


def run(cfg: Config) -> list[Row]:
    sizes: tuple[int, ...] = cfg.pick((20, 200, 2000), (5, 50))
    small, large = sizes[0], sizes[-1]
    with workdir(FIGURE) as root, app_env():
        dirs: dict[int, Path] = {}
        for n in sizes:
            dirs[n] = root / f"data-{n}"
            with GalleryStore(dirs[n]) as store:
                add_images(store, n)
        try:
            tests = {n: open_page("gallery", dirs[n]) for n in sizes}
            timings = interleaved(
                {str(n): (lambda n=n: rerun(tests[n], dirs[n], f"gallery at {n}"))
                 for n in sizes},
                repeats=cfg.pick(7, 2), warmup=1,
            )
        except PageError as exc:
            return [Row(FIGURE, f"{large:,} / {small:,} items", None, "x", f"<= {MAX_RATIO}",
                        False, f"page error: {exc}"[:300])]
    medians = {n: timings[str(n)].median_ms for n in sizes}
    ratio = medians[large] / medians[small]
    rows = [Row(FIGURE, f"rerun at {n:,} items", medians[n], "ms", "", None,
                extra=timings[str(n)].summary()) for n in sizes]
    rows.append(Row(FIGURE, f"{large:,} / {small:,} items", ratio, "x", f"<= {MAX_RATIO}",
                    ratio <= MAX_RATIO))
    full = [n for n in sizes if n >= PER_PAGE]
    if len(full) >= 2:  # both show a full grid page: what the gallery's size alone costs
        same = medians[full[-1]] / medians[full[0]]
        rows.append(Row(FIGURE, f"{full[-1]:,} / {full[0]:,} items (both {PER_PAGE} cards)",
                        same, "x", note="shown only: the grid is the same size at both"))
    return rows
