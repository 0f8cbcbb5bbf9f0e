from __future__ import annotations

import ast
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


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_ui_never_reaches_the_emulator_directly() -> None:
    # the engine code (studio/gemini/offline.py) is the one maker of an offline client
    ui = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py")]
    offenders = [p.name for p in ui if any(m.startswith("studio.emulator") for m in _imports(p))]
    assert offenders == []


def test_pages_change_session_state_only_through_the_state_module() -> None:
    # session() is private: a page that pokes fields of the session object cannot be written
    ui = [*(ROOT / "pages").glob("*.py"), *(ROOT / "components").glob("*.py")]
    offenders = [p.name for p in ui if p.name != "state.py" and "state._session" in p.read_text()]
    assert offenders == []


# Modules that are tables of data, not code: exempt from the size rule.
DATA_TABLES = {"recipe_book.py"}


def test_every_core_module_is_small() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines())
             for p in (ROOT / "studio").rglob("*.py") if p.name not in DATA_TABLES}
    assert {name: n for name, n in sizes.items() if n >= 300} == {}


def test_the_public_surface_names_what_it_exports() -> None:
    for name in studio.__all__:
        assert getattr(studio, name) is not None, name
