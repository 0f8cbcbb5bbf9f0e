"""An experiment: prompt rows with {variables}, crossed with models, ratios and seeds.

The same record is the page's table, the saved experiment and the `experiment.toml` a
user runs from the command line.
"""

from __future__ import annotations

import itertools
import re
import tomllib
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from studio.gemini.catalog import Catalog
from studio.gemini.settings import GenerationSettings

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Rough prompt size for the estimate: the text itself is a few dozen tokens at most.
_PROMPT_TOKENS = 60
# A typical answer's wait for one image, for the time estimate.
TYPICAL_SECONDS = 12.0


class ExperimentError(ValueError):
    """The experiment cannot run as written; the message says what to change."""


@dataclass(frozen=True)
class Cell:
    """One call of the matrix: a filled-in prompt on one model, ratio and seed."""

    key: str  # stable within the experiment: row/variables/model/ratio/seed
    row: int
    prompt: str
    values: tuple[tuple[str, str], ...]
    model: str
    aspect_ratio: str
    seed: int | None

    @property
    def label(self) -> str:
        """What varies, for the grid's axes."""
        values = ", ".join(f"{k}={v}" for k, v in self.values)
        return f"Prompt {self.row + 1}" + (f": {values}" if values else "")


@dataclass
class Experiment:
    name: str
    prompts: list[str]
    variables: dict[str, list[str]] = field(default_factory=dict)
    models: list[str] = field(default_factory=list)
    aspect_ratios: list[str] = field(default_factory=lambda: ["1:1"])
    seeds: list[int | None] = field(default_factory=lambda: [None])
    image_size: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def duplicate(self) -> Experiment:
        """The same matrix and settings under a new id, with no results of its own."""
        return replace(self, name=f"{self.name} (copy)", id=uuid.uuid4().hex[:12],
                       prompts=list(self.prompts), models=list(self.models),
                       variables={k: list(v) for k, v in self.variables.items()},
                       aspect_ratios=list(self.aspect_ratios), seeds=list(self.seeds))

    def settings_for(self, cell: Cell, *, timeout_s: float = 120.0) -> GenerationSettings:
        return GenerationSettings(model=cell.model, aspect_ratio=cell.aspect_ratio,
                                  image_size=self.image_size, seed=cell.seed,
                                  timeout_s=timeout_s)

    def cells(self) -> list[Cell]:
        """Every call the experiment makes, in a stable order (row, values, model, ...)."""
        prompts = [p.strip() for p in self.prompts if p and p.strip()]
        if not prompts:
            raise ExperimentError("Add at least one prompt.")
        if not self.models:
            raise ExperimentError("Choose at least one model.")
        out: list[Cell] = []
        for row, prompt in enumerate(prompts):
            names = list(dict.fromkeys(_VARIABLE.findall(prompt)))
            missing = [n for n in names if not self.variables.get(n)]
            if missing:
                raise ExperimentError(f"Give values for {{{missing[0]}}} (used in prompt "
                                      f"{row + 1}).")
            for combo in itertools.product(*(self.variables[n] for n in names)):
                values = tuple(zip(names, combo, strict=True))
                text = _fill(prompt, dict(values))
                for model, ratio, seed in itertools.product(self.models, self.aspect_ratios
                                                            or ["1:1"], self.seeds or [None]):
                    key = "|".join([str(row), *combo, model, ratio, str(seed)])
                    out.append(Cell(key, row, text, values, model, ratio, seed))
        return out

    def estimate(self, catalog: Catalog, *, concurrency: int = 4,
                 batch: bool = False) -> tuple[int, float, float]:
        """(calls, estimated USD, estimated seconds); batch calls are billed at half price."""
        cells = self.cells()
        cost = 0.0
        for cell in cells:
            info = catalog.get(cell.model)
            size = self.image_size if self.image_size in info.image_sizes else "1K"
            image_tokens = info.price.image_tokens.get(size, 1290)
            cost += info.estimate_cost(_PROMPT_TOKENS, image_tokens, 1, size)
        seconds = TYPICAL_SECONDS * -(-len(cells) // max(1, concurrency))
        return len(cells), cost * (0.5 if batch else 1.0), seconds

    # -- the experiment as a file ----------------------------------------------------------

    def to_toml(self) -> str:
        data: dict[str, Any] = {k: v for k, v in asdict(self).items() if v is not None}
        data["seeds"] = [s for s in self.seeds if s is not None] or []
        data["random_seed"] = None in self.seeds
        return tomli_w.dumps(data)

    @classmethod
    def from_toml(cls, text: str) -> Experiment:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ExperimentError(f"The experiment file is not valid TOML: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: Path) -> Experiment:
        return cls.from_toml(path.read_text(encoding="utf-8"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Experiment:
        def strings(value: Any, what: str) -> list[str]:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ExperimentError(f"{what} must be a list of strings.")
            return list(value)

        seeds: list[int | None] = []
        for seed in data.get("seeds", []):
            if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
                raise ExperimentError("seeds must be whole numbers.")
            seeds.append(seed)  # None (JSON null): a random seed per call
        if data.get("random_seed", not seeds) and None not in seeds:
            seeds.append(None)
        variables = data.get("variables", {})
        if not isinstance(variables, dict):
            raise ExperimentError("variables must be a table of lists.")
        size = data.get("image_size")
        return cls(
            name=str(data.get("name") or "Untitled experiment"),
            prompts=strings(data.get("prompts", []), "prompts"),
            variables={str(k): strings(v, f"variables.{k}") for k, v in variables.items()},
            models=strings(data.get("models", []), "models"),
            aspect_ratios=strings(data.get("aspect_ratios", ["1:1"]), "aspect_ratios"),
            seeds=seeds,
            image_size=str(size) if size else None,
            id=str(data.get("id") or uuid.uuid4().hex[:12]),
        )


def _fill(prompt: str, values: dict[str, str]) -> str:
    """Put each {name} in; other braces are left as the user typed them."""
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), prompt)


def variables_in(prompts: list[str]) -> list[str]:
    """The {variables} the prompts use, in order of first use."""
    names = [n for p in prompts for n in _VARIABLE.findall(p or "")]
    return list(dict.fromkeys(names))




def fill_variables(prompt: str, values: dict[str, str]) -> str:
    """A prompt with its {variables} filled in, as the Lab fills each cell (other pages and
    the prompt library use this, so a saved prompt fills the same way everywhere)."""
    return _fill(prompt, values)
