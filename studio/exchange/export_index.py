"""index.html: the cover, then every image by page, read from the spool a page at a time."""

from __future__ import annotations

from typing import TextIO

from studio.exchange.export_cover import write_cover
from studio.exchange.export_html import ExportEntry, card, esc, head, when
from studio.exchange.export_spool import ExportSpool, item_of
from studio.making.wording import PAGE_LABELS, PAGE_PLURALS

# Each entry with its conversation's title (older items' words) and its story page, if any.
_CARDS = """
SELECT e.item, e.file, c.title, s.file FROM exported AS e
LEFT JOIN conversations AS c ON c.id = e.conversation_id AND c.record IS NOT NULL
LEFT JOIN stories AS s ON s.key = e.story_key
WHERE e.page = ? ORDER BY e.seq
"""


def write_index(out: TextIO, spool: ExportSpool, exported_at: str) -> None:
    """The cover, the stories and recipes, then every image by page (the app's pages in
    their order, then any other page in the order first met)."""
    out.write(head("Image Studio export · " + when(exported_at)))
    out.write("<div class=\"wrap\">")
    write_cover(out, spool, exported_at)
    out.write("\n")
    counts = dict(spool.rows("SELECT page, COUNT(*) FROM entries GROUP BY page "
                             "ORDER BY MIN(seq)").fetchall())
    order = [p for p in PAGE_LABELS if p in counts] + [p for p in counts if p not in PAGE_LABELS]
    for page in order:
        n = counts[page]
        out.write(f"<h2 class=\"section\">{esc(PAGE_PLURALS.get(page, page.title()))} "
                  f"<span class=\"muted\">{n} image{'s' * (n != 1)}</span></h2>"
                  "\n<main class=\"grid\">\n")
        for text, file, title, story_file in spool.rows(_CARDS, (page,)):
            out.write(card(ExportEntry(item_of(text), file), title, story_file))
        out.write("</main>\n")
    out.write("</div></body></html>\n")
