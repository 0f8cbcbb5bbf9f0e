"""The Gemini REST wire format: parse generateContent requests, build responses.

The SDK is inconsistent about key casing inside nested objects it dumps from
pydantic (`inlineData` holds `mime_type`, `thinkingConfig` holds
`include_thoughts`), so every lookup accepts both camelCase and snake_case.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

DEFAULT_MESSAGES = {
    400: "Request contains an invalid argument.",
    404: "Requested entity was not found.",
    429: "Resource has been exhausted (e.g. check quota).",
    500: "An internal error has occurred. Please retry or report in "
    "https://developers.generativeai.google/guide/troubleshooting",
    503: "The model is overloaded. Please try again later.",
    504: "The request timed out. Please try again.",
}


class WireError(Exception):
    """A request the API would reject; becomes a Google error body."""

    def __init__(self, code: int, message: str | None = None) -> None:
        self.code = code
        self.message = message or DEFAULT_MESSAGES.get(code, "Error.")
        super().__init__(f"{code} {self.message}")


@dataclass
class WirePart:
    text: str | None = None
    data: bytes | None = None
    mime_type: str | None = None
    thought: bool = False
    signature: bytes | None = None

    @property
    def is_image(self) -> bool:
        return self.data is not None and (self.mime_type or "").startswith("image/")

    @property
    def is_text(self) -> bool:
        return self.text is not None and not self.thought


@dataclass
class WireContent:
    role: str
    parts: list[WirePart]


@dataclass
class GenerateRequest:
    model: str
    contents: list[WireContent]
    modalities: tuple[str, ...] | None = None
    aspect_ratio: str | None = None
    image_size: str | None = None
    seed: int | None = None
    temperature: float | None = None
    include_thoughts: bool = False
    system_instruction: str | None = None
    tools: tuple[dict[str, Any], ...] = ()  # as sent; grounding.py reads the search tool


def pick(obj: Any, *names: str) -> Any:
    """The first of `names` present in dict `obj` (camel/snake variants)."""
    if not isinstance(obj, dict):
        return None
    for name in names:
        if name in obj and obj[name] is not None:
            return obj[name]
    return None


_URLSAFE = bytes.maketrans(b"-_", b"+/")


def b64decode_any(value: str, where: str = "data") -> bytes:
    """Decode standard or URL-safe base64, with or without padding."""
    if not isinstance(value, str):
        raise WireError(400, f"Invalid value at '{where}' (TYPE_BYTES), expected a string")
    try:  # the common cases, padded standard or URL-safe base64 (the SDK sends URL-safe),
        # in one or two passes: requests carry many MB of images
        raw = value.encode("ascii")
        return binascii.a2b_base64(raw.translate(_URLSAFE) if b"-" in raw or b"_" in raw
                                   else raw, strict_mode=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        pass
    s = "".join(value.split()).replace("-", "+").replace("_", "/")
    s += "=" * (-len(s) % 4)
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError) as e:
        raise WireError(
            400, f"Invalid value at '{where}' (TYPE_BYTES), Base64 decoding failed"
        ) from e


def parse_json_body(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise WireError(400, "Invalid JSON payload received.") from e
    if not isinstance(data, dict):
        raise WireError(400, "Invalid JSON payload received. Expected an object.")
    return data


def _parse_part(raw: Any, ci: int, pi: int) -> WirePart:
    if not isinstance(raw, dict):
        raise WireError(400, f"Invalid value at 'contents[{ci}].parts[{pi}]'")
    part = WirePart(thought=bool(raw.get("thought")))
    if isinstance(raw.get("text"), str):
        part.text = raw["text"]
    blob = pick(raw, "inlineData", "inline_data")
    if isinstance(blob, dict):
        where = f"contents[{ci}].parts[{pi}].inline_data.data"
        part.data = b64decode_any(pick(blob, "data") or "", where)
        part.mime_type = pick(blob, "mimeType", "mime_type") or "application/octet-stream"
    sig = pick(raw, "thoughtSignature", "thought_signature")
    if sig:
        part.signature = b64decode_any(sig, f"contents[{ci}].parts[{pi}].thought_signature")
    return part


def parse_generate_request(model: str, body: bytes) -> GenerateRequest:
    data = parse_json_body(body)
    raw_contents = data.get("contents")
    if not raw_contents or not isinstance(raw_contents, list):
        raise WireError(400, "* GenerateContentRequest.contents: contents is not specified")
    contents: list[WireContent] = []
    for ci, rc in enumerate(raw_contents):
        if not isinstance(rc, dict):
            raise WireError(400, f"Invalid value at 'contents[{ci}]'")
        parts = [_parse_part(p, ci, pi) for pi, p in enumerate(rc.get("parts") or [])]
        if not parts:
            raise WireError(
                400,
                f"* GenerateContentRequest.contents[{ci}].parts: contents.parts must not be empty.",
            )
        contents.append(WireContent(role=rc.get("role") or "user", parts=parts))
    gen = pick(data, "generationConfig", "generation_config") or {}
    image_cfg = pick(gen, "imageConfig", "image_config") or {}
    thinking = pick(gen, "thinkingConfig", "thinking_config") or {}
    modalities = pick(gen, "responseModalities", "response_modalities")
    system = pick(data, "systemInstruction", "system_instruction")
    system_parts = system.get("parts") if isinstance(system, dict) else None
    system_text = " ".join(
        p["text"] for p in system_parts or [] if isinstance(p, dict) and isinstance(p.get("text"), str)
    )
    seed = pick(gen, "seed")
    temperature = pick(gen, "temperature")
    return GenerateRequest(
        model=model,
        contents=contents,
        modalities=tuple(str(m).upper() for m in modalities) if modalities else None,
        aspect_ratio=pick(image_cfg, "aspectRatio", "aspect_ratio"),
        image_size=pick(image_cfg, "imageSize", "image_size"),
        seed=int(seed) if isinstance(seed, int | float) else None,
        temperature=float(temperature) if isinstance(temperature, int | float) else None,
        include_thoughts=bool(pick(thinking, "includeThoughts", "include_thoughts")),
        system_instruction=system_text or None,
        tools=tuple(t for t in data.get("tools") or [] if isinstance(t, dict)),
    )


# --- response building -------------------------------------------------------


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
