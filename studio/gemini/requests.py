"""The request config: ask only for what the chosen model supports."""

from __future__ import annotations

from google.genai import types

from studio.gemini.catalog import ModelInfo
from studio.gemini.grounding import search_tools
from studio.gemini.settings import GenerationSettings


def build_config(
    settings: GenerationSettings,
    info: ModelInfo,
    *,
    system_instruction: str | None = None,
    aspect_ratio: bool = True,
) -> types.GenerateContentConfig:
    """A config for `info`'s model; `aspect_ratio=False` lets an edit keep its image's shape.
    The Google Search tool goes only to a model the catalog says grounds (see grounding.py)."""
    ratio = settings.aspect_ratio if aspect_ratio else None
    image_config = types.ImageConfig(
        aspect_ratio=ratio if ratio in info.aspect_ratios else None,
        image_size=settings.image_size if settings.image_size in info.image_sizes else None,
    )
    level = settings.thinking_level if settings.thinking_level in info.thinking_levels else None
    show = info.thinking and settings.include_thoughts
    thinking = (
        types.ThinkingConfig(include_thoughts=True if show else None,
                             thinking_level=types.ThinkingLevel(level.upper()) if level else None)
        if show or level
        else None
    )
    return types.GenerateContentConfig(
        response_modalities=["TEXT", "IMAGE"],
        image_config=image_config,
        temperature=settings.temperature,
        seed=settings.seed,
        thinking_config=thinking,
        system_instruction=system_instruction,
        tools=search_tools(settings.grounding, info),
    )
