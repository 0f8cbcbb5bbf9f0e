"""Decks for presenter mode: a collection, a story version or an experiment's winners, as
slides of one image each with a caption in the user's own words."""

from __future__ import annotations

from dataclasses import dataclass

from studio.gallery.records import GalleryFilter, GalleryItem
from studio.gallery.store import GalleryStore
from studio.making.turns import Turn

COLLECTION, STORY, EXPERIMENT = "collection", "story", "experiment"
PAGE_NAMES = {"story": "Story", "edit": "Editing", "recipe": "Recipe", "text": "Text rendering",
              "lab": "Prompt Lab"}


@dataclass(frozen=True)
class Slide:
    item_id: str
    heading: str  # where it stands: "Scene 2", "Recipe · step 3", a Lab cell's model
    caption: str  # in the user's words (Markdown from the model or the user)


@dataclass(frozen=True)
class Deck:
    title: str
    subtitle: str
    slides: tuple[Slide, ...]


def user_words(item: GalleryItem) -> str:
    """What the user typed for it (the premise, dish, headline, edit instruction), never
    the engineered prompt the page sent, unless that is all there is."""
    inputs = item.settings.get("inputs")
    if isinstance(inputs, dict):
        for value in inputs.values():
            if isinstance(value, str) and value.strip():
                return value.strip()
    return item.prompt.strip()


def caption_of(item: GalleryItem) -> str:
    """A story scene or recipe step is captioned by its own text; anything else by what
    the user asked for."""
    if item.page in ("story", "recipe") and item.text.strip():
        return item.text.strip()
    return user_words(item)


def _heading(item: GalleryItem) -> str:
    page = PAGE_NAMES.get(item.page, item.page.title())
    return f"{page} · {item.created_at[:10]}"


def collection_deck(store: GalleryStore, collection_id: str) -> Deck | None:
    collection = store.collections.get(collection_id)
    if collection is None:
        return None
    items = [store.get(i) for i in collection.item_ids]
    slides = tuple(Slide(i.id, _heading(i), caption_of(i)) for i in items if i is not None)
    audience = f"For {collection.audience}" if collection.audience else ""
    return Deck(collection.name, audience, slides)


def story_turns(store: GalleryStore, conversation_id: str) -> tuple[str, list[Turn]]:
    """(title, turns) of a saved story or recipe conversation; ([], "") when gone."""
    record = store.conversation_record(conversation_id)
    if record is None:
        return "", []
    return str(record.get("title") or ""), [Turn.from_json(t) for t in record["transcript"]]


def story_deck(store: GalleryStore, conversation_id: str, version: int | None = None) -> Deck | None:
    """One version of a story (1 = as first told; None = the latest), a slide per scene."""
    title, turns = story_turns(store, conversation_id)
    if not turns:
        return None
    number = len(turns) if version is None else max(1, min(version, len(turns)))
    turn = turns[number - 1]
    scenes = [(texts, item_id) for texts, item_id in turn.sections() if item_id]
    slides = tuple(Slide(item_id, f"Scene {n}", "\n\n".join(t.strip() for t in texts).strip())
                   for n, (texts, item_id) in enumerate(scenes, 1))
    subtitle = f"Version {number} of {len(turns)}"
    if number > 1:
        subtitle += f" · “{turn.instruction.strip()}”"
    return Deck(title or (turns[0].instruction.strip() or "Story"), subtitle, slides)


def experiment_deck(store: GalleryStore, experiment_id: str, name: str = "") -> Deck:
    """The winners of a Prompt Lab experiment: its images marked favourite, oldest first."""
    items = store.query(GalleryFilter(tags=[f"experiment:{experiment_id}"], favourite=True),
                        limit=500, order="oldest")
    slides = tuple(Slide(i.id, " · ".join(x for x in (i.model, i.aspect_ratio or "") if x),
                         user_words(i)) for i in items)
    return Deck(name or "Experiment", "Winners of the Prompt Lab", slides)
