"""Calling the model: request config, streamed and one-shot calls, parallel variants."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from google import genai
from google.genai import chats, types

from studio.gemini.catalog import Catalog, load_catalog
from studio.gemini.errors import classify
from studio.gemini.results import Result, ResultBuilder

MAX_VARIANTS = 4

OnUpdate = Callable[[Result], None]
T = TypeVar("T")


@dataclass(frozen=True)
class GenerationSettings:
    """What the sidebar sets for every page."""

    model: str
    aspect_ratio: str | None = "1:1"
    image_size: str | None = None
    variants: int = 1
    temperature: float | None = None
    seed: int | None = None
    include_thoughts: bool = True
    timeout_s: float = 120.0

    def for_variant(self, index: int) -> GenerationSettings:
        """Variant i differs by seed, so parallel calls do not return the same image."""
        if index == 0:
            return self
        seed = (self.seed if self.seed is not None else 0) + 1000 * index
        return replace(self, seed=seed)

    def as_record(self) -> dict[str, Any]:
        """The settings that go into the gallery and PNG metadata (no secrets here)."""
        return {
            "model": self.model,
            "aspect_ratio": self.aspect_ratio,
            "image_size": self.image_size,
            "temperature": self.temperature,
            "seed": self.seed,
        }


def build_config(
    settings: GenerationSettings,
    *,
    catalog: Catalog | None = None,
    system_instruction: str | None = None,
    aspect_ratio: bool = True,
) -> types.GenerateContentConfig:
    """A request config that only asks for what the model supports."""
    info = (catalog or load_catalog()).get(settings.model)
    ratio = settings.aspect_ratio if aspect_ratio else None
    image_config = types.ImageConfig(
        aspect_ratio=ratio if ratio in info.aspect_ratios else None,
        image_size=settings.image_size if settings.image_size in info.image_sizes else None,
    )
    thinking = (
        types.ThinkingConfig(include_thoughts=True)
        if info.thinking and settings.include_thoughts
        else None
    )
    return types.GenerateContentConfig(
        response_modalities=["TEXT", "IMAGE"],
        image_config=image_config,
        temperature=settings.temperature,
        seed=settings.seed,
        thinking_config=thinking,
        system_instruction=system_instruction,
    )


def _collect(
    model: str,
    chunks: Callable[[], Any],
    on_update: OnUpdate | None,
    timeout_s: float | None,
    secrets: tuple[str | None, ...],
) -> Result:
    """Run a call, folding each chunk into a Result; failures become `result.error`."""
    builder = ResultBuilder(model)
    started = time.perf_counter()
    try:
        answer = chunks()
        for chunk in answer if not isinstance(answer, types.GenerateContentResponse) else [answer]:
            if builder.add(chunk) and on_update is not None:
                on_update(builder.result)
    except Exception as exc:  # every failure is shown as a message, never a traceback
        builder.result.error = classify(exc, model=model, timeout_s=timeout_s, secrets=secrets)
    builder.result.latency_ms = (time.perf_counter() - started) * 1000
    return builder.result


def send_in_chat(
    chat: chats.Chat,
    message: Sequence[types.Part | str] | str,
    config: types.GenerateContentConfig,
    *,
    model: str,
    on_update: OnUpdate | None = None,
    timeout_s: float | None = None,
    secrets: tuple[str | None, ...] = (),
) -> Result:
    """Send one chat turn, streaming. The Chat keeps the model's parts unchanged, thought
    signatures included, and records the turn only if the answer completed."""
    return _collect(
        model,
        lambda: chat.send_message_stream(list(message) if not isinstance(message, str)
                                         else message, config=config),
        on_update,
        timeout_s,
        secrets,
    )


def generate(
    client: genai.Client,
    model: str,
    contents: Sequence[types.Part | str] | str,
    config: types.GenerateContentConfig,
    *,
    stream: bool = False,
    on_update: OnUpdate | None = None,
    timeout_s: float | None = None,
    secrets: tuple[str | None, ...] = (),
) -> Result:
    """One stateless call, streamed or not."""
    call = client.models.generate_content_stream if stream else client.models.generate_content
    return _collect(
        model,
        lambda: call(model=model, contents=contents, config=config),  # type: ignore[arg-type]
        on_update,
        timeout_s,
        secrets,
    )


def run_variants(make: Callable[[int], T], count: int) -> list[T]:
    """Run `count` independent calls at once: image models refuse candidateCount > 1."""
    count = max(1, min(MAX_VARIANTS, count))
    if count == 1:
        return [make(0)]
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="variant") as pool:
        return list(pool.map(make, range(count)))
