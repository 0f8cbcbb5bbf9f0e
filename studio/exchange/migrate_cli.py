"""The `migrate` command's arguments, target and progress bars (see migrate.py for the copy).

    python -m studio migrate --to-blobs s3://bucket/gallery
        the image files go to the bucket; the SQLite database stays where it is
    python -m studio migrate --to-database sqlite:////srv/team/studio.db [--to-blobs URL]
    python -m studio migrate --to-database postgresql://... --to-blobs s3://...
        rows too (a folder or sqlite:/// URL here; PostgreSQL once the store speaks it)

Interrupted (Ctrl-C, a dropped connection)? Run the same command again: what is there
already is skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from studio.exchange.migrate import migrate, plan, same_rows
from studio.gallery.store import GalleryStore

EXIT_INTERRUPTED = 130
_LABELS = {"objects": "copying images", "items": "copying items",
           "conversations": "copying conversations", "verify": "verifying"}


def add_migrate_command(sub: Any) -> argparse.ArgumentParser:
    mig = sub.add_parser("migrate", help="copy the gallery to another database and/or blob store")
    mig.add_argument("--to-database", metavar="URL",
                     help="target database: a folder, sqlite:////abs/studio.db, or postgresql://...")
    mig.add_argument("--to-blobs", metavar="URL",
                     help="target for image files: s3://bucket/prefix (AWS_* variables), "
                          "gs://, az://, or a folder")
    return mig


def _folder_of(url: str) -> Path:
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        return path.parent if path.suffix == ".db" else path
    return Path(url)


def open_target(data_dir: Path, database: str | None, blobs: str | None) -> GalleryStore:
    """The store to copy into; ValueError with a sentence when it cannot be opened."""
    if blobs and "://" not in blobs:
        blobs = f"file://{Path(blobs).resolve()}"
    if database is None:
        return GalleryStore(data_dir, blob_url=blobs)
    if "://" not in database or database.startswith("sqlite:"):
        folder = _folder_of(database)
        return GalleryStore(folder, blob_url=blobs if blobs else f"file://{folder.resolve()}")
    return GalleryStore(data_dir, blob_url=blobs, database=database)  # postgresql://...


class _Bars:
    def __init__(self, totals: dict[str, int]) -> None:
        self.totals = totals
        self.bars: dict[str, tqdm] = {}

    def __call__(self, what: str, n: int) -> None:
        if what not in self.bars:
            for bar in self.bars.values():
                bar.close()
            self.bars[what] = tqdm(total=self.totals.get(what), desc=_LABELS[what], unit="",
                                   file=sys.stderr, leave=True, dynamic_ncols=True)
        self.bars[what].update(n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def run_migrate(args: argparse.Namespace) -> int:
    if not args.to_database and not args.to_blobs:
        print("error: say where to: --to-database URL and/or --to-blobs URL", file=sys.stderr)
        return 2
    with GalleryStore(args.data_dir) as source:
        try:
            target = open_target(source.data_dir, args.to_database, args.to_blobs)
        except (ValueError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        with target:
            if same_rows(source, target) and source.objects.location == target.objects.location:
                print("error: the target is the gallery itself", file=sys.stderr)
                return 2
            objects, totals = plan(source, rows=not same_rows(source, target))
            bars = _Bars(totals)
            try:
                report = migrate(source, target, bars, objects)
            except KeyboardInterrupt:
                bars.close()
                print("\ninterrupted: what was copied stays; run the same command again to "
                      "finish (it skips what is there)", file=sys.stderr)
                return EXIT_INTERRUPTED
            bars.close()
    for line in report.lines():
        print(line)
    if report.ok and args.to_blobs and not args.to_database:
        print(f"done: start the app with STUDIO_BLOB_URL={target.objects.location} to use it "
              "(the local images/ and thumbs/ were left in place)")
    return 0 if report.ok else 1
