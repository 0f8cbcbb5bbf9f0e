"""Copy a gallery to another store: `python -m studio migrate --to-database URL --to-blobs URL`.

What is copied: every image object and thumbnail, item rows (trashed ones too, with their
ids, dates and favourites), conversations with the blobs they reference, collections, the
Prompt Lab's experiments and the saved prompts, row to row. Everything goes through the store facade (GalleryStore),
so the target can be any backend the facade opens.

Resumable: objects are content-addressed (a key already in the target is skipped), rows
are inserted only when their id is missing, so an interrupted run (Ctrl-C, a lost
connection) is finished by running the same command again. At the end, counts are
compared and every copied object is read back from the target and hashed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from studio.gallery.conversations import blob_refs
from studio.gallery.filters import GalleryFilter
from studio.gallery.objects import StoredObject
from studio.gallery.records import SHA_RE
from studio.gallery.store import GalleryStore

ALL = GalleryFilter(include_deleted=True)
_PAGE = 500
Tick = Callable[[str, int], None]  # (what, how many more done)


@dataclass
class MigrateReport:
    objects_copied: int = 0
    objects_present: int = 0
    items_copied: int = 0
    items_present: int = 0
    conversations_copied: int = 0
    conversations_present: int = 0
    collections_copied: int = 0
    experiments_copied: int = 0
    experiments_present: int = 0
    prompts_copied: int = 0
    prompts_present: int = 0
    verified_objects: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"objects: {self.objects_copied:,} copied, {self.objects_present:,} already there",
               f"items: {self.items_copied:,} copied, {self.items_present:,} already there",
               f"conversations: {self.conversations_copied:,} copied, "
               f"{self.conversations_present:,} already there",
               f"collections: {self.collections_copied:,} copied",
               f"experiments: {self.experiments_copied:,} copied, {self.experiments_present:,} "
               f"already there; saved prompts: {self.prompts_copied:,} copied, "
               f"{self.prompts_present:,} already there"]
        if self.ok:
            out.append(f"verified: counts match and {self.verified_objects:,} objects hash to "
                       "their content in the target")
        out += [f"problem: {p}" for p in self.problems]
        return out


def _objects(store: GalleryStore) -> Iterator[StoredObject]:
    yield from store.objects.list("images")
    yield from store.objects.list("thumbs")


def same_rows(source: GalleryStore, target: GalleryStore) -> bool:
    """Whether both stores share one database (only the blobs move)."""
    if source.database_url or target.database_url:  # PostgreSQL: the same URL, the same rows
        return source.database_url == target.database_url
    return source.db_path == target.db_path


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _expected(key: str, data: bytes) -> str:
    """The hash an object must have: its name for originals, the source bytes' otherwise."""
    stem = key.rsplit("/", 1)[-1].split(".", 1)[0]
    return stem if key.startswith("images/") and SHA_RE.match(stem) else _digest(data)


def plan(source: GalleryStore, rows: bool) -> tuple[list[StoredObject], dict[str, int]]:
    """The source's objects, and how many steps each phase has (for a progress bar)."""
    objects = list(_objects(source))
    totals = {"objects": len(objects), "verify": len(objects)}
    if rows:
        totals["items"] = source.count(ALL)
        totals["conversations"] = len(source.list_conversations(limit=10**9))
    return objects, totals


def copy_objects(source: GalleryStore, target: GalleryStore, objects: list[StoredObject],
                 report: MigrateReport, tick: Tick) -> list[tuple[str, str]]:
    """Every image and thumbnail into the target's objects; (key, sha256) of each one."""
    copied: list[tuple[str, str]] = []
    for obj in objects:
        data = source.objects.get(obj.key)
        want = _expected(obj.key, data)
        if obj.key.startswith("images/") and _digest(data) != want:
            report.problems.append(f"{obj.key}: the source bytes do not match their name; skipped")
        elif target.objects.put(obj.key, data):
            report.objects_copied += 1
            copied.append((obj.key, want))
        else:
            report.objects_present += 1
            copied.append((obj.key, want))
        tick("objects", 1)
    return copied


