"""The text an image's PNG carries about itself (prompt, model, page, settings), so a file
that loses its row can be re-indexed from the file alone (studio/gallery/doctor.py)."""

from __future__ import annotations

import json

from studio.gallery.records import NewItem
from studio.gallery.scrub import sanitize_settings

SOFTWARE = "Image Studio"


def item_texts(meta: NewItem) -> dict[str, str]:
    settings = {
        "engine": meta.engine, "aspect_ratio": meta.aspect_ratio,
        "image_size": meta.image_size, "seed": meta.seed, "temperature": meta.temperature,
    }
    settings = {k: v for k, v in settings.items() if v is not None}
    settings.update(sanitize_settings(meta.settings))
    return {
        "Software": SOFTWARE, "prompt": meta.prompt, "model": meta.model, "page": meta.page,
        "settings": json.dumps(settings, ensure_ascii=False, sort_keys=True, default=str),
    }
