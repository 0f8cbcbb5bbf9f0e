"""Usage: tokens, estimated cost and latency summed from the gallery's own rows.

One row per day, model and page, so the page's charts and CSV add up to exactly what the
gallery holds (deleted items included: they were paid for).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from studio.gallery.dates import to_iso
from studio.gallery.store import GalleryStore

_SQL = """
    SELECT substr(created_at, 1, 10) AS day, model, page, COUNT(*) AS images,
           COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(output_tokens), 0),
           COALESCE(SUM(cost_usd), 0.0), AVG(latency_ms)
    FROM items
    WHERE COALESCE(engine, '') != 'upload' AND created_at >= :start
    GROUP BY day, model, page
    ORDER BY day, model, page
"""


@dataclass(frozen=True)
class UsageRow:
    day: str
    model: str
    page: str
    images: int
    prompt_tokens: int
    output_tokens: int
    cost_usd: float
    mean_latency_ms: float | None


def usage(store: GalleryStore, since: str | None = None) -> list[UsageRow]:
    """Usage per day, model and page since a date (YYYY-MM-DD), all of it by default."""
    start = to_iso(since) if since else ""
    with store.sql.db() as conn:
        rows = conn.execute(text(_SQL), {"start": start}).all()
    return [UsageRow(r[0], r[1] or "?", r[2], int(r[3]), int(r[4]), int(r[5]), float(r[6]),
                     None if r[7] is None else float(r[7])) for r in rows]
