"""Checking a key when it is entered, with the cheapest call there is: one page of models."""

from __future__ import annotations

from dataclasses import dataclass

from google import genai
from google.genai import types

from studio.gemini.errors import classify


@dataclass(frozen=True)
class KeyCheck:
    ok: bool
    message: str  # what the check found, in words for the badge


def check_key(client: genai.Client, secrets: tuple[str | None, ...] = ()) -> KeyCheck:
    """List one model: a refused key fails here in a moment, not on the first generation."""
    try:
        pager = client.models.list(config=types.ListModelsConfig(page_size=1))
        next(iter(pager), None)
    except Exception as exc:  # every failure is a finding to show, never a crash
        error = classify(exc, model="The model list", secrets=secrets)
        found = "Key refused" if error.kind in ("auth", "refused") else "Key not checked"
        return KeyCheck(False, f"{found}: {error.message}")
    return KeyCheck(True, "Key works: the Gemini API answered.")
