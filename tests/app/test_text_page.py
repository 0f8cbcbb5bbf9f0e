from __future__ import annotations

import json
import zipfile

import pytesseract

from studio.emulator import ModelRequest, Reply, ReplyPart
from studio.emulator.textcards import render_text_card
from studio.emulator.textlayout import TextRoles, misspell
from studio.exchange.export_zip import export_zip
from studio.gallery.records import GalleryFilter
from studio.gemini.offline import offline_emulator
from studio.proofread.ocr import ocr_status
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


HEADLINE = "You're invited to Maya's 30th!"
BODY = "Join us for dinner, music and far too much cake."
DETAILS = "Saturday 12 December, 7 pm"


def _fill(at) -> None:
    at.selectbox(key="text_format").set_value("invitation")
    at.text_input(key="text_headline").input(HEADLINE)
    at.text_area(key="text_body").input(BODY)
    at.text_input(key="text_details").input(DETAILS)


def _scores(at) -> list[float]:
    return [float(m.value.rstrip("%")) / 100 for m in at.metric if m.label == "Text accuracy"]


class _FirstVariantMisspells:
    """Variant 1 (no seed) gets a card with one wrong letter, the others a clean card: only
    sorting can put a clean one on top, however the parallel calls interleave."""

    def respond(self, request: ModelRequest) -> Reply:
        roles = TextRoles(HEADLINE, BODY, [DETAILS])
        if not request.seed:
            roles = TextRoles(misspell(HEADLINE), BODY, [DETAILS])
        card = render_text_card(request.size, roles, "invitation", "", request.seed or 1)
        return Reply((ReplyPart.of("Here it is."), ReplyPart.of(card)))


def test_variants_are_proofread_by_ocr_scored_and_shown_best_first(open_page, gallery):
    offline_emulator().responder = _FirstVariantMisspells()
    at = open_page("text")
    at.slider(key="variants").set_value(2).run()
    _fill(at)
    at.button(key="text_generate").click().run()
    assert_clean(at)
    scores = _scores(at)
    assert len(scores) == 2
    assert scores[0] >= 0.98, "the clean card reads back as written"
    assert scores[1] < scores[0], "one wrong letter costs accuracy, and sorts below"
    assert any("reads exactly as intended" in c.value for c in at.caption)
    assert any("1 word(s) differ" in c.value for c in at.caption)
    variants = [m.value for m in at.markdown if m.value.startswith("**Variant")]
    assert variants[0].startswith("**Variant 2**") and "best match" in variants[0]
    assert variants[1].startswith("**Variant 1**")
    assert any("invjted" in m.value and "(invited)" in m.value for m in at.markdown)
    kept = sorted((i.settings["proofread"]["wrong_words"], i.settings["proofread"]["score"])
                  for i in gallery.query(GalleryFilter(page="text")))
    assert [k[0] for k in kept] == [0, 1] and kept[0][1] > kept[1][1]


def test_proofreading_scores_and_a_well_worded_prompt_travel_in_the_export(open_page, gallery, tmp_path):
    at = open_page("text")
    _fill(at)
    at.button(key="text_generate").click().run()
    export_zip(gallery, None, tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        (row,) = json.loads(zf.read("manifest.json"))["items"]
    assert row["settings"]["proofread"]["score"] >= 0.98
    assert row["prompt"].startswith("Design an invitation in an elegant and minimal style.")


def test_without_tesseract_the_page_says_why_and_still_renders(open_page, gallery, monkeypatch):
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ocr_status.cache_clear()
    try:
        at = open_page("text")
        _fill(at)
        at.button(key="text_generate").click().run()
        assert_clean(at)
        assert any("Proofreading is unavailable" in i.value and "Tesseract" in i.value
                   for i in at.info)
        assert not _scores(at)
        (item,) = gallery.query(GalleryFilter(page="text"))
        assert "proofread" not in item.settings
    finally:
        ocr_status.cache_clear()


def _bytes_held(obj: object, seen: set[int] | None = None) -> int:
    """Bytes reachable from `obj` through dataclasses, containers and plain objects."""
    import dataclasses

    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, bytes | bytearray | memoryview):
        return len(obj)
    if isinstance(obj, dict):
        return sum(_bytes_held(k, seen) + _bytes_held(v, seen) for k, v in obj.items())
    if isinstance(obj, list | tuple | set | frozenset):
        return sum(_bytes_held(v, seen) for v in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return sum(_bytes_held(getattr(obj, f.name), seen) for f in dataclasses.fields(obj))
    return 0


def test_the_session_holds_no_image_bytes_after_several_batches(open_page, gallery):
    at = open_page("text")
    at.slider(key="variants").set_value(2).run()
    for headline in ("GRAND OPENING", "FRESH BEANS", "OPEN LATE"):
        at.text_input(key="text_headline").input(headline)
        at.button(key="text_generate").click().run()
        assert_clean(at)
    assert len(gallery.query(GalleryFilter(page="text"))) == 6
    assert len(at.image) == 2  # the latest batch is shown, read from the gallery
    session = at.session_state["studio"]
    assert len(session.text_results) == 3
    assert _bytes_held(session) < 1000  # ids and text, no image of ~20-40 KB
