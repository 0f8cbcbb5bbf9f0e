from __future__ import annotations

import os
from pathlib import Path

from google.genai import types

from studio.emulator import Emulator, ScriptedResponder
from studio.emulator.testing import offline_client
from studio.gallery.store import GalleryStore
from studio.gemini.budget import (
    MB,
    Limits,
    history_target_bytes,
    left_out_note,
    max_request_bytes,
    megabytes,
    message_cost,
    plan_request,
    ranges,
    split_turns,
)
from studio.gemini.catalog import load_catalog
from studio.gemini.settings import GenerationSettings
from studio.making.chat import PageChat

NOISE = os.urandom(1_500_000)


def _turn(text: str, image: bytes | None = None) -> list[types.Content]:
    model = [types.Content(role="model", parts=[types.Part(text=f"Done: {text}",
                                                           thought_signature=b"sig")])]
    if image is not None:  # the SDK keeps each streamed chunk as its own model Content
        model.append(types.Content(role="model", parts=[types.Part(
            inline_data=types.Blob(data=image, mime_type="image/png"))]))
    return [types.Content(role="user", parts=[types.Part(text=text)]), *model]


def _history(turns: int) -> list[types.Content]:
    return [c for i in range(turns) for c in _turn(f"edit {i}", NOISE)]


def test_the_limit_comes_from_the_environment_in_mebibytes():
    assert max_request_bytes({}) == 100 * MB
    assert max_request_bytes({"STUDIO_MAX_REQUEST_MB": "20"}) == 20 * MB
    assert max_request_bytes({"STUDIO_MAX_REQUEST_MB": "nonsense"}) == 100 * MB


def test_the_working_history_size_comes_from_the_environment():
    assert history_target_bytes({}) == 8 * MB
    assert history_target_bytes({"STUDIO_HISTORY_MB": "12.5"}) == int(12.5 * MB)
    assert history_target_bytes({"STUDIO_HISTORY_MB": "nonsense"}) == 8 * MB
    assert history_target_bytes({"STUDIO_HISTORY_MB": "-3"}) == 8 * MB
    for off in ("0", "off", " OFF "):
        assert history_target_bytes({"STUDIO_HISTORY_MB": off}) is None
    assert Limits(20 * MB, 1, None).working_bytes == 20 * MB
    assert Limits(20 * MB, 1, 8 * MB).working_bytes == 8 * MB
    assert Limits(20 * MB, 1, 50 * MB).working_bytes == 20 * MB  # never past the limit


def test_a_history_past_the_working_size_is_compacted_to_it_the_same_way():
    history = _history(15)
    plan = plan_request(history, message_cost("next"), Limits(20 * MB, 10**6, 8 * MB), 258)
    assert plan.fits and 6 * MB < plan.cost.bytes <= 8 * MB
    assert 0 not in plan.left_out and 14 not in plan.left_out
    assert plan.left_out == list(range(1, plan.left_out[-1] + 1))
    assert plan.history[:3] == history[:3] and plan.history[-3:] == history[-3:]
    assert plan.fullness > 1  # the meter is full: older turns will be left out
    assert left_out_note([2, 3], plan) == (
        "Turns 2–3 were left out of this request: older turns go past the working size of "
        "8 MB (STUDIO_HISTORY_MB; the endpoint takes 20 MB).")


def test_the_source_and_the_latest_turn_go_even_past_the_working_size():
    history = _history(5)  # each turn ~2 MB of base64
    plan = plan_request(history, message_cost("next"), Limits(20 * MB, 10**6, 1 * MB), 258)
    assert plan.left_out == [1, 2, 3] and plan.fits
    assert plan.history == history[:3] + history[-3:]
    # the endpoint's limit still bounds them: a latest turn past it is left out too
    plan = plan_request(history, message_cost("next"), Limits(3 * MB, 10**6, 1 * MB), 258)
    assert plan.left_out == [1, 2, 3, 4] and plan.cost.bytes <= 3 * MB


def test_a_history_under_the_working_size_is_sent_whole():
    history = _history(3)
    plan = plan_request(history, message_cost("next"), Limits(20 * MB, 10**6, 8 * MB), 258)
    assert plan.history == history and not plan.left_out


def test_a_turn_is_a_user_content_and_every_model_content_after_it():
    history = _history(3)
    assert split_turns(history) == [(0, 3), (3, 6), (6, 9)]


def test_a_history_that_fits_is_sent_whole():
    history = _history(3)
    plan = plan_request(history, message_cost("next"), Limits(20 * MB, 1_000_000), 258)
    assert plan.history == history and not plan.left_out and plan.fits


def test_an_oversized_history_keeps_the_first_turn_and_the_latest_ones():
    history = _history(15)
    plan = plan_request(history, message_cost("next"), Limits(20 * MB, 1_000_000), 258)
    assert plan.fits and plan.cost.bytes <= 20 * MB < plan.full_cost.bytes
    assert 0 not in plan.left_out and 14 not in plan.left_out
    assert plan.left_out == list(range(1, plan.left_out[-1] + 1))  # one run of older turns
    # whole turns only, model parts untouched
    kept = [c for c in history if any(c is k for k in plan.history)]
    assert len(kept) == len(plan.history)
    assert plan.history[:3] == history[:3] and plan.history[-3:] == history[-3:]


def test_the_token_limit_leaves_turns_out_too():
    history = _history(10)  # 10 images of 258 tokens each
    plan = plan_request(history, message_cost("next"), Limits(100 * MB, 1500), 258)
    assert plan.fits and plan.cost.tokens <= 1500 and plan.left_out
    assert "1,500 input tokens" in left_out_note([2, 3], plan)


def test_the_note_names_the_turns_and_the_limit():
    plan = plan_request(_history(15), message_cost("x"), Limits(20 * MB, 10**6), 258)
    assert ranges([2, 3, 4, 5, 6]) == "2–6"
    assert ranges([2, 3, 5]) == "2–3 and 5"
    assert left_out_note([2, 3, 4, 5, 6], plan) == (
        "Turns 2–6 were left out of this request to stay under 20 MB.")


def test_the_estimate_is_close_to_the_body_the_sdk_sends(tmp_path: Path):
    responder = ScriptedResponder()
    client, emulator = offline_client(Emulator(responder=responder, log_requests=True))
    chat = PageChat(page="edit", client=client, store=GalleryStore(tmp_path), model="m",
                    catalog=load_catalog(), engine="offline", history=_history(3))
    settings = GenerationSettings(model=load_catalog().default_model)
    responder.enqueue("ok")
    estimate = chat.plan(message_cost("Make it warmer"), settings.model).cost.bytes
    chat.send("Make it warmer", settings)
    sent = emulator.requests[-1]["bytes"]
    assert sent <= estimate < sent + 8192, (sent, estimate)


def test_a_size_setting_reads_back_as_it_was_written() -> None:
    env = {"STUDIO_HISTORY_MB": "0.05", "STUDIO_MAX_REQUEST_MB": "12.5"}
    assert megabytes(history_target_bytes(env) or 0) == "0.05 MB"  # not 0.0499992 MB
    assert megabytes(max_request_bytes(env)) == "12.5 MB"
    assert megabytes(max_request_bytes({})) == "100 MB"
