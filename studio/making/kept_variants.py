"""Variants made together, read back from the gallery: a reload or a link brings the text
page's latest results back from where they are kept, not from a browser session's memory.

The text page keeps each variant's image with the batch's id as its `conversation_id`, its
index as `turn`, the typed text under `settings["inputs"]` and the proofreading under
`settings["proofread"]`. A variant that made no image left nothing in the gallery, so it
does not come back.
"""

from __future__ import annotations

from itertools import groupby

from studio.gallery.records import GalleryFilter, GalleryItem
from studio.gallery.store import GalleryStore
from studio.gemini.results import Result, TextPart
from studio.gemini.settings import MAX_VARIANTS
from studio.making.prompts import TEXT_FORMATS, TEXT_STYLES, TextBrief
from studio.making.turns import AnswerFacts
from studio.making.variants import Variant, VariantSet

_MAX_ITEMS = MAX_VARIANTS * 8  # a variant may hold more than one image


def _variant(items: list[GalleryItem]) -> Variant:
    first = items[0]
    costs = [i.cost_usd for i in items if i.cost_usd is not None]
    result = Result(model=first.model, parts=[TextPart(first.text)] if first.text else [],
                    finish_reason=first.finish_reason, latency_ms=float(first.latency_ms or 0),
                    model_version=first.model, cost_usd=sum(costs))
    facts = AnswerFacts(model=first.model, engine=first.engine or "offline",
                        latency_ms=first.latency_ms or 0, prompt_tokens=first.prompt_tokens or 0,
                        output_tokens=first.output_tokens or 0,
                        total_tokens=first.total_tokens or 0,
                        cost_usd=round(sum(costs), 6) if costs else None,
                        finish_reason=first.finish_reason)
    review = first.settings.get("proofread")
    return Variant(result, facts, items, review if isinstance(review, dict) else None)


def brief_of(item: GalleryItem) -> TextBrief:
    """The text the user typed for this image, by role."""
    inputs = item.settings.get("inputs")
    inputs = inputs if isinstance(inputs, dict) else {}

    def typed(key: str, default: str = "") -> str:
        value = inputs.get(key)
        return value if isinstance(value, str) and value else default

    return TextBrief(format=typed("text_format", TEXT_FORMATS[0]),
                     headline=typed("text_headline", item.prompt), body=typed("text_body"),
                     details=typed("text_details"), style=typed("text_style", TEXT_STYLES[0]))


def text_results_from_gallery(store: GalleryStore, set_id: str
                              ) -> tuple[TextBrief, VariantSet] | None:
    """The brief and the variants of text-page batch `set_id`, or None when none is kept."""
    items = store.query(GalleryFilter(page="text", conversation_id=set_id), limit=_MAX_ITEMS)
    if not items:
        return None
    ordered = sorted(items, key=lambda i: (i.turn, i.position))
    variants = [_variant(list(group)) for _, group in groupby(ordered, key=lambda i: i.turn)]
    return brief_of(ordered[0]), VariantSet(set_id, ordered[0].prompt, variants)
