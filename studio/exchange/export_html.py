"""Static HTML for exports: a contact sheet and one page per story/recipe.

Opens from the unzipped folder with no server and no network: relative links only, CSS
inline, no script. Prompts and model text are untrusted (a prompt can hold
`<script>` or `"><img onerror=...>`), so every text goes through `html.escape` and model
Markdown is shown as plain text with line breaks and **bold** as the one markup kept.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from studio.exchange.bidi import visible_bidi
from studio.exchange.grounding_html import CSS as GROUNDING_CSS
from studio.exchange.grounding_html import grounding_section
from studio.gallery.records import GalleryItem

_BOLD = re.compile(r"\*\*(.+?)\*\*")

# No script may run even if escaping were ever missed somewhere. Images and styles are
# left alone: browsers disagree on what 'self' means for file:// pages.
_CSP = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"

CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:24px;
background:#f6f6f4;color:#222}
h1{font-size:22px;margin:0 0 4px}.muted{color:#777;font-size:13px}
nav ul{padding-left:18px}a{color:#1a5fb4}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:16px;margin-top:16px}
.card{background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002;overflow:hidden}
.card img{width:100%;height:240px;object-fit:contain;background:#eee;display:block}
.card .body{padding:8px 10px}.prompt{font-weight:600;margin:0 0 4px;white-space:pre-wrap}
.text{font-size:13px;color:#444;max-height:9em;overflow:auto}
.meta{font-size:12px;color:#777;margin-top:6px}
.story{max-width:760px;margin:0 auto;background:#fff;padding:24px 32px;border-radius:8px}
.story figure{margin:16px 0}.story img{max-width:100%;border-radius:6px}
.turn{border-left:3px solid #1a5fb4;padding-left:10px;color:#1a5fb4;margin-top:24px}
"""


@dataclass
class ExportEntry:
    item: GalleryItem
    file: str  # path inside the ZIP, e.g. images/0001-story-fox-1a2b3c4d.png


@dataclass
class StoryPage:
    kind: str  # "story" | "recipe"
    title: str
    file: str  # e.g. stories/a-red-fox-1a2b3c4d.html
    entries: list[ExportEntry] = field(default_factory=list)


def esc(value: object) -> str:
    return html.escape(visible_bidi("" if value is None else str(value)), quote=True)


def render_text(text: str | None) -> str:
    """Model text as safe HTML: escaped first, then **bold** and line breaks only."""
    escaped = esc(text)
    return _BOLD.sub(r"<strong>\1</strong>", escaped).replace("\n", "<br>\n")


def _head(title: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}{GROUNDING_CSS}</style></head><body>\n"
    )


def _meta_line(item: GalleryItem) -> str:
    bits = [item.page, item.model, item.created_at[:19].replace("T", " ") + " UTC"]
    if item.favourite:
        bits.append("★ favourite")
    if item.tags:
        bits.append("tags: " + ", ".join(item.tags))
    return " · ".join(esc(b) for b in bits if b)


def write_index(
    out: TextIO, entries: Iterable[ExportEntry], stories: list[StoryPage], exported_at: str,
    total: int, story_of: dict[str, str],
) -> None:
    """The contact sheet. `story_of` maps item id -> the story/recipe page it appears on."""
    out.write(_head("Image Studio export"))
    out.write(f"<h1>Image Studio export</h1><p class=\"muted\">{total} images · exported "
              f"{esc(exported_at[:19].replace('T', ' '))} UTC · details in manifest.csv</p>\n")
    if stories:
        out.write("<nav><h2>Stories and recipes</h2><ul>\n")
        for story in stories:
            out.write(f"<li><a href=\"{esc(story.file)}\">{esc(story.title)}</a> "
                      f"<span class=\"muted\">{esc(story.kind)} · {len(story.entries)} images</span></li>\n")
        out.write("</ul></nav>\n")
    out.write("<main class=\"grid\">\n")
    for entry in entries:
        item, src = entry.item, esc(entry.file)
        out.write(f"<article class=\"card\"><a href=\"{src}\"><img src=\"{src}\" loading=\"lazy\" "
                  f"alt=\"{esc(item.prompt[:200])}\"></a><div class=\"body\">"
                  f"<p class=\"prompt\">{esc(item.prompt)}</p>")
        if item.text:
            out.write(f"<div class=\"text\">{render_text(item.text)}</div>")
        out.write(f"<div class=\"meta\">{_meta_line(item)}</div>")
        out.write(grounding_section(item.grounding, folded=True))
        if item.id in story_of:
            out.write(f"<div class=\"meta\"><a href=\"{esc(story_of[item.id])}\">open the "
                      f"{esc(item.page)} →</a></div>")
        out.write("</div></article>\n")
    out.write("</main></body></html>\n")


def write_story(out: TextIO, story: StoryPage) -> None:
    """One story/recipe: each turn's prompt, then its texts and images in answer order."""
    out.write(_head(story.title))
    out.write("<div class=\"story\"><p class=\"muted\"><a href=\"../index.html\">← all images</a></p>\n")
    out.write(f"<h1>{esc(story.title)}</h1>\n")
    last_prompt: tuple[int, str] | None = None
    grounding = ""  # a turn's grounding follows its last picture
    for entry in story.entries:
        item = entry.item
        if (item.turn, item.prompt) != last_prompt:
            out.write(grounding)
            out.write(f"<p class=\"turn\">{render_text(item.prompt)}</p>\n")
            last_prompt = (item.turn, item.prompt)
        grounding = grounding_section(item.grounding)
        if item.text:
            out.write(f"<p>{render_text(item.text)}</p>\n")
        src = esc("../" + entry.file)
        out.write(f"<figure><a href=\"{src}\"><img src=\"{src}\" alt=\"{esc(item.prompt[:200])}\">"
                  f"</a><figcaption class=\"muted\">{_meta_line(item)}</figcaption></figure>\n")
    out.write(grounding)
    out.write("</div></body></html>\n")
