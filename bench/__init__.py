"""Image Studio benchmarks: `python -m bench` (or `make bench`). See bench/__main__.py."""

from __future__ import annotations

# Every figure, in the order the table shows them; each is a module bench/fig_<name>.py.
FIGURES: tuple[str, ...] = (
    "generation",
    "variants",
    "streaming",
    "gallery_page",
    "store_query",
    "store_query_pg",
    "export_zip",
    "export_memory",
    "export_s3",
    "edit_session",
    "lab",
    "lab_rerun",
    "edit_rerun",
    "long_edit",
    "startup",
)
