"""Variants: parallel calls, one per seed, every image kept and grouped."""

from __future__ import annotations

from pathlib import Path

from studio import (
    OFFLINE,
    GalleryFilter,
    GalleryStore,
    GenerationSettings,
    load_catalog,
    make_variants,
    offline_client,
)


def test_variants_run_as_separate_calls_with_different_seeds(tmp_path: Path) -> None:
    catalog = load_catalog()
    settings = GenerationSettings(model=catalog.default_model, variants=3, seed=7)
    with GalleryStore(tmp_path) as store:
        made = make_variants(offline_client(), store, catalog, "A poster that says OPEN",
                             settings, page="text", engine=OFFLINE)
        assert len(made.variants) == 3
        assert all(v.items and v.result.ok for v in made.variants)
        seeds = [v.items[0].seed for v in made.variants]
        assert seeds == [7, 1007, 2007]
        grouped = store.query(GalleryFilter(conversation_id=made.id))
        assert sorted(i.turn for i in grouped) == [0, 1, 2]
        assert all(v.facts.cost_usd and v.facts.cost_usd > 0 for v in made.variants)
        assert all(v.facts.engine == OFFLINE for v in made.variants)


def test_a_refused_prompt_is_reported_on_every_variant_and_nothing_is_kept(tmp_path: Path) -> None:
    catalog = load_catalog()
    settings = GenerationSettings(model=catalog.default_model, variants=2)
    with GalleryStore(tmp_path) as store:
        made = make_variants(offline_client(), store, catalog, "A sign [fault:block]",
                             settings, page="text", engine=OFFLINE)
        assert all(not v.items and v.result.message for v in made.variants)
        assert store.count() == 0
