"""Prompt builders for the four capability pages, and their one-click examples."""

from __future__ import annotations

import re
from dataclasses import dataclass

STORY_STYLES = (
    "3D digital art",
    "watercolour",
    "comic book",
    "photorealistic",
    "children's picture book",
    "pixel art",
)

TEXT_FORMATS = (
    "invitation",
    "ad or poster",
    "social post",
    "menu",
    "greeting card",
    "slide",
)

TEXT_STYLES = (
    "elegant and minimal",
    "bold and modern",
    "playful and colourful",
    "vintage letterpress",
    "corporate and clean",
)

DIETS = ("vegetarian", "vegan", "gluten-free", "dairy-free", "nut-free", "low-carb")


# Words spelled with a vowel but said with a consonant, and the reverse ("an hour").
_SAID_WITH_CONSONANT = re.compile(r"^(uni|use|usu|uti|eu|one|once|ewe|ufo)", re.I)
_SAID_WITH_VOWEL = re.compile(r"^(hour|honest|honou?r|heir|8|11|18)", re.I)


def article(phrase: str) -> str:
    """"a" or "an" for `phrase`, by how its first word sounds: an invitation, a unique one."""
    word = phrase.strip()
    if _SAID_WITH_VOWEL.match(word):
        return "an"
    if _SAID_WITH_CONSONANT.match(word):
        return "a"
    return "an" if word[:1].lower() in "aeiou" and word[:1] else "a"


def story_prompt(premise: str, style: str, scenes: int, *, references: int = 0) -> str:
    """The blog's story prompt, with an explicit scene count and consistency ask."""
    premise = premise.strip().rstrip(".")
    refs = (
        f" The attached {references} image(s) show the characters: keep them looking the same."
        if references
        else ""
    )
    return (
        f"Generate a story about {premise} in {article(style)} {style.strip()} style. "
        f"Tell it in {scenes} scenes. For each scene, write a short paragraph and then "
        f"generate an image. Keep the characters and setting consistent across scenes.{refs}"
    )


def recipe_prompt(dish: str, servings: int, diets: list[str] | tuple[str, ...] = ()) -> str:
    """World knowledge: ask for an ingredient table, then one illustrated step at a time."""
    needs = f", {', '.join(d.strip() for d in diets)}" if diets else ""
    return (
        f"Create an illustrated, step-by-step recipe for {dish.strip()} for {servings} "
        f"servings{needs}. Start with a title and the ingredient list as a Markdown table "
        "with the columns Ingredient and Quantity. Then, for each step, write the "
        "instruction and generate an image showing that step."
    )


@dataclass(frozen=True)
class TextBrief:
    """The exact text a user wants inside the image, by role."""

    format: str
    headline: str
    body: str = ""
    details: str = ""
    style: str = TEXT_STYLES[0]

    def lines(self) -> list[tuple[str, str]]:
        """(role, text) for every non-empty field, in reading order."""
        pairs = [("Headline", self.headline), ("Body", self.body), ("Details", self.details)]
        return [(role, text.strip()) for role, text in pairs if text.strip()]


def text_prompt(brief: TextBrief) -> str:
    """Quote each text verbatim and forbid additions, so the model renders it exactly."""
    quoted = "\n".join(f'{role}: "{text}"' for role, text in brief.lines())
    return (
        f"Design {article(brief.format)} {brief.format} in {article(brief.style)} {brief.style} "
        "style. Render the following text in "
        "the image exactly as written, verbatim, with the same spelling, capitalisation and "
        "punctuation. Do not add, drop or change any words, and add no other text.\n"
        f"{quoted}"
    )


@dataclass(frozen=True)
class Example:
    label: str
    values: dict[str, object]


STORY_EXAMPLES = (
    Example("Baby turtle, 3D", {"story_prompt": "a cute baby turtle finding its way to the sea",
                                "story_style": "3D digital art", "story_scenes": 4}),
    Example("Lighthouse fox, watercolour", {
        "story_prompt": "a fox who keeps a lighthouse and befriends a lost seagull",
        "story_style": "watercolour", "story_scenes": 5}),
    Example("Robot gardener, comic", {
        "story_prompt": "a small robot learning to grow a garden on the moon",
        "story_style": "comic book", "story_scenes": 3}),
)

EDIT_EXAMPLES = (
    "Make it black and white",
    "Add a gold border",
    "Rotate it 90 degrees to the right",
    "Add the caption 'Summer 2026'",
    "Give it a warm sepia tone",
)

EDIT_START_EXAMPLES = (
    "A red vintage bicycle leaning on a blue wall",
    "A cozy reading nook with a cat on a green armchair",
)

RECIPE_EXAMPLES = (
    Example("Pancakes", {"recipe_dish": "fluffy buttermilk pancakes", "recipe_servings": 4}),
    Example("Vegan ramen", {"recipe_dish": "miso ramen", "recipe_servings": 2,
                            "recipe_diets": ["vegan"]}),
    Example("Lemon tart", {"recipe_dish": "French lemon tart", "recipe_servings": 8}),
)

TEXT_EXAMPLES = (
    Example("Birthday invitation", {
        "text_format": "invitation", "text_headline": "You're invited to Maya's 30th!",
        "text_body": "Join us for dinner, music and far too much cake.",
        "text_details": "Saturday 12 December, 7 pm · The Glasshouse, 14 Harbour Street",
        "text_style": "elegant and minimal"}),
    Example("Coffee shop ad", {
        "text_format": "ad or poster", "text_headline": "Two for Tuesday",
        "text_body": "Every second flat white is on us, all day long.",
        "text_details": "Bean & Gone · open 7 am to 4 pm", "text_style": "bold and modern"}),
    Example("Launch post", {
        "text_format": "social post", "text_headline": "Image Studio 1.0 is live",
        "text_body": "Stories, edits, recipes and posters, drawn by Gemini.",
        "text_details": "#GeminiAPI #ImageStudio", "text_style": "playful and colourful"}),
)
