"""The README's "Using the core from Python" example runs as written."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_example_makes_images_offline_and_exports_them(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Using the core from Python"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env={"PYTHONPATH": str(ROOT),
                                                      "STUDIO_EMULATOR_CHUNK_DELAY": "0"})
    assert out.returncode == 0, out.stderr
    assert "2 images exported" in out.stdout
    with zipfile.ZipFile(tmp_path / "grand-opening.zip") as zf:
        assert sum(n.endswith(".png") for n in zf.namelist()) == 2
