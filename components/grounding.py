"""What Google Search grounding found for an answer: the search entry point as Google
rendered it (in its own frame, apart from the app's page), the sources as links, and the
queries the model ran."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import streamlit as st

from studio.exchange.bidi import visible_bidi
from studio.gemini.grounding import IMAGE, Grounding, Source, entry_point_url, is_web_link

ENTRY_POINT_HEIGHT = 64  # px: one row of chips, as Google's carousel is
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~$])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", visible_bidi(text))


def _href(uri: str) -> str:
    return uri.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def source_line(n: int, source: Source) -> str:
    """`n. [title](uri) · domain`, or the title alone when the link is not http(s)."""
    title = _md(source.title or source.domain or source.uri)
    link = f"[{title}]({_href(source.uri)})" if is_web_link(source.uri) else title
    domain = f" · {_md(source.domain)}" if source.domain and source.domain != source.title else ""
    return f"{n}. {link}{domain}"


def show_grounding(record: Mapping[str, Any] | None) -> None:
    """The grounding of one answer (a `Grounding.to_record()`); nothing when there is none."""
    found = Grounding.from_record(record)
    if found.empty:
        return
    with st.container(border=True):
        st.markdown(":material/travel_explore: **Grounded in Google Search**")
        if found.entry_point_html:
            # A frame of its own: Google's HTML and CSS exactly as sent, none of the app's
            # styles reach it, nor its styles the app. A data: URL, not srcdoc: its origin
            # is opaque, so even an imported record's HTML cannot reach the app's page.
            st.iframe(entry_point_url(found.entry_point_html), height=ENTRY_POINT_HEIGHT)
        web = [s for s in found.sources if s.kind != IMAGE]
        images = [s for s in found.sources if s.kind == IMAGE]
        if web:
            st.markdown("**Sources**\n\n" + "\n".join(
                source_line(n, s) for n, s in enumerate(web, 1)))
        if images:
            st.markdown("**Image sources**\n\n" + "\n".join(
                source_line(n, s) for n, s in enumerate(images, len(web) + 1)))
        searched = [f"Searched for {', '.join(f'“{_md(q)}”' for q in found.queries)}"
                    ] if found.queries else []
        searched += [f"images of {', '.join(f'“{_md(q)}”' for q in found.image_queries)}"
                     ] if found.image_queries else []
        if searched:
            st.caption(" · ".join(searched))
