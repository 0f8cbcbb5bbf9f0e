"""The prompt library's store: a JSON file beside the gallery, written atomically."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from studio.lab.experiment import Experiment
from studio.making.prompt_library import PromptLibrary, PromptLibraryError, curated_prompts


def test_a_prompt_of_the_same_name_is_replaced_and_keeps_its_id(tmp_path: Path):
    library = PromptLibrary(tmp_path)
    first = library.save("Poster", "A poster that says {word}", page="lab",
                         values={"word": ["OPEN", "SALE"], "unused": ["x"]})
    assert first.values == {"word": ["OPEN", "SALE"]}, "values of variables it does not use go"
    second = library.save("poster", "A flyer that says {word}", page="lab")
    assert second.id == first.id
    assert [p.text for p in library.mine()] == ["A flyer that says {word}"]
    assert library.delete(first.id) and library.mine() == []
    assert not library.delete(first.id)


def test_page_fields_are_kept_only_for_the_page_that_has_them(tmp_path: Path):
    saved = PromptLibrary(tmp_path).save(
        "Tart", "a {fruit} tart", page="recipe",
        fields={"recipe_servings": 8, "recipe_diets": ["vegan"], "story_style": "watercolour"})
    assert saved.fields == {"recipe_servings": 8, "recipe_diets": ["vegan"]}
    assert "for 8 servings, vegan" in saved.model_prompt()
    assert saved.filled({"fruit": "lemon"}).text == "a lemon tart"
    assert saved.filled({"fruit": ""}).text == "a {fruit} tart", "an empty value fills nothing"


def test_a_curated_text_prompt_fills_into_lab_cells_like_a_row(tmp_path: Path):
    invitation = next(p for p in curated_prompts() if p.id == "curated-text-invitation")
    experiment = Experiment(name="x", prompts=[invitation.model_prompt()],
                            variables=invitation.values, models=["m"])
    cells = experiment.cells()
    assert len(cells) == 4  # two names x two occasions, one date and one place
    assert 'Details: "Saturday 12 December, 7 pm · The Glasshouse' in cells[0].prompt
    assert "{" not in cells[0].prompt


def test_saves_from_many_sessions_at_once_all_land(tmp_path: Path):
    library = PromptLibrary(tmp_path)
    threads = [threading.Thread(target=lambda i=i: PromptLibrary(tmp_path).save(
        f"Prompt {i}", f"text {i}", page="story")) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(library.mine()) == 12
    assert not list(tmp_path.glob(".tmp-*")), "no temporary file is left behind"


def test_limits_give_a_sentence(tmp_path: Path):
    library = PromptLibrary(tmp_path)
    with pytest.raises(PromptLibraryError, match="name"):
        library.save(" ", "text", page="story")
    with pytest.raises(PromptLibraryError, match="at most"):
        library.save("Long", "x" * 5000, page="story")
    (tmp_path / "prompts.json").write_text(json.dumps([{"name": 3}, {"name": "ok", "text": "t"}]))
    assert [p.name for p in library.mine()] == ["ok"], "a bad record hides itself only"
