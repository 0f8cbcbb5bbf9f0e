"""The export's cover: what it holds, at a glance (counts by page, dates, models, cost)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from studio.exchange.export_html import ExportEntry, StoryPage, esc, when
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


def _headline(images: int, stories: Sequence[StoryPage]) -> str:
    """'25 images, 2 stories and 1 recipe'."""
    bits = [_plural(images, "image")]
    for kind in ("story", "recipe"):
        if n := sum(1 for s in stories if s.kind == kind):
            bits.append(_sets(n, kind))
    return bits[0] if len(bits) == 1 else ", ".join(bits[:-1]) + " and " + bits[-1]


def cover_html(entries: Sequence[ExportEntry], stories: Sequence[StoryPage], exported_at: str) -> str:
    items = [e.item for e in entries]
    pages = Counter(i.page for i in items)
    models = Counter(i.model for i in items if i.model)
    sets = {page: len({i.conversation_id or i.id for i in items if i.page == page}) for page in pages}
    costs = [i.cost_usd for i in items if i.cost_usd is not None]
    dates = sorted(i.created_at for i in items)
    span = ""
    if dates:
        first, last = when(dates[0], time=False), when(dates[-1], time=False)
        span = f"made on {first}" if first == last else f"made between {first} and {last}"
    facts = [_fact(f"{len(items):,}", "images")]
    facts += [_fact(f"{len([s for s in stories if s.kind == k]):,}", PAGE_PLURALS[k].lower())
              for k in ("story", "recipe") if any(s.kind == k for s in stories)]
    facts.append(_fact(format_usd(sum(costs)) if costs else "—", "estimated cost"))
    facts.append(_fact(f"{len(models):,}", "model" + "s" * (len(models) != 1)))
    rows = "".join(
        f"<tr><td>{esc(PAGE_LABELS.get(p, p))}</td><td>{_plural(n, 'image')}</td>"
        f"<td>{_sets(sets[p], p)}"
        "</td></tr>" for p, n in sorted(pages.items(), key=lambda kv: -kv[1]))
    model_rows = "".join(f"<tr><td>{esc(m)}</td><td>{_plural(n, 'image')}</td><td></td></tr>"
                         for m, n in models.most_common())
    toc = "".join(
        f"<li><a href=\"{esc(s.file)}\">{esc(s.title)}</a> <span class=\"muted\">"
        f"{esc(PAGE_LABELS.get(s.kind, s.kind))} · {_plural(len(s.versions), 'version')} · "
        f"{_plural(len(s.entries), 'picture')}</span></li>\n" for s in stories)
    return (
        "<section class=\"cover\"><p class=\"muted\">Image Studio export</p>"
        f"<h1>{esc(_headline(len(items), stories))}</h1>"
        f"<p class=\"lede\">{esc(span)} · exported {esc(when(exported_at))}</p>"
        f"<div class=\"facts\">{''.join(facts)}</div>"
        f"<table><tr><th>Page</th><th>Images</th><th></th></tr>{rows}"
        f"<tr><th>Model</th><th>Images</th><th></th></tr>{model_rows}</table>"
        + (f"<nav class=\"toc\"><h2>Stories and recipes</h2><ul>{toc}</ul></nav>" if toc else "")
        + "<p class=\"muted noprint\">Every field of every image is in manifest.csv (for "
        "spreadsheets) and manifest.json; the original files are in images/. Costs are "
        "estimates from the model's list prices.</p></section>"
    )
