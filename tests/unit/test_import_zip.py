"""ZIP import: exact round trip, idempotence, and hostile archives refused with nothing written."""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from studio.exchange.export_zip import export_zip
from studio.exchange.import_zip import ImportLimits, ZipRejected, import_zip
from studio.gallery.records import GalleryFilter
from studio.gallery.store import GalleryStore

try:  # the sample gallery is shared with the export tests
    from test_export_zip import populate
except ImportError:  # pragma: no cover - when tests/ is imported as a package
    from tests.unit.test_export_zip import populate


def png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (seed, 0, 0)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def source(tmp_path: Path) -> tuple[GalleryStore, Path]:
    store = GalleryStore(tmp_path / "src")
    populate(store)
    out = tmp_path / "export.zip"
    export_zip(store, GalleryFilter(), out)
    yield store, out
    store.close()


@pytest.fixture
def target(tmp_path: Path) -> GalleryStore:
    with GalleryStore(tmp_path / "dst") as s:
        yield s


def all_items(store: GalleryStore) -> dict[str, dict]:
    return {i.id: i.to_dict() for i in store.query(GalleryFilter(), limit=1000)}


def assert_untouched(store: GalleryStore) -> None:
    assert store.count(GalleryFilter(include_deleted=True)) == 0
    assert store.list_conversations() == []
    assert [p for p in store.data_dir.rglob("*") if p.is_file() and p.name != "studio.db"
            and not p.name.startswith("studio.db")] == []


def test_round_trip_into_empty_store(source, target: GalleryStore) -> None:
    src, zip_path = source
    report = import_zip(target, zip_path)
    assert report.items_added == 7 and report.conversations_added == 1
    assert all_items(target) == all_items(src)
    for item in target.query(limit=100):
        assert target.image_bytes(item.id) == src.image_bytes(item.id)
        assert target.thumb_path(item).is_file()
    (summary,) = src.list_conversations()
    original = src.load_conversation(summary.id)
    copy = target.load_conversation(summary.id)
    assert copy is not None and copy.history == original.history
    assert copy.history[1].parts[0].thought_signature == b"\x01sig"
    assert (copy.created_at, copy.updated_at, copy.title) == (
        original.created_at, original.updated_at, original.title)
    # a second export of the imported store describes the very same items
    again = target.data_dir.parent / "again.zip"
    export_zip(target, None, again)
    with zipfile.ZipFile(zip_path) as a, zipfile.ZipFile(again) as b:
        assert json.loads(a.read("manifest.json"))["items"] == json.loads(b.read("manifest.json"))["items"]


def test_reimport_is_idempotent(source, target: GalleryStore) -> None:
    src, zip_path = source
    import_zip(target, zip_path)
    report = import_zip(target, zip_path)
    assert report.items_added == 0 and report.items_skipped == 7
    assert report.conversations_skipped == 1 and report.files_written == 0
    assert target.count() == 7
    assert import_zip(src, zip_path).items_added == 0  # into the store it came from


def rewrite(zip_path: Path, out: Path, change: dict[str, bytes | None]) -> Path:
    """Copy a ZIP replacing (bytes) or dropping (None) some entries."""
    with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    dst.writestr(info.filename, change[info.filename])
            else:
                dst.writestr(info, src.read(info))
    return out


