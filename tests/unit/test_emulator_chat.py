"""Multi-turn chats through the SDK's chat helper, and thought-signature enforcement."""

from __future__ import annotations

import pytest
from google.genai import errors, types

from studio.emulator import Emulator
from studio.emulator.testing import offline_client, part_kinds, response_images
from studio.gemini.catalog import load_catalog
from tests.async_run import run_async

CATALOG = load_catalog()
THINKING = next(m.id for m in CATALOG.models if m.thinking and "512" in m.image_sizes)
PLAIN = next(m.id for m in CATALOG.models if not m.thinking)
SMALL = types.GenerateContentConfig(image_config=types.ImageConfig(image_size="512"), seed=5)


def _red_pixels(img) -> int:
    return sum(1 for r, g, b in img.getdata() if r > 170 and g < 70 and b < 70)


def test_three_turn_chat_echoes_signatures():
    client, emu = offline_client(Emulator(log_requests=True))
    chat = client.chats.create(model=THINKING, config=SMALL)
    r1 = chat.send_message("a story about a turtle in 2 scenes")
    r2 = chat.send_message("give the turtle a red scarf")
    r3 = chat.send_message("retell it as a watercolour")
    for r in (r1, r2, r3):
        assert part_kinds(r.candidates[0].content.parts) == "TITI"
    # The third request carried both earlier model turns back, signatures intact.
    sent = emu.requests[-1]["json"]["contents"]
    assert [c["role"] for c in sent] == ["user", "model", "user", "model", "user"]
    for turn in (sent[1], sent[3]):
        images = [p for p in turn["parts"] if "inlineData" in p]
        assert len(images) == 2 and all(p.get("thoughtSignature") for p in images)
        assert turn["parts"][0].get("thoughtSignature")
    # The follow-ups changed the story as asked.
    assert "red scarf" in r2.text and "red scarf" not in r1.text
    before, after = response_images(r1), response_images(r2)
    assert all(_red_pixels(a) > _red_pixels(b) + 500 for a, b in zip(after, before, strict=True))
    assert "wearing a red scarf" in r3.text, "accessories carry over to later retellings"


def test_a_stream_ends_with_a_finish_only_chunk_as_the_api_does():
    client, _ = offline_client()
    chunks = list(client.models.generate_content_stream(model=THINKING, contents="a fox",
                                                        config=SMALL))
    last = chunks[-1].candidates[0]
    assert last.finish_reason == types.FinishReason.STOP and last.content is None
    assert chunks[-1].usage_metadata.total_token_count > 0
    assert all(c.candidates[0].content.parts for c in chunks[:-1])


def test_streamed_chat_keeps_working_over_three_turns():
    # the SDK's Chat drops a turn whose stream ends with a finish-only chunk (the app keeps
    # it: tests/unit/test_calls.py); here the finish rides on the last content chunk
    client, emu = offline_client(Emulator(log_requests=True, finish_alone=False))
    with_thoughts = SMALL.model_copy(update={"thinking_config": types.ThinkingConfig(include_thoughts=True)})
    chat = client.chats.create(model=THINKING, config=with_thoughts)
    for msg in ("a story about a fox in 2 scenes", "now as a comic", "retell it in 3 scenes"):
        chunks = list(chat.send_message_stream(msg))
        assert len(chunks) > 4
        assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    # The SDK stores each streamed chunk as its own model content; all were sent back.
    sent = emu.requests[-1]["json"]["contents"]
    assert sum(c["role"] == "model" for c in sent) > 4
    assert any(p.get("thought") for c in sent for p in c["parts"]), "thought parts went back too"
    assert (
        "".join(p.text for c in chunks for p in c.candidates[0].content.parts if p.text).count(
            "**Scene"
        )
        == 3
    )


def _history_after_one_turn(client):
    chat = client.chats.create(model=THINKING, config=SMALL)
    chat.send_message("a story about an owl in 1 scene")
    return [c.model_copy(deep=True) for c in chat.get_history()]


def test_stripped_image_signature_is_rejected():
    client, _ = offline_client()
    history = _history_after_one_turn(client)
    assert part_kinds(history[1].parts) == "TI"
    history[1].parts[1].thought_signature = None
    chat = client.chats.create(model=THINKING, config=SMALL, history=history)
    with pytest.raises(errors.ClientError) as e:
        chat.send_message("give the owl a hat")
    assert e.value.code == 400 and e.value.status == "INVALID_ARGUMENT"
    assert (
        "Image part is missing a thought_signature in content position 1, part position 1"
        in e.value.message
    )


def test_stripped_text_signature_is_rejected():
    client, _ = offline_client()
    history = _history_after_one_turn(client)
    history[1].parts[0].thought_signature = None
    with pytest.raises(errors.ClientError) as e:
        client.chats.create(model=THINKING, config=SMALL, history=history).send_message("again")
    assert (
        "Text part is missing a thought_signature in content position 1, part position 0"
        in e.value.message
    )


def test_signature_must_match_the_part_it_was_issued_for():
    client, _ = offline_client()
    history = _history_after_one_turn(client)
    image = history[1].parts[1]
    image.inline_data.data = image.inline_data.data[:-20] + bytes(20)  # re-encoded / altered image
    with pytest.raises(errors.ClientError):
        client.chats.create(model=THINKING, config=SMALL, history=history).send_message("again")
    history = _history_after_one_turn(client)
    history[1].parts[0].text += " (edited)"
    with pytest.raises(errors.ClientError):
        client.chats.create(model=THINKING, config=SMALL, history=history).send_message("again")


def test_signatures_from_another_emulator_are_rejected():
    client_a, _ = offline_client()
    client_b, _ = offline_client()
    history = _history_after_one_turn(client_a)
    with pytest.raises(errors.ClientError):
        client_b.chats.create(model=THINKING, config=SMALL, history=history).send_message("again")


def test_documented_dummy_signature_is_accepted():
    client, _ = offline_client()
    history = _history_after_one_turn(client)
    for p in history[1].parts:
        p.thought_signature = b"skip_thought_signature_validator"
    r = client.chats.create(model=THINKING, config=SMALL, history=history).send_message("retell it")
    assert r.candidates[0].finish_reason == types.FinishReason.STOP


def test_non_thinking_models_do_not_enforce_signatures():
    client, _ = offline_client()
    chat = client.chats.create(model=PLAIN)
    chat.send_message("a story about a duck in 1 scene")
    history = [c.model_copy(deep=True) for c in chat.get_history()]
    for p in history[1].parts:
        p.thought_signature = None
    r = client.chats.create(model=PLAIN, history=history).send_message("give the duck a blue hat")
    assert len(response_images(r)) == 1


def test_async_chat_with_signatures():

    client, _ = offline_client()

    async def go():
        chat = client.aio.chats.create(model=THINKING, config=SMALL)
        await chat.send_message("a story about a bee in 1 scene")
        await chat.send_message("make it pixel art")
        return await chat.send_message("give the bee a crown")

    r = run_async(go())
    assert "gold crown" in r.text and len(response_images(r)) == 1
