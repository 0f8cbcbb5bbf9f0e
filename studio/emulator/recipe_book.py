"""The dishes the emulator knows, and how each diet changes their ingredients."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ingredient:
    name: str
    qty: float  # 0 means "to taste"
    unit: str = ""


@dataclass(frozen=True)
class Recipe:
    title: str
    serves: int
    ingredients: tuple[Ingredient, ...]
    steps: tuple[str, ...]


def ingredient(name: str, qty: float, unit: str = "") -> Ingredient:
    return Ingredient(name, qty, unit)


RECIPES: dict[str, Recipe] = {
    "pancakes": Recipe(
        "Fluffy Pancakes",
        4,
        (
            ingredient("Plain flour", 200, "g"),
            ingredient("Whole milk", 300, "ml"),
            ingredient("Eggs", 2),
            ingredient("Butter", 30, "g"),
            ingredient("Sugar", 2, "tbsp"),
            ingredient("Baking powder", 2, "tsp"),
            ingredient("Salt", 0.25, "tsp"),
        ),
        (
            "Whisk the flour, sugar, baking powder and salt together in a large bowl.",
            "Beat the milk, eggs and melted butter together in a jug.",
            "Pour the wet ingredients into the dry ones and stir until just combined.",
            "Cook ladlefuls of batter in a hot, lightly greased pan until bubbles appear, then flip.",
            "Stack the pancakes and serve warm with your favourite toppings.",
        ),
    ),
    "soup": Recipe(
        "Creamy Tomato Soup",
        4,
        (
            ingredient("Olive oil", 2, "tbsp"),
            ingredient("Onion", 1),
            ingredient("Garlic cloves", 2),
            ingredient("Chopped tomatoes", 800, "g"),
            ingredient("Vegetable stock", 500, "ml"),
            ingredient("Double cream", 100, "ml"),
            ingredient("Salt and pepper", 0),
        ),
        (
            "Soften the chopped onion and garlic in the olive oil over a gentle heat.",
            "Add the tomatoes and stock and simmer for 20 minutes.",
            "Blend until smooth, then stir in the cream.",
            "Season to taste and serve piping hot.",
        ),
    ),
    "curry": Recipe(
        "Chicken Curry",
        4,
        (
            ingredient("Chicken thighs", 600, "g"),
            ingredient("Onion", 2),
            ingredient("Garlic cloves", 3),
            ingredient("Fresh ginger", 1, "tbsp"),
            ingredient("Curry powder", 2, "tbsp"),
            ingredient("Coconut milk", 400, "ml"),
            ingredient("Chopped tomatoes", 400, "g"),
            ingredient("Basmati rice", 300, "g"),
        ),
        (
            "Fry the onions until golden, then add the garlic and ginger.",
            "Stir in the curry powder and cook for a minute until fragrant.",
            "Add the chicken and brown it on all sides.",
            "Pour in the tomatoes and coconut milk and simmer for 25 minutes.",
            "Meanwhile, rinse and cook the rice.",
            "Serve the curry over the rice.",
        ),
    ),
    "pasta": Recipe(
        "Spaghetti Bolognese",
        4,
        (
            ingredient("Spaghetti", 400, "g"),
            ingredient("Beef mince", 500, "g"),
            ingredient("Onion", 1),
            ingredient("Carrot", 1),
            ingredient("Garlic cloves", 2),
            ingredient("Chopped tomatoes", 800, "g"),
            ingredient("Parmesan", 50, "g"),
            ingredient("Olive oil", 2, "tbsp"),
        ),
        (
            "Soften the onion, carrot and garlic in the olive oil.",
            "Add the mince and cook until browned.",
            "Pour in the tomatoes and simmer for 30 minutes.",
            "Cook the spaghetti in salted boiling water until al dente.",
            "Toss the pasta with the sauce and finish with grated parmesan.",
        ),
    ),
    "cake": Recipe(
        "Chocolate Cake",
        8,
        (
            ingredient("Plain flour", 225, "g"),
            ingredient("Cocoa powder", 50, "g"),
            ingredient("Caster sugar", 200, "g"),
            ingredient("Butter", 175, "g"),
            ingredient("Eggs", 3),
            ingredient("Whole milk", 150, "ml"),
            ingredient("Baking powder", 2, "tsp"),
        ),
        (
            "Heat the oven to 180°C and line a round cake tin.",
            "Cream the butter and sugar until pale and fluffy.",
            "Beat in the eggs one at a time.",
            "Fold in the flour, cocoa and baking powder, then the milk.",
            "Bake for 35 minutes, until a skewer comes out clean.",
            "Cool, slice and serve.",
        ),
    ),
    "cookies": Recipe(
        "Chocolate Chip Cookies",
        12,
        (
            ingredient("Butter", 115, "g"),
            ingredient("Brown sugar", 100, "g"),
            ingredient("Eggs", 1),
            ingredient("Plain flour", 180, "g"),
            ingredient("Chocolate chips", 150, "g"),
            ingredient("Baking soda", 0.5, "tsp"),
        ),
        (
            "Cream the butter and sugar, then beat in the egg.",
            "Stir in the flour, baking soda and chocolate chips.",
            "Scoop balls of dough onto a lined tray.",
            "Bake at 180°C for 10-12 minutes and cool on a rack.",
        ),
    ),
    "salad": Recipe(
        "Greek Salad",
        4,
        (
            ingredient("Tomatoes", 4),
            ingredient("Cucumber", 1),
            ingredient("Red onion", 0.5),
            ingredient("Feta cheese", 200, "g"),
            ingredient("Kalamata olives", 100, "g"),
            ingredient("Olive oil", 3, "tbsp"),
            ingredient("Honey", 1, "tsp"),
        ),
        (
            "Chop the tomatoes and cucumber into chunks.",
            "Slice the red onion thinly.",
            "Whisk the olive oil with the honey and a pinch of salt.",
            "Toss everything together and crumble the feta on top.",
        ),
    ),
}
ALIASES = {
    "pancake": "pancakes",
    "crepe": "pancakes",
    "soups": "soup",
    "spaghetti": "pasta",
    "bolognese": "pasta",
    "cupcake": "cake",
    "cakes": "cake",
    "cookie": "cookies",
    "biscuits": "cookies",
    "salads": "salad",
    "curries": "curry",
}
# Substitutions by diet: lowercase ingredient-name fragment -> replacement name.
SUBSTITUTES: dict[str, dict[str, str]] = {
    "vegan": {
        "whole milk": "Oat milk",
        "butter": "Vegan butter",
        "eggs": "Flax eggs (ground flaxseed + water)",
        "double cream": "Coconut cream",
        "feta": "Vegan feta",
        "parmesan": "Nutritional yeast",
        "chicken": "Chickpeas",
        "beef mince": "Green lentils",
        "honey": "Maple syrup",
        "chocolate chips": "Dairy-free chocolate chips",
    },
    "vegetarian": {"chicken": "Paneer", "beef mince": "Green lentils"},
    "gluten-free": {
        "plain flour": "Gluten-free flour blend",
        "spaghetti": "Gluten-free spaghetti",
        "baking powder": "Gluten-free baking powder",
    },
    "dairy-free": {
        "whole milk": "Oat milk",
        "butter": "Dairy-free spread",
        "double cream": "Coconut cream",
        "feta": "Dairy-free feta",
        "parmesan": "Nutritional yeast",
    },
}


# The same substitutions as they read inside the method text.
STEP_WORDS: dict[str, dict[str, str]] = {
    "vegan": {
        "milk": "oat milk",
        "eggs": "flax eggs",
        "egg": "flax egg",
        "butter": "vegan butter",
        "cream": "coconut cream",
        "feta": "vegan feta",
        "parmesan": "nutritional yeast",
        "chicken": "chickpeas",
        "mince": "lentils",
        "honey": "maple syrup",
    },
    "vegetarian": {"chicken": "paneer", "mince": "lentils"},
    "gluten-free": {
        "flour": "gluten-free flour",
        "spaghetti": "gluten-free spaghetti",
        "pasta": "gluten-free pasta",
    },
    "dairy-free": {
        "milk": "oat milk",
        "butter": "dairy-free spread",
        "cream": "coconut cream",
        "feta": "dairy-free feta",
        "parmesan": "nutritional yeast",
    },
}
