"""Keep what a model made in the gallery: every image of a Result becomes an item."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from studio.gallery.records import GalleryItem, NewItem
from studio.gallery.store import GalleryStore
from studio.gemini.results import ImagePart, Result, TextPart
from studio.gemini.settings import GenerationSettings


@dataclass(frozen=True)
class Origin:
    """Where an answer came from: which page, prompt, conversation turn and parent image."""

    page: str
    prompt: str
    engine: str
    conversation_id: str | None = None
    turn: int = 0
    parent_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # page-specific context to keep
    tags: tuple[str, ...] = ()  # given to every image at once (e.g. its experiment)


def text_around(result: Result, image_index: int) -> str:
    """The text that introduces an image (its scene or step), else the text after it."""
    before: list[str] = []
    after: list[str] = []
    seen = -1
    for part in result.parts:
        if isinstance(part, ImagePart):
            seen += 1
            if seen == image_index:
                continue
            if seen > image_index:
                break
            before = []
        elif isinstance(part, TextPart):
            (after if seen >= image_index else before).append(part.text)
    return "\n\n".join(before or after).strip()


def _new_item(result: Result, index: int, settings: GenerationSettings,
              origin: Origin, done: dict[str, Any]) -> NewItem:
    return NewItem(
        **done,
        page=origin.page,
        prompt=origin.prompt,
        text=text_around(result, index),
        model=result.model_version or settings.model,
        engine=origin.engine,
        aspect_ratio=settings.aspect_ratio,
        image_size=settings.image_size,
        seed=settings.seed,
        temperature=settings.temperature,
        parent_id=origin.parent_id,
        conversation_id=origin.conversation_id,
        turn=origin.turn,
        position=index,
        settings={**settings.to_record(), **origin.extra},
        tags=list(origin.tags),
    )


def outcome(result: Result) -> dict[str, Any]:
    """What only the end of an answer tells: usage, cost per image, how it finished, and
    what Google Search grounding found."""
    images = max(1, len(result.images))
    return {
        "finish_reason": result.finish_reason or (result.error.kind if result.error else None),
        "prompt_tokens": result.usage.prompt_tokens,
        "output_tokens": result.usage.output_tokens,
        "total_tokens": result.usage.total_tokens,
        "latency_ms": round(result.latency_ms),
        "cost_usd": round(result.cost_usd / images, 6),  # this image's share
        # the queries, sources and entry point arrive with the answer's last chunk
        "grounding": result.grounding.to_record() if result.grounding else {},
    }


class Keeper:
    """Keeps each image the moment it arrives, so a stream cut off by a rerun, a stop or a
    killed server loses nothing already shown; `finish` adds usage once the answer ends."""

    def __init__(self, store: GalleryStore, settings: GenerationSettings, origin: Origin):
        self.store, self.settings, self.origin = store, settings, origin
        self.items: list[GalleryItem] = []

    def save_new(self, result: Result, done: dict[str, Any] | None = None) -> None:
        images = result.images
        for index in range(len(self.items), len(images)):
            image = images[index]
            meta = _new_item(result, index, self.settings, self.origin, done or {})
            self.items.append(self.store.add_image(image.data, image.mime, meta))

    def finish(self, result: Result) -> list[GalleryItem]:
        done = outcome(result)
        streamed = len(self.items)
        for item in self.items:  # saved before usage was known
            self.store.set_outcome(item.id, done)
        self.save_new(result, done)
        return [self.store.get(i.id) or i for i in self.items[:streamed]] + self.items[streamed:]


def keep_answer(
    store: GalleryStore, result: Result, settings: GenerationSettings, origin: Origin
) -> list[GalleryItem]:
    """Save every image of a finished `result` (even of a broken stream) with its context."""
    return Keeper(store, settings, origin).finish(result)
