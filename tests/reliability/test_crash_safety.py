"""SIGKILL in the middle of the work: the gallery folder stays whole and the app comes back.

a. The Streamlit server is killed while a 6-scene story is streaming into the page.
b. `python -m studio export` is killed while it writes a ZIP of ~60 MB.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore
from tests.reliability.checks import check_store, sha256_file
from tests.servers import (
    IDLE,
    ROOT,
    RUNNING,
    StreamlitServer,
    open_app,
    pythonpath,
    script_run,
    start_streamlit,
    studio_env,
)

pytestmark = [pytest.mark.slow, pytest.mark.e2e]  # drives Chromium

VIEWPORT = {"width": 1400, "height": 1000}
EXCEPTION = '[data-testid="stException"]'
MAIN = '[data-testid="stMainBlockContainer"]'
STREAMING_STATUS = '[data-testid="stExpander"]:has-text("so far")'
FIRST_PREMISE = "a lighthouse keeper who befriends a seal"
KILLED_PREMISE = "a baby turtle finding its way to the sea"


def _items_in_db(data: Path) -> int:
    """Count rows read-only, without opening a GalleryStore (which would clean up)."""
    conn = sqlite3.connect(f"file:{data / 'studio.db'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    finally:
        conn.close()


def _no_exception(page: Page, where: str) -> None:
    boxes = page.locator(EXCEPTION)
    assert boxes.count() == 0, f"exception on {where}: {boxes.first.inner_text()[:2000]}"


def _tell_story(page: Page, premise: str, scenes: int) -> None:
    """Fill the story form and press "Tell the story" (the click blurs the fields, which
    commits them first). Returns as soon as the click is sent."""
    page.locator(".st-key-story_prompt textarea").fill(premise)
    page.locator(".st-key-story_scenes input").fill(str(scenes))
    page.locator(".st-key-story_generate button").click()


def _story_heading(page: Page, premise: str) -> None:
    """Wait until the finished story is drawn under its title, and the app is idle."""
    page.get_by_role("heading", name=premise).wait_for(timeout=60_000)
    page.wait_for_selector(IDLE)


# --- a. the server is killed while a story streams --------------------------------------

@dataclass
class KilledServer:
    work: Path
    data: Path
    env: dict[str, str]
    items_before: int  # what the finished one-scene story left in the gallery
    streamed: int  # images of the 6-scene story on screen when the server died


@pytest.fixture(scope="module")
def killed_mid_stream(tmp_path_factory: pytest.TempPathFactory,
                      browser: Browser) -> KilledServer:
    work = tmp_path_factory.mktemp("crash-stream")
    data = work / "data"
    env = studio_env(data, STUDIO_EMULATOR_CHUNK_DELAY="0.5")  # ~14 s for 6 scenes
    server = start_streamlit(data, work, name="before-kill", env=env,
                             show_error_details="full")
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        open_app(page, server.url, "story")
        # First a story that finishes, so the checks below have saved images to look at.
        _tell_story(page, FIRST_PREMISE, 1)
        _story_heading(page, FIRST_PREMISE)
        _no_exception(page, "the story page after a one-scene story")
        items_before = _items_in_db(data)
        assert items_before == 1, f"a one-scene story saved {items_before} images"
        # Then one that is killed as soon as its first picture is on screen.
        _tell_story(page, KILLED_PREMISE, 6)
        status = page.locator(STREAMING_STATUS)
        status.locator('[data-testid="stImage"]').first.wait_for(state="attached", timeout=30_000)
        streamed = status.locator('[data-testid="stImage"]').count()
        assert page.locator(RUNNING).count(), "the story ended before the kill: it must land " \
            "mid-stream"
        server.kill()
        assert server.process.returncode == -signal.SIGKILL
    finally:
        context.close()
        server.stop()  # a no-op after the kill; stops it if the setup failed before
    return KilledServer(work, data, env, items_before, streamed)


def test_the_gallery_is_whole_after_a_sigkill_mid_stream(killed_mid_stream: KilledServer):
    assert killed_mid_stream.streamed >= 1
    with GalleryStore(killed_mid_stream.data) as store:  # opens cleanly: WAL is recovered
        report = check_store(store)
        assert not report.problems, report.problems
        assert store.count() == len(report.items) >= 1  # at least one finished image
        assert store.count() >= killed_mid_stream.items_before
        # the finished story's conversation comes back whole (history images resolve)
        summaries = store.list_conversations(page="story")
        assert summaries, "the finished story's conversation is gone"
        for summary in summaries:
            conv = store.load_conversation(summary.id)
            assert conv is not None and conv.history


def test_images_on_screen_when_the_server_died_were_kept(killed_mid_stream: KilledServer):
    with GalleryStore(killed_mid_stream.data) as store:
        made_by_killed_turn = store.count() - killed_mid_stream.items_before
    assert made_by_killed_turn >= 1, (
        f"{killed_mid_stream.streamed} image(s) of the killed story were on screen, "
        f"{made_by_killed_turn} reached the gallery")


@pytest.fixture(scope="module")
def restarted(killed_mid_stream: KilledServer) -> Iterator[StreamlitServer]:
    """A new server on the folder the killed one left behind."""
    work = killed_mid_stream.work
    server = start_streamlit(killed_mid_stream.data, work, name="after-kill",
                             env=killed_mid_stream.env, show_error_details="full")
    yield server
    server.stop()


def test_a_restarted_server_lists_the_gallery(killed_mid_stream: KilledServer,
                                              restarted: StreamlitServer, browser: Browser):
    with GalleryStore(killed_mid_stream.data) as store:
        total = store.count()
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        open_app(page, restarted.url, "gallery")
        _no_exception(page, "the gallery page after a restart")
        main = page.locator(MAIN)
        head = main.get_by_text(re.compile(r"^\d[\d,]* images? · \d+ selected$"))
        assert head.inner_text().split()[0] == str(total), head.inner_text()
        expect(main.locator('[data-testid="stImage"]')).to_have_count(total)  # a thumbnail each
        open_app(page, restarted.url)
        _no_exception(page, "the home page after a restart")
        assert page.get_by_text(f"{total} image").count() >= 1
    finally:
        context.close()


def test_images_on_screen_when_the_user_navigated_away_were_kept(
        killed_mid_stream: KilledServer, restarted: StreamlitServer, browser: Browser):
    before = _items_in_db(killed_mid_stream.data)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        open_app(page, restarted.url, "story")
        _tell_story(page, KILLED_PREMISE, 6)
        status = page.locator(STREAMING_STATUS)
        status.locator('[data-testid="stImage"]').first.wait_for(state="attached", timeout=30_000)
        shown = status.locator('[data-testid="stImage"]').count()
        with script_run(page):  # the story's run has ended once the gallery's run is done
            page.locator('[data-testid="stSidebarNav"] a', has_text="Gallery").click()
        page.wait_for_url(re.compile(r"/gallery$"))
        _no_exception(page, "the gallery page after leaving a streaming story")
    finally:
        context.close()
    kept = _items_in_db(killed_mid_stream.data) - before
    assert kept >= shown, f"{shown} image(s) were on screen, {kept} reached the gallery"


# --- b. the export CLI is killed while it writes the ZIP ---------------------------------

EXPORT_IMAGES = 300
TMP_EXPORT = re.compile(r"^\.tmp-export-(\d+)-[0-9a-f]+\.(?:zip|spool)$")  # a partial ZIP, its spool


def _noise_png() -> bytes:
    """~200 KB: random pixels do not compress."""
    out = io.BytesIO()
    Image.frombytes("RGB", (256, 256), os.urandom(256 * 256 * 3)).save(out, "PNG",
                                                                        compress_level=0)
    return out.getvalue()


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("export-crash") / "data"
    noise = [_noise_png() for _ in range(16)]  # every file still differs: its metadata does
    with pytest.MonkeyPatch.context() as mp, GalleryStore(data) as store:
        mp.setattr(os, "fsync", lambda fd: None)  # setup only: durability is not under test
        for i in range(EXPORT_IMAGES):
            store.add_image(noise[i % len(noise)], "image/png", NewItem(
                page=("story", "edit", "recipe", "text")[i % 4], prompt=f"noise #{i}",
                model="gemini-2.5-flash-image", seed=i))
    return data


def _export_cmd(data: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "studio", "export", "--data-dir", str(data), str(out)]


def _export_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": pythonpath()}


def _kill_export_mid_write(data: Path, out: Path, min_bytes: int = 2 << 20) -> tuple[int, Path]:
    """Start the export CLI and SIGKILL it once its temp ZIP holds `min_bytes`.
    Returns (pid, the temp file it was writing)."""
    proc = subprocess.Popen(_export_cmd(data, out), cwd=ROOT, env=_export_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                _, err = proc.communicate()
                pytest.fail(f"the export ended (code {proc.returncode}) before it could be "
                            f"killed mid-write: make the store bigger. stderr: {err[-2000:]!r}")
            for tmp in out.parent.glob(f".tmp-export-{proc.pid}-*.zip"):
                try:
                    if tmp.stat().st_size >= min_bytes:
                        os.kill(proc.pid, signal.SIGKILL)
                        proc.wait(timeout=10)
                        assert proc.returncode == -signal.SIGKILL, proc.returncode
                        return proc.pid, tmp
                except FileNotFoundError:
                    continue
            time.sleep(0.002)  # polling interval
        pytest.fail("the export never started writing its temp file within 60 s")
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    raise AssertionError("unreachable")


def _assert_valid_export(out: Path) -> None:
    with zipfile.ZipFile(out) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
    assert sum(1 for n in names if n.startswith("images/")) == EXPORT_IMAGES
    assert len(manifest["items"]) == EXPORT_IMAGES
    assert {"manifest.csv", "index.html"} <= set(names)


def test_sigkill_during_an_export_leaves_no_zip_and_a_whole_store(big_store: Path, tmp_path: Path):
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    out = out_dir / "gallery.zip"

    pid, tmp = _kill_export_mid_write(big_store, out)
    assert not out.exists(), "a half-written ZIP is under the name the user asked for"
    leftovers = sorted(p.name for p in out_dir.iterdir())
    # The only things a killed export may leave are its own hidden temp files, the partial
    # ZIP and its scratch spool (nothing can delete them after SIGKILL): never a file that
    # looks like an export.
    spool = tmp.with_suffix(".spool")
    assert leftovers == sorted([tmp.name, spool.name]), leftovers
    match = TMP_EXPORT.match(tmp.name)
    assert match and int(match.group(1)) == pid, tmp.name
    partial_size = tmp.stat().st_size

    with GalleryStore(big_store) as store:
        assert store.count() == EXPORT_IMAGES
        report = check_store(store)
        assert not report.problems, report.problems

    done = subprocess.run(_export_cmd(big_store, out), cwd=ROOT, env=_export_env(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    _assert_valid_export(out)
    assert partial_size < out.stat().st_size  # the kill landed mid-write
    assert not tmp.exists(), "the next export removes a dead export's partial file"
    assert not spool.exists(), "the next export removes a dead export's spool"

    # Killing a re-export must leave the previous ZIP exactly as it was.
    before = sha256_file(out)
    _kill_export_mid_write(big_store, out)
    assert sha256_file(out) == before, "a killed re-export damaged the existing ZIP"
    _assert_valid_export(out)
    left = [p.name for p in out_dir.iterdir() if p.name != out.name]
    assert all(TMP_EXPORT.match(name) for name in left), left
