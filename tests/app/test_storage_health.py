"""A damaged, full or read-only data folder explains itself on every page, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore
from tests.app.conftest import assert_clean
from tests.folder_damage import fill_disk, overwrite, read_only_folder, small_disk

PAGES = ("home", "gallery", "story", "edit", "recipe", "text")


def _fill(folder: Path, n: int) -> None:
    with GalleryStore(folder) as store:
        for i in range(n):
            buf = io.BytesIO()
            Image.new("RGB", (32, 32), (i * 9 % 255, 80, 20)).save(buf, "PNG")
            store.add_image(buf.getvalue(), "image/png", NewItem(page="story", prompt=f"cat {i}"))


@pytest.mark.parametrize("page", PAGES)
def test_a_read_only_data_folder_shows_a_banner_and_the_page_still_works(
    open_page, _isolated_environment: Path, page: str,
):
    _fill(_isolated_environment, 3)
    with read_only_folder(_isolated_environment):
        at = open_page(page)
        assert_clean(at)
        assert any("read-only" in w.value for w in at.warning), [w.value for w in at.warning]
        if page == "gallery":
            assert len(at.image) == 3


def test_an_overwritten_database_header_says_what_was_recovered(open_page, _isolated_environment: Path):
    _fill(_isolated_environment, 4)
    overwrite(_isolated_environment / "studio.db", 0, 100)
    at = open_page("home")
    assert_clean(at)
    assert any("damaged" in i.value and "4" in i.value for i in at.info), [i.value for i in at.info]
    at.switch_page("pages/gallery.py").run()
    assert_clean(at)
    assert len(at.image) == 4
    assert list(_isolated_environment.glob("studio-damaged-*.db"))


def test_a_full_disk_at_start_names_it_instead_of_a_traceback(
    open_page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP
    with small_disk(tmp_path / "disk") as disk:
        monkeypatch.setenv("STUDIO_DATA_DIR", str(disk / "data"))
        fill_disk(disk)
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
    assert_clean(at)
    assert any("full" in e.value for e in at.error), [e.value for e in at.error]


@pytest.mark.parametrize("page, button", [("text", "text_generate"), ("lab", "lab_run"),
                                          ("story", "story_generate"),
                                          ("recipe", "recipe_generate")])
def test_a_read_only_folder_disables_generating_with_the_reason(
    open_page, _isolated_environment: Path, page: str, button: str,
):
    _fill(_isolated_environment, 1)
    with read_only_folder(_isolated_environment):
        at = open_page(page)
        assert_clean(at)
        run = at.button(key=button)
        assert run.disabled and "read-only" in (run.proto.help or "")


def test_a_disk_that_fills_while_a_story_streams_says_so_and_the_page_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
):
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP
    with small_disk(tmp_path / "disk", size_kb=8192) as disk:
        monkeypatch.setenv("STUDIO_DATA_DIR", str(disk / "data"))
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        at.switch_page("pages/story.py").run()
        assert_clean(at)
        filler = fill_disk(disk)  # the disk fills after the app has opened its gallery
        at.text_area(key="story_prompt").input("a turtle on a full disk")
        at.number_input(key="story_scenes").set_value(2)
        at.button(key="story_generate").click().run()
        assert_clean(at)
        assert any("full" in e.value for e in at.error), [e.value for e in at.error]
        filler.unlink()  # space again: generating works again
        at.text_area(key="story_prompt").input("a turtle with room to spare")
        at.button(key="story_generate").click().run()
        assert_clean(at)
        assert not at.error, [e.value for e in at.error]
        assert len(at.image) >= 2
