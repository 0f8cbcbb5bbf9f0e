from __future__ import annotations

import io
import os

from PIL import Image
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from studio.emulator import Fault, ScriptedResponder, scripted_image
from studio.gallery.records import GalleryFilter
from studio.gallery.store import GalleryStore
from studio.gemini.budget import DEFAULT_HISTORY_MB
from studio.gemini.offline import offline_emulator, reset_offline_emulator
from tests.app.conftest import THINKING_MODEL, assert_clean


def _png(color: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (96, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _say(at: AppTest, text: str) -> AppTest:
    at.chat_input(key="edit_chat").set_value(text).run()
    assert_clean(at)
    return at


def _upload(at: AppTest, data: bytes, name: str = "photo.png") -> AppTest:
    at.file_uploader(key="edit_upload").set_value((name, data, "image/png")).run()
    assert_clean(at)
    return at


def test_five_turns_with_an_undo_and_a_branch_keep_working(open_page, gallery: GalleryStore):
    at = _upload(open_page("edit"), _png())
    for instruction in ("Make it black and white", "Add a gold border", "Rotate it 90 degrees"):
        _say(at, instruction)
    assert len(gallery.query(GalleryFilter(page="edit"))) == 4  # the upload + three edits
    at.button(key="edit_undo").click().run()
    assert_clean(at)
    _say(at, "Invert the colours")
    at.button(key="edit_branch_0").click().run()  # back to the black-and-white version
    assert_clean(at)
    _say(at, "Add the caption 'Hello'")
    _say(at, "Make it brighter")
    edits = gallery.query(GalleryFilter(page="edit"), order="oldest")
    assert len(edits) == 7
    last = edits[-1]
    # lineage: every edit points at the image it came from
    parent = gallery.get(last.parent_id)
    assert parent is not None and parent.prompt == "Add the caption 'Hello'"
    grand = gallery.get(parent.parent_id)
    assert grand is not None and grand.prompt == "Make it black and white"
    users = [m for m in at.chat_message if m.name == "user"]
    assert len(users) == 1 + 3  # start image + three live turns after the branch
    assert not at.error


def test_the_history_sent_back_keeps_thought_signatures(open_page):
    # on a thinking model the emulator checks every signature sent back, as Gemini 3 does
    at = open_page("edit")
    at.selectbox(key="model").set_value(THINKING_MODEL).run()
    at = _upload(at, _png())
    _say(at, "Make it sepia")
    _say(at, "Add a border")
    _say(at, "Mirror it")
    # the emulator answers 400 for a history without its signatures
    assert not at.error, [e.value for e in at.error]
    assert len(at.image) >= 4


def test_reset_starts_over_and_the_conversation_stays_resumable(open_page):
    at = _upload(open_page("edit"), _png())
    _say(at, "Make it blue")
    at.button(key="edit_reset").click().run()
    assert_clean(at)
    assert at.file_uploader(key="edit_upload") is not None
    resume = [b for b in at.button if (b.key or "").startswith("resume_edit_")]
    assert resume
    resume[0].click().run()
    assert_clean(at)
    _say(at, "Make it darker")
    assert not at.error


def test_a_broken_upload_is_refused_with_a_message(open_page, gallery):
    at = open_page("edit")
    at.file_uploader(key="edit_upload").set_value(("photo.png", b"not an image", "image/png"))
    at.run()
    assert_clean(at)
    assert any("not an image" in e.value for e in at.error)
    assert gallery.count() == 0


def test_an_attached_reference_image_is_combined(open_page, gallery):
    at = _upload(open_page("edit"), _png((30, 30, 200), (120, 80)))
    chat = at.chat_input(key="edit_chat")
    chat.upload("logo.png", _png((250, 250, 0), (40, 40)), "image/png")
    chat.set_value("Combine it with the attached logo").run()
    assert_clean(at)
    items = gallery.query(GalleryFilter(page="edit"), order="oldest")
    assert [i.engine for i in items].count("upload") == 2
    assert not at.error


def test_compare_shows_two_versions_side_by_side(open_page):
    at = _upload(open_page("edit"), _png())
    _say(at, "Make it black and white")
    at.toggle(key="edit_compare").set_value(True).run()
    assert_clean(at)
    assert at.selectbox(key="edit_compare_a").value.startswith("Start")
    assert at.selectbox(key="edit_compare_b").value.startswith("Turn 1")


def test_starting_from_a_description_generates_the_first_image(open_page, gallery):
    at = open_page("edit")
    at.text_input(key="edit_start_prompt").input("A red bicycle on a blue wall")
    at.button(key="edit_start_generate").click().run()
    assert_clean(at)
    _say(at, "Make it black and white")
    assert len(gallery.query(GalleryFilter(page="edit"))) == 2


def _bytes(fmt: str, mode: str = "RGB", size=(64, 48), **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 120).save(out, fmt, **save)
    return out.getvalue()


import pytest  # noqa: E402


@pytest.mark.parametrize("name, data, words", [
    ("empty.png", b"", "empty"),
    ("truncated.png", _png()[:60], "damaged"),
    ("notes.png", b"just some text, not a picture", "not an image"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG"),
    ("photo.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1", "HEIC"),
])
def test_hostile_uploads_are_refused_in_the_page_with_a_reason(open_page, gallery, name,
                                                               data, words):
    at = open_page("edit")
    at.file_uploader(key="edit_upload").set_value((name, data, "image/png")).run()
    assert_clean(at)
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert gallery.count() == 0


@pytest.mark.parametrize("name, data, note", [
    ("print.jpg", _bytes("JPEG", "CMYK"), "CMYK"),
    ("anim.gif", _bytes("GIF", "RGB", save_all=True,
                        append_images=[Image.new("RGB", (64, 48), "blue")]), "first frame"),
])
def test_odd_uploads_are_normalized_and_say_what_changed(open_page, gallery, name, data, note):
    at = open_page("edit")
    at.file_uploader(key="edit_upload").set_value((name, data, "image/jpeg")).run()
    assert_clean(at)
    assert any(note in i.value for i in at.info), [i.value for i in at.info]
    [item] = gallery.query()
    assert item.mime in ("image/png", "image/jpeg")
    at.chat_input(key="edit_chat").set_value("Make it black and white").run()
    assert not at.error


def _noise_png(size: tuple[int, int] = (1024, 512)) -> bytes:
    """A photographic-size answer: random pixels do not compress (~1.5 MB of PNG)."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


NOISE_PNG = _noise_png()


def _on_limit(monkeypatch, mb: str, history_mb: str = "off") -> ScriptedResponder:
    """The app and the emulator on an endpoint limit of `mb` MB (set before the app starts);
    the working history size `history_mb` ("off": requests grow to the limit)."""
    monkeypatch.setenv("STUDIO_MAX_REQUEST_MB", mb)
    monkeypatch.setenv("STUDIO_HISTORY_MB", history_mb)
    reset_offline_emulator()
    emulator = offline_emulator()
    emulator.log.enabled = True
    responder = ScriptedResponder()
    emulator.responder = responder
    return responder


def test_a_long_chat_stays_under_the_request_limit_and_names_what_it_left_out(
        open_page, monkeypatch):
    scripted = _on_limit(monkeypatch, "20")
    at = _upload(open_page("edit"), _png())
    for turn in range(15):
        scripted.enqueue(f"Edit {turn + 1} done.", NOISE_PNG)
        _say(at, f"Edit number {turn + 1}")
        assert not at.error, [e.value for e in at.error]
    sizes = [r["bytes"] for r in offline_emulator().requests if ":stream" in r["path"]
             or "generateContent" in r["path"]]
    assert len(sizes) == 15 and max(sizes) < 20 * 2**20
    assert max(sizes) > 15 * 2**20  # the budget used most of the room, not a tiny window
    notes = [c.value for c in at.caption if "left out of this request" in c.value]
    assert notes and "to stay under 20 MB" in notes[-1] and "Turns 2–" in notes[-1]
    last = scripted.requests[-1].contents
    assert any(p.is_image for p in last[0].parts)  # the source image is still sent
    assert "Edit number 14" in " ".join(p.text or "" for c in last[-5:] for p in c.parts)
    meter = [p.proto.text for p in at.get("progress")]
    assert meter and "of 20 MB" in meter[0] and "older turns will be left out" in meter[0]


def _request_sizes() -> list[int]:
    return [r["bytes"] for r in offline_emulator().requests if "enerateContent" in r["path"]]


@pytest.mark.parametrize("history_mb", ["", "12"])  # the default working size, and a set one
def test_a_long_chat_keeps_to_the_working_history_size_under_the_limit(
        open_page, monkeypatch, history_mb):
    scripted = _on_limit(monkeypatch, "20", history_mb)
    working = float(history_mb or DEFAULT_HISTORY_MB)
    at = _upload(open_page("edit"), _png())
    for turn in range(10):
        scripted.enqueue(f"Edit {turn + 1} done.", NOISE_PNG)
        _say(at, f"Edit number {turn + 1}")
        assert not at.error, [e.value for e in at.error]
    sizes = _request_sizes()
    assert len(sizes) == 10 and max(sizes) <= working * 2**20
    assert max(sizes) > (working - 3) * 2**20  # the room was used: at most a turn is spare
    notes = [c.value for c in at.caption if "left out of this request" in c.value]
    assert notes and "Turns 2–" in notes[-1]
    assert (f"older turns go past the working size of {working:g} MB (STUDIO_HISTORY_MB; the "
            "endpoint takes 20 MB)") in notes[-1]
    last = scripted.requests[-1].contents
    assert any(p.is_image for p in last[0].parts)  # the source image is still sent
    assert "Edit number 9" in " ".join(p.text or "" for c in last[-5:] for p in c.parts)
    meter = [p.proto.text for p in at.get("progress")]
    assert meter and f"of {working:g} MB (working size; the endpoint takes 20 MB)" in meter[0]
    assert "older turns will be left out" in meter[0]


def test_the_latest_image_is_sent_even_when_it_alone_passes_the_working_size(
        open_page, monkeypatch):
    scripted = _on_limit(monkeypatch, "20", "1")  # a working size smaller than one answer
    answers = [_noise_png() for _ in range(4)]
    at = _upload(open_page("edit"), _png())
    for turn, answer in enumerate(answers):
        scripted.enqueue(f"Edit {turn + 1} done.", answer)
        _say(at, f"Edit number {turn + 1}")
        assert not at.error, [e.value for e in at.error]
    sent = [Image.open(io.BytesIO(p.data or b"")) for c in scripted.requests[-1].contents
            for p in c.parts if p.is_image]
    assert [im.size for im in sent] == [(96, 64), (1024, 512), (1024, 512)]
    pixels = [Image.open(io.BytesIO(a)).tobytes() for a in answers]
    # the first turn (the source and its answer) and the latest; turn 2 left out
    assert [im.tobytes() for im in sent[1:]] == [pixels[0], pixels[2]]
    notes = [c.value for c in at.caption if "left out of this request" in c.value]
    assert "Turn 2 was left out of this request: older turns go past" in notes[-1], notes
    assert _request_sizes()[-1] > 2 * 2**20


def test_a_request_the_api_refuses_for_size_offers_a_new_conversation(open_page, monkeypatch):
    scripted = _on_limit(monkeypatch, "100")
    at = _upload(open_page("edit"), _png())
    offline_emulator().max_request_bytes = 3 * 2**20  # the endpoint takes less than the app thinks
    for turn in range(3):
        scripted.enqueue("Done.", NOISE_PNG)
        _say(at, f"Edit number {turn + 1}")
    refused = [e.value for e in at.error]
    assert refused and "larger than the endpoint's limit of 3 MB" in refused[-1]
    assert "This request was about 4." in refused[-1]
    at.button(key="edit_continue_new").click().run()
    assert_clean(at)
    scripted.enqueue("Warmer.", scripted_image("orange", (64, 64)))
    _say(at, "Make it warmer")
    assert not at.error
    first = scripted.requests[-1].contents[0]
    pixels = Image.open(io.BytesIO(NOISE_PNG)).tobytes()
    # went on from the latest image (saved with its metadata, so compare pixels)
    assert any(p.is_image and Image.open(io.BytesIO(p.data or b"")).tobytes() == pixels
               for p in first.parts)


def test_a_long_transcript_draws_the_latest_turns_from_copies_made_once(open_page, scripted,
                                                                      monkeypatch):
    from components.render import CHAT_IMAGE_WIDTH, _display_copies

    at = _upload(open_page("edit"), _png())
    for turn in range(6):
        scripted.enqueue(f"Edit {turn + 1} done.", NOISE_PNG)
        _say(at, f"Edit number {turn + 1}")
    shown = [m for m in at.chat_message if m.name == "user"]
    assert len(shown) == 1 + 4  # the start image and the latest four turns
    made = _display_copies().made
    sent: list[bytes] = []
    load = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):  # what reaches the browser
        sent.append(path_or_data)
        return load(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    at.run()  # a rerun with nothing new makes no copy
    assert_clean(at)
    assert _display_copies().made == made
    answers = [Image.open(io.BytesIO(d)) for d in sent if len(d) > 20_000]
    assert len(answers) == 4  # display copies at the transcript's width, not 1024 px PNGs
    assert all(a.format == "JPEG" and a.width == CHAT_IMAGE_WIDTH for a in answers)
    at.toggle(key="edit_show_earlier").set_value(True).run()
    assert_clean(at)
    assert len([m for m in at.chat_message if m.name == "user"]) == 1 + 6


def test_regenerate_replaces_the_last_answer_and_retry_resends_a_failed_turn(
        open_page, scripted, gallery):
    at = _upload(open_page("edit"), _png())
    scripted.enqueue("Blue.", scripted_image("blue", (64, 64)))
    _say(at, "Make it blue")
    first = scripted.requests[-1]
    assert at.button(key="edit_retake").label == "Regenerate"
    scripted.enqueue("Bluer.", scripted_image("navy", (64, 64)))
    at.button(key="edit_retake").click().run()
    assert_clean(at)
    again = scripted.requests[-1]
    assert again.prompt == "Make it blue" and len(again.contents) == len(first.contents)
    assert len([m for m in at.chat_message if m.name == "user"]) == 1 + 1  # still one turn
    assert "Bluer." in [m.value for m in at.markdown] and "Blue." not in [
        m.value for m in at.markdown]
    assert len(gallery.query(GalleryFilter(page="edit"))) == 3  # the first answer is kept

    offline_emulator().faults.push(Fault(kind="stream_error", after_chunks=1))
    scripted.enqueue("Half.", scripted_image("gray", (64, 64)))
    _say(at, "Add a border")
    assert any("stopped partway" in w.value for w in at.warning)
    assert at.button(key="edit_retake").label == "Retry"
    scripted.enqueue("Border.", scripted_image("black", (64, 64)))
    at.button(key="edit_retake").click().run()
    assert_clean(at)
    assert scripted.requests[-1].prompt == "Add a border"
    assert not at.warning and at.button(key="edit_retake").label == "Regenerate"


def test_branching_keeps_every_version_and_the_selector_switches_between_them(
        open_page, gallery):
    at = _upload(open_page("edit"), _png())
    for instruction in ("Make it black and white", "Add a gold border", "Rotate it"):
        _say(at, instruction)
    at.button(key="edit_branch_0").click().run()
    assert_clean(at)
    _say(at, "Invert the colours")
    saved = {c.title: c for c in gallery.list_conversations(page="edit")}
    assert len(saved) == 2
    branch = next(c for t, c in saved.items() if "(branch at turn 1)" in t)
    original = next(c for t, c in saved.items() if "(branch at turn" not in t)
    assert original.turns == 3 and branch.turns == 2  # the original lost nothing
    record = gallery.conversation_record(branch.id) or {}
    assert record["settings"]["parent_id"] == original.id
    assert record["settings"]["branch_turn"] == 1
    picker = next(s for s in at.button_group if s.label == "Branch")
    assert picker.value == branch.id and set(picker.options) >= {
        "Original · 3 turns", "Branch at turn 1 · 2 turns"}
    picker.set_value(original.id).run()
    assert_clean(at)
    instructions = [m.markdown[0].value for m in at.chat_message if m.name == "user"][1:]
    assert instructions == ["Make it black and white", "Add a gold border", "Rotate it"]


def test_redo_brings_back_what_undo_took(open_page, gallery, scripted):
    at = _upload(open_page("edit"), _png())
    for colour in ("gray", "gold", "teal"):
        scripted.enqueue("Done.", scripted_image(colour, (64, 64)))
    _say(at, "Make it black and white")
    _say(at, "Add a gold border")
    at.button(key="edit_undo").click().run()
    assert len([m for m in at.chat_message if m.name == "user"]) == 1 + 1
    assert not at.button(key="edit_redo").disabled
    at.button(key="edit_redo").click().run()
    assert_clean(at)
    assert len([m for m in at.chat_message if m.name == "user"]) == 1 + 2
    assert at.button(key="edit_redo").disabled
    _say(at, "Rotate it")  # the redone turn is in what the model sees again
    sent = [p.text for c in scripted.requests[-1].contents for p in c.parts if p.text]
    assert "Add a gold border" in sent
    assert gallery.list_conversations(page="edit")[0].turns == 3


def _photo_png(megapixels: float = 5.8) -> bytes:
    """A photo-sized PNG of noise: ~3 bytes a pixel, ~17 MB at 5.8 megapixels."""
    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    return _noise_png((width, int(megapixels * 1e6) // width))


PHOTO_PNG = _photo_png()


@pytest.mark.parametrize("limit_mb, how", [("20", "re-encoded"), ("5", "downscaled")])
def test_an_upload_too_large_to_send_is_fitted_with_a_note(open_page, monkeypatch, gallery,
                                                           limit_mb, how):
    assert 16 * 2**20 < len(PHOTO_PNG) < 20 * 2**20  # under the upload limit, over a request
    scripted = _on_limit(monkeypatch, limit_mb)
    at = _upload(open_page("edit"), PHOTO_PNG)
    notes = [i.value for i in at.info if "to fit" in i.value]
    width, height = Image.open(io.BytesIO(PHOTO_PNG)).size
    assert notes and f"photo.png ({width}x{height} px, 1" in notes[0], notes
    assert " MB as sent) was over what a request may carry under the " \
        f"{limit_mb} MB limit; it was {how} to " in notes[0]
    [item] = gallery.query()
    kept = Image.open(io.BytesIO(gallery.image_bytes(item.id)))
    assert f"to {kept.width}x{kept.height} px" in notes[0] and kept.format == "JPEG"
    assert (kept.width < width) == (how == "downscaled")
    scripted.enqueue("Warmer.", scripted_image("orange", (64, 64)))
    _say(at, "Make it warmer")
    assert not at.error, [e.value for e in at.error]
    [sent] = [r["bytes"] for r in offline_emulator().requests if "enerateContent" in r["path"]]
    limit = float(limit_mb) * 2**20
    assert sent < limit
    if how == "downscaled":  # fitted, and not shrunk to a postage stamp
        assert sent > 0.5 * limit


def test_a_reference_too_large_for_any_request_is_refused_with_numbers(open_page, monkeypatch,
                                                                       gallery):
    scripted = _on_limit(monkeypatch, "0.03")
    at = _upload(open_page("edit"), _png())
    scripted.enqueue("Blue.", scripted_image("blue", (64, 64)))
    _say(at, "Make it blue")
    before = gallery.count()
    chat = at.chat_input(key="edit_chat")
    chat.upload("photo.png", NOISE_PNG, "image/png")
    chat.set_value("Put this photo in the corner").run()
    assert_clean(at)
    refused = [e.value for e in at.error]
    assert refused and "photo.png (1024x512 px, 1.6 MB; 2.1 MB as sent)" in refused[0]
    assert "within the 0.03 MB request limit: even at 256x128 px it is " in refused[0]
    assert " KB, and this message has room for " in refused[0]
    assert any("Not sent" in w.value and "Put this photo in the corner" in w.value
               for w in at.warning)
    assert gallery.count() == before  # nothing kept, nothing sent, the chat as it was
    assert len(scripted.requests) == 1
    assert [m.markdown[0].value for m in at.chat_message if m.name == "user"][1:] == [
        "Make it blue"]


def _instructions(at: AppTest) -> list[str]:
    return [m.markdown[0].value for m in at.chat_message if m.name == "user"][1:]


def test_edit_and_resend_opens_a_branch_and_both_reopen_in_a_new_session(
        open_page, gallery, scripted):
    at = _upload(open_page("edit"), _png())
    for colour in ("gray", "gold", "teal", "silver"):
        scripted.enqueue("Done.", scripted_image(colour, (64, 64)))
    for instruction in ("Make it black and white", "Add a gold border", "Rotate it"):
        _say(at, instruction)
    at.text_area(key="edit_resend_text_1").input("Add a silver border")
    at.button(key="edit_resend_1").click().run()
    assert_clean(at)
    assert _instructions(at) == ["Make it black and white", "Add a silver border"]
    sent = [p.text for c in scripted.requests[-1].contents for p in c.parts if p.text]
    assert "Add a silver border" in sent and "Make it black and white" in sent
    assert "Add a gold border" not in sent and "Rotate it" not in sent
    saved = {c.title: c for c in gallery.list_conversations(page="edit")}
    branch = next(c for t, c in saved.items() if "(branch at turn 1)" in t)
    original = next(c for t, c in saved.items() if "(branch at turn" not in t)
    assert (original.turns, branch.turns) == (3, 2)  # the turn as first sent is kept

    again = open_page("edit")  # a new browser session: everything from the store
    again.button(key=f"resume_edit_{branch.id}").click().run()
    assert_clean(again)
    assert _instructions(again) == ["Make it black and white", "Add a silver border"]
    picker = next(s for s in again.button_group if s.label == "Branch")
    picker.set_value(original.id).run()
    assert_clean(again)
    assert _instructions(again) == ["Make it black and white", "Add a gold border", "Rotate it"]
    again.button(key="edit_undo").click().run()  # the view ends on the new latest turn
    assert_clean(again)
    assert _instructions(again)[-1] == "Add a gold border"
    assert gallery.list_conversations(page="edit")[0].turns == 2


def test_editing_the_first_turn_resends_it_with_the_start_image(open_page, gallery, scripted):
    at = _upload(open_page("edit"), _png((10, 200, 10)))
    for colour in ("gray", "navy"):
        scripted.enqueue("Done.", scripted_image(colour, (64, 64)))
    _say(at, "Make it black and white")
    at.text_area(key="edit_resend_text_0").input("Make it blue")
    at.button(key="edit_resend_0").click().run()
    assert_clean(at)
    assert _instructions(at) == ["Make it blue"]
    first = scripted.requests[-1].contents[0]
    assert any(p.is_image for p in first.parts)  # the start image goes with it again
    names = set(next(s for s in at.button_group if s.label == "Branch").options)
    assert names == {"Original · 1 turn", "Branch from the start · 1 turn"}
