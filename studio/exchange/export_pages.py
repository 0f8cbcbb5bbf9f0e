"""Which story and recipe pages an export gets, and titles that tell them apart.

Five stories told from the same premise must not share one title: each title is the
user's words plus the day it was made, then the time where the day is not enough, then
a number where even that is shared.
"""

from __future__ import annotations

from collections import Counter

from studio.exchange.export_html import ExportEntry, StoryPage, when
from studio.exchange.filenames import short_id, slugify
from studio.making.wording import capital, words_of

STORY_PAGES = {"story": "stories", "recipe": "recipes"}


def _unique_titles(stories: list[StoryPage], made: dict[int, str]) -> None:
    def numbered(titles: list[str]) -> list[str]:
        seen: Counter[str] = Counter()
        out = []
        for t in titles:
            seen[t] += 1
            out.append(t if seen[t] == 1 else f"{t} ({seen[t]})")
        return out

    titles = [f"{s.subject} · {when(made[id(s)], time=False)}" for s in stories]
    counts = Counter(titles)
    titles = [f"{s.subject} · {when(made[id(s)])}" if counts[t] > 1 else t
              for s, t in zip(stories, titles, strict=True)]
    for story, title in zip(stories, numbered(titles), strict=True):
        story.title = title


def story_pages(entries: list[ExportEntry], titles: dict[str, str]) -> list[StoryPage]:
    """One page per story or recipe conversation, its entries in reading order."""
    groups: dict[str, StoryPage] = {}
    made: dict[int, str] = {}
    for entry in entries:
        item = entry.item
        if item.page not in STORY_PAGES:
            continue
        key = item.conversation_id or item.id
        if key not in groups:
            subject = capital(words_of(item, titles.get(key)).subject)
            file = f"{STORY_PAGES[item.page]}/{slugify(subject, 50, item.page)}-{short_id(key)}.html"
            groups[key] = StoryPage(item.page, subject, file, subject=subject)
            made[id(groups[key])] = item.created_at
        groups[key].entries.append(entry)
    used: set[str] = set()
    for story in groups.values():
        story.entries.sort(key=lambda e: (e.item.turn, e.item.position, e.item.created_at))
        while story.file in used:  # two slugs + short ids colliding: vanishingly rare
            story.file = story.file.replace(".html", "-2.html")
        used.add(story.file)
    pages = list(groups.values())
    _unique_titles(pages, made)
    return pages
