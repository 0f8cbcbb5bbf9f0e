from __future__ import annotations

from studio.gallery.records import GalleryFilter
from tests.app.conftest import assert_clean


def test_text_is_rendered_in_parallel_variants_beside_the_intended_text(open_page, gallery):
    at = open_page("text")
    at.slider(key="variants").set_value(3).run()
    at.selectbox(key="text_format").set_value("invitation")
    at.text_input(key="text_headline").input("You're invited to Maya's 30th!")
    at.text_area(key="text_body").input("Dinner, music and cake.")
    at.text_input(key="text_details").input("Saturday 7 pm")
    at.button(key="text_generate").click().run()
    assert_clean(at)
    assert [t.value for t in at.text][:3] == [
        "You're invited to Maya's 30th!", "Dinner, music and cake.", "Saturday 7 pm"]
    items = gallery.query(GalleryFilter(page="text"))
    assert len(items) == 3
    assert len({i.seed for i in items}) == 3, "variants differ by seed"
    assert items[0].settings["inputs"]["text_headline"] == "You're invited to Maya's 30th!"
    assert sum("Variant" in m.value for m in at.markdown) == 3


def test_quota_error_in_one_run_is_explained_and_nothing_is_lost(open_page, gallery):
    at = open_page("text")
    at.text_input(key="text_headline").input("Sale")
    at.button(key="text_generate").click().run()
    assert gallery.count() == 1
    at.text_input(key="text_headline").input("Sale [fault:429]")
    at.button(key="text_generate").click().run()
    assert_clean(at)
    assert any("Quota" in w.value for w in at.warning)
    assert gallery.count() == 1
