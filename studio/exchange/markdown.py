"""Model Markdown as safe HTML for exported pages, through markdown-it-py.

CommonMark with tables (a recipe's ingredient list is a Markdown table); raw HTML is off,
so a `<script>` in a model answer is escaped text. Links, images and autolinks are off
too: an export opens offline and never fetches or points anywhere (a model's
`![x](http://…)` would be a tracking pixel), so they stay as the text the model wrote.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

from studio.exchange.bidi import visible_bidi

_MD = (
    MarkdownIt("commonmark", {"html": False})
    .enable("table")
    .disable(["link", "image", "autolink", "reference"])
)


def render_markdown(text: str | None) -> str:
    """Block HTML for `text` (paragraphs, headings, lists, tables, emphasis), escaped."""
    return _MD.render(visible_bidi(text or ""))
