"""Single-image pages: several variants of one prompt, made in parallel and kept."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from google import genai
from google.genai import types

from studio.gallery.records import GalleryItem
from studio.gallery.store import GalleryStore
from studio.gemini.calls import GenerationSettings, build_config, generate, run_variants
from studio.gemini.results import Result
from studio.making.keeping import Origin, record


@dataclass
class Variant:
    result: Result
    items: list[GalleryItem] = field(default_factory=list)


@dataclass
class Batch:
    id: str
    prompt: str
    variants: list[Variant]


def make_variants(
    client: genai.Client,
    store: GalleryStore,
    prompt: str,
    settings: GenerationSettings,
    *,
    page: str,
    engine: str,
    contents: Sequence[types.Part | str] | None = None,
    secrets: tuple[str | None, ...] = (),
    extra: dict[str, Any] | None = None,
) -> Batch:
    """Run `settings.variants` calls at once (seeds differ) and keep every image."""
    batch_id = uuid.uuid4().hex

    def one(index: int) -> Variant:
        variant_settings = settings.for_variant(index)
        result = generate(
            client, settings.model, list(contents or [prompt]), build_config(variant_settings),
            timeout_s=settings.timeout_s, secrets=secrets,
        )
        origin = Origin(page=page, prompt=prompt, engine=engine, conversation_id=batch_id,
                        turn=index, extra=dict(extra or {}))
        return Variant(result, record(store, result, variant_settings, origin))

    return Batch(batch_id, prompt, run_variants(one, settings.variants))
