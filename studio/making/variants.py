"""Single-image pages: several variants of one prompt, made in parallel and kept."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from google import genai
from google.genai import types

from studio.gallery.records import GalleryItem
from studio.gallery.store import GalleryStore
from studio.gemini.calls import generate, run_variants
from studio.gemini.catalog import Catalog
from studio.gemini.requests import build_config
from studio.gemini.results import ImagePart, Result
from studio.gemini.settings import GenerationSettings
from studio.making.keeping import Origin, keep_answer
from studio.making.turns import AnswerFacts


@dataclass
class Variant:
    result: Result
    facts: AnswerFacts
    items: list[GalleryItem] = field(default_factory=list)
    review: dict[str, Any] | None = None  # what `review` found in the image, kept with it


@dataclass
class VariantSet:
    """The variants of one prompt, made together; `id` groups them in the gallery."""

    id: str
    prompt: str
    variants: list[Variant]

    def without_image_bytes(self) -> VariantSet:
        """What a page keeps in its session: the gallery items (ids and metadata), text,
        facts and reviews. The images stay in the gallery and are read from it when shown."""
        return VariantSet(self.id, self.prompt, [
            replace(v, result=replace(v.result, parts=[
                p for p in v.result.parts if not isinstance(p, ImagePart)]))
            for v in self.variants])


def make_variants(
    client: genai.Client,
    store: GalleryStore,
    catalog: Catalog,
    prompt: str,
    settings: GenerationSettings,
    *,
    page: str,
    engine: str,
    contents: Sequence[types.Part | str] | None = None,
    secrets: tuple[str | None, ...] = (),
    extra: dict[str, Any] | None = None,
    review: Callable[[bytes], dict[str, Any]] | None = None,
    review_key: str = "review",
) -> VariantSet:
    """Run `settings.variants` calls at once (seeds differ) and keep every image.

    `review` (e.g. proofreading) reads each variant's first image in its own worker, before
    it is kept, so its finding is stored with the image under settings[review_key]."""
    set_id = uuid.uuid4().hex
    info = catalog.get(settings.model)

    def one(index: int) -> Variant:
        variant_settings = settings.for_variant(index)
        result = generate(client, variant_settings, info, list(contents or [prompt]),
                          build_config(variant_settings, info), secrets=secrets)
        kept = dict(extra or {})
        found = review(result.images[0].data) if review and result.images else None
        if found is not None:
            kept[review_key] = found
        origin = Origin(page=page, prompt=prompt, engine=engine, conversation_id=set_id,
                        turn=index, extra=kept)
        return Variant(result, AnswerFacts.of(result, variant_settings, engine),
                       keep_answer(store, result, variant_settings, origin), found)

    return VariantSet(set_id, prompt, run_variants(one, settings.variants))
