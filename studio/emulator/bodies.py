"""Response bodies in the Gemini REST wire format: parts, usage, candidates, errors, SSE.

The request side (parsing, inline data) is wire.py.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from .wire import DEFAULT_MESSAGES, STATUS_NAMES


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def text_part(text: str, *, thought: bool = False, signature: bytes | None = None) -> dict:
    part: dict[str, Any] = {"text": text}
    if thought:
        part["thought"] = True
    if signature:
        part["thoughtSignature"] = b64(signature)
    return part


def image_part(data: bytes, signature: bytes | None, mime_type: str = "image/png") -> dict:
    part: dict[str, Any] = {"inlineData": {"mimeType": mime_type, "data": b64(data)}}
    if signature:
        part["thoughtSignature"] = b64(signature)
    return part


def usage_json(
    prompt: int, text_out: int, image_out: int, thoughts: int, prompt_images: int = 0
) -> dict:
    candidates = text_out + image_out
    usage: dict[str, Any] = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + thoughts,
        "thoughtsTokenCount": thoughts,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt - prompt_images}],
    }
    if prompt_images:
        usage["promptTokensDetails"].append({"modality": "IMAGE", "tokenCount": prompt_images})
    details = [
        {"modality": m, "tokenCount": n} for m, n in (("TEXT", text_out), ("IMAGE", image_out)) if n
    ]
    if details:
        usage["candidatesTokensDetails"] = details
    return usage


def response_json(
    *,
    model: str,
    response_id: str,
    parts: list[dict] | None,
    finish_reason: str | None = None,
    usage: dict | None = None,
    prompt_feedback: dict | None = None,
    finish_message: str | None = None,
    grounding_metadata: dict | None = None,
) -> dict:
    out: dict[str, Any] = {}
    if parts is not None or finish_reason:
        cand: dict[str, Any] = {"index": 0}
        if parts:
            cand["content"] = {"role": "model", "parts": parts}
        if finish_reason:
            cand["finishReason"] = finish_reason
        if finish_message:
            cand["finishMessage"] = finish_message
        if grounding_metadata:
            cand["groundingMetadata"] = grounding_metadata
        out["candidates"] = [cand]
    if prompt_feedback:
        out["promptFeedback"] = prompt_feedback
    if usage:
        out["usageMetadata"] = usage
    out["modelVersion"] = model
    out["responseId"] = response_id
    return out


def error_json(code: int, message: str | None = None, retry_after: float | None = None) -> dict:
    """Google's error body; `retry_after` adds the google.rpc.RetryInfo hint a 429 carries."""
    error: dict[str, Any] = {
        "code": code,
        "message": message or DEFAULT_MESSAGES.get(code, "Error."),
        "status": STATUS_NAMES.get(code, "UNKNOWN"),
    }
    if retry_after is not None:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.RetryInfo",
                             "retryDelay": f"{retry_after:g}s"}]
    return {"error": error}


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sse(obj: Any) -> bytes:
    return b"data: " + dumps(obj) + b"\r\n\r\n"
