from __future__ import annotations

import io

from PIL import Image

from studio.gallery.records import NewItem
from studio.gallery.store import GalleryStore
from tests.app.conftest import assert_clean
from tests.folder_damage import read_only_folder


def _fill(store: GalleryStore, n: int, page: str = "story", prompt: str = "a turtle") -> list:
    items = []
    for i in range(n):
        buf = io.BytesIO()
        Image.new("RGB", (32, 32), (i * 5 % 255, 90, 140)).save(buf, "PNG")
        items.append(store.add_image(buf.getvalue(), "image/png",
                                     NewItem(page=page, prompt=f"{prompt} {i}", model="m")))
    return items


def test_gallery_pages_thumbnails_and_filters(open_page, gallery: GalleryStore):
    _fill(gallery, 60)
    _fill(gallery, 3, page="text", prompt="invitation")
    at = open_page("gallery")
    assert_clean(at)
    assert any("63" in m.value for m in at.markdown)
    assert len(at.image) == 48, "one page of thumbnails"
    at.text_input(key="gallery_search").input("invitation").run()
    assert len(at.image) == 3
    at.text_input(key="gallery_search").input("").run()
    at.selectbox(key="gallery_page_filter").set_value("text").run()
    assert len(at.image) == 3
    at.segmented_control(key="gallery_view").set_value("table").run()
    assert at.dataframe[0].value.shape[0] == 3
    assert not at.image, "the grid is not built while the table is shown"


def test_favourites_filter_and_detail_actions(open_page, gallery):
    items = _fill(gallery, 3)
    at = open_page("gallery")
    at.button(key=f"gallery_open_{items[0].id}").click().run()
    assert_clean(at)
    at.toggle(key=f"gallery_fav_{items[0].id}").set_value(True).run()
    assert gallery.get(items[0].id).favourite
    at.toggle(key="gallery_favourites").set_value(True).run()
    assert_clean(at)
    assert gallery.count() == 3 and len([i for i in at.image]) >= 1


def test_delete_is_recoverable(open_page, gallery):
    items = _fill(gallery, 2)
    at = open_page("gallery")
    at.button(key=f"gallery_open_{items[0].id}").click().run()
    at.button(key="gallery_delete").click().run()
    assert_clean(at)
    assert gallery.get(items[0].id).deleted_at is not None
    at.toggle(key="gallery_trash").set_value(True).run()
    at.button(key=f"gallery_restore_{items[0].id}").click().run()
    assert gallery.get(items[0].id).deleted_at is None


def test_export_builds_a_zip_of_the_filtered_items(open_page, gallery):
    _fill(gallery, 4)
    at = open_page("gallery")
    at.button(key="gallery_export_prepare").click().run()
    assert_clean(at)
    assert any(b.key == "gallery_export" for b in at.get("download_button"))
    assert any("Ready: 4 images" in p.text for p in at.get("progress"))


def test_reuse_prompt_opens_the_page_filled_in(open_page, gallery):
    items = _fill(gallery, 1, prompt="a lighthouse fox")
    at = open_page("gallery")
    at.button(key=f"gallery_open_{items[0].id}").click().run()
    at.button(key="gallery_reuse").click().run()
    assert_clean(at)
    assert at.text_area(key="story_prompt").value == "a lighthouse fox 0"


def test_continue_editing_starts_an_edit_from_the_item(open_page, gallery):
    items = _fill(gallery, 1)
    at = open_page("gallery")
    at.button(key=f"gallery_open_{items[0].id}").click().run()
    at.button(key="gallery_continue").click().run()
    assert_clean(at)
    assert "editing" in at.title[0].value
    at.switch_page("pages/edit.py")  # AppTest would otherwise rerun the page it last switched to
    at.chat_input(key="edit_chat").set_value("Make it black and white").run()
    assert_clean(at)
    child = [i for i in gallery.query() if i.parent_id == items[0].id]
    assert len(child) == 1


def test_an_item_whose_files_were_deleted_spoils_its_own_card_only(open_page, gallery: GalleryStore):
    items = _fill(gallery, 3)
    lost = items[1]
    gallery.image_path(lost).unlink()
    gallery.thumb_path(lost).unlink()
    at = open_page("gallery")
    assert_clean(at)
    assert len(at.image) == 2
    assert [w.value for w in at.warning if "missing" in w.value.lower()], "the card says so"
    at.button(key=f"gallery_open_{lost.id}").click().run()
    assert_clean(at)
    assert any("Image file missing" in w.value for w in at.warning)
    assert at.button(key="gallery_continue").disabled
    assert any(t.value == lost.prompt for t in at.text), "its details are still shown"
    at.button(key="gallery_detail_close").click().run()
    at.button(key=f"gallery_open_{items[0].id}").click().run()
    assert_clean(at)
    assert not at.button(key="gallery_continue").disabled


def test_the_gallery_detail_of_a_read_only_folder_disables_what_writes(
    open_page, _isolated_environment, gallery: GalleryStore,
):
    item = _fill(gallery, 1)[0]
    gallery.close()
    with read_only_folder(_isolated_environment):
        at = open_page("gallery")
        at.button(key=f"gallery_open_{item.id}").click().run()
        assert_clean(at)
        assert at.button(key="gallery_delete").disabled
        assert at.button(key="gallery_continue").disabled
        assert at.toggle(key=f"gallery_fav_{item.id}").disabled
        assert not at.button(key="gallery_detail_close").disabled


def test_the_detail_gives_the_code_that_repeats_an_edit(open_page, gallery):
    source = _fill(gallery, 1, page="edit", prompt="Uploaded: photo")[0]
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (1, 2, 3)).save(buf, "PNG")
    edit = gallery.add_image(buf.getvalue(), "image/png", NewItem(
        page="edit", prompt="Make it sepia", model="gemini-2.5-flash-image", seed=4,
        parent_id=source.id))
    at = open_page("gallery")
    at.button(key=f"gallery_open_{edit.id}").click().run()
    assert_clean(at)
    code = next(c for c in at.code if "generate_content" in c.value).value
    assert "'Make it sepia'" in code and "seed=4" in code and "input-1.png" in code
    assert at.get("download_button"), "the source image downloads beside the code"


def test_a_zip_imported_on_the_page_adds_its_items_and_a_bad_one_changes_nothing(
        open_page, gallery, tmp_path):
    from studio.exchange.export_zip import export_zip
    from studio.gallery.store import GalleryStore as Store

    with Store(tmp_path / "colleague") as theirs:
        _fill(theirs, 3, prompt="their fox")
        export_zip(theirs, None, tmp_path / "theirs.zip")
    at = open_page("gallery")
    at.file_uploader(key="gallery_import_zip").set_value(
        ("broken.zip", b"PK\x03\x04 not really a zip", "application/zip")).run()
    at.button(key="gallery_import_run").click().run()
    assert_clean(at)
    assert any("gallery is unchanged" in e.value for e in at.error)
    assert gallery.count() == 0
    at.file_uploader(key="gallery_import_zip").set_value(
        ("theirs.zip", (tmp_path / "theirs.zip").read_bytes(), "application/zip")).run()
    at.button(key="gallery_import_run").click().run()
    assert_clean(at)
    assert gallery.count() == 3
    assert any("Imported 3 images" in s.value for s in at.success)