def hostile(tmp_path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    out = tmp_path / "hostile.zip"
    manifest = json.dumps({"format": "image-studio-export", "version": 1, "items": [],
                           "conversations": []})
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("manifest.json", manifest)
        for name, data in entries:
            zf.writestr(name, data)
    return out


def symlink_entry() -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("images/link.png")
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info


@pytest.mark.parametrize(("entries", "message"), [
    ([("../evil.png", b"x")], "path traversal"),
    ([("images/../../evil.png", b"x")], "path traversal"),
    ([("/etc/evil.png", b"x")], "absolute path"),
    ([("C:/evil.png", b"x")], "absolute path"),
    ([("..\\evil.png", b"x")], "backslash"),
    ([(symlink_entry(), b"/etc/passwd")], "symbolic link"),
    ([(f"junk/{n}.txt", b"") for n in range(30)], "limit of 20"),
    ([("images/big.png", b"\0" * 5000)], "limit per file"),
])
def test_hostile_entries_refused(tmp_path: Path, target: GalleryStore, entries, message) -> None:
    limits = ImportLimits(max_files=20, max_file_bytes=4096, max_total_bytes=1 << 20)
    with pytest.raises(ZipRejected, match=message):
        import_zip(target, hostile(tmp_path, entries), limits)
    assert_untouched(target)


def test_zip_bomb_total_size_refused(tmp_path: Path, target: GalleryStore) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", "{}")
        for n in range(4):
            zf.writestr(f"zeros{n}.bin", b"\0" * (3 << 20))  # 12 MiB from a few KB
    assert bomb.stat().st_size < 100_000
    with pytest.raises(ZipRejected, match="unpacks to more than"):
        import_zip(target, bomb, ImportLimits(max_total_bytes=8 << 20, max_ratio=1e9))
    assert_untouched(target)


def test_lying_size_header_refused(source, tmp_path: Path, target: GalleryStore) -> None:
    """A central directory that under-declares a size must not let more bytes through."""
    _, zip_path = source
    data = bytearray(zip_path.read_bytes())
    with zipfile.ZipFile(zip_path) as zf:
        info = next(i for i in zf.infolist() if i.filename.startswith("images/"))
    name = info.filename.encode()
    cd = data.index(b"PK\x01\x02")  # first central directory header
    while data[cd + 46 : cd + 46 + len(name)] != name:
        cd = data.index(b"PK\x01\x02", cd + 4)
    struct.pack_into("<I", data, cd + 24, 10)  # uncompressed size: 10 bytes, honestly
    liar = tmp_path / "liar.zip"
    liar.write_bytes(bytes(data))
    with pytest.raises(ZipRejected):
        import_zip(target, liar)
    assert_untouched(target)


def test_sha_mismatch_refused_and_cleaned_up(source, tmp_path: Path, target: GalleryStore) -> None:
    _, zip_path = source
    with zipfile.ZipFile(zip_path) as zf:
        last = sorted(n for n in zf.namelist() if n.startswith("images/"))[-1]
    tampered = rewrite(zip_path, tmp_path / "tampered.zip", {last: png(200)})
    with pytest.raises(ZipRejected, match="does not match the sha256"):
        import_zip(target, tampered)
    assert_untouched(target)  # the six good images copied before it were removed again


@pytest.mark.parametrize(("manifest", "message"), [
    (None, "no manifest.json"),
    (b"{not json", "not valid JSON"),
    (b'{"format": "something-else", "version": 1, "items": []}', "not an Image Studio"),
    (b'{"format": "image-studio-export", "version": 99, "items": []}', "version 99"),
    (b'{"format": "image-studio-export", "version": 1, "items": [{"id": 5}]}', "wrong type"),
])
def test_bad_manifest_refused(source, tmp_path: Path, target: GalleryStore, manifest, message) -> None:
    _, zip_path = source
    bad = rewrite(zip_path, tmp_path / "bad.zip", {"manifest.json": manifest})
    with pytest.raises(ZipRejected, match=message):
        import_zip(target, bad)
    assert_untouched(target)


def test_manifest_cannot_smuggle_paths(source, tmp_path: Path, target: GalleryStore) -> None:
    _, zip_path = source
    with zipfile.ZipFile(zip_path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["items"][0]["sha256"] = "../../../../tmp/evil"
    bad = rewrite(zip_path, tmp_path / "bad.zip", {"manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(ZipRejected, match="bad id or sha256"):
        import_zip(target, bad)
    assert_untouched(target)


def test_not_a_zip(tmp_path: Path, target: GalleryStore) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"this is not a zip")
    with pytest.raises(ZipRejected, match="not a readable ZIP"):
        import_zip(target, junk)
    with pytest.raises(ZipRejected, match="not a readable ZIP"):
        import_zip(target, tmp_path / "missing.zip")


def test_unknown_files_ignored(source, tmp_path: Path, target: GalleryStore) -> None:
    _, zip_path = source
    extra = tmp_path / "extra.zip"
    rewrite(zip_path, extra, {})
    with zipfile.ZipFile(extra, "a") as zf:
        zf.writestr("notes/readme.txt", "hello")
    assert import_zip(target, extra).items_added == 7


def _with_first_item(zip_path: Path, out: Path, **changes: object) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["items"][0].update(changes)
    return rewrite(zip_path, out, {"manifest.json": json.dumps(manifest).encode()})


@pytest.mark.parametrize("change", [
    {"turn": "1"}, {"turn": True}, {"width": 1.5}, {"seed": True}, {"favourite": 1},
    {"tags": "a;b"}, {"settings": []}, {"page": None}, {"prompt": None}, {"mime": None},
    {"cost_usd": "0.1"}, {"temperature": False}, {"deleted_at": 3},
])
def test_item_fields_are_checked_against_their_types(
    source, tmp_path: Path, target: GalleryStore, change: dict[str, object],
) -> None:
    _, zip_path = source
    with pytest.raises(ZipRejected, match=f"field {next(iter(change))!r}"):
        import_zip(target, _with_first_item(zip_path, tmp_path / "bad.zip", **change))
    assert_untouched(target)


def test_nullable_fields_take_null_and_numbers_become_floats(
    source, tmp_path: Path, target: GalleryStore,
) -> None:
    _, zip_path = source
    with zipfile.ZipFile(zip_path) as zf:
        first = json.loads(zf.read("manifest.json"))["items"][0]["id"]
    loose = _with_first_item(zip_path, tmp_path / "loose.zip", engine=None, seed=None,
                             parent_id=None, temperature=1, cost_usd=0)
    assert import_zip(target, loose).items_added == 7
    item = target.get(first)
    assert (item.engine, item.seed, item.parent_id) == (None, None, None)
    assert (item.temperature, item.cost_usd) == (1.0, 0.0)
    assert isinstance(item.temperature, float) and isinstance(item.cost_usd, float)


def test_an_export_from_before_grounding_and_sign_in_still_imports(
    source, tmp_path: Path, target: GalleryStore,
) -> None:
    _, zip_path = source
    with zipfile.ZipFile(zip_path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    for row in manifest["items"]:
        del row["grounding"], row["made_by"]
    older = rewrite(zip_path, tmp_path / "older.zip", {"manifest.json": json.dumps(manifest).encode()})
    assert import_zip(target, older).items_added == 7
    item = target.get(manifest["items"][0]["id"])
    assert (item.grounding, item.made_by) == ({}, None)
    with pytest.raises(ZipRejected, match="field 'grounding'"):
        import_zip(target, _with_first_item(zip_path, tmp_path / "bad.zip", grounding="web"))
