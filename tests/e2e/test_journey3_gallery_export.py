"""Journey 3: the gallery lists what was made, and its ZIP export holds exactly those images."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    click,
    enter_text,
    expect_gallery_total,
    expect_images_loaded,
    gallery_total,
    keyed,
    main,
    navigate,
    snap,
)
from tests.servers import open_app

pytestmark = pytest.mark.e2e
J = "j3"


def stored_image(data_dir: Path, data: bytes) -> Path:
    """The original in the data folder, found by content: images/<ab>/<sha256>.<ext>."""
    sha = hashlib.sha256(data).hexdigest()
    matches = sorted((data_dir / "images").glob(f"**/{sha}.*"))
    assert matches, f"no file {sha}.* under {data_dir / 'images'}"
    return matches[0]


def test_gallery_lists_items_and_the_zip_matches_them(
    page: Page, studio_server, tmp_path: Path
) -> None:
    # Make something this test can recognise, whatever other journeys made before it.
    token = f"zipcheck{uuid.uuid4().hex[:6]}"
    open_app(page, studio_server.url, "text")
    enter_text(page, "text_headline", f"Export {token}")
    click(page, "text_generate")
    expect_images_loaded(page, at_least=1)

    navigate(page, "Gallery")
    total = gallery_total(page)
    assert total >= 1
    expect(main(page).get_by_test_id("stImage").first).to_be_visible()
    expect_images_loaded(page, at_least=min(total, 6))
    snap(page, J, "gallery")

    # The search covers prompts: what this test made is listed, as one thumbnail.
    enter_text(page, "gallery_search", token)
    expect_gallery_total(page, 1)
    expect(main(page).get_by_test_id("stImage")).to_have_count(1)
    expect(main(page).get_by_test_id("stCaptionContainer").filter(has_text="text")).not_to_have_count(0)
    snap(page, J, "gallery-search")
    enter_text(page, "gallery_search", "")
    expect_gallery_total(page, total)

    prepare = keyed(page, "gallery_export_prepare").locator("button")
    expect(prepare).to_contain_text(re.compile(rf"Prepare ZIP of {total:,} images?\b"))
    click(page, "gallery_export_prepare")
    expect(main(page).get_by_test_id("stProgress")).to_contain_text(
        re.compile(rf"Ready: {total:,} images?\b"))
    download = keyed(page, "gallery_export").locator("button")
    expect(download).to_be_visible()
    snap(page, J, "export-ready")

    with page.expect_download() as info:
        download.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name.endswith(".zip")

    with zipfile.ZipFile(saved) as archive:
        names = set(archive.namelist())
        assert "index.html" in names
        assert "manifest.csv" in names
        manifest = json.loads(archive.read("manifest.json"))
        items = manifest["items"]
        assert len(items) == total, (len(items), total)
        assert len({i["file"] for i in items}) == total
        assert any(token in (i.get("prompt") or "") for i in items)
        for item in items:
            assert item["file"] in names, item["file"]
            data = archive.read(item["file"])
            original = stored_image(studio_server.data_dir, data)
            assert original.read_bytes() == data, item["file"]
            if item.get("sha256"):
                assert item["sha256"] == hashlib.sha256(data).hexdigest()
