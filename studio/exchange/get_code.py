"""'Get code': the google-genai Python that repeats the request behind a gallery image.

What a product manager hands an engineer: the model, the config and the contents, input
images read from files. The key is read from the environment, never written in.
"""

from __future__ import annotations

from typing import Any

from studio.gallery.records import GalleryItem
from studio.gemini.catalog import Catalog
from studio.gemini.requests import build_config
from studio.gemini.settings import GenerationSettings

# Nested config records and the SDK type each is written as.
_TYPES = {"image_config": "ImageConfig", "thinking_config": "ThinkingConfig"}


def _settings(item: GalleryItem) -> GenerationSettings:
    record = {**item.settings, "model": item.model or item.settings.get("model", "")}
    for name in ("aspect_ratio", "image_size", "seed", "temperature"):
        if getattr(item, name) is not None:
            record[name] = getattr(item, name)
    return GenerationSettings.from_record(record)


def _value(value: Any) -> str:
    if hasattr(value, "value") and not isinstance(value, str | int | float):  # an SDK enum
        return repr(value.value)
    return repr(value)


def _config_code(config: dict[str, Any], indent: str = "        ") -> str:
    lines = []
    for name, value in config.items():
        if name in _TYPES and isinstance(value, dict):
            inner = ", ".join(f"{k}={_value(v)}" for k, v in value.items())
            lines.append(f"{indent}{name}=types.{_TYPES[name]}({inner}),")
        else:
            lines.append(f"{indent}{name}={_value(value)},")
    return "\n".join(lines)


def code_for(item: GalleryItem, catalog: Catalog, *, inputs: list[tuple[str, str]] = ()
             ) -> str:
    """Python that repeats `item`'s request; `inputs` are (file name, mime) of input images
    in the order they were sent (an edit's source image first)."""
    settings = _settings(item)
    info = catalog.get(settings.model)
    config = build_config(settings, info).model_dump(exclude_none=True)
    parts = [f'    types.Part.from_bytes(data=open({name!r}, "rb").read(), mime_type={mime!r}),'
             for name, mime in inputs]
    parts.append(f"    {item.prompt!r},")
    when = item.created_at[:10]
    return f'''# Repeats the request behind an Image Studio image ({item.page} page, {when}).
# pip install google-genai; set GEMINI_API_KEY first.
import os

from google import genai
from google.genai import types

client = genai.Client(api_key=os.environ["GEMINI_API_KEY"])
contents = [
{chr(10).join(parts)}
]
response = client.models.generate_content(
    model={settings.model!r},
    contents=contents,
    config=types.GenerateContentConfig(
{_config_code(config)}
    ),
)
for n, part in enumerate(response.candidates[0].content.parts):
    if part.inline_data and not part.thought:
        with open(f"image-{{n}}.png", "wb") as out:
            out.write(part.inline_data.data)
        print(f"wrote image-{{n}}.png")
    elif part.text and not part.thought:
        print(part.text)
'''
