"""Journey 5: the story journey on the Gemini engine, through the real SDK over HTTP to the
emulator served by `python -m studio.emulator` (a second app server, with an API key)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    alerts,
    click,
    engine_badge,
    enter_text,
    expect_images_loaded,
    main,
    sidebar,
    snap,
)
from tests.servers import open_app

pytestmark = pytest.mark.e2e
J = "j5"


def emulator_requests(base_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{base_url}/_emulator/requests", timeout=10) as response:
        assert response.status == 200
        return json.load(response)["requests"]


def test_story_on_gemini_over_http(page: Page, gemini_stack) -> None:
    before = max((r["seq"] for r in emulator_requests(gemini_stack.emulator_url)), default=0)
    open_app(page, gemini_stack.app.url, "story")
    expect(engine_badge(page, "Gemini API: key works")).to_have_count(1)
    expect(engine_badge(page, "Offline emulator")).to_have_count(0)
    expect(sidebar(page)).to_contain_text("Using the environment")
    expect(sidebar(page)).not_to_contain_text("Images are drawn locally")
    snap(page, J, "story-form")

    premise = "a fox who keeps a lighthouse"
    enter_text(page, "story_prompt", premise)
    enter_text(page, "story_scenes", "2")
    click(page, "story_generate")

    body = main(page)
    expect(body).to_contain_text("Scene 1")
    expect(body).to_contain_text("Scene 2")
    expect_images_loaded(page, at_least=2)
    expect(body).to_contain_text("(Gemini API)")  # the meta line names the engine
    expect(alerts(page, "Error")).to_have_count(0)
    snap(page, J, "story-result")

    requests = [r for r in emulator_requests(gemini_stack.emulator_url) if r["seq"] > before]
    generate = [r for r in requests
                if r["path"].lower().endswith("generatecontent") and r["method"] == "POST"]
    assert generate, [r["path"] for r in requests]
    assert any(premise in json.dumps(r["json"]) for r in generate)
    for request in requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert headers.get("x-goog-api-key") == "REDACTED", headers
        assert request["path"].startswith(("/v1beta/", "/v1/", "/v1alpha/")), request["path"]
    # The key itself is nowhere in what the emulator kept (headers, query, bodies).
    assert gemini_stack.api_key not in json.dumps(requests)
