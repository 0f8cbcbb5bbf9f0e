"""The SQL (SQLite or PostgreSQL) + files stores implement the protocols a second backend would implement."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from studio.gallery.blobs import LocalBlobs
from studio.gallery.conversation_rows import SQLConversations
from studio.gallery.interfaces import BlobStore, ConversationStore, ItemRecords
from studio.gallery.items import SQLItems
from studio.gallery.store import GalleryStore

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL (conftest.py)


def protocol_methods(proto: type) -> list[str]:
    return [name for name, value in vars(proto).items()
            if callable(value) and not name.startswith("_")]


@pytest.mark.parametrize(("proto", "impl"), [
    (ItemRecords, SQLItems), (BlobStore, LocalBlobs), (ConversationStore, SQLConversations),
])
def test_every_protocol_method_is_implemented_with_its_parameters(proto: type, impl: type) -> None:
    assert protocol_methods(proto)
    for name in protocol_methods(proto):
        wanted = list(inspect.signature(getattr(proto, name)).parameters)
        assert list(inspect.signature(getattr(impl, name)).parameters) == wanted, name


def test_the_facade_is_built_from_the_three_stores(tmp_path: Path) -> None:
    with GalleryStore(tmp_path) as store:
        assert isinstance(store.items, SQLItems)
        assert isinstance(store.blobs, LocalBlobs)
        assert isinstance(store.conversations, SQLConversations)


def test_blobs_are_content_addressed_and_removable(tmp_path: Path) -> None:
    with GalleryStore(tmp_path) as store:
        blobs = store.blobs
        sha = blobs.put(b"hello", "image/jpg")  # an alias label is stored under its real type
        assert blobs.put(b"hello", "image/jpeg") == sha
        assert blobs.exists(sha) and blobs.get(sha) == b"hello"
        assert blobs.path(sha).name == f"{sha}.jpg"
        blobs.remove(sha)
        assert not blobs.exists(sha)
        with pytest.raises(KeyError):
            blobs.get(sha)
