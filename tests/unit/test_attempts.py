"""What the page learns while a call runs: the SDK's retries, and a stream that broke."""

from __future__ import annotations

from google import genai

from studio.emulator import Emulator, Fault, ScriptedResponder, scripted_image
from studio.gemini.calls import send_in_chat
from studio.gemini.catalog import load_catalog
from studio.gemini.clients import NetworkSettings
from studio.gemini.offline import make_offline_client
from studio.gemini.requests import build_config
from studio.gemini.results import Result
from studio.gemini.settings import GenerationSettings

CATALOG = load_catalog()
SETTINGS = GenerationSettings(model=CATALOG.default_model)
QUICK = NetworkSettings(retry_attempts=3, retry_initial_delay_s=0.01, retry_max_delay_s=0.02)


def _send(emulator: Emulator, retries: list[int]) -> Result:
    client: genai.Client = make_offline_client(QUICK, emulator)
    chat = client.chats.create(model=SETTINGS.model)
    info = CATALOG.get(SETTINGS.model)
    return send_in_chat(chat, ["Draw a boat"], SETTINGS, info, build_config(SETTINGS, info),
                        on_retry=retries.append)


def test_the_page_hears_of_each_retry_while_the_sdk_waits():
    responder = ScriptedResponder()
    responder.enqueue("A boat.", scripted_image("blue"))
    emulator = Emulator(responder=responder)
    emulator.faults.push(Fault(kind="http", status=429, times=2))
    retries: list[int] = []
    result = _send(emulator, retries)
    assert result.error is None and result.images
    assert retries == [429, 429]


def test_a_stream_that_breaks_partway_says_so_and_does_not_claim_a_retry():
    responder = ScriptedResponder()
    responder.enqueue("Part one.", scripted_image("blue"), "Part two.", scripted_image("red"))
    emulator = Emulator(responder=responder)
    emulator.faults.push(Fault(kind="stream_error", after_chunks=1))
    retries: list[int] = []
    result = _send(emulator, retries)
    assert result.error is not None and retries == []
    assert result.error.message == ("The answer stopped partway (500). What arrived is kept; "
                                    "Retry to try again.")


def test_a_refused_request_that_was_retried_says_it_was():
    emulator = Emulator(responder=ScriptedResponder())
    emulator.faults.push(Fault(kind="http", status=503, times=None))
    retries: list[int] = []
    result = _send(emulator, retries)
    assert result.error is not None and len(retries) == 3
    assert "It was retried" in result.error.message
