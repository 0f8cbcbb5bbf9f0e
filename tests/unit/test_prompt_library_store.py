"""The prompt library's store: a row per prompt in the gallery's database (SQLite or
PostgreSQL; the import of old files and two servers at once: test_lab_and_prompts_storage.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import studio.making.prompt_library as prompt_library
from studio.gallery.store import GalleryStore
from studio.lab.experiment import Experiment
from studio.making.prompt_library import PromptLibrary, PromptLibraryError, curated_prompts

pytestmark = pytest.mark.usefixtures("database")


@pytest.fixture
def library(tmp_path: Path) -> Iterator[PromptLibrary]:
    with GalleryStore(tmp_path) as store:
        yield PromptLibrary(store)


def test_a_prompt_of_the_same_name_is_replaced_and_keeps_its_id(library: PromptLibrary):
    first = library.save("Poster", "A poster that says {word}", page="lab",
                         values={"word": ["OPEN", "SALE"], "unused": ["x"]})
    assert first.values == {"word": ["OPEN", "SALE"]}, "values of variables it does not use go"
    second = library.save("poster", "A flyer that says {word}", page="lab")
    assert second.id == first.id
    assert [p.text for p in library.mine()] == ["A flyer that says {word}"]
    assert library.delete(first.id) and library.mine() == []
    assert not library.delete(first.id)


def test_page_fields_are_kept_only_for_the_page_that_has_them(library: PromptLibrary):
    saved = library.save(
        "Tart", "a {fruit} tart", page="recipe",
        fields={"recipe_servings": 8, "recipe_diets": ["vegan"], "story_style": "watercolour"})
    assert saved.fields == {"recipe_servings": 8, "recipe_diets": ["vegan"]}
    assert "for 8 servings, vegan" in saved.model_prompt()
    assert saved.filled({"fruit": "lemon"}).text == "a lemon tart"
    assert saved.filled({"fruit": ""}).text == "a {fruit} tart", "an empty value fills nothing"
    assert library.get(saved.id) == saved, "read back as it was saved"


def test_a_curated_text_prompt_fills_into_lab_cells_like_a_row():
    invitation = next(p for p in curated_prompts() if p.id == "curated-text-invitation")
    experiment = Experiment(name="x", prompts=[invitation.model_prompt()],
                            variables=invitation.values, models=["m"])
    cells = experiment.cells()
    assert len(cells) == 4  # two names x two occasions, one date and one place
    assert 'Details: "Saturday 12 December, 7 pm · The Glasshouse' in cells[0].prompt
    assert "{" not in cells[0].prompt


def test_limits_give_a_sentence(library: PromptLibrary, monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(PromptLibraryError, match="name"):
        library.save(" ", "text", page="story")
    with pytest.raises(PromptLibraryError, match="at most"):
        library.save("Long", "x" * 5000, page="story")
    monkeypatch.setattr(prompt_library, "MAX_PROMPTS", 2)
    library.save("One", "one", page="story")
    library.save("Two", "two", page="story")
    with pytest.raises(PromptLibraryError, match="holds 2 prompts"):
        library.save("Three", "three", page="story")
    library.save("two", "replaced", page="story")  # a name it has is no new prompt
    assert sorted(p.text for p in library.mine()) == ["one", "replaced"]
