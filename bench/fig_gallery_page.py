"""Figure 4: the gallery page's script run time as the gallery grows.

Stores of 20, 200 and 2,000 small images (through add_image, so thumbnails exist), the
Gallery page opened on each under AppTest (every run through app.py, sidebar included),
then reruns timed, interleaved across sizes.

The target compares equal pages: at 200 and at 2,000 items the grid shows the same 48
cards, so the ratio is what the gallery's size alone costs. A 20-item gallery shows 20
cards, and each card is Streamlit element work, so it is shown as a plain figure.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.apptest import PageError, app_env, open_page, rerun
from bench.fill import add_images
from bench.harness import Config, Row, interleaved, workdir
from studio.gallery.store import GalleryStore

FIGURE = "gallery_page"
MAX_RATIO = 1.5
PER_PAGE = 48  # the page's grid size (pages/gallery.py)


def cards(at: AppTest) -> int:
    """Cards on screen: each has one selection checkbox (components/grid.py)."""
    return sum(1 for c in at.checkbox if (c.key or "").startswith("gallery_sel_"))


def run(cfg: Config) -> list[Row]:
    # the last two sizes both fill a page of PER_PAGE cards; the first does not
    sizes: tuple[int, ...] = cfg.pick((20, 200, 2000), (5, 50, 100))
    small, base, large = sizes
    metric = f"{large:,} / {base:,} items (both {PER_PAGE} cards)"
    with workdir(FIGURE) as root, app_env():
        dirs: dict[int, Path] = {}
        for n in sizes:
            dirs[n] = root / f"data-{n}"
            with GalleryStore(dirs[n]) as store:
                add_images(store, n)
        try:
            tests = {n: open_page("gallery", dirs[n]) for n in sizes}
            shown = {n: cards(tests[n]) for n in sizes}
            if shown[base] != shown[large] or shown[small] != min(small, PER_PAGE):
                raise PageError(f"cards on screen {shown}: not the pages this figure compares")
            timings = interleaved(
                {str(n): (lambda n=n: rerun(tests[n], dirs[n], f"gallery at {n}"))
                 for n in sizes},
                repeats=cfg.pick(7, 2), warmup=1,
            )
        except PageError as exc:
            return [Row(FIGURE, metric, None, "x", f"<= {MAX_RATIO}", False,
                        f"page error: {exc}"[:300])]
    medians = {n: timings[str(n)].median_ms for n in sizes}
    rows = [Row(FIGURE, f"rerun at {n:,} items ({shown[n]} cards)", medians[n], "ms", "",
                None, extra=timings[str(n)].summary()) for n in sizes]
    ratio = medians[large] / medians[base]
    rows.append(Row(FIGURE, metric, ratio, "x", f"<= {MAX_RATIO}", ratio <= MAX_RATIO,
                    extra={"cards": shown}))
    return rows
