"""The export's cover: what it holds, at a glance (counts by page, dates, models, cost)."""

from __future__ import annotations

from typing import TextIO

from studio.exchange.export_html import esc, when
from studio.exchange.export_pages import story_lines
from studio.exchange.export_spool import ExportSpool
from studio.gallery.money import format_usd
from studio.making.wording import PAGE_LABELS, PAGE_PLURALS


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _sets(n: int, page: str) -> str:
    word = {"story": ("story", "stories"), "recipe": ("recipe", "recipes"),
            "edit": ("conversation", "conversations"), "lab": ("experiment", "experiments")}
    one, many = word.get(page, ("set", "sets"))
    return f"{n:,} {one if n == 1 else many}"


def _fact(value: str, label: str) -> str:
    return f"<div class=\"fact\"><b>{esc(value)}</b><span>{esc(label)}</span></div>"


def _headline(images: int, stories: dict[str, int]) -> str:
    """'25 images, 2 stories and 1 recipe'."""
    bits = [_plural(images, "image")]
    for kind in ("story", "recipe"):
        if n := stories.get(kind, 0):
            bits.append(_sets(n, kind))
    return bits[0] if len(bits) == 1 else ", ".join(bits[:-1]) + " and " + bits[-1]


def _cost(spool: ExportSpool) -> str:
    if not spool.value("SELECT COUNT(*) FROM entries WHERE cost_usd IS NOT NULL"):
        return "—"
    # sum() in export order, as over the items' costs: the same float, to the last bit
    return format_usd(sum(c for (c,) in spool.rows(
        "SELECT cost_usd FROM entries WHERE cost_usd IS NOT NULL ORDER BY seq")))


def write_cover(out: TextIO, spool: ExportSpool, exported_at: str) -> None:
    """What the export holds, from aggregates over the spool, then its table of contents."""
    images = spool.count()
    # pages and models by how many images they hold, ties in the order first met
    pages = spool.rows("SELECT page, COUNT(*), COUNT(DISTINCT COALESCE(conversation_id, id)) "
                       "FROM entries GROUP BY page ORDER BY COUNT(*) DESC, MIN(seq)").fetchall()
    models = spool.rows("SELECT model, COUNT(*) FROM entries WHERE model IS NOT NULL AND "
                        "model != '' GROUP BY model ORDER BY COUNT(*) DESC, MIN(seq)").fetchall()
    stories = dict(spool.rows("SELECT kind, COUNT(*) FROM stories GROUP BY kind").fetchall())
    first, last = spool.rows("SELECT MIN(created_at), MAX(created_at) FROM entries").fetchone()
    span = ""
    if first is not None:
        first, last = when(first, time=False), when(last, time=False)
        span = f"made on {first}" if first == last else f"made between {first} and {last}"
    facts = [_fact(f"{images:,}", "images")]
    facts += [_fact(f"{stories[k]:,}", PAGE_PLURALS[k].lower())
              for k in ("story", "recipe") if stories.get(k)]
    facts.append(_fact(_cost(spool), "estimated cost"))
    facts.append(_fact(f"{len(models):,}", "model" + "s" * (len(models) != 1)))
    rows = "".join(
        f"<tr><td>{esc(PAGE_LABELS.get(p, p))}</td><td>{_plural(n, 'image')}</td>"
        f"<td>{_sets(sets, p)}"
        "</td></tr>" for p, n, sets in pages)
    model_rows = "".join(f"<tr><td>{esc(m)}</td><td>{_plural(n, 'image')}</td><td></td></tr>"
                         for m, n in models)
    out.write(
        "<section class=\"cover\"><p class=\"muted\">Image Studio export</p>"
        f"<h1>{esc(_headline(images, stories))}</h1>"
        f"<p class=\"lede\">{esc(span)} · exported {esc(when(exported_at))}</p>"
        f"<div class=\"facts\">{''.join(facts)}</div>"
        f"<table><tr><th>Page</th><th>Images</th><th></th></tr>{rows}"
        f"<tr><th>Model</th><th>Images</th><th></th></tr>{model_rows}</table>")
    if stories:
        out.write("<nav class=\"toc\"><h2>Stories and recipes</h2><ul>")
        for s in story_lines(spool):
            out.write(f"<li><a href=\"{esc(s.file)}\">{esc(s.title)}</a> <span class=\"muted\">"
                      f"{esc(PAGE_LABELS.get(s.kind, s.kind))} · {_plural(s.versions, 'version')} · "
                      f"{_plural(s.pictures, 'picture')}</span></li>\n")
        out.write("</ul></nav>")
    out.write("<p class=\"muted noprint\">Every field of every image is in manifest.csv (for "
              "spreadsheets) and manifest.json; the original files are in images/. Costs are "
              "estimates from the model's list prices.</p></section>")
