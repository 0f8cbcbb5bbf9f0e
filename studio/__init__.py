"""Image Studio core: talk to Gemini (or its offline emulator), keep what it makes, share it.

Plain Python: nothing in this package imports streamlit. The names here are the stable
surface that the app, the tests, the benchmarks and the CLI use:

    import studio
    client = studio.offline_client()                  # or studio.gemini_client(api_key)
    catalog = studio.load_catalog()
    settings = studio.GenerationSettings(model=catalog.default_model, variants=2)
    with studio.GalleryStore("my-gallery") as gallery:
        made = studio.make_variants(client, gallery, catalog, "A lighthouse at dusk",
                                    settings, page="text", engine=studio.OFFLINE)
        studio.export_zip(gallery, None, "lighthouse.zip")
"""

from __future__ import annotations

from studio.exchange.export_zip import ExportReport, export_zip
from studio.exchange.import_zip import ImportLimits, ImportReport, ZipRejected, import_zip
from studio.exchange.slides import Deck, Slide, collection_deck, experiment_deck, story_deck
from studio.gallery.collections import Collection, CollectionError
from studio.gallery.comparing import settings_table, split_view, word_diff
from studio.gallery.records import GalleryFilter, GalleryItem, NewItem
from studio.gallery.store import GalleryStore
from studio.gemini.calls import OnUpdate, generate, run_variants, send_in_chat
from studio.gemini.catalog import Catalog, ModelInfo, load_catalog
from studio.gemini.clients import GEMINI, OFFLINE, NetworkSettings, gemini_client
from studio.gemini.errors import StudioError
from studio.gemini.offline import offline_client, offline_emulator
from studio.gemini.requests import build_config
from studio.gemini.results import ImagePart, Result, TextPart, ThoughtPart, Usage
from studio.gemini.settings import MAX_VARIANTS, GenerationSettings
from studio.making.attachments import Attachment, keep_upload
from studio.making.chat import PageChat, TooManyReferences
from studio.making.keeping import Keeper, Origin, keep_answer
from studio.making.turns import AnswerFacts, ImageRef, Turn
from studio.making.variants import Variant, VariantSet, make_variants

__all__ = [
    "GEMINI",
    "MAX_VARIANTS",
    "OFFLINE",
    "AnswerFacts",
    "Attachment",
    "Catalog",
    "Collection",
    "CollectionError",
    "Deck",
    "ExportReport",
    "GalleryFilter",
    "GalleryItem",
    "GalleryStore",
    "GenerationSettings",
    "ImagePart",
    "ImageRef",
    "ImportLimits",
    "ImportReport",
    "Keeper",
    "ModelInfo",
    "NetworkSettings",
    "NewItem",
    "OnUpdate",
    "Origin",
    "PageChat",
    "Result",
    "Slide",
    "StudioError",
    "TextPart",
    "ThoughtPart",
    "TooManyReferences",
    "Turn",
    "Usage",
    "Variant",
    "VariantSet",
    "ZipRejected",
    "build_config",
    "collection_deck",
    "experiment_deck",
    "export_zip",
    "gemini_client",
    "generate",
    "import_zip",
    "keep_answer",
    "keep_upload",
    "load_catalog",
    "make_variants",
    "offline_client",
    "offline_emulator",
    "run_variants",
    "send_in_chat",
    "settings_table",
    "split_view",
    "story_deck",
    "word_diff",
]
