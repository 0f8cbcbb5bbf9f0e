"""Command line: export the gallery to a ZIP, or import one, without starting the app.

    python -m studio export [--page P] [--model M] [--favourites] [--search TEXT]
                            [--since DATE] [--until DATE] [--tag T] [--data-dir DIR] OUT.zip
    python -m studio import [--data-dir DIR] IN.zip
    python -m studio doctor [--repair] [--data-dir DIR]
    python -m studio lab run [--concurrency N] [--data-dir DIR] EXPERIMENT.toml
    python -m studio migrate [--to-database URL] [--to-blobs URL] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from studio.exchange.export_zip import export_zip
from studio.exchange.import_zip import ZipRejected, import_zip
from studio.exchange.migrate_cli import add_migrate_command, run_migrate
from studio.gallery import doctor
from studio.gallery.opening import open_store
from studio.gallery.records import GalleryFilter, to_iso
from studio.gallery.store import GalleryStore, default_data_dir
from studio.lab.cli import add_lab_commands, run_lab

EXIT_REFUSED = 2
EXIT_PROBLEMS = 1


def _date(text: str) -> str:
    try:
        to_iso(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m studio", description="Image Studio gallery tools")
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export", help="write gallery images + manifest + HTML to a ZIP")
    exp.add_argument("out", type=Path, metavar="OUT.zip")
    exp.add_argument("--page", help="only this page (story, edit, recipe, text, ...)")
    exp.add_argument("--model", help="only this model id")
    exp.add_argument("--favourites", action="store_true", help="only favourites")
    exp.add_argument("--search", help="text in the prompt or the model's answer")
    exp.add_argument("--since", type=_date, help="created on or after DATE")
    exp.add_argument("--until", type=_date, help="created on or before DATE")
    exp.add_argument("--tag", action="append", help="carrying this tag (repeatable)")
    imp = sub.add_parser("import", help="bring an exported ZIP back into the gallery")
    imp.add_argument("zip", type=Path, metavar="IN.zip")
    doc = sub.add_parser("doctor", help="check the data folder; --repair fixes what it can")
    doc.add_argument("--repair", action="store_true",
                     help="remake thumbnails, re-index orphan files, trash items with no file")
    lab = add_lab_commands(sub)
    mig = add_migrate_command(sub)
    for p in (exp, imp, doc, lab, mig):
        p.add_argument("--data-dir", type=Path, default=None,
                       help=f"data folder (default: $STUDIO_DATA_DIR or {default_data_dir()})")
    return parser


class _ProgressLine:
    """One self-overwriting status line on stderr, redrawn at most every 0.2 s."""

    def __init__(self) -> None:
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total or now - self.last >= 0.2:
            self.last = now
            end = "\n" if done == total else ""
            print(f"\rexporting images {done}/{total}", end=end, file=sys.stderr, flush=True)


def _export(args: argparse.Namespace) -> int:
    flt = GalleryFilter(
        page=args.page, model=args.model, favourite=True if args.favourites else None,
        text=args.search, since=args.since, until=args.until, tags=args.tag,
    )
    with GalleryStore(args.data_dir) as store:
        report = export_zip(store, flt, args.out, progress=_ProgressLine())
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"exported {report.images} images, {report.conversations} conversations, "
          f"{report.pages} story/recipe pages to {report.path} "
          f"({report.bytes / 1e6:.1f} MB in {report.seconds:.1f} s)")
    return 0


def _import(args: argparse.Namespace) -> int:
    with GalleryStore(args.data_dir) as store:
        try:
            report = import_zip(store, args.zip)
        except ZipRejected as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_REFUSED
    print(f"imported {report.items_added} images ({report.items_skipped} already present), "
          f"{report.conversations_added} conversations ({report.conversations_skipped} already "
          f"present) into {store.data_dir}")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    store, health = open_store(args.data_dir)
    if health.message:
        print(health.message)
    if store is None:
        return EXIT_PROBLEMS
    with store:
        if args.repair and store.read_only:
            print("error: the folder is read-only, so nothing can be repaired", file=sys.stderr)
            return EXIT_PROBLEMS
        report = doctor.repair(store) if args.repair else doctor.check(store)
        left = doctor.check(store) if args.repair else report
    for line in report.lines():
        print(line)
    # After a repair, items whose file is gone sit in the trash: reported, not a failure.
    remaining = bool(left.integrity or left.orphan_files or left.missing_thumbnails
                     or report.unfixed or (left.missing_files and not args.repair))
    if remaining and not args.repair:
        print("run `python -m studio doctor --repair` to fix what can be fixed")
    return EXIT_PROBLEMS if remaining else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "export":
        return _export(args)
    if args.command == "doctor":
        return _doctor(args)
    if args.command == "lab":
        return run_lab(args)
    if args.command == "migrate":
        return run_migrate(args)
    return _import(args)
