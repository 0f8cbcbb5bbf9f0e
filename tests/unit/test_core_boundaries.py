from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import studio

ROOT = Path(__file__).resolve().parents[2]


def test_studio_never_imports_streamlit() -> None:
    modules = [m.name for m in pkgutil.walk_packages(studio.__path__, "studio.")
               if not m.name.endswith("__main__")]
    assert len(modules) > 10
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('streamlit' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"


def test_only_the_state_module_touches_session_state() -> None:
    offenders = []
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"),
                 *(ROOT / "components").glob("*.py")]:
        if path.name != "state.py" and "session_state" in path.read_text():
            offenders.append(path.name)
    assert offenders == []
