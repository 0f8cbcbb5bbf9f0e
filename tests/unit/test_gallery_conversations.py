"""Conversations: history with images and thought signatures survives a new store."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from google.genai import types
from PIL import Image
from sqlalchemy import text

from studio.gallery.conversations import Conversation, history_from_json, history_to_json
from studio.gallery.store import GalleryStore

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL (conftest.py)

SIGNATURE = bytes(range(256)) + b"\x00\xff" * 17  # every byte value, as Gemini's are opaque


def png(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), color).save(out, "PNG")
    return out.getvalue()


def history() -> list[types.Content]:
    return [
        types.Content(role="user", parts=[
            types.Part(text="Make this red"),
            types.Part(inline_data=types.Blob(mime_type="image/png", data=png((0, 0, 255)))),
        ]),
        types.Content(role="model", parts=[
            types.Part(text="Here you go", thought_signature=SIGNATURE),
            types.Part(inline_data=types.Blob(mime_type="image/png", data=png((255, 0, 0))),
                       thought_signature=SIGNATURE[::-1]),
        ]),
        types.Content(role="user", parts=[types.Part(text="Now with a hat")]),
    ]


@pytest.fixture
def store(tmp_path: Path) -> GalleryStore:
    with GalleryStore(tmp_path) as s:
        yield s


def test_history_json_has_refs_not_bytes(store: GalleryStore) -> None:
    data = history_to_json(history(), store.blobs)
    text = json.dumps(data)
    assert "blob_ref" in text and len(text) < 3000  # no base64 image in the JSON
    inline = data[0]["parts"][1]["inline_data"]
    assert set(inline) == {"mime_type", "blob_ref"}
    assert store.blob_bytes(inline["blob_ref"]) == png((0, 0, 255))
    back = history_from_json(data, store.blobs)
    assert back == history()
    assert data == history_to_json(back, store.blobs)


def test_conversation_roundtrip_across_stores(tmp_path: Path) -> None:
    transcript = [{"role": "user", "text": "Make this red", "item_ids": []},
                  {"role": "model", "text": "Here you go", "item_ids": ["abc"],
                   "instruction": "red", "api_key": "leak"}]
    with GalleryStore(tmp_path) as store:
        conv = Conversation(page="edit", title="Red fox", model="m1", history=history(),
                            transcript=transcript, settings={"aspect_ratio": "1:1", "apiKey": "x"})
        saved = store.save_conversation(conv)
        assert saved.created_at and saved.updated_at
    with GalleryStore(tmp_path) as store:
        loaded = store.load_conversation(conv.id)
    assert loaded is not None
    assert loaded.history == history()
    sig_part = loaded.history[1].parts[0]
    assert sig_part.thought_signature == SIGNATURE  # byte-identical
    assert loaded.history[1].parts[1].thought_signature == SIGNATURE[::-1]
    assert loaded.history[1].parts[1].inline_data.data == png((255, 0, 0))
    assert loaded.settings == {"aspect_ratio": "1:1"}
    assert loaded.transcript[1] == {"role": "model", "text": "Here you go", "item_ids": ["abc"],
                                    "instruction": "red"}
    assert (loaded.title, loaded.page, loaded.model) == ("Red fox", "edit", "m1")
    with GalleryStore(tmp_path) as store, store._db() as conn:  # the rows, whichever database
        rows = conn.execute(text("SELECT * FROM conversations")).all()
    assert rows and "leak" not in repr(rows)


def test_upsert_list_delete(store: GalleryStore) -> None:
    first = store.save_conversation(Conversation(page="story", title="one", history=history()[:1]))
    created = first.created_at
    second = store.save_conversation(Conversation(page="edit", title="two"))
    first.history = history()
    first.title = "one, continued"
    store.save_conversation(first)
    assert first.created_at == created and first.updated_at > created
    listed = store.list_conversations()
    assert [c.id for c in listed] == [first.id, second.id]
    assert listed[0].turns == 2 and listed[0].title == "one, continued"
    assert [c.id for c in store.list_conversations(page="edit")] == [second.id]
    assert len(store.list_conversations(limit=1)) == 1
    blob = history_to_json(history(), store.blobs)[1]["parts"][1]["inline_data"]["blob_ref"]
    assert store.delete_conversation(first.id)
    assert store.load_conversation(first.id) is None
    assert not store.delete_conversation(first.id)
    with pytest.raises(KeyError):  # its images went with it
        store.blob_path(blob)
    assert not [p for p in (store.data_dir / "images").rglob("*") if p.name.startswith(blob)]


def test_purge_keeps_blobs_used_by_conversations(store: GalleryStore) -> None:
    from studio.gallery.records import NewItem

    image = png((1, 2, 3))
    item = store.add_image(image, "image/jpeg", NewItem(page="edit"))  # sniffed as PNG
    store.save_conversation(Conversation(page="edit", history=[types.Content(
        role="user", parts=[types.Part(inline_data=types.Blob(mime_type="image/png", data=store.image_bytes(item.id)))])]))
    store.delete(item.id)
    assert store.purge_deleted(older_than_days=0) == 1
    assert store.blob_bytes(item.sha256) == store.image_path(item).read_bytes()
    assert os.path.exists(store.image_path(item))


def test_each_save_puts_only_the_new_turns_images(tmp_path: Path, monkeypatch):
    """A long chat is saved after every turn: earlier images are not hashed and put again."""
    from studio.gallery.blobs import LocalBlobs

    puts: list[int] = []
    original = LocalBlobs.put

    def counted(self, data, mime, sha256=None):
        puts.append(len(data))
        return original(self, data, mime, sha256)

    monkeypatch.setattr(LocalBlobs, "put", counted)
    contents = history()
    with GalleryStore(tmp_path) as store:
        conv = Conversation(page="edit", history=list(contents))
        store.save_conversation(conv)
        assert len(puts) == 2
        for turn in range(5):
            conv.history.append(types.Content(role="model", parts=[types.Part(
                inline_data=types.Blob(mime_type="image/png", data=png((turn, 9, 9))))]))
            store.save_conversation(conv)
        assert len(puts) == 2 + 5  # one new image a save
        loaded = store.load_conversation(conv.id)
        assert loaded is not None and len(loaded.history) == 3 + 5
        assert loaded.history[-1].parts[0].inline_data.data == png((4, 9, 9))
    with GalleryStore(tmp_path / "other") as other:  # another store gets every image
        other.save_conversation(Conversation(page="edit", history=list(contents)))
        assert len(puts) == 2 + 5 + 2
        assert other.load_conversation(other.list_conversations()[0].id) is not None
