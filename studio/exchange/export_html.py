"""Static HTML for exports: a cover and contact sheet, and one page per story/recipe.

Opens from the unzipped folder with no server and no network: relative links only, CSS
inline, no script. Prompts and model text are untrusted (a prompt can hold `<script>` or
`"><img onerror=...>`): every text goes through `html.escape`, and model Markdown through
markdown-it-py with raw HTML, links and images off (studio/exchange/markdown.py).
Headlines are in the user's words (studio/making/wording.py); the engineered prompt sent
to the model sits under a <details> fold.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TextIO

from studio.exchange.bidi import visible_bidi
from studio.exchange.export_css import CSS
from studio.exchange.grounding_html import CSS as GROUNDING_CSS
from studio.exchange.grounding_html import grounding_section
from studio.exchange.markdown import render_markdown
from studio.gallery.dates import when
from studio.gallery.money import format_usd
from studio.gallery.records import GalleryItem
from studio.making.wording import PAGE_LABELS, follow_up, headline, words_of

_BOLD = re.compile(r"\*\*(.+?)\*\*")

# No script may run even if escaping were ever missed somewhere. Images and styles are
# left alone: browsers disagree on what 'self' means for file:// pages.
_CSP = "script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
STEP_WORD = {"story": "Scene", "recipe": "Step"}


@dataclass
class ExportEntry:
    item: GalleryItem
    file: str  # path inside the ZIP, e.g. images/0001-story-fox-1a2b3c4d.png


@dataclass
class StoryPage:
    kind: str  # "story" | "recipe"
    title: str  # unique in the export: subject, date, and the time when that is not enough
    file: str  # e.g. stories/a-red-fox-1a2b3c4d.html
    entries: list[ExportEntry] = field(default_factory=list)
    subject: str = ""  # in the user's words: the premise or the dish

    @property
    def versions(self) -> list[int]:
        return sorted({e.item.turn for e in self.entries})


def esc(value: object) -> str:
    return html.escape(visible_bidi("" if value is None else str(value)), quote=True)


def render_text(text: str | None) -> str:
    """Plain text (a prompt) as safe HTML: escaped first, then **bold** and line breaks."""
    escaped = esc(text)
    return _BOLD.sub(r"<strong>\1</strong>", escaped).replace("\n", "<br>\n")


def head(title: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}{GROUNDING_CSS}</style></head><body>\n"
    )


def meta_line(item: GalleryItem) -> str:
    bits = [PAGE_LABELS.get(item.page, item.page), item.model, when(item.created_at),
            format_usd(item.cost_usd)]
    if item.favourite:
        bits.append("★ favourite")
    if item.tags:
        bits.append("tags: " + ", ".join(item.tags))
    return " · ".join(esc(b) for b in bits if b)


def prompt_fold(item: GalleryItem, title: str | None) -> str:
    engineered = words_of(item, title).engineered
    if not engineered:
        return ""
    return (f"<details><summary>Prompt sent to the model</summary>"
            f"<p>{esc(engineered)}</p></details>")


def card(entry: ExportEntry, title: str | None, story_file: str | None) -> str:
    item, src = entry.item, esc(entry.file)
    name = headline(item, title)
    parts = [f"<article class=\"card\"><a href=\"{src}\"><img src=\"{src}\" loading=\"lazy\" "
             f"alt=\"{esc(name[:200])}\"></a><div class=\"body\"><h3>{esc(name)}</h3>"]
    if said := follow_up(item, title):
        parts.append(f"<p class=\"follow\">Version {item.turn + 1}: {esc(said)}</p>")
    if item.text:
        parts.append(f"<div class=\"text\">{render_markdown(item.text)}</div>")
    parts.append(prompt_fold(item, title))
    parts.append(f"<div class=\"meta\">{meta_line(item)}</div>")
    parts.append(grounding_section(item.grounding, folded=True))
    if story_file:
        parts.append(f"<div class=\"meta noprint\"><a href=\"{esc(story_file)}\">Read the whole "
                     f"{esc(PAGE_LABELS.get(item.page, item.page).lower())} →</a></div>")
    parts.append("</div></article>\n")
    return "".join(parts)


def write_story(out: TextIO, story: StoryPage, titles: dict[str, str] | None = None) -> None:
    """One story/recipe: each version's words, then its scenes (text and image) in order."""
    titles = titles or {}
    out.write(head(story.title))
    kind = PAGE_LABELS.get(story.kind, story.kind)
    first = story.entries[0].item if story.entries else None
    models = sorted({e.item.model for e in story.entries if e.item.model})
    versions = story.versions
    out.write("<div class=\"story\"><nav class=\"back muted\"><a href=\"../index.html\">← "
              "Everything in this export</a></nav>\n<header>"
              f"<p class=\"muted\">{esc(kind)}</p><h1>{esc(story.subject or story.title)}</h1>"
              f"<p class=\"muted\">{len(versions)} version{'s' * (len(versions) != 1)} · "
              f"{len(story.entries)} picture{'s' * (len(story.entries) != 1)} · made "
              f"{esc(when(first.created_at) if first else '')} · {esc(', '.join(models))}</p>"
              "</header>\n")
    step = STEP_WORD.get(story.kind, "Picture")
    for turn in versions:
        scenes = [e for e in story.entries if e.item.turn == turn]
        lead = scenes[0].item
        title = titles.get(lead.conversation_id or "")
        out.write(f"<section class=\"version\"><h2>Version {turn + 1}</h2>"
                  f"<p class=\"muted\">{esc(when(lead.created_at))}</p>")
        if said := follow_up(lead, title):
            out.write(f"<p class=\"follow\">Asked for: {esc(said)}</p>")
        out.write(prompt_fold(lead, title) + "\n")
        for n, entry in enumerate(scenes, start=1):
            item, src = entry.item, esc("../" + entry.file)
            out.write("<section class=\"scene\">")
            if item.text:
                out.write(render_markdown(item.text))
            out.write(f"<figure><a href=\"{src}\"><img src=\"{src}\" alt=\"{esc(step)} {n}: "
                      f"{esc(headline(item, title)[:160])}\"></a><figcaption class=\"muted\">"
                      f"{esc(step)} {n} · {meta_line(item)}</figcaption></figure></section>\n")
        out.write(grounding_section(scenes[-1].item.grounding))  # the version's searches
        out.write("</section>\n")
    out.write("</div></body></html>\n")
