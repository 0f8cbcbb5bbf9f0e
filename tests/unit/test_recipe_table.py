from __future__ import annotations

from studio.making.recipe_table import ingredient_rows, without_table


def test_markdown_table_becomes_rows_keyed_by_header() -> None:
    text = ("# Pancakes\n\n| Ingredient | Quantity |\n|---|---|\n| Flour | 200 g |\n"
            "| **Milk** | 300 ml |\n\nEnjoy.")
    assert ingredient_rows(text) == [
        {"Ingredient": "Flour", "Quantity": "200 g"},
        {"Ingredient": "Milk", "Quantity": "300 ml"},
    ]


def test_bullet_list_is_the_fallback() -> None:
    text = "Ingredients:\n- 2 eggs\n- 200 g flour\n- a pinch of salt\n\nStep 1"
    rows = ingredient_rows(text)
    assert rows[0] == {"Ingredient": "eggs", "Quantity": "2"}
    assert rows[1] == {"Ingredient": "flour", "Quantity": "200 g"}
    assert rows[2]["Ingredient"] == "a pinch of salt"


def test_text_without_ingredients_gives_no_rows() -> None:
    assert ingredient_rows("Just a paragraph about soup.") == []


def test_the_table_can_be_taken_out_of_the_text() -> None:
    text = "# Pancakes\n\n| Ingredient | Quantity |\n|---|---|\n| Flour | 200 g |\n\nEnjoy."
    assert without_table(text) == "# Pancakes\n\n\nEnjoy."
    assert without_table("no table") == "no table"
