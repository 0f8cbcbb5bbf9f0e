"""Recipes: the dish, its ingredient table scaled to the servings asked for,
dietary substitutions, and the numbered steps."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from .recipe_book import ALIASES, RECIPES, STEP_WORDS, SUBSTITUTES, Ingredient, Recipe, ingredient
from .stories import NUMBER_WORDS

RECIPE_RE = re.compile(r"\b(?:recipes?|dish|cook(?:ing)?|bake|baking|meal|how to make)\b", re.I)
DIET_RE = re.compile(r"\b(vegan|vegetarian|gluten[\s-]?free|dairy[\s-]?free)\b", re.I)
_N = r"(\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)"
SERVINGS_RE = re.compile(
    rf"\bfor\s+{_N}(?:\s+(?:people|persons|servings|guests|adults|kids|friends))?\b|\b{_N}\s+(?:servings|portions|people)\b|\bserves\s+{_N}\b",
    re.I,
)


_KEY_RE = re.compile(
    r"\b(" + "|".join(sorted([*RECIPES, *ALIASES], key=len, reverse=True)) + r")\b", re.I
)


def find_recipe(text: str) -> tuple[Recipe, str]:
    """The recipe the text asks for (a generic one for unknown dishes) and its dish key."""
    m = _KEY_RE.search(text)
    if m:
        key = ALIASES.get(m.group(1).lower(), m.group(1).lower())
        return RECIPES[key], key
    dish = "house special"
    if d := re.search(
        r"\b(?:recipe for|how to (?:make|cook|bake)|cook|bake)\s+(?:a|an|some|the)?\s*([a-z][a-z\s-]{2,30}?)(?=\s+(?:for|with|that)\b|[.,!?]|$)",
        text,
        re.I,
    ):
        dish = d.group(1).strip().lower()
    main = dish.split()[-1]
    return Recipe(
        dish.title(),
        4,
        (
            ingredient(main.capitalize(), 500, "g"),
            ingredient("Olive oil", 2, "tbsp"),
            ingredient("Onion", 1),
            ingredient("Garlic cloves", 2),
            ingredient("Salt", 1, "tsp"),
            ingredient("Black pepper", 0.5, "tsp"),
        ),
        (
            f"Prepare the {main}: wash, trim and cut it into even pieces.",
            "Warm the olive oil and gently soften the onion and garlic.",
            f"Add the {main} and cook, stirring now and then, until done.",
            "Season with salt and pepper, then plate up and serve.",
        ),
    ), dish


def servings(text: str) -> int | None:
    found = SERVINGS_RE.findall(text)
    if not found:
        return None
    word = next(g for g in found[-1] if g).lower()
    n = int(word) if word.isdigit() else NUMBER_WORDS[word]
    return max(1, min(100, n))


def diets(text: str) -> list[str]:
    out: list[str] = []
    for m in DIET_RE.finditer(text):
        d = re.sub(r"[\s-]+", "-", m.group(1).lower())
        if d not in out:
            out.append(d)
    return out


def adapt(recipe: Recipe, serves: int | None, diet: list[str]) -> Recipe:
    factor = (serves or recipe.serves) / recipe.serves
    items = []
    for ing in recipe.ingredients:
        name = ing.name
        for d in diet:
            for frag, sub in SUBSTITUTES.get(d, {}).items():
                if frag in name.lower():
                    name = sub
                    break
        items.append(replace(ing, name=name, qty=ing.qty * factor))
    prefix = " ".join(
        d.replace("-", " ")
        .title()
        .replace("Gluten Free", "Gluten-Free")
        .replace("Dairy Free", "Dairy-Free")
        for d in diet
    )
    return Recipe(
        f"{prefix} {recipe.title}".strip(), serves or recipe.serves, tuple(items), recipe.steps
    )


def quantity(ing: Ingredient) -> str:
    if ing.qty <= 0:
        return "to taste"
    q = ing.qty
    q = round(q) if q >= 10 else max(0.25, round(q * 4) / 4)
    return f"{q:g} {ing.unit}".strip()


def intro_markdown(recipe: Recipe, diet: list[str]) -> str:
    rows = "\n".join(f"| {i.name} | {quantity(i)} |" for i in recipe.ingredients)
    note = f" Adapted to be {' and '.join(diet)}." if diet else ""
    return f"### {recipe.title}\n\nServes {recipe.serves}.{note}\n\n| Ingredient | Quantity |\n|---|---|\n{rows}"


def step_texts(recipe: Recipe, diet: Sequence[str] = ()) -> list[str]:
    out = []
    for k, step in enumerate(recipe.steps[:6]):
        for d in diet:
            words = STEP_WORDS.get(d, {})
            if words:
                pattern = re.compile(
                    r"(?<![-\w])(" + "|".join(sorted(words, key=len, reverse=True)) + r")\b"
                )
                step = pattern.sub(lambda m, words=words: words[m.group(1)], step)
        out.append(f"**Step {k + 1}.** {step}")
    return out
