"""Engines: the one code path to the model is a google-genai Client.

With an API key (or Vertex AI configured) the client talks to Gemini; without one it
is plugged into the in-process emulator through an httpx2 transport (gemini/offline.py).
Either way the rest of the app calls the same SDK methods.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from google import genai
from google.genai import types

from studio.gemini.attempts import EVENT_HOOKS, RETRIED_STATUSES

OFFLINE = "offline"
GEMINI = "gemini"

# Status codes worth another try: request timeout, quota, and server-side faults. A 400
# means the request itself is wrong, so it is never retried.
RETRY_STATUS_CODES = tuple(sorted(RETRIED_STATUSES))


@dataclass(frozen=True)
class KeyChoice:
    """Where the API key came from. The key itself is kept out of repr and logs."""

    key: str | None = field(repr=False)
    source: str  # "sidebar" | "secrets" | "environment" | "vertex" | "none"

    @property
    def fingerprint(self) -> str:
        """A short, non-reversible id for caching clients per key."""
        if not self.key:
            return self.source
        return hashlib.sha256(self.key.encode()).hexdigest()[:16]


def resolve_api_key(
    typed: str | None, secrets: Mapping[str, object], environ: Mapping[str, str]
) -> KeyChoice:
    """The key by precedence: sidebar field, then secrets.toml, then the environment."""
    if typed and typed.strip():
        return KeyChoice(typed.strip(), "sidebar")
    secret = secrets.get("GEMINI_API_KEY")
    if isinstance(secret, str) and secret.strip():
        return KeyChoice(secret.strip(), "secrets")
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
        if environ.get(name, "").strip():
            return KeyChoice(environ[name].strip(), "environment")
    if environ.get("GOOGLE_GENAI_USE_VERTEXAI", "").lower() in ("1", "true"):
        return KeyChoice(None, "vertex")
    return KeyChoice(None, "none")


@dataclass(frozen=True)
class NetworkSettings:
    timeout_s: float = 120.0
    retry_attempts: int = 4
    retry_initial_delay_s: float = 1.0
    retry_max_delay_s: float = 16.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> NetworkSettings:
        """Defaults, overridable by STUDIO_TIMEOUT_S / STUDIO_RETRY_* (tests use short ones)."""
        def num(name: str, default: float) -> float:
            try:
                return float(environ.get(name, default))
            except ValueError:
                return default

        return cls(
            timeout_s=num("STUDIO_TIMEOUT_S", cls.timeout_s),
            retry_attempts=int(num("STUDIO_RETRY_ATTEMPTS", cls.retry_attempts)),
            retry_initial_delay_s=num("STUDIO_RETRY_INITIAL_DELAY_S", cls.retry_initial_delay_s),
            retry_max_delay_s=num("STUDIO_RETRY_MAX_DELAY_S", cls.retry_max_delay_s),
        )

    def http_options(self, **extra: object) -> types.HttpOptions:
        return types.HttpOptions(
            timeout=int(self.timeout_s * 1000),
            retry_options=types.HttpRetryOptions(
                attempts=max(1, self.retry_attempts),
                initial_delay=self.retry_initial_delay_s,
                max_delay=self.retry_max_delay_s,
                http_status_codes=list(RETRY_STATUS_CODES),
            ),
            **extra,  # type: ignore[arg-type]
        )


def engine_for(choice: KeyChoice) -> str:
    return OFFLINE if choice.source == "none" else GEMINI


def make_gemini_client(choice: KeyChoice, network: NetworkSettings) -> genai.Client:
    """A client for the real API. The base URL is left to the SDK, which honours its own
    environment (GOOGLE_GEMINI_BASE_URL, the Vertex AI variables)."""
    # The response hook lets the page see the SDK's retries (studio.gemini.attempts).
    options = network.http_options(client_args={"event_hooks": EVENT_HOOKS})
    if choice.source == "vertex":
        return genai.Client(http_options=options)
    return genai.Client(api_key=choice.key, http_options=options)


def live_model_ids(client: genai.Client) -> list[str]:
    """Model ids from the live list; empty when listing fails (the catalog still works)."""
    try:
        return [m.name.removeprefix("models/") for m in client.models.list() if m.name]
    except Exception:
        return []


def gemini_client(api_key: str | None = None, network: NetworkSettings | None = None
                  ) -> genai.Client:
    """A Gemini API client: the key given, else GEMINI_API_KEY / GOOGLE_API_KEY / Vertex AI."""
    choice = resolve_api_key(api_key, {}, os.environ)
    if choice.source == "none":
        raise ValueError("No API key: pass one, or set GEMINI_API_KEY (or use offline_client()).")
    return make_gemini_client(choice, network or NetworkSettings.from_env())
