"""The prompt library: prompts saved by name, with {variables}, reused on any page and in the Lab.

A user's prompts are rows of the gallery's database, one per prompt
(studio/gallery/prompt_rows.py), so two browser sessions, or two app servers on one
database, saving at once both keep theirs. Before schema v4 they were `prompts.json` in the
data folder; a store imports that file once when it opens (a damaged one is left as it was).
Curated examples ship beside this module in `curated_prompts.json`.

A prompt is what the user typed in the page's prompt widget (a story's premise, a dish, an
edit instruction, a headline), plus the page's other inputs (style, scenes, servings, the
text's body...) in `fields`. `{variables}` fill the same way as in the Lab.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from studio.gallery.errors import StorageError
from studio.gallery.local_files import PROMPTS_FILE
from studio.gallery.prompt_rows import PromptLimitReached, SQLPrompts
from studio.gallery.store import GalleryStore
from studio.lab.experiment import fill_variables, variables_in
from studio.making.prompts import (
    STORY_STYLES,
    TEXT_FORMATS,
    TEXT_STYLES,
    TextBrief,
    recipe_prompt,
    story_prompt,
    text_prompt,
)

CURATED_PATH = Path(__file__).with_name("curated_prompts.json")
PAGES = ("story", "edit", "recipe", "text", "lab")
# The page inputs a prompt carries besides its text, by page (the pages' widget keys).
FIELDS: dict[str, tuple[str, ...]] = {
    "story": ("story_style", "story_scenes"),
    "recipe": ("recipe_servings", "recipe_diets"),
    "text": ("text_format", "text_style", "text_body", "text_details"),
}
MAX_NAME = 80
MAX_TEXT = 4000
MAX_VALUES = 20
MAX_PROMPTS = 500


class PromptLibraryError(ValueError):
    """A prompt cannot be saved as given; the message says what to change."""


@dataclass(frozen=True)
class SavedPrompt:
    name: str
    text: str
    page: str = "lab"
    fields: dict[str, Any] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)  # example values per variable
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    curated: bool = False
    saved_at: str = ""

    @property
    def variables(self) -> list[str]:
        """The {variables} of the text and of the page inputs, in order of first use."""
        return variables_in([self.text, *(v for v in self.fields.values() if isinstance(v, str))])

    def defaults(self) -> dict[str, str]:
        """One value per variable to start from: its first example, else empty."""
        return {name: (self.values.get(name) or [""])[0] for name in self.variables}

    def filled(self, values: Mapping[str, str]) -> SavedPrompt:
        """The prompt with each variable given a value filled in (the others left as typed)."""
        given = {k: v for k, v in values.items() if v}
        fields_ = {k: fill_variables(v, given) if isinstance(v, str) else v
                   for k, v in self.fields.items()}
        return replace(self, text=fill_variables(self.text, given), fields=fields_)

    def model_prompt(self) -> str:
        """What the page it came from sends to the model, variables kept: a Lab row."""
        f = self.fields
        if self.page == "story":
            return story_prompt(self.text, str(f.get("story_style") or STORY_STYLES[0]),
                                _whole(f.get("story_scenes"), 4))
        if self.page == "recipe":
            diets = f.get("recipe_diets") or []
            return recipe_prompt(self.text, _whole(f.get("recipe_servings"), 4),
                                 [str(d) for d in diets] if isinstance(diets, list) else [])
        if self.page == "text":
            return text_prompt(TextBrief(
                format=str(f.get("text_format") or TEXT_FORMATS[0]), headline=self.text,
                body=str(f.get("text_body") or ""), details=str(f.get("text_details") or ""),
                style=str(f.get("text_style") or TEXT_STYLES[0])))
        return self.text

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, curated: bool = False) -> SavedPrompt:
        """Read one record; raises PromptLibraryError when it is not a prompt."""
        name, text = data.get("name"), data.get("text")
        if not isinstance(name, str) or not isinstance(text, str):
            raise PromptLibraryError("A saved prompt needs a name and a text.")
        page = data.get("page") if data.get("page") in PAGES else "lab"
        return cls(name=name, text=text, page=page, fields=_fields(page, data.get("fields")),
                   values=_values(data.get("values")), id=str(data.get("id") or uuid.uuid4().hex[:12]),
                   curated=curated, saved_at=str(data.get("saved_at") or ""))

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        record.pop("curated")
        return record


def _whole(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def _fields(page: str, raw: Any) -> dict[str, Any]:
    """Only the inputs the page has, of the types its widgets take."""
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, Any] = {}
    for key in FIELDS.get(page, ()):
        value = raw.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            out[key] = value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = list(value)
    return out


def _values(raw: Any) -> dict[str, list[str]]:
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, list[str]] = {}
    for name, values in raw.items():
        if isinstance(values, str):
            values = [values]
        if isinstance(values, list):
            kept = [v.strip() for v in values if isinstance(v, str) and v.strip()]
            out[str(name)] = kept[:MAX_VALUES]
    return out


def split_values(text: str) -> list[str]:
    """Comma-separated example values, as the Lab takes them."""
    return [v.strip() for v in (text or "").split(",") if v.strip()]


@cache
def curated_prompts() -> tuple[SavedPrompt, ...]:
    """The examples that ship with the app, for the four capabilities (and the Lab)."""
    records = json.loads(CURATED_PATH.read_text(encoding="utf-8"))
    return tuple(SavedPrompt.from_json(r, curated=True) for r in records)


class PromptLibrary:
    """The saved prompts of one gallery (its store, or the store's `prompts` rows), and the
    curated examples."""

    def __init__(self, store: GalleryStore | SQLPrompts) -> None:
        self.rows = store.prompts if isinstance(store, GalleryStore) else store
        self.problem: str | None = None  # set when an old prompts.json could not be read
        if isinstance(store, GalleryStore) and store.data_dir / PROMPTS_FILE in \
                store.local_import.damaged:
            self.problem = (f"The saved prompts file {PROMPTS_FILE} in the data folder could not "
                            "be read, so it was not imported: it is left as it was. Prompts "
                            "saved now are kept in the gallery's database; move the file away "
                            "to stop this message.")

    # -- reading ------------------------------------------------------------------------

    def mine(self) -> list[SavedPrompt]:
        """The prompts users saved, newest first."""
        out: list[SavedPrompt] = []
        for record in self.rows.list():
            with contextlib.suppress(PromptLibraryError, AttributeError):
                out.append(SavedPrompt.from_json(record))
        return out

    def all(self) -> list[SavedPrompt]:
        """Users' prompts first, then the curated examples."""
        return [*self.mine(), *curated_prompts()]

    def get(self, prompt_id: str) -> SavedPrompt | None:
        return next((p for p in self.all() if p.id == prompt_id), None)

    # -- writing ------------------------------------------------------------------------

    def save(self, name: str, text: str, *, page: str, fields: Mapping[str, Any] | None = None,
             values: Mapping[str, list[str]] | None = None) -> SavedPrompt:
        """Save a prompt under `name`; a prompt of the same name (any case) is replaced."""
        name, text = (name or "").strip(), (text or "").strip()
        if not name:
            raise PromptLibraryError("Give the prompt a name first.")
        if len(name) > MAX_NAME:
            raise PromptLibraryError(f"Keep the name under {MAX_NAME} characters.")
        if not text:
            raise PromptLibraryError("There is no prompt to save yet: type one first.")
        if len(text) > MAX_TEXT:
            raise PromptLibraryError(f"A saved prompt can be at most {MAX_TEXT:,} characters.")
        page = page if page in PAGES else "lab"
        prompt = SavedPrompt(name=name, text=text, page=page, fields=_fields(page, fields),
                             values=_values(values))
        prompt = replace(prompt, values={k: v for k, v in prompt.values.items()
                                         if k in prompt.variables and v})
        try:
            stored = self.rows.save(prompt.to_json(), limit=MAX_PROMPTS)
        except PromptLimitReached:
            raise PromptLibraryError(f"The library holds {MAX_PROMPTS} prompts: delete "
                                     "one you no longer use first.") from None
        except StorageError as exc:
            raise PromptLibraryError(f"The prompt could not be saved: {exc.message}") from None
        return replace(prompt, id=stored["id"], saved_at=stored["saved_at"])

    def delete(self, prompt_id: str) -> bool:
        """Remove a saved prompt (curated examples stay); False when there was none."""
        return self.rows.delete(prompt_id)
