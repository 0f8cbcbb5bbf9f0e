from __future__ import annotations

import httpx2
import pytest
from google.genai import errors as genai_errors
from google.genai import types

from studio.gemini.errors import classify, redact
from studio.gemini.reasons import BLOCK_MESSAGES, FINISH_MESSAGES, finish_message


@pytest.mark.parametrize("reason", [r.value for r in types.FinishReason
                                    if r.value not in ("STOP", "CONTINUATION")])
def test_every_sdk_finish_reason_has_a_message_of_its_own(reason: str) -> None:
    # the generic fallback is for reasons newer than the SDK, not for the ones it knows
    assert reason in FINISH_MESSAGES
    assert finish_message(reason, None) == FINISH_MESSAGES[reason]
    assert f"({reason})" in FINISH_MESSAGES[reason]


@pytest.mark.parametrize("reason", [r.value for r in types.BlockedReason])
def test_every_block_reason_has_a_clear_message(reason: str) -> None:
    assert reason in BLOCK_MESSAGES
    assert finish_message("STOP", reason) == BLOCK_MESSAGES[reason]


def test_a_normal_ending_needs_no_message() -> None:
    assert finish_message("STOP", None) is None
    assert finish_message(None, None) is None


def test_an_unknown_finish_reason_is_named() -> None:
    assert "SOMETHING_NEW" in (finish_message("SOMETHING_NEW", None) or "")


def _api_error(code: int, status: str, message: str) -> genai_errors.APIError:
    cls = genai_errors.ClientError if code < 500 else genai_errors.ServerError
    return cls(code, {"error": {"code": code, "status": status, "message": message}})


def test_quota_error_names_the_model_and_what_to_do() -> None:
    err = classify(_api_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded"), model="m-1")
    assert err.kind == "quota" and "m-1" in err.message and "try again" in err.message


def test_a_400_is_a_refusal_with_the_reason() -> None:
    err = classify(_api_error(400, "INVALID_ARGUMENT", "Bad aspect"), model="m")
    assert err.kind == "refused" and "Bad aspect" in err.message and not err.retryable


def test_timeouts_and_network_faults_are_explained() -> None:
    assert classify(httpx2.ReadTimeout("slow"), model="m", timeout_s=30).kind == "timeout"
    assert "30 s" in classify(httpx2.ReadTimeout("slow"), model="m", timeout_s=30).message
    assert classify(httpx2.ConnectError("down"), model="m").kind == "network"


def test_messages_never_carry_the_api_key() -> None:
    key = "AIzaSyCANARY-0123456789abcdefghijklmnop"
    err = classify(_api_error(400, "INVALID_ARGUMENT", f"API key {key} not valid"),
                   model="m", secrets=(key,))
    assert key not in err.message
    assert "CANARY" not in redact(f"https://x/y?key={key}&alt=sse")
    assert "s3cret-value" not in redact("token s3cret-value", "s3cret-value")
