from __future__ import annotations

import json
import re
from pathlib import Path

from studio.gemini.catalog import CATALOG_PATH, load_catalog

ROOT = Path(__file__).resolve().parents[2]


def test_catalog_lists_the_default_image_models() -> None:
    ids = load_catalog().ids()
    for model in ("gemini-2.5-flash-image", "gemini-3-pro-image", "gemini-3.1-flash-image"):
        assert model in ids


def test_image_size_is_offered_only_where_the_model_supports_it() -> None:
    catalog = load_catalog()
    assert not catalog.get("gemini-2.5-flash-image").supports_image_size
    assert "4K" in catalog.get("gemini-3-pro-image").image_sizes


def test_unknown_ids_are_allowed_with_a_generic_entry() -> None:
    info = load_catalog().get("gemini-9-ultra-image-experimental")
    assert info.id == "gemini-9-ultra-image-experimental"
    assert not info.known
    assert "1:1" in info.aspect_ratios


def test_dated_variant_inherits_its_family() -> None:
    info = load_catalog().get("gemini-3-pro-image-preview-11-2025")
    assert info.known and info.image_sizes == load_catalog().get("gemini-3-pro-image").image_sizes


def test_live_list_is_merged_without_duplicates_and_only_image_models() -> None:
    catalog = load_catalog().merged_with(
        ["gemini-2.5-flash-image", "gemini-4-flash-image", "text-embedding-004"])
    ids = catalog.ids()
    assert ids.count("gemini-2.5-flash-image") == 1
    assert "gemini-4-flash-image" in ids
    assert "text-embedding-004" not in ids


def test_pixels_follow_aspect_ratio_and_size() -> None:
    catalog = load_catalog()
    assert catalog.pixels("1:1", "1K") == (1024, 1024)
    assert catalog.pixels("16:9", "2K") == (2688, 1536)
    assert catalog.pixels("9:16", None) == (768, 1344)


def test_cost_estimate_prices_images_by_size() -> None:
    info = load_catalog().get("gemini-2.5-flash-image")
    cost = info.estimate_cost(prompt_tokens=0, output_tokens=1290, images=1, image_size=None)
    assert abs(cost - 0.0387) < 1e-4


def test_no_model_id_is_named_outside_the_catalog() -> None:
    ids = json.loads(CATALOG_PATH.read_text())["models"]
    pattern = re.compile("|".join(re.escape(m["id"]) for m in ids))
    offenders = []
    for folder in ("studio", "components", "pages"):
        for path in (ROOT / folder).rglob("*.py"):
            # the emulator keeps its own table of what the fake API accepts, on purpose: the
            # app's requests are checked against it, not against themselves
            if "emulator" in path.relative_to(ROOT).parts:
                continue
            if pattern.search(path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert (ROOT / "app.py").read_text().find("gemini-") == -1
    assert offenders == []


def test_the_catalog_and_the_emulator_agree_on_what_a_request_may_carry() -> None:
    # two independent tables of the same API facts: a mistake in either shows here
    from studio.emulator.models import DEFAULT_MODELS, spec_for

    for info in load_catalog().models:
        spec = spec_for(DEFAULT_MODELS, info.id)
        assert (info.input_token_limit, info.input_image_tokens) == \
            (spec.input_token_limit, spec.input_image_tokens), info.id
        assert info.thinking == spec.thinking, info.id
        assert set(info.aspect_ratios) <= set(spec.aspect_ratios), info.id
        assert set(info.image_sizes) <= set(spec.image_sizes or ()), info.id