def copy_rows(source: GalleryStore, target: GalleryStore, sizes: dict[str, int],
              report: MigrateReport, tick: Tick) -> None:
    """Items page by page, then conversations, with the blob rows they point at."""

    def blob_rows(blobs: set[tuple[str, str]]) -> list[tuple[str, str, int]]:
        return [(sha, mime, sizes.get(source.blobs.key(sha, mime), 0)) for sha, mime in blobs]

    offset = 0
    while batch := source.query(ALL, offset=offset, limit=_PAGE, order="oldest"):
        offset += len(batch)
        added, _ = target.import_records(batch, [], blob_rows({(i.sha256, i.mime) for i in batch}))
        report.items_copied += len(added)
        report.items_present += len(batch) - len(added)
        tick("items", len(batch))
    for summary in source.list_conversations(limit=10**9):
        record = source.conversation_record(summary.id)
        if record is None:
            continue
        refs = {(sha, source.blobs.mime(sha)) for sha in blob_refs(record["history"])}
        _, added = target.import_records([], [record], blob_rows(refs))
        report.conversations_copied += len(added)
        report.conversations_present += 1 - len(added)
        tick("conversations", 1)


def copy_collections(source: GalleryStore, target: GalleryStore, report: MigrateReport) -> None:
    """Collections by their ids (present ones skipped), each with the members the target has."""
    if same_rows(source, target):
        return  # one database: the rows are already there
    report.collections_copied += len(target.collections.add_existing(source.collections.list()))


def copy_experiments(source: GalleryStore, target: GalleryStore, report: MigrateReport) -> None:
    """Experiments (a newer one in the target stays) and saved prompts (an id there is
    skipped; a name the target already uses gets a number), row to row, then checked: every
    source id must be in the target."""
    if same_rows(source, target):
        return
    rows = list(source.experiments.rows())
    changed = len(target.experiments.add_existing(rows))
    report.experiments_copied += changed
    report.experiments_present += len(rows) - changed
    prompts = source.prompts.list()
    added = len(target.prompts.add_existing(prompts))
    report.prompts_copied += added
    report.prompts_present += len(prompts) - added
    missing = {r.id for r in rows} - target.experiments.ids()
    if missing:
        report.problems.append(f"experiments: {len(missing):,} of {len(rows):,} are not in the target")
    lost = [p["id"] for p in prompts if target.prompts.get(p["id"]) is None]
    if lost:
        report.problems.append(f"saved prompts: {len(lost):,} of {len(prompts):,} are not in the target")


def verify(source: GalleryStore, target: GalleryStore, copied: list[tuple[str, str]],
           report: MigrateReport, tick: Tick) -> None:
    """Counts equal, and every object read back from the target hashes to what it should."""
    if source.count(ALL) != target.count(ALL):
        report.problems.append(f"items: {source.count(ALL):,} in the source, "
                               f"{target.count(ALL):,} in the target")
    mine = len(source.list_conversations(limit=10**9))
    theirs = len(target.list_conversations(limit=10**9))
    if mine != theirs:
        report.problems.append(f"conversations: {mine:,} in the source, {theirs:,} in the target")
    for key, want in copied:
        try:
            got = _digest(target.objects.get(key))
        except FileNotFoundError:
            got = "missing"
        if got != want:
            report.problems.append(f"{key}: {got} in the target, expected {want}")
        else:
            report.verified_objects += 1
        tick("verify", 1)


def migrate(source: GalleryStore, target: GalleryStore, tick: Tick | None = None,
            objects: list[StoredObject] | None = None) -> MigrateReport:
    """Copy everything of `source` into `target` (skipping what is there) and verify it."""
    tick = tick or (lambda what, n: None)
    report = MigrateReport()
    rows = not same_rows(source, target)
    if objects is None:
        objects = plan(source, rows=False)[0]
    copied = copy_objects(source, target, objects, report, tick)
    if rows:
        copy_rows(source, target, {o.key: o.size for o in objects}, report, tick)
        copy_collections(source, target, report)
        copy_experiments(source, target, report)
    verify(source, target, copied, report, tick)
    return report
