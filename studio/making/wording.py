"""An item in the user's own words: what it is about, and what they said for this image.

Pages send engineered prompts ("Generate a story about … Keep the characters and setting
consistent across scenes."); people recognise their work by what they typed: the premise,
the dish, the headline, the edit instruction. Since this release every kept image records
them under `settings["words"]` ({"subject", "said"}); older items fall back to the page's
form values (`settings["inputs"]`), an experiment's name, the conversation's title, the
engineered templates read backwards, and last the prompt itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from studio.gallery.records import GalleryItem

WORDS_KEY = "words"
PAGE_LABELS = {"story": "Story", "recipe": "Recipe", "edit": "Editing", "text": "Text rendering",
               "lab": "Prompt Lab"}
PAGE_PLURALS = {"story": "Stories", "recipe": "Recipes", "edit": "Edits",
                "text": "Text rendering", "lab": "Prompt Lab"}

# The templates of studio.making.prompts, read backwards (for items made before "words").
_UNENGINEER = (
    re.compile(r"^Generate a story about (?P<w>.+?) in an? .+? style\. Tell it in \d+ scenes\.", re.S),
    re.compile(r"^Create an illustrated, step-by-step recipe for (?P<w>.+?) for \d+ servings", re.S),
    re.compile(r'\nHeadline: "(?P<w>[^"\n]+)"'),
)


@dataclass(frozen=True)
class Words:
    subject: str  # what the story, recipe, chat or experiment is about
    said: str  # what the user said for this image: the premise, a feedback, an instruction
    prompt: str  # what was sent to the model

    @property
    def engineered(self) -> str | None:
        """The prompt sent, when it is not just what the user said."""
        return self.prompt if self.prompt.strip() and self.prompt.strip() != self.said.strip() else None


def record(subject: str, said: str) -> dict[str, dict[str, str]]:
    """The settings entry a page keeps with each image (merge it into Origin.extra)."""
    return {WORDS_KEY: {"subject": _line(subject), "said": said.strip()}}


def _line(text: str, limit: int = 200) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:limit]


def _first_input(settings: dict[str, Any]) -> str:
    inputs = settings.get("inputs")
    if isinstance(inputs, dict):
        for value in inputs.values():  # pages put the main field (premise, dish, headline) first
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _experiment_name(settings: dict[str, Any]) -> str:
    experiment = settings.get("experiment")
    name = experiment.get("name") if isinstance(experiment, dict) else None
    return name.strip() if isinstance(name, str) else ""


def unengineer(prompt: str) -> str:
    """The user's part of a prompt one of our templates built, else ''."""
    for pattern in _UNENGINEER:
        if found := pattern.search(prompt):
            return found.group("w").strip()
    return ""


def words_of(item: GalleryItem, title: str | None = None) -> Words:
    """`item` in the user's words; `title` is its conversation's title when known."""
    settings = item.settings if isinstance(item.settings, dict) else {}
    kept = settings.get(WORDS_KEY)
    if isinstance(kept, dict) and isinstance(kept.get("subject"), str) and kept["subject"].strip():
        said = kept.get("said") if isinstance(kept.get("said"), str) else ""
        return Words(kept["subject"].strip(), (said or kept["subject"]).strip(), item.prompt)
    typed = _first_input(settings)
    from_prompt = unengineer(item.prompt)
    subject = (typed or _experiment_name(settings) or (title or "").strip() or from_prompt
               or _line(item.prompt) or item.page.title())
    # On a first turn the prompt is the engineered one; later turns keep what was typed.
    if item.turn == 0 and (typed or from_prompt) and item.page != "lab":
        said = typed or from_prompt
    else:
        said = item.prompt.strip() or subject
    return Words(_line(subject), said, item.prompt)


def capital(text: str) -> str:
    """First letter up, for a heading ("a fox who…" -> "A fox who…"); the rest as typed."""
    return text[:1].upper() + text[1:]


def headline(item: GalleryItem, title: str | None = None) -> str:
    """The one line that names an image: an edit by its instruction, anything else by what
    it is about (a story's premise, a recipe's dish, a poster's headline)."""
    words = words_of(item, title)
    return capital(words.said if item.page == "edit" else words.subject)


def follow_up(item: GalleryItem, title: str | None = None) -> str | None:
    """For a later version of a story or recipe, the feedback that made it ("for 8 people")."""
    words = words_of(item, title)
    if item.page in ("story", "recipe") and item.turn > 0 and words.said != words.subject:
        return words.said
    return None
