"""The Google Search grounding of an exported item, as static HTML.

The sources as links, the queries, and the search entry point exactly as Google rendered
it, in a sandboxed iframe's `srcdoc` so its styles stay apart from the page's and nothing
in it may run. Every text is escaped: a record may come from an imported ZIP.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from studio.exchange.bidi import visible_bidi
from studio.gemini.grounding import IMAGE, Grounding, Source, entry_point_document, is_web_link

CSS = """
.grounding{margin:10px 0;padding:8px 10px;border:1px solid #dadce0;border-radius:8px;
background:#fff;font-size:13px}.grounding h3{font-size:13px;margin:0 0 6px}
.grounding iframe{width:100%;height:64px;border:0;display:block}
.grounding ol{margin:6px 0;padding-left:20px}.grounding .queries{color:#666}
.grounding summary{cursor:pointer;color:#1a5fb4}
"""
# Popups only: a chip opens Google's results in a new tab; no script, no same origin.
SANDBOX = "allow-popups allow-popups-to-escape-sandbox"


def _esc(value: object) -> str:
    return html.escape(visible_bidi("" if value is None else str(value)), quote=True)


def _source(source: Source) -> str:
    title = _esc(source.title or source.domain or source.uri)
    link = (f'<a href="{_esc(source.uri)}" target="_blank" rel="noopener noreferrer">{title}</a>'
            if is_web_link(source.uri) else title)
    domain = (f' <span class="queries">· {_esc(source.domain)}</span>'
              if source.domain and source.domain != source.title else "")
    return f"<li>{link}{domain}</li>"


def grounding_section(record: Mapping[str, Any] | None, *, folded: bool = False) -> str:
    """The section for one item's grounding record; "" when it was not grounded. `folded`
    (a contact-sheet card) puts it behind a one-line summary."""
    found = Grounding.from_record(record)
    if found.empty:
        return ""
    head = (f"<details><summary>Grounded in Google Search · {len(found.sources)} "
            f"source{'s' * (len(found.sources) != 1)}</summary>" if folded
            else "<h3>Grounded in Google Search</h3>")
    out = [f'<section class="grounding">{head}']
    if found.entry_point_html:
        doc = _esc(entry_point_document(found.entry_point_html))
        out.append(f'<iframe sandbox="{SANDBOX}" title="Google Search suggestions" '
                   f'srcdoc="{doc}"></iframe>')
    web = [s for s in found.sources if s.kind != IMAGE]
    images = [s for s in found.sources if s.kind == IMAGE]
    if web:
        out.append("<div>Sources</div><ol>" + "".join(map(_source, web)) + "</ol>")
    if images:
        out.append(f'<div>Image sources</div><ol start="{len(web) + 1}">'
                   + "".join(map(_source, images)) + "</ol>")
    if found.queries:
        out.append('<p class="queries">Searched for: '
                   + ", ".join(f"“{_esc(q)}”" for q in found.queries) + "</p>")
    if found.image_queries:
        out.append('<p class="queries">Image searches: '
                   + ", ".join(f"“{_esc(q)}”" for q in found.image_queries) + "</p>")
    out.append("</details></section>\n" if folded else "</section>\n")
    return "".join(out)
