"""Turn whatever the SDK or the network raises into one clear, secret-free message."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import httpx2
import pydantic
from google.genai import errors as genai_errors

# Shapes of Google API keys and of keys passed in URLs; scrubbed from every message.
_KEY_PATTERNS = (
    re.compile(r"AIza[0-9A-Za-z_\-]{20,}"),
    re.compile(r"(?i)(key=|x-goog-api-key[:=]\s*)[^\s&\"']+"),
)


def redact(text: str, *secrets: str | None) -> str:
    """Remove API keys (the given ones and anything shaped like one) from `text`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    for pattern in _KEY_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


@dataclass(frozen=True)
class StudioError:
    """A failure as the user should see it: what happened and what to do."""

    kind: str  # quota | too_large | refused | auth | not_found | unavailable | timeout | network | malformed | bug
    message: str
    status: int | None = None
    retryable: bool = False
    retry_after_s: float | None = None  # the API's own hint (google.rpc.RetryInfo), if any


def classify(exc: BaseException, *, model: str, timeout_s: float | None = None,
             secrets: tuple[str | None, ...] = (), stream_opened: bool = False,
             retried: bool = True) -> StudioError:
    """Map an exception from a model call to a StudioError with a clear message.
    `stream_opened`: the answer had begun streaming (a 200) when it failed, so nothing was
    retried and what arrived is kept; `retried`: the SDK tried the request more than once."""
    err = _classify(exc, model=model, timeout_s=timeout_s)
    if stream_opened and err.kind in _PARTWAY_KINDS:
        code = err.status or _PARTWAY_KINDS[err.kind]
        err = StudioError(err.kind, f"The answer stopped partway ({code}). What arrived is "
                          "kept; Retry to try again.", err.status, retryable=True)
    elif not retried and err.kind == "unavailable":
        err = StudioError(err.kind, err.message.replace("It was retried; try", "Try"),
                          err.status, err.retryable)
    return StudioError(err.kind, redact(err.message, *secrets), err.status, err.retryable,
                       retry_hint(exc))


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")


def retry_hint(exc: BaseException) -> float | None:
    """Seconds the API asks a client to wait before trying again: the retryDelay of the
    google.rpc.RetryInfo detail a 429 RESOURCE_EXHAUSTED carries (e.g. "4s", "0.5s")."""
    body = getattr(exc, "details", None) if isinstance(exc, genai_errors.APIError) else None
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for detail in details if isinstance(details, list) else []:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            match = _DURATION.match(str(detail.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


# Failures that, once the answer streams, mean it broke off (the reason shown for each).
_PARTWAY_KINDS = {"unavailable": "server error", "network": "connection lost",
                  "timeout": "timed out"}


def _classify(exc: BaseException, *, model: str, timeout_s: float | None) -> StudioError:
    if isinstance(exc, genai_errors.APIError):
        return _from_api_error(exc, model)
    if isinstance(exc, httpx2.TimeoutException | TimeoutError):
        limit = f" within {timeout_s:g} s" if timeout_s else ""
        return StudioError(
            "timeout",
            f"{model} did not answer{limit}. The service may be busy: try again, or raise the "
            "timeout under Advanced settings in the sidebar.",
            retryable=True,
        )
    if isinstance(exc, httpx2.TransportError | ConnectionError):
        return StudioError(
            "network",
            "Could not reach the Gemini API: check the network connection and the base URL, "
            "then try again.",
            retryable=True,
        )
    if isinstance(exc, json.JSONDecodeError | pydantic.ValidationError | ValueError):
        return StudioError(
            "malformed",
            f"{model} sent an answer the app could not read. Nothing was lost; try again.",
            retryable=True,
        )
    if isinstance(exc, OSError) and isinstance(getattr(exc, "message", None), str):
        # the gallery's StorageError (disk full, read-only folder): its sentence says it all
        return StudioError("storage", str(exc.message))
    return StudioError("bug", f"Unexpected error ({type(exc).__name__}). Nothing was lost; "
                       "try again, and report it if it keeps happening.")


def _from_api_error(exc: genai_errors.APIError, model: str) -> StudioError:
    code = exc.code or 0
    detail = (exc.message or exc.status or "").strip()
    if code == 429:
        return StudioError(
            "quota",
            f"Quota exhausted for {model} (429 RESOURCE_EXHAUSTED). Wait a minute and try "
            "again, switch to another model in the sidebar, or raise the quota for your key in "
            "Google AI Studio.",
            code,
            retryable=True,
        )
    if code in (401, 403) or "API key" in detail or "API_KEY" in detail:
        return StudioError(
            "auth",
            f"The Gemini API rejected the key ({code} {exc.status or ''}). Check the key in the "
            "sidebar or in GEMINI_API_KEY.".replace(" )", ")"),
            code,
        )
    if code == 404:
        return StudioError(
            "not_found",
            f"Model {model} was not found (404). Pick another model in the sidebar.",
            code,
        )
    if code == 400 and "payload size" in detail.lower():
        limit = re.search(r"(\d{4,})\s*bytes", detail)
        size = f" of {int(limit.group(1)) / 2**20:g} MB" if limit else ""
        return StudioError(
            "too_large",
            f"Gemini refused the request (400): it is larger than the endpoint's limit{size}. "
            "Continue from the latest image in a new conversation, or set "
            "STUDIO_MAX_REQUEST_MB to the endpoint's limit so older turns are left out.",
            code,
        )
    if code == 400 and "search" in detail.lower() and "not supported" in detail.lower():
        return StudioError(
            "refused",
            f"{model} does not take Google Search grounding here (400: {detail}) Set "
            "“Google Search grounding” in the sidebar to Off, or pick a model that has it.",
            code,
        )
    if code == 400:
        return StudioError("refused", f"Gemini refused the request (400): {detail}", code)
    if code in (408, 504):
        return StudioError("timeout", f"{model} timed out ({code}). Try again.", code, True)
    if code >= 500:
        return StudioError(
            "unavailable",
            f"The Gemini service is unavailable right now ({code} {exc.status or ''}). "
            "It was retried; try again in a moment.".replace(" )", ")"),
            code,
            retryable=True,
        )
    return StudioError("refused", f"Gemini answered {code}: {detail}", code)
