"""Which story and recipe pages an export gets, and titles that tell them apart.

Five stories told from the same premise must not share one title: each title is the
user's words plus the day it was made, then the time where the day is not enough, then
a number where even that is shared. The pages live in the export's spool (the `stories`
table), so the titles are made unique there, and each page is read back one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from studio.exchange.export_html import StoryPage, when
from studio.exchange.export_spool import STORY_PAGES, ExportSpool
from studio.exchange.filenames import short_id, slugify
from studio.making.wording import capital, words_of

__all__ = ["STORY_PAGES", "StoryLine", "spool_story_pages", "story_lines", "story_pages"]

# A title shared by earlier pages gets " (2)", " (3)"... in page order.
_NUMBER_SHARED_TITLES = """
UPDATE stories SET title = stories.title || ' (' || shared.n || ')'
FROM (SELECT n AS page, ROW_NUMBER() OVER (PARTITION BY title ORDER BY n) AS n FROM stories)
     AS shared
WHERE shared.page = stories.n AND shared.n > 1
"""


def spool_story_pages(spool: ExportSpool) -> int:
    """One page per story or recipe conversation (or lone item), in the order each was
    first met, with a unique file and title. Needs the conversations spooled (their
    titles name older items). Returns the number of pages."""
    firsts = spool.rows("SELECT story_key, MIN(seq) FROM entries WHERE story_key IS NOT NULL "
                        "GROUP BY story_key ORDER BY MIN(seq)")
    for key, seq in firsts:  # sorted before the first row: the inserts below cannot upset it
        entry = spool.entry(seq)
        assert entry is not None
        item = entry.item
        subject = capital(words_of(item, spool.title(key)).subject)
        file = f"{STORY_PAGES[item.page]}/{slugify(subject, 50, item.page)}-{short_id(key)}.html"
        while spool.value("SELECT 1 FROM stories WHERE file = ?", (file,)):
            file = file.replace(".html", "-2.html")  # two slugs + short ids colliding: rare
        spool.rows("INSERT INTO stories (key, kind, subject, file, day_title, time_title) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   (key, item.page, subject, file, f"{subject} · {when(item.created_at, time=False)}",
                    f"{subject} · {when(item.created_at)}"))
    spool.rows("UPDATE stories SET title = CASE WHEN (SELECT COUNT(*) FROM stories AS other "
               "WHERE other.day_title = stories.day_title) > 1 THEN time_title ELSE day_title END")
    spool.rows(_NUMBER_SHARED_TITLES)
    return int(spool.value("SELECT COUNT(*) FROM stories"))


@dataclass(frozen=True)
class StoryLine:
    """A story page as the cover's table of contents lists it."""

    key: str
    kind: str
    title: str
    file: str
    versions: int
    pictures: int


def story_lines(spool: ExportSpool) -> Iterator[StoryLine]:
    for row in spool.rows(
            "SELECT s.key, s.kind, s.title, s.file, COUNT(DISTINCT e.turn), COUNT(*) "
            "FROM stories AS s JOIN entries AS e ON e.story_key = s.key GROUP BY s.n ORDER BY s.n"):
        yield StoryLine(*row)


def story_pages(spool: ExportSpool) -> Iterator[StoryPage]:
    """Each story page with its entries in reading order, one page in memory at a time."""
    for line in story_lines(spool):
        subject = spool.value("SELECT subject FROM stories WHERE key = ?", (line.key,))
        page = StoryPage(line.kind, line.title, line.file, subject=subject)
        page.entries = list(spool.entries("story_key = ?", (line.key,),
                                          order="turn, position, created_at, seq"))
        yield page
