"""Credential scrubbing: settings and transcripts are stored and exported, keys never are."""

from __future__ import annotations

from typing import Any


def _is_secret_name(name: str) -> bool:
    n = name.lower()
    if any(word in n for word in ("key", "secret", "password", "credential", "auth")):
        return True
    # "token" names credentials (access_token), but "max_output_tokens" is a harmless count.
    return "token" in n and not n.endswith("tokens")


def sanitize_settings(value: Any) -> Any:
    """Drop every key that looks like a credential, at any depth: the store never keeps one."""
    if isinstance(value, dict):
        return {
            str(k): sanitize_settings(v) for k, v in value.items() if not _is_secret_name(str(k))
        }
    if isinstance(value, list | tuple):
        return [sanitize_settings(v) for v in value]
    return value
