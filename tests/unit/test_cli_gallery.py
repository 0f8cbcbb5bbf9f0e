"""`python -m studio export/import` as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from studio.exchange.cli import main
from studio.gallery.store import GalleryStore

try:  # the sample gallery is shared with the export tests
    from test_export_zip import populate
except ImportError:  # pragma: no cover - when tests/ is imported as a package
    from tests.unit.test_export_zip import populate

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if env_dir is not None:
        env["STUDIO_DATA_DIR"] = str(env_dir)
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_export_then_import_via_subprocess(tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "src") as store:
        populate(store)
    out = tmp_path / "edits.zip"
    done = run("export", "--page", "edit", "--data-dir", str(tmp_path / "src"), str(out))
    assert done.returncode == 0, done.stderr
    assert "exported 2 images" in done.stdout
    assert "exporting images 2/2" in done.stderr
    with zipfile.ZipFile(out) as zf:
        assert len(json.loads(zf.read("manifest.json"))["items"]) == 2
    done = run("import", str(out), env_dir=tmp_path / "dst")  # data dir from the environment
    assert done.returncode == 0, done.stderr
    assert "imported 2 images" in done.stdout
    with GalleryStore(tmp_path / "dst") as store:
        assert store.count() == 2


def test_refused_zip_exit_code_2_without_traceback(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("../evil.png", b"x")
    done = run("import", "--data-dir", str(tmp_path / "dst"), str(evil))
    assert done.returncode == 2
    assert done.stderr.startswith("error: refused:") and "path traversal" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_in_process_filters(tmp_path: Path, capsys) -> None:
    with GalleryStore(tmp_path / "d") as store:
        populate(store)
    out = tmp_path / "fav.zip"
    assert main(["export", "--favourites", "--search", "cat", "--since", "2000-01-01",
                 "--data-dir", str(tmp_path / "d"), str(out)]) == 0
    assert "exported 1 images" in capsys.readouterr().out
    assert main(["import", "--data-dir", str(tmp_path / "e"), str(tmp_path / "none.zip")]) == 2
    assert "not a readable ZIP" in capsys.readouterr().err
