"""Pluggable responders: scripted answers, echo, swapping at run time, wire rules kept."""

from __future__ import annotations

import io

import pytest
from google.genai import errors, types
from PIL import Image

from studio.emulator import (
    DrawingResponder,
    EchoResponder,
    Emulator,
    Fault,
    ModelRequest,
    Reply,
    Responder,
    ScriptedResponder,
    scripted_image,
)
from studio.emulator.testing import (
    chunk_parts,
    offline_client,
    part_kinds,
    response_images,
    running_server,
)

THINKING = "gemini-3.1-flash-image"
PLAIN = "gemini-2.5-flash-image"
SMALL = types.GenerateContentConfig(image_config=types.ImageConfig(image_size="512"))


def test_scripted_answers_come_back_in_order_and_requests_are_recorded():
    scripted = ScriptedResponder()
    client, _ = offline_client(Emulator(responder=scripted))
    scripted.enqueue("first answer", scripted_image("blue", (20, 10)))
    scripted.enqueue(Image.new("RGB", (8, 8), "green"), "second", finish_reason="MAX_TOKENS")
    photo = scripted_image("red", (16, 16))
    cfg = types.GenerateContentConfig(
        seed=3, temperature=0.5, system_instruction="be brief",
        image_config=types.ImageConfig(aspect_ratio="16:9"),
    )
    r1 = client.models.generate_content(
        model=PLAIN,
        contents=[types.Part.from_bytes(data=photo, mime_type="image/png"), "paint it [fault:slow=0.01]"],
        config=cfg,
    )
    r2 = client.models.generate_content(model=PLAIN, contents="again")
    assert part_kinds(r1.candidates[0].content.parts) == "TI" and r1.text == "first answer"
    assert response_images(r1)[0].getpixel((0, 0)) == (0, 0, 255)
    assert response_images(r1)[0].size == (20, 10)
    assert part_kinds(r2.candidates[0].content.parts) == "IT"
    assert r2.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    first, second = scripted.requests
    assert isinstance(first, ModelRequest)
    assert first.prompt == "paint it" and first.images == (photo,)
    assert (first.seed, first.temperature, first.system_instruction) == (3, 0.5, "be brief")
    assert first.aspect_ratio == "16:9" and first.size == (1344, 768)
    assert second.prompt == "again" and second.seed is None
    assert scripted.pending == 0


def test_empty_queue_is_a_500_saying_so():
    client, _ = offline_client(Emulator(responder=ScriptedResponder()))
    with pytest.raises(errors.ServerError) as e:
        client.models.generate_content(model=PLAIN, contents="hello")
    assert e.value.code == 500 and "No scripted answer is queued" in e.value.message


def test_fallback_answers_when_the_queue_is_empty():
    scripted = ScriptedResponder(fallback=EchoResponder())
    client, _ = offline_client(Emulator(responder=scripted))
    scripted.enqueue("scripted")
    assert client.models.generate_content(model=PLAIN, contents="one").text == "scripted"
    assert client.models.generate_content(model=PLAIN, contents="two").text == "two"
    assert len(scripted.requests) == 2


def test_responder_can_be_swapped_on_a_live_emulator():
    client, emu = offline_client()
    assert isinstance(emu.responder, DrawingResponder)
    emu.responder = scripted = ScriptedResponder()
    scripted.enqueue("swapped")
    assert client.models.generate_content(model=PLAIN, contents="a cat").text == "swapped"


def test_scripted_answers_are_signed_and_verified_on_thinking_models():
    scripted = ScriptedResponder()
    client, _ = offline_client(Emulator(responder=scripted))
    scripted.enqueue("here", scripted_image("red"), thoughts=["**Thinking**"])
    scripted.enqueue("again")
    chat = client.chats.create(model=THINKING, config=SMALL)
    r = chat.send_message("draw")
    assert all(p.thought_signature for p in r.candidates[0].content.parts)
    history = [c.model_copy(deep=True) for c in chat.get_history()]
    assert chat.send_message("more").text == "again"
    history[1].parts[1].thought_signature = None
    with pytest.raises(errors.ClientError) as e:
        client.chats.create(model=THINKING, config=SMALL, history=history).send_message("x")
    assert "Image part is missing a thought_signature" in e.value.message
    assert len(scripted.requests) == 2, "a rejected request never reaches the responder"


def test_faults_apply_to_scripted_answers_and_keep_them_queued():
    scripted = ScriptedResponder()
    client, emu = offline_client(Emulator(responder=scripted))
    scripted.enqueue("kept for the retry")
    emu.faults.push(Fault(kind="http", status=503))
    with pytest.raises(errors.ServerError):
        client.models.generate_content(model=PLAIN, contents="hi")
    assert client.models.generate_content(model=PLAIN, contents="hi").text == "kept for the retry"
    scripted.enqueue("words", scripted_image())
    r = client.models.generate_content(model=PLAIN, contents="hi [fault:no_image]")
    assert r.candidates[0].finish_reason == types.FinishReason.NO_IMAGE


def test_scripted_answer_streams_and_bills():
    scripted = ScriptedResponder()
    client, _ = offline_client(Emulator(responder=scripted))
    scripted.enqueue("a streamed answer that is long enough to be split in pieces", scripted_image())
    chunks = list(client.models.generate_content_stream(model=PLAIN, contents="go"))
    kinds = "".join(part_kinds(chunk_parts(c)) for c in chunks)
    assert kinds.endswith("I") and kinds.count("T") >= 2
    assert chunks[-1].usage_metadata.candidates_token_count >= 1290


def test_echo_is_deterministic_and_draws_the_prompt():
    client, _ = offline_client(Emulator(responder=EchoResponder()))

    def ask(seed=None):
        cfg = SMALL.model_copy(update={"seed": seed})
        return client.models.generate_content(model=THINKING, contents="Hello echo", config=cfg)

    r = ask()
    assert r.text == "Hello echo" and part_kinds(r.candidates[0].content.parts) == "TI"
    data = [ask().candidates[0].content.parts[1].inline_data.data for _ in range(2)]
    assert data[0] == data[1]
    assert ask(5).candidates[0].content.parts[1].inline_data.data != data[0]
    img = Image.open(io.BytesIO(data[0]))
    assert img.size == (512, 512) and len(set(img.convert("RGB").getdata())) > 2, "text drawn"


def test_every_shipped_responder_fits_the_protocol():
    for responder in (DrawingResponder(), EchoResponder(), ScriptedResponder()):
        assert isinstance(responder, Responder)

    class Custom:
        def respond(self, request: ModelRequest) -> Reply:
            return Reply()

    assert isinstance(Custom(), Responder)


def test_cli_echo_responder():
    from google import genai

    with running_server("--responder", "echo") as srv:
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=srv.url))
        assert client.models.generate_content(model=PLAIN, contents="ping").text == "ping"
