"""Prompt Lab through the page: a matrix run offline, retried, rated, reopened."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from studio.gallery.records import GalleryFilter
from studio.gemini.catalog import load_catalog
from tests.app.conftest import APP, TIMEOUT, assert_clean

MODELS = [m.id for m in load_catalog().models][:2]


def _matrix(at: AppTest, values: str) -> AppTest:
    at.text_input(key="lab_name").input("Coffee wording")
    at.text_input(key="lab_var_headline").input(values)
    at.multiselect(key="lab_models").set_value(MODELS)
    return at.run()


def _grid_images(at: AppTest) -> int:
    return len(at.image)


def _running(at: AppTest) -> bool:
    return any(b.key == "lab_cancel" for b in at.button)


def _finish(at: AppTest, seen: list[str] | None = None, limit_s: float = 60) -> AppTest:
    """Rerun the page until the background run has ended (its Stop button gone); the
    progress lines seen meanwhile go to `seen`."""
    deadline = time.monotonic() + limit_s
    while _running(at) and time.monotonic() < deadline:
        if seen is not None:
            seen.extend(str(getattr(p, "proto", p).text) for p in at.get("progress"))
        time.sleep(0.1)
        at.run()
    assert not _running(at), "the run did not end"
    return at  # the page run that saw it end said how it went (a rerun shows the notice)


def test_a_three_by_two_matrix_runs_offline_and_a_failed_cell_runs_again(
        open_page, gallery, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STUDIO_RETRY_ATTEMPTS", "1")  # the 429 is not retried inside the call
    at = _matrix(open_page("lab"), "OPEN LATE, FRESH BEANS, TRY US [fault:429x1]")
    assert_clean(at)
    assert any(c.value.startswith("6 calls") for c in at.caption), [c.value for c in at.caption]
    _finish(at.button(key="lab_run").click().run())
    assert_clean(at)
    # the 429 value fails once on each model (two cells); the four others made an image
    assert gallery.count() == 4
    assert any("4 of 6 cells" in e.value for e in at.error)
    assert sum("Quota exhausted" in w.value for w in at.warning) == 2, "each cell says why"
    assert _grid_images(at) == 4
    _finish(at.button(key="lab_run_missing").click().run())
    assert_clean(at)
    assert gallery.count() == 6 and _grid_images(at) == 6
    assert any("2 of 2 cells" in s.value for s in at.success)
    tagged = gallery.query(GalleryFilter(page="lab"))
    assert len(tagged) == 6 and len({tuple(i.tags) for i in tagged}) == 1
    assert tagged[0].tags[0].startswith("experiment:")


def test_rate_limited_cells_wait_together_for_the_hinted_time_and_none_is_lost(
        open_page, gallery):
    # one value is refused once per model with a 2 s RetryInfo hint: the run pauses as a whole
    at = _matrix(open_page("lab"), "OPEN LATE, FRESH BEANS, TRY US [fault:429x1=2]")
    seen: list[str] = []
    _finish(at.button(key="lab_run").click().run(), seen)
    assert_clean(at)
    assert any(line.startswith("Rate limited — waiting") and "retry 1 of 3" in line
               for line in seen), seen
    assert gallery.count() == 6 and _grid_images(at) == 6, "no cell lost"
    assert any("6 of 6 cells" in s.value and "rate limit paused" in s.value for s in at.success)
    assert not any(w.value.startswith("Quota") for w in at.warning)


def test_stop_keeps_the_finished_cells_and_the_rest_run_later(open_page, gallery):
    at = _matrix(open_page("lab"), "OPEN LATE, FRESH BEANS, TRY US [fault:slow=1]")
    at.number_input(key="lab_concurrency").set_value(2)
    at.button(key="lab_run").click().run()
    assert _running(at)
    at.button(key="lab_cancel").click().run()
    _finish(at)
    assert_clean(at)
    kept = gallery.count()
    assert 0 < kept < 6, "the cells on their way finished; the others never started"
    assert _grid_images(at) == kept
    assert any(i.value.startswith(f"Stopped: {kept} of 6 cells") for i in at.info)
    assert at.button(key="lab_run_missing").label == f"Run the {6 - kept} left"
    _finish(at.button(key="lab_run_missing").click().run())
    assert gallery.count() == 6 and _grid_images(at) == 6


def test_a_saved_experiment_reopens_in_a_new_session_with_its_ratings(open_page, gallery):
    at = _matrix(open_page("lab"), "OPEN LATE")
    at.text_input(key="lab_seeds").input("7").run()  # its cells are keyed by their seed
    _finish(at.button(key="lab_run").click().run())
    assert_clean(at)
    stars = [b for b in at.feedback if (b.key or "").startswith("lab_rate_")]
    assert len(stars) == 2
    stars[0].set_value(3).run()  # the fourth star: a rating of 4
    winner = next(c for c in at.checkbox if (c.key or "").startswith("lab_win_"))
    winner.check().run()
    assert_clean(at)
    assert gallery.query(GalleryFilter(favourite=True)), "a winner is a favourite too"

    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.run()
    again.switch_page("pages/lab.py").run()
    options = again.selectbox(key="lab_open").options
    assert len(options) == 2 and options[1].startswith("Coffee wording · 2 cells")
    again.selectbox(key="lab_open").select_index(1).run()
    assert_clean(again)
    assert again.text_input(key="lab_name").value == "Coffee wording"
    assert again.text_input(key="lab_seeds").value == "7"
    assert _grid_images(again) == 2
    ratings = {b.key: b.value for b in again.feedback if (b.key or "").startswith("lab_rate_")}
    assert sorted(v for v in ratings.values() if v is not None) == [3]
    assert sum(c.value for c in again.checkbox if (c.key or "").startswith("lab_win_")) == 1


def test_a_run_over_the_budget_asks_first(open_page, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STUDIO_BUDGET_USD", "0.01")
    at = _matrix(open_page("lab"), "A, B, C")
    assert at.button(key="lab_run").disabled
    assert any("over the budget" in w.value for w in at.warning)
    at.checkbox(key="lab_over_budget").check().run()
    assert not at.button(key="lab_run").disabled


def test_a_batch_run_is_followed_and_lands_in_the_grid_at_batch_price(
        open_page, gallery, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STUDIO_EMULATOR_BATCH_SECONDS", "0,0")
    at = _matrix(open_page("lab"), "OPEN LATE, CLOSED [fault:500]")
    at.multiselect(key="lab_models").set_value(MODELS[:1])
    at.segmented_control(key="lab_mode").set_value("Batch").run()
    assert any("at batch price" in c.value for c in at.caption)
    at.button(key="lab_run").click().run()
    assert_clean(at)
    assert any("batch job" in s.value for s in at.success), [s.value for s in at.success]
    # the job ended at once on this clock: the page collected it on the same run
    assert gallery.count() == 1, "the request that succeeded made its image"
    assert sum("batch request failed (500)" in w.value for w in at.warning) == 1
    item = gallery.query()[0]
    interactive = load_catalog().get(item.model).estimate_cost(
        item.prompt_tokens, item.output_tokens, 1, item.image_size)
    assert item.cost_usd == pytest.approx(interactive / 2, rel=1e-3)
    assert any("finished" in s.value and "inline" in s.value for s in at.success)


def _jobs(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind) if "batches/" in e.value]


def test_a_batch_over_the_inline_limit_goes_as_a_jsonl_file_and_reads_its_result_file(
        open_page, gallery, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STUDIO_EMULATOR_BATCH_SECONDS", "0,0")
    monkeypatch.setenv("STUDIO_BATCH_INLINE_MB", "0.0001")  # ~100 bytes: any batch is "large"
    at = _matrix(open_page("lab"), "OPEN LATE, CLOSED [fault:500]")
    at.segmented_control(key="lab_mode").set_value("Batch").run()
    at.button(key="lab_run").click().run()
    assert_clean(at)
    done = _jobs(at, "success")
    assert len(done) == 2 and all("as a JSONL file" in j and "finished" in j for j in done), done
    from studio.gemini.offline import offline_emulator
    uploads = [f for f in offline_emulator().files._files.values() if not f.generated]
    assert len(uploads) == 2 and all(b"OPEN LATE" in f.data for f in uploads)
    assert gallery.count() == 2, "one image per model, read back from the result files"
    assert sum("batch request failed (500)" in w.value for w in at.warning) == 2
    item = next(i for i in gallery.query() if i.model == MODELS[0])
    interactive = load_catalog().get(item.model).estimate_cost(
        item.prompt_tokens, item.output_tokens, 1, item.image_size)
    assert item.cost_usd == pytest.approx(interactive / 2, rel=1e-3)


@pytest.mark.parametrize("fate, words", [("failed", "failed: none of its requests ran"),
                                         ("expired", "expired: not run within 48 hours")])
def test_a_batch_that_fails_or_expires_says_so_and_its_cells_run_again(
        open_page, gallery, monkeypatch: pytest.MonkeyPatch, fate: str, words: str):
    monkeypatch.setenv("STUDIO_EMULATOR_BATCH_SECONDS", "0,0")
    at = _matrix(open_page("lab"), "OPEN LATE, CLOSED")
    at.text_input(key="lab_name").input(f"Coffee [batch:{fate}]").run()
    at.multiselect(key="lab_models").set_value(MODELS[:1])
    at.segmented_control(key="lab_mode").set_value("Batch").run()
    at.button(key="lab_run").click().run()
    assert_clean(at)
    ended = _jobs(at, "warning")
    assert len(ended) == 1 and words in ended[0] and "run again" in ended[0], ended
    assert gallery.count() == 0
    assert at.button(key="lab_run_missing").label == "Run the 2 left"
    at.segmented_control(key="lab_mode").set_value("Now").run()
    _finish(at.button(key="lab_run_missing").click().run())
    assert gallery.count() == 2 and _grid_images(at) == 2


@pytest.mark.parametrize("inline_mb", ["20", "0.0001"], ids=["inline", "jsonl-file"])
def test_a_batch_job_is_followed_across_a_restart_of_the_app(
        open_page, gallery, monkeypatch: pytest.MonkeyPatch, inline_mb: str):
    import streamlit as st

    from studio.emulator.testing import running_server

    monkeypatch.setenv("STUDIO_BATCH_INLINE_MB", inline_mb)
    with running_server("--batch-seconds", "1", "1") as server:
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", server.url)
        at = _matrix(open_page("lab"), "OPEN LATE")
        at.multiselect(key="lab_models").set_value(MODELS[:1])
        at.segmented_control(key="lab_mode").set_value("Batch").run()
        at.button(key="lab_run").click().run()
        assert_clean(at)
        assert any("waiting to start" in i.value for i in at.info)
        assert gallery.count() == 0

        st.cache_resource.clear()  # the app restarts: clients and store are made anew
        time.sleep(2.2)
        again = AppTest.from_file(APP, default_timeout=TIMEOUT)
        again.run()
        again.switch_page("pages/lab.py").run()
        again.selectbox(key="lab_open").select_index(1).run()  # reopened after the restart
        assert_clean(again)
        assert any("finished" in s.value for s in again.success)
        assert gallery.count() == 1 and len(again.image) == 1


def _cell_keys(at: AppTest, prefix: str) -> list[str]:
    return [w.key for w in at.checkbox if (w.key or "").startswith(prefix)] or \
        [w.key for w in at.text_area if (w.key or "").startswith(prefix)]


def test_a_cell_is_annotated_and_the_note_reopens_with_the_experiment(open_page, gallery):
    at = _finish(_matrix(open_page("lab"), "OPEN LATE").button(key="lab_run").click().run())
    note = _cell_keys(at, "lab_note_")[0]
    at.text_area(key=note).input("Best lettering; the cup is too small").run()
    assert_clean(at)
    assert any("cup is too small" in c.value for c in at.caption), "shown under the cell"
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.run()
    again.switch_page("pages/lab.py").run()
    again.selectbox(key="lab_open").select_index(1).run()
    assert again.text_area(key=note).value == "Best lettering; the cup is too small"


def test_two_cells_open_in_compare_on_the_gallery_page(open_page, gallery):
    at = _finish(_matrix(open_page("lab"), "OPEN LATE").button(key="lab_run").click().run())
    assert at.button(key="lab_compare").disabled, "Compare needs two to four cells"
    for key in _cell_keys(at, "lab_cmp_"):
        at.checkbox(key=key).check().run()
    assert at.button(key="lab_compare").label == "Open 2 in Compare"
    at.button(key="lab_compare").click().run()
    assert_clean(at)
    assert at.title[0].value.endswith("Gallery")
    made = {i.id for i in gallery.query()}
    assert set(at.session_state["studio"].compare) == made and len(made) == 2


def test_a_cell_continues_in_conversational_editing(open_page, gallery):
    at = _finish(_matrix(open_page("lab"), "OPEN LATE").button(key="lab_run").click().run())
    edit = next(b.key for b in at.button if (b.key or "").startswith("lab_edit_"))
    at.button(key=edit).click().run()
    assert_clean(at)
    assert at.title[0].value.endswith("Conversational editing")
    chat = at.session_state["studio"].chats["edit"]
    assert chat.start is not None and chat.start.item_id in {i.id for i in gallery.query()}


def test_an_experiment_is_duplicated_with_its_matrix_and_without_its_results(
        open_page, gallery):
    at = _finish(_matrix(open_page("lab"), "OPEN LATE, TRY US").button(key="lab_run")
                 .click().run())
    assert _grid_images(at) == 4
    at.button(key="lab_duplicate").click().run()
    assert_clean(at)
    assert at.text_input(key="lab_name").value == "Coffee wording (copy)"
    assert at.text_input(key="lab_var_headline").value == "OPEN LATE, TRY US"
    assert at.multiselect(key="lab_models").value == MODELS
    assert _grid_images(at) == 0 and not at.get("download_button"), "no results of its own"
    assert any(c.value.startswith("4 calls") for c in at.caption)
    labels = at.selectbox(key="lab_open").options
    assert len(labels) == 3 and sum("(copy)" in o for o in labels) == 1
    original = next(n for n, o in enumerate(labels[1:], 1) if "(copy)" not in o)
    at.selectbox(key="lab_open").select_index(original).run()
    assert at.text_input(key="lab_name").value == "Coffee wording" and _grid_images(at) == 4
