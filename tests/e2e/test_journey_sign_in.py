"""Sign-in journey: a team's studio behind sign-in, in Chromium, against a local OpenID Connect
provider (oidc-provider-mock): nothing shows before sign-in; two people sign in, each makes
a story; "Made by me" shows each their own; signing out returns to the sign-in screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from oidc_provider_mock import run_server_in_thread
from playwright.sync_api import Browser, Page, expect

from studio.emulator.testing import free_port
from tests.e2e.helpers import (
    click,
    enter_text,
    expect_images_loaded,
    images,
    keyed,
    main,
    navigate,
    sidebar,
    snap,
)
from tests.servers import (
    StreamlitServer,
    script_run,
    start_streamlit,
    wait_for_app,
    wait_for_loaded,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    work = tmp_path_factory.mktemp("studio-sign-in")
    with run_server_in_thread(port=0) as provider:
        port = free_port()
        secrets = work / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "journey-8-cookie-secret-not-for-production"\n'
            'client_id = "image-studio"\n'
            'client_secret = "journey-8-client-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}'
            '/.well-known/openid-configuration"\n')
        server = start_streamlit(work / "data", work, name="streamlit-sign-in", port=port,
                                 secrets_file=secrets)
        try:
            yield server
        finally:
            server.stop()


def _sign_in(page: Page, server: StreamlitServer, who: str) -> None:
    page.goto(f"{server.url}/gallery")  # a page's own address is no way round sign-in
    expect(keyed(page, "sign_in_default")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    expect(page.get_by_test_id("stImage")).to_have_count(0)
    page.goto(server.url)
    expect(keyed(page, "sign_in_default")).to_be_visible(timeout=60_000)
    wait_for_app(page)
    snap(page, "sign-in", f"sign-in-{who.split('@')[0]}")
    expect(page.locator(".st-key-model")).to_have_count(0)  # no settings before sign-in
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # and no pages
    keyed(page, "sign_in_default").locator("button").click()
    page.locator('input[name="sub"]').fill(who)  # the provider's own form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server.url}/**")
    wait_for_loaded(page)
    expect(sidebar(page)).to_contain_text(f"Signed in as {who}")


def _tell(page: Page, premise: str) -> None:
    navigate(page, "Story")
    enter_text(page, "story_prompt", premise)
    enter_text(page, "story_scenes", "2")
    click(page, "story_generate")
    expect_images_loaded(page, 2)


def test_two_people_sign_in_make_their_own_and_sign_out(browser: Browser,
                                                        team_server: StreamlitServer) -> None:
    ada_ctx, bob_ctx = browser.new_context(), browser.new_context()  # two people, two cookie jars
    try:
        ada, bob = ada_ctx.new_page(), bob_ctx.new_page()
        _sign_in(ada, team_server, "ada@example.com")
        snap(ada, "sign-in", "signed-in")
        _tell(ada, "a fox who keeps a lighthouse")
        _sign_in(bob, team_server, "bob@example.com")
        _tell(bob, "a turtle who paints the sea")

        navigate(bob, "Gallery")
        expect(images(bob)).to_have_count(4)  # everyone's work by default
        with script_run(bob):
            keyed(bob, "gallery_mine").locator("label").click()
        expect(images(bob)).to_have_count(2)
        expect(main(bob)).to_contain_text("2 images")
        snap(bob, "sign-in", "mine")

        keyed(ada, "sign_out").locator("button").click()
        ada.get_by_role("button", name="End session").click()  # the provider ends its session
        ada.wait_for_url(f"{team_server.url}/**")  # and sends the browser back to the app
        ada.goto(team_server.url)
        expect(keyed(ada, "sign_in_default")).to_be_visible()
        expect(ada.locator(".st-key-model")).to_have_count(0)
    finally:
        ada_ctx.close()
        bob_ctx.close()


def test_sign_in_secrets_never_reach_the_page(browser: Browser, team_server: StreamlitServer,
                                              tmp_path: Path) -> None:
    ctx = browser.new_context()
    try:
        page = ctx.new_page()
        _sign_in(page, team_server, "carol@example.com")
        html = page.content()
        assert "journey-8-client-secret" not in html and "journey-8-cookie-secret" not in html
        log = team_server.log_tail()
        assert "journey-8-client-secret" not in log and "journey-8-cookie-secret" not in log
    finally:
        ctx.close()
