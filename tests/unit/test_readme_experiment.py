"""The experiment file the README documents is one the Lab reads."""

from __future__ import annotations

import re
from pathlib import Path

from studio.lab.experiment import Experiment

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_experiment_file_parses_into_the_cells_it_describes() -> None:
    readme = (ROOT / "README.md").read_text()
    text = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)  # type: ignore[union-attr]
    experiment = Experiment.from_toml(text)
    assert len(experiment.cells()) == 2 * 2 * 1 * 2  # prompts x headlines x model x ratios
    assert experiment.seeds == [7] and experiment.image_size == "1K"
