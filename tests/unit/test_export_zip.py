"""ZIP export: contents, manifests, offline HTML that escapes everything, progress."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from google.genai import types
from PIL import Image

from studio.exchange.export_html import render_text
from studio.exchange.export_zip import export_zip
from studio.exchange.filenames import slugify
from studio.gallery.conversations import Conversation
from studio.gallery.records import ITEM_FIELDS, GalleryFilter, GalleryItem, NewItem
from studio.gallery.store import GalleryStore

EVIL = '<script>alert(1)</script> "><img src=x onerror=alert(2)> **bold** [x](javascript:1)'


def png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (seed * 40 % 256, 80, 160)).save(out, "PNG")
    return out.getvalue()


def jpeg(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 30), (seed, 10, 10)).save(out, "JPEG")
    return out.getvalue()


def populate(store: GalleryStore) -> dict[str, object]:
    """A small but varied gallery: a story over two turns, a recipe, an edit chain, hostile text."""
    story = Conversation(page="story", title="The fox's day", model="m-story", history=[
        types.Content(role="user", parts=[types.Part(text="tell a story"), types.Part(
            inline_data=types.Blob(mime_type="image/jpeg", data=jpeg(99)))]),
        types.Content(role="model", parts=[types.Part(text="Once", thought_signature=b"\x01sig")]),
    ], settings={"api_key": "sk-SECRET"})
    store.save_conversation(story)
    made: dict[str, object] = {"story": story}
    # positions saved out of order on purpose: the page must sort them back
    for turn, position, text in [(0, 1, "Then it slept."), (0, 0, "A fox woke up."),
                                 (1, 0, "Next day **it ran**.")]:
        store.add_image(png(turn * 10 + position), "image/png", NewItem(
            page="story", prompt=f"story turn {turn}", text=text, model="m-story",
            conversation_id=story.id, turn=turn, position=position))
    made["recipe"] = store.add_image(jpeg(5), "image/jpeg", NewItem(
        page="recipe", prompt="pancakes", text="Step 1\nMix", model="m-r", conversation_id="r1"))
    root = store.add_image(png(7), "image/png", NewItem(page="edit", prompt="a cat", model="m-e",
                                                        tags=["cats", "v1"], seed=3, cost_usd=0.04))
    made["child"] = store.add_image(png(8), "image/png", NewItem(
        page="edit", prompt="make it blue", parent_id=root.id, model="m-e", temperature=0.7))
    store.set_favourite(root.id, True)
    made["evil"] = store.add_image(png(9), "image/png", NewItem(
        page="text", prompt=EVIL, text=EVIL, model="m-t", settings={"style": "x", "token": "t0k"}))
    gone = store.add_image(png(10), "image/png", NewItem(page="text", prompt="deleted"))
    store.delete(gone.id)
    return made


@pytest.fixture
def exported(tmp_path: Path) -> tuple[GalleryStore, Path, list[tuple[int, int]], dict[str, object]]:
    store = GalleryStore(tmp_path / "data")
    made = populate(store)
    calls: list[tuple[int, int]] = []
    out = tmp_path / "out" / "export.zip"
    report = export_zip(store, GalleryFilter(), out, progress=lambda d, t: calls.append((d, t)))
    assert report.images == 7 and report.conversations == 1 and report.pages == 2
    assert report.blobs == 1 and not report.warnings
    unzipped = tmp_path / "unzipped"
    with zipfile.ZipFile(out) as zf:
        zf.extractall(unzipped)
    yield store, unzipped, calls, made
    store.close()


def test_zip_layout_and_atomic_output(exported, tmp_path: Path) -> None:
    _, unzipped, _, _ = exported
    names = {p.relative_to(unzipped).as_posix() for p in unzipped.rglob("*") if p.is_file()}
    assert {"manifest.csv", "manifest.json", "index.html"} <= names
    images = sorted(n for n in names if n.startswith("images/"))
    assert len(images) == 7
    for name in images:
        assert re.fullmatch(r"images/\d{4}-[a-z0-9-]+-[a-z0-9-]+-[0-9a-f]{8}\.(png|jpg)", name), name
    assert len([n for n in names if n.startswith("stories/")]) == 1
    assert len([n for n in names if n.startswith("recipes/")]) == 1
    assert len([n for n in names if n.startswith("blobs/")]) == 1
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["export.zip"]  # no temp left
    with zipfile.ZipFile(tmp_path / "out" / "export.zip") as zf:
        kinds = {i.filename: i.compress_type for i in zf.infolist()}
    assert kinds[images[0]] == zipfile.ZIP_STORED
    assert kinds["manifest.json"] == zipfile.ZIP_DEFLATED


# The column order users' spreadsheets and scripts have seen since the first release.
PUBLISHED_COLUMNS = [
    "id", "created_at", "page", "prompt", "text", "model", "engine", "aspect_ratio",
    "image_size", "seed", "temperature", "finish_reason", "prompt_tokens", "output_tokens",
    "total_tokens", "latency_ms", "cost_usd", "parent_id", "conversation_id", "turn",
    "position", "width", "height", "mime", "sha256", "favourite", "tags", "settings",
    "deleted_at",
]


def test_published_column_order_is_stable() -> None:
    """A field added to the dataclasses may append a column; it must not reorder these."""
    assert list(ITEM_FIELDS[:len(PUBLISHED_COLUMNS)]) == PUBLISHED_COLUMNS


def test_manifest_has_every_field_and_identical_images(exported) -> None:
    store, unzipped, _, _ = exported
    manifest = json.loads((unzipped / "manifest.json").read_text("utf-8"))
    assert manifest["format"] == "image-studio-export" and manifest["version"] == 2
    assert manifest["exported_at"]
    rows = manifest["items"]
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)
    for row in rows:
        item = store.get(row["id"])
        assert {k: row[k] for k in ITEM_FIELDS} == item.to_dict()
        assert (unzipped / row["file"]).read_bytes() == store.image_bytes(item.id)
    with (unzipped / "manifest.csv").open(encoding="utf-8-sig", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert list(csv_rows[0]) == [*ITEM_FIELDS, "file"]
    assert list(rows[0]) == [*ITEM_FIELDS, "file"]
    by_id = {r["id"]: r for r in csv_rows}
    for row in rows:
        cells = by_id[row["id"]]
        assert cells["file"] == row["file"]
        assert cells["tags"] == ";".join(row["tags"])
        assert cells["favourite"] == ("true" if row["favourite"] else "false")
    assert any(r["tags"] == "cats;v1" for r in csv_rows)


def test_conversations_in_manifest(exported) -> None:
    store, unzipped, _, made = exported
    manifest = json.loads((unzipped / "manifest.json").read_text("utf-8"))
    (conv,) = manifest["conversations"]
    assert conv["id"] == made["story"].id and conv["title"] == "The fox's day"
    assert conv["history"][1]["parts"][0]["thought_signature"]
    for sha, file in conv["blob_files"].items():
        assert (unzipped / file).read_bytes() == store.blob_bytes(sha)


def test_no_secrets_anywhere(exported) -> None:
    _, unzipped, _, _ = exported
    for path in unzipped.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".csv", ".html"):
            text = path.read_text("utf-8")
            assert "sk-SECRET" not in text and "api_key" not in text and "t0k" not in text


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [k for k, _ in attrs if k.startswith("on")]
        self.links += [v for k, v in attrs if k in ("src", "href") and v]


def test_html_escaped_and_links_resolve(exported) -> None:
    _, unzipped, _, _ = exported
    pages = list(unzipped.rglob("*.html"))
    assert len(pages) == 3
    for page in pages:
        text = page.read_text("utf-8")
        assert "<script>alert(1)</script>" not in text
        assert "<img src=x" not in text
        parser = _Links()
        parser.feed(text)
        assert "script" not in parser.tags and not parser.handlers
        for link in parser.links:
            assert "://" not in link and not link.startswith("/")
            assert (page.parent / link).resolve().is_file(), (page, link)
    index = (unzipped / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "stories/" in index and "recipes/" in index


def test_story_page_interleaves_in_order(exported) -> None:
    _, unzipped, _, _ = exported
    (story,) = (unzipped / "stories").glob("*.html")
    html = story.read_text("utf-8")
    assert story.name.startswith(slugify("The fox's day"))
    order = [html.index(s) for s in ("A fox woke up.", "Then it slept.", "<strong>it ran</strong>")]
    assert order == sorted(order)
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) == 3 and all(src.startswith("../images/") for src in images)
    # each text comes right before its own image
    assert html.index("A fox woke up.") < html.index(images[0]) < html.index("Then it slept.")


def test_progress_calls(exported) -> None:
    _, _, calls, _ = exported
    assert calls[0] == (0, 7) and calls[-1] == (7, 7)
    assert [d for d, _ in calls] == list(range(8))


def test_export_by_ids_and_filter(tmp_path: Path) -> None:
    with GalleryStore(tmp_path / "data") as store:
        made = populate(store)
        child: GalleryItem = made["child"]
        report = export_zip(store, [child.id, "missing-id"], tmp_path / "one.zip")
        assert report.images == 1 and report.pages == 0
        with zipfile.ZipFile(tmp_path / "one.zip") as zf:
            manifest = json.loads(zf.read("manifest.json"))
        assert [r["id"] for r in manifest["items"]] == [child.id]
        report = export_zip(store, GalleryFilter(favourite=True), tmp_path / "fav.zip")
        assert report.images == 1
        assert export_zip(store, GalleryFilter(page="nothing"), tmp_path / "empty.zip").images == 0


def test_failed_export_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import studio.exchange.export_zip as ez

    with GalleryStore(tmp_path / "data") as store:
        populate(store)

        def boom(*args: object) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(ez, "write_index", boom)
        with pytest.raises(OSError):
            export_zip(store, None, tmp_path / "out" / "x.zip")
    assert list((tmp_path / "out").iterdir()) == []


def test_render_text_is_safe() -> None:
    assert render_text("<b>hi</b>\n**x**") == "&lt;b&gt;hi&lt;/b&gt;<br>\n<strong>x</strong>"
    assert render_text('**"><script>**') == "<strong>&quot;&gt;&lt;script&gt;</strong>"
    assert slugify("../../etc/passwd") == "etc-passwd" and slugify("日本") == "image"
    assert len(slugify("x" * 500)) == 40


def test_a_dead_exports_partial_zip_is_cleaned_up_by_the_next_export(tmp_path):
    import subprocess
    import sys

    from studio.exchange.export_zip import export_zip
    from studio.gallery.store import GalleryStore

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    leftover = out_dir / f".tmp-export-{dead}-abcd1234.zip"
    leftover.write_bytes(b"PK partial")
    live = out_dir / f".tmp-export-{os.getpid()}-beef0000.zip"
    live.write_bytes(b"PK in progress")
    export_zip(GalleryStore(tmp_path / "data"), None, out_dir / "gallery.zip")
    assert not leftover.exists()
    assert live.exists(), "an export still running elsewhere is left alone"
