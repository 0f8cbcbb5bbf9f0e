"""The Gemini REST wire format: parse generateContent requests (bodies.py builds responses).

The SDK is inconsistent about key casing inside nested objects it dumps from
pydantic (`inlineData` holds `mime_type`, `thinkingConfig` holds
`include_thoughts`), so every lookup accepts both camelCase and snake_case.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

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


class WirePart:
    """One part of a request's content.

    Inline data keeps the base64 text that came over the wire and is decoded when `data`
    is first read: every turn of a chat sends all its earlier images back (18 MB at 30
    turns of photographic answers) and an answer reads few of them (an edit, the latest;
    a model that checks thought signatures, its own), so decoding every one would charge
    the in-process emulator's work to each turn. Text that is not a string, or not ASCII,
    is refused at once; other bad base64 is refused (the same 400) when the part is read,
    so a bad image in a part no answer reads passes, where the API would refuse it."""

    __slots__ = ("_data", "_encoded", "_where", "mime_type", "signature", "text", "thought")

    def __init__(self, text: str | None = None, data: bytes | None = None,
                 mime_type: str | None = None, thought: bool = False,
                 signature: bytes | None = None) -> None:
        self.text, self.mime_type, self.thought, self.signature = text, mime_type, thought, signature
        self._data = data
        self._encoded: str | None = None  # the base64 as sent, until `data` decodes it
        self._where = "data"

    def set_encoded(self, value: Any, where: str) -> None:
        """Take inline data as sent (`where` names it in a refusal)."""
        if isinstance(value, str) and value.isascii():  # O(1): no pass over the text
            self._data, self._encoded, self._where = None, value, where
        else:
            self._data, self._encoded = b64decode_any(value, where), None

    @property
    def data(self) -> bytes | None:
        if self._encoded is not None:
            self._data, self._encoded = b64decode_any(self._encoded, self._where), None
        return self._data

    @data.setter
    def data(self, value: bytes | None) -> None:
        self._data, self._encoded = value, None

    @property
    def has_data(self) -> bool:
        """Inline data is present (perhaps empty), without decoding it."""
        return self._data is not None or self._encoded is not None

    @property
    def has_bytes(self) -> bool:
        """Inline data of at least one byte, judged without decoding it."""
        if self._encoded is not None:
            return len(self._encoded) > 4 or bool(self._encoded.strip("="))
        return bool(self._data)

    @property
    def is_image(self) -> bool:
        return self.has_data and (self.mime_type or "").startswith("image/")

    @property
    def is_text(self) -> bool:
        return self.text is not None and not self.thought

    def __repr__(self) -> str:
        data = (f"<{len(self._encoded)} base64 chars>" if self._encoded is not None
                else f"<{len(self._data)} bytes>" if self._data is not None else None)
        return (f"WirePart(text={self.text!r}, data={data}, mime_type={self.mime_type!r}, "
                f"thought={self.thought!r}, signature={self.signature!r})")


class PartImages(Sequence[bytes]):
    """The bytes of image parts, each decoded only when read: an edit needs the latest
    image of the history, and the history carries every earlier one."""

    def __init__(self, parts: Sequence[WirePart] = ()) -> None:
        self._parts = list(parts)

    def __len__(self) -> int:
        return len(self._parts)

    @overload
    def __getitem__(self, index: int) -> bytes: ...
    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...
    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        if isinstance(index, slice):
            return [p.data or b"" for p in self._parts[index]]
        return self._parts[index].data or b""

    def __repr__(self) -> str:
        return f"PartImages({len(self)} images)"


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
        part.set_encoded(pick(blob, "data") or "", where)
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
