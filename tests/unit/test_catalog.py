from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from google.genai import types

from studio.gemini.catalog import CATALOG_PATH, closest_ratio, load_catalog, parse_catalog
from studio.gemini.requests import build_config
from studio.gemini.settings import GenerationSettings

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


def test_every_model_says_what_it_is_for_what_it_costs_and_how_it_grounds() -> None:
    from studio.gemini.catalog import GROUNDING

    for info in load_catalog().models:
        assert info.description, info.id
        assert info.grounding in GROUNDING, info.id
        for size in info.image_sizes or (None,):
            assert 0.001 < info.price_per_image(size) < 1.0, (info.id, size)
        assert info.price_line().startswith("$"), info.id


def test_flash_lite_image_is_listed_at_1k_only_with_14_references_and_no_grounding() -> None:
    lite = load_catalog().get("gemini-3.1-flash-lite-image")
    assert lite.known and lite.image_sizes == ("1K",)
    assert lite.max_reference_images == 14 and lite.grounding == "none"
    assert "(estimate)" in lite.price_line(), "an unconfirmed price says so"


def test_price_per_image_is_tokens_times_the_image_rate() -> None:
    flash = load_catalog().get("gemini-3.1-flash-image")
    assert flash.price_per_image("4K") == pytest.approx(2520 * 60.0 / 1e6)
    assert flash.price_line() == "$0.045–0.151/image (512–4K)"


def test_thinking_levels_are_the_sdk_names_and_only_for_thinking_models() -> None:
    names = {level.value.lower() for level in types.ThinkingLevel}
    for info in load_catalog().models:
        assert set(info.thinking_levels) <= names, info.id
        assert not info.thinking_levels or info.thinking, info.id
    assert load_catalog().get("gemini-3.1-flash-image").thinking_levels
    assert not load_catalog().get("gemini-2.5-flash-image").thinking_levels


def test_a_model_near_or_past_its_shutdown_is_flagged() -> None:
    info = replace(load_catalog().get("gemini-3-pro-image"), shutdown=date(2026, 6, 30))
    assert info.shutdown_notice(date(2026, 5, 1)) is None
    assert "in 10 day(s)" in (info.shutdown_notice(date(2026, 6, 20)) or "")
    assert "Shut down on 30 June 2026" in (info.shutdown_notice(date(2026, 7, 1)) or "")
    data = json.loads(CATALOG_PATH.read_text())
    data["models"][0]["shutdown"] = "2026-06-30"
    assert parse_catalog(data).models[0].shutdown == date(2026, 6, 30)


def test_ids_the_catalog_does_not_know_are_labelled_so() -> None:
    merged = load_catalog().merged_with(["gemini-4-flash-image"])
    assert merged.get("gemini-4-flash-image").label == "gemini-4-flash-image (not in catalog)"
    assert "(not in catalog)" not in merged.get("gemini-3-pro-image-preview-11").label


@pytest.mark.parametrize(("wanted", "expected"), [("8:1", "21:9"), ("1:8", "9:16"),
                                                  ("16:9", "16:9"), ("4:1", "21:9")])
def test_the_closest_offered_ratio_keeps_the_shape(wanted, expected) -> None:
    offered = load_catalog().get("gemini-2.5-flash-image").aspect_ratios
    assert closest_ratio(wanted, offered) == expected


def test_the_thinking_level_reaches_the_request_only_where_the_model_takes_it() -> None:
    catalog = load_catalog()
    settings = GenerationSettings(model="gemini-3.1-flash-image", thinking_level="high")
    config = build_config(settings, catalog.get("gemini-3.1-flash-image"))
    assert config.thinking_config.thinking_level == types.ThinkingLevel.HIGH
    assert settings.to_record()["thinking_level"] == "high"
    other = build_config(replace(settings, model="gemini-2.5-flash-image"),
                         catalog.get("gemini-2.5-flash-image"))
    assert other.thinking_config is None


def test_3_pro_image_thinks_at_a_fixed_level_and_31_flash_takes_minimal_or_high() -> None:
    # The image-generation docs give a thinking level to 3.1 Flash Image only (minimal, its
    # default, or high); 3 Pro Image always thinks and takes none (low/high are the text
    # model's levels).
    catalog = load_catalog()
    pro = catalog.get("gemini-3-pro-image")
    assert pro.thinking and pro.thinking_levels == ()
    assert catalog.get("gemini-3.1-flash-image").thinking_levels == ("minimal", "high")
    config = build_config(GenerationSettings(model=pro.id, thinking_level="high"), pro)
    assert config.thinking_config is None or config.thinking_config.thinking_level is None
