"""The prompt library: prompts saved by name, with {variables}, reused on any page and in the Lab.

A user's prompts are one JSON file beside the gallery (`prompts.json`), replaced atomically
under a lock, so two browser sessions saving at once both keep theirs and a crash leaves the
old file. A damaged file is set aside (never overwritten) and the library starts afresh.
Curated examples ship beside this module in `curated_prompts.json`.

A prompt is what the user typed in the page's prompt widget (a story's premise, a dish, an
edit instruction, a headline), plus the page's other inputs (style, scenes, servings, the
text's body...) in `fields`. `{variables}` fill the same way as in the Lab.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

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
FILE_NAME = "prompts.json"
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
    """The saved prompts of one data folder, and the curated examples."""

    def __init__(self, data_dir: str | Path) -> None:
        self.folder = Path(data_dir)
        self.path = self.folder / FILE_NAME
        self.problem: str | None = None  # set when the file could not be read

    # -- reading ------------------------------------------------------------------------

    def _read(self) -> list[SavedPrompt] | None:
        """The user's prompts, or None when the file is damaged."""
        try:
            records = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError):
            return None
        if not isinstance(records, list):
            return None
        out: list[SavedPrompt] = []
        for record in records:
            with contextlib.suppress(PromptLibraryError, AttributeError):
                out.append(SavedPrompt.from_json(record))
        return out

    def mine(self) -> list[SavedPrompt]:
        """The prompts users saved, newest first."""
        prompts = self._read()
        if prompts is None:
            self.problem = ("The saved prompts file could not be read; it will be set aside "
                            "(not deleted) when the next prompt is saved.")
            return []
        return sorted(prompts, key=lambda p: p.saved_at, reverse=True)

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
        with self._locked():
            prompts = self._read_for_writing()
            same = next((p for p in prompts if p.name.casefold() == name.casefold()), None)
            if same is None and len(prompts) >= MAX_PROMPTS:
                raise PromptLibraryError(f"The library holds {MAX_PROMPTS} prompts: delete "
                                         "one you no longer use first.")
            prompt = SavedPrompt(name=name, text=text, page=page, fields=_fields(page, fields),
                                 values=_values(values),
                                 saved_at=datetime.now(UTC).isoformat(timespec="seconds"),
                                 **({"id": same.id} if same else {}))
            prompt = replace(prompt, values={k: v for k, v in prompt.values.items()
                                             if k in prompt.variables and v})
            self._write([prompt, *(p for p in prompts if p is not same)])
        return prompt

    def delete(self, prompt_id: str) -> bool:
        """Remove a saved prompt (curated examples stay); False when there was none."""
        with self._locked():
            prompts = self._read_for_writing()
            kept = [p for p in prompts if p.id != prompt_id]
            if len(kept) == len(prompts):
                return False
            self._write(kept)
        return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = open(self.folder / f".{FILE_NAME}.lock", "a")  # noqa: SIM115
        except OSError as exc:
            raise PromptLibraryError(f"The prompt library cannot be written: {exc.strerror}.") from None
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _read_for_writing(self) -> list[SavedPrompt]:
        prompts = self._read()
        if prompts is None:  # damaged: keep it aside for whoever wants to look at it
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            os.replace(self.path, self.path.with_name(f"prompts-damaged-{stamp}.json"))
            self.problem = None
            return []
        return prompts

    def _write(self, prompts: list[SavedPrompt]) -> None:
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-prompts-", suffix=".json")
        except OSError as exc:
            raise PromptLibraryError(f"The prompt could not be saved: {exc.strerror}.") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump([p.to_json() for p in prompts], out, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise PromptLibraryError(f"The prompt could not be saved: {exc.strerror}.") from None
