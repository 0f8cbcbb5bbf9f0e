from __future__ import annotations

from studio.emulator.testing import running_server
from studio.gemini.catalog import load_catalog
from studio.gemini.clients import (
    GEMINI,
    OFFLINE,
    RETRY_STATUS_CODES,
    NetworkSettings,
    engine_for,
    live_model_ids,
    make_gemini_client,
    resolve_api_key,
)


def test_sidebar_key_wins_over_secrets_and_environment() -> None:
    choice = resolve_api_key("typed", {"GEMINI_API_KEY": "secret"}, {"GEMINI_API_KEY": "env"})
    assert (choice.key, choice.source) == ("typed", "sidebar")


def test_secrets_win_over_environment() -> None:
    choice = resolve_api_key("", {"GEMINI_API_KEY": "secret"}, {"GEMINI_API_KEY": "env"})
    assert (choice.key, choice.source) == ("secret", "secrets")


def test_environment_accepts_both_variable_names() -> None:
    assert resolve_api_key(None, {}, {"GEMINI_API_KEY": "a"}).key == "a"
    assert resolve_api_key(None, {}, {"GOOGLE_API_KEY": "b"}).key == "b"


def test_no_key_means_the_offline_engine() -> None:
    choice = resolve_api_key("  ", {}, {})
    assert choice.source == "none" and engine_for(choice) == OFFLINE
    assert engine_for(resolve_api_key(None, {}, {"GEMINI_API_KEY": "x"})) == GEMINI


def test_vertex_configuration_counts_as_a_gemini_engine() -> None:
    choice = resolve_api_key(None, {}, {"GOOGLE_GENAI_USE_VERTEXAI": "true"})
    assert choice.source == "vertex" and engine_for(choice) == GEMINI


def test_the_key_is_not_in_repr_and_fingerprint_is_not_the_key() -> None:
    choice = resolve_api_key("AIzaCANARY", {}, {})
    assert "CANARY" not in repr(choice)
    assert "CANARY" not in choice.fingerprint and len(choice.fingerprint) == 16


def test_retries_cover_quota_and_server_faults_but_not_bad_requests() -> None:
    options = NetworkSettings().http_options()
    codes = options.retry_options.http_status_codes
    assert {408, 429, 500, 503} <= set(codes) and 400 not in codes
    assert set(codes) == set(RETRY_STATUS_CODES)


def test_network_settings_come_from_the_environment() -> None:
    settings = NetworkSettings.from_env({"STUDIO_TIMEOUT_S": "7", "STUDIO_RETRY_ATTEMPTS": "2"})
    assert settings.timeout_s == 7 and settings.retry_attempts == 2
    assert settings.http_options().timeout == 7000


def test_gemini_client_leaves_the_base_url_to_the_sdk(monkeypatch) -> None:
    # proven by where the call lands: a real emulator server on the variable's address
    with running_server() as server:
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", server.url)
        client = make_gemini_client(resolve_api_key("k", {}, {}), NetworkSettings())
        ids = live_model_ids(client)
    assert load_catalog().default_model in ids
