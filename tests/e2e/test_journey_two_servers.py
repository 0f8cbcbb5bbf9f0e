"""Two-server journey: a team's studio run as two `streamlit run` processes on one PostgreSQL
database and one S3 bucket (moto's server), each with a data folder of its own, so nothing
can lean on a shared disk. A session on each sees the other's images; both generate at once
and nothing is lost; an export from either holds the same images, byte for byte; killing one
mid-answer leaves the other working and every kept item readable."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from studio.gallery.records import GalleryFilter
from studio.gallery.store import GalleryStore
from tests.e2e.helpers import click, enter_text, expect_gallery_total, keyed, main, navigate
from tests.servers import (
    IDLE,
    RUNNING,
    StreamlitServer,
    open_app,
    start_streamlit,
    studio_env,
    wait_for_app,
)

pytestmark = pytest.mark.e2e


@dataclass
class Team:
    a: StreamlitServer
    b: StreamlitServer
    env: dict[str, str]


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, postgres_server: object,
         s3_server: object) -> Iterator[Team]:
    from tests.pg_server import PostgresUnavailable

    if isinstance(postgres_server, PostgresUnavailable):
        pytest.fail(f"PostgreSQL cannot be started: {postgres_server}")
    database = postgres_server.new_database()  # type: ignore[attr-defined]
    blobs = s3_server.url(f"team-{secrets.token_hex(4)}")  # type: ignore[attr-defined]
    shared = {"STUDIO_DATABASE_URL": database, "STUDIO_BLOB_URL": blobs,
              **s3_server.env}  # type: ignore[attr-defined]
    work = tmp_path_factory.mktemp("studio-team")
    servers: list[StreamlitServer] = []
    try:
        for name in ("a", "b"):
            env = studio_env(work / name / "data", STUDIO_EMULATOR_CHUNK_DELAY="0.25", **shared)
            servers.append(start_streamlit(work / name / "data", work / name,
                                           name=f"streamlit-team-{name}", env=env))
        yield Team(servers[0], servers[1], shared)
    finally:
        for server in servers:
            server.stop()
        postgres_server.drop_database(database)  # type: ignore[attr-defined]


def _team_store(team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> GalleryStore:
    for name, value in team.env.items():
        monkeypatch.setenv(name, value)
    return GalleryStore(tmp_path / "reader")


def _start_story(page: Page, premise: str) -> None:
    navigate(page, "Story")
    enter_text(page, "story_prompt", premise)
    enter_text(page, "story_scenes", "2")
    keyed(page, "story_generate").locator("button").click()  # not waited for: runs alongside
    # the answer streams for seconds (0.25 s a chunk): its run is seen starting
    page.locator(RUNNING).wait_for(timeout=30_000)


def _story_done(page: Page) -> None:
    page.locator(IDLE).wait_for(timeout=180_000)
    wait_for_app(page)
    expect(main(page).get_by_test_id("stImage")).to_have_count(2)


def _export(page: Page, folder: Path) -> dict[str, str]:
    """Export everything from this server's gallery page; file name -> sha256 of each image."""
    navigate(page, "Gallery")
    click(page, "gallery_export_prepare")
    expect(main(page).get_by_test_id("stProgress")).to_contain_text(re.compile(r"Ready: \d+"))
    with page.expect_download() as info:
        keyed(page, "gallery_export").locator("button").click()
    saved = folder / info.value.suggested_filename
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        items = json.loads(archive.read("manifest.json"))["items"]
        out = {}
        for item in items:
            data = archive.read(item["file"])
            assert hashlib.sha256(data).hexdigest() == item["sha256"], item["file"]
            out[item["id"]] = item["sha256"]
        return out


def test_two_servers_share_one_gallery(browser: Browser, team: Team, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = browser.new_context(accept_downloads=True), browser.new_context(accept_downloads=True)
    try:
        a, b = one.new_page(), two.new_page()
        open_app(a, team.a.url)
        open_app(b, team.b.url)

        # made on A, seen on B
        _start_story(a, "a fox who keeps a lighthouse")
        _story_done(a)
        navigate(b, "Gallery")
        expect_gallery_total(b, 2)

        # both at once: nothing lost
        _start_story(a, "a turtle who paints the sea")
        _start_story(b, "an owl who runs a night bakery")
        _story_done(a)
        _story_done(b)
        store = _team_store(team, monkeypatch, tmp_path)
        assert store.count(GalleryFilter(page="story")) == 6
        for item in store.query(GalleryFilter(page="story"), limit=100):
            assert store.item_image(item), item.id  # every kept item's bytes are in the bucket

        # an export from either server holds the same images, byte for byte
        from_a, from_b = _export(a, tmp_path), _export(b, tmp_path)
        assert from_a == from_b and len(from_a) == 6

        # A killed mid-answer: B and the data are intact
        _start_story(a, "a whale who collects lighthouses")
        expect(main(a).get_by_test_id("stImage").first).to_be_visible(timeout=120_000)
        team.a.kill()
        kept = store.count(GalleryFilter(page="story"))
        assert 6 <= kept <= 8
        for item in store.query(GalleryFilter(page="story"), limit=100):
            assert store.item_image(item), item.id
        _start_story(b, "a hedgehog who delivers letters")
        _story_done(b)
        navigate(b, "Gallery")
        expect_gallery_total(b, kept + 2)
        store.close()
    finally:
        one.close()
        two.close()
