"""Google Search grounding: the tool a request carries, and what an answer says it searched.

The API returns `groundingMetadata` with a grounded answer: the queries it ran, the pages
(and, with image search, the images) it drew on, which sentences each supports, and a
search entry point: HTML and CSS that the terms require to be shown as rendered, its chips
linking straight to Google's results. The app keeps a compact, stable record of it with
every image (`Grounding.to_record`), shown on the page, in the gallery and in exports.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from google.genai import types

from studio.gemini.catalog import GROUNDING_WEB_IMAGE, ModelInfo

WEB, IMAGE = "web", "image"


def search_tools(mode: str, info: ModelInfo) -> list[types.Tool] | None:
    """The Google Search tool for `mode` ("web" or "web+image"), or None when the mode is
    off or `info`'s model has no grounding: such a model never receives the tool."""
    mode = info.grounding_for(mode)
    if mode == "off":
        return None
    if mode == GROUNDING_WEB_IMAGE:
        search = types.GoogleSearch(search_types=types.SearchTypes(
            web_search=types.WebSearch(), image_search=types.ImageSearch()))
    else:
        search = types.GoogleSearch()  # web search is what the tool does when not told more
    return [types.Tool(google_search=search)]


@dataclass(frozen=True)
class Source:
    """One page the answer drew on: a web result, or the page an image result came from."""

    title: str
    uri: str
    domain: str = ""
    kind: str = WEB  # "web" or "image"

    def to_record(self) -> dict[str, str]:
        return {"title": self.title, "uri": self.uri, "domain": self.domain, "kind": self.kind}


@dataclass(frozen=True)
class Grounding:
    """What Google Search grounding returned with one answer."""

    queries: tuple[str, ...] = ()
    image_queries: tuple[str, ...] = ()
    sources: tuple[Source, ...] = field(default=())
    entry_point_html: str = ""

    @property
    def empty(self) -> bool:
        return not (self.queries or self.image_queries or self.sources or self.entry_point_html)

    def to_record(self) -> dict[str, Any]:
        """The JSON kept with an item: {} when nothing was searched."""
        if self.empty:
            return {}
        return {
            "queries": list(self.queries),
            "image_queries": list(self.image_queries),
            "sources": [s.to_record() for s in self.sources],
            "entry_point_html": self.entry_point_html,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | None) -> Grounding:
        """Read a kept record back; anything malformed (an old or edited export) is skipped."""
        if not isinstance(record, Mapping):
            return cls()
        sources = tuple(
            Source(str(s.get("title") or s.get("domain") or s.get("uri") or ""),
                   str(s.get("uri") or ""), str(s.get("domain") or ""),
                   IMAGE if s.get("kind") == IMAGE else WEB)
            for s in record.get("sources") or [] if isinstance(s, Mapping) and s.get("uri")
        )
        html = record.get("entry_point_html")
        return cls(_strings(record.get("queries")), _strings(record.get("image_queries")),
                   sources, html if isinstance(html, str) else "")

    @classmethod
    def from_metadata(cls, meta: types.GroundingMetadata) -> Grounding:
        sources: list[Source] = []
        for chunk in meta.grounding_chunks or []:
            if chunk.web is not None and chunk.web.uri:
                sources.append(_source(chunk.web.title, chunk.web.uri, chunk.web.domain, WEB))
            elif chunk.image is not None and chunk.image.source_uri:
                sources.append(_source(chunk.image.title, chunk.image.source_uri,
                                       chunk.image.domain, IMAGE))
        entry = meta.search_entry_point
        return cls(_strings(meta.web_search_queries), _strings(meta.image_search_queries),
                   tuple(sources), (entry.rendered_content or "") if entry else "")

    def merged(self, later: Grounding) -> Grounding:
        """A stream may send metadata on more than one chunk: keep every query and source
        once, and the latest entry point."""
        return Grounding(
            _unique([*self.queries, *later.queries]),
            _unique([*self.image_queries, *later.image_queries]),
            tuple({(s.uri, s.kind): s for s in [*self.sources, *later.sources]}.values()),
            later.entry_point_html or self.entry_point_html,
        )


# Google's entry point is HTML and CSS only: nothing in its frame may run a script, even
# from a record that came in with an imported ZIP.
_ENTRY_CSP = "script-src 'none'; object-src 'none'; form-action 'none'"


def entry_point_document(rendered_content: str) -> str:
    """The entry point as a document of its own (an iframe's content), its HTML unmodified.
    The `<base>` before it opens the chips' links in a new tab: Google's results refuse to
    be shown inside a frame."""
    return ('<!DOCTYPE html><html><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_ENTRY_CSP}">'
            '<base target="_blank"></head>'
            f'<body style="margin:0">{rendered_content}</body></html>')


def entry_point_url(rendered_content: str) -> str:
    """The same document as a data: URL, which a browser gives an origin of its own."""
    data = base64.b64encode(entry_point_document(rendered_content).encode()).decode("ascii")
    return f"data:text/html;charset=utf-8;base64,{data}"


def is_web_link(uri: str) -> bool:
    """Only http(s) links are ever shown as links (a record may come from an import)."""
    return urlsplit(uri).scheme in ("http", "https")


def _source(title: str | None, uri: str, domain: str | None, kind: str) -> Source:
    host = urlsplit(uri).hostname or ""
    # The Gemini API titles a web chunk with its site's domain and links through a redirect,
    # so the title is the better domain when the chunk has none.
    name = domain or (title if title and "." in title and " " not in title else "") or host
    return Source(title or name or uri, uri, name.removeprefix("www."), kind)


def _strings(values: Iterable[Any] | None) -> tuple[str, ...]:
    if isinstance(values, str):
        return ()
    return _unique(str(v) for v in values or [] if isinstance(v, str) and v.strip())


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
