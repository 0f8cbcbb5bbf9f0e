"""Exports made by earlier releases keep importing, whatever the current layout is."""

from __future__ import annotations

import hashlib
from pathlib import Path

from studio.exchange.import_zip import import_zip
from studio.gallery.store import GalleryStore

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_a_version_1_export_with_a_blobs_folder_imports(tmp_path: Path) -> None:
    """export-v1.zip was written by the v1 exporter: its story's history images sit in
    blobs/ as second copies (without the PNG text) of the images under images/."""
    with GalleryStore(tmp_path / "data") as store:
        report = import_zip(store, FIXTURES / "export-v1.zip")
        assert (report.items_added, report.conversations_added) == (2, 1)
        (summary,) = store.list_conversations()
        conv = store.load_conversation(summary.id)
        assert conv is not None and conv.title == "a fox who keeps a lighthouse"
        images = [p.inline_data.data for c in conv.history for p in c.parts or [] if p.inline_data]
        assert len(images) == 2
        for data in images:
            sha = hashlib.sha256(data).hexdigest()
            assert store.blob_bytes(sha) == data
        assert conv.history[1].parts[0].thought_signature == b"\x01sig"
        items = store.query(limit=10)
        assert sorted(i.text for i in items) == ["Scene 1", "Scene 2"]
        assert all(store.image_bytes(i.id) for i in items)
