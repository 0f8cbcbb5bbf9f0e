"""Run the benchmarks, print one table, write bench/results.json.

    python -m bench                 every figure at full size (a few minutes)
    python -m bench --quick         tiny sizes, for the test suite (targets shown, not met)
    python -m bench --only export_zip --only store_query
    python -m bench --no-write      do not write bench/results.json

Exit status: 0 when every figure ran (targets missed or not), 1 when one crashed,
and with --strict also 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import FIGURES
from bench.harness import Config, Row

RESULTS = Path(__file__).with_name("results.json")


def _machine() -> dict[str, object]:
    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def _quiet_streamlit() -> None:
    # AppTest outside a server logs "missing ScriptRunContext" and the like on every cache
    # clear; they would bury the table. The env var also reaches the `streamlit run` child
    # and survives AppTest re-reading the config.
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    from streamlit import logger

    logger.set_log_level("error")


def run_figure(name: str, cfg: Config) -> tuple[list[Row], str | None, float]:
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"bench.fig_{name}")
        rows: list[Row] = module.run(cfg)
        return rows, None, time.perf_counter() - started
    except Exception as exc:
        detail = "".join(traceback.format_exception(exc))
        print(detail, file=sys.stderr)
        row = Row(name, "(crashed)", None, "", "", False, f"{type(exc).__name__}: {exc}"[:300])
        return [row], detail, time.perf_counter() - started


def print_table(rows: list[Row]) -> None:
    header = ("figure", "metric", "value", "target", "result")
    table = [header] + [(r.figure, r.metric, r.shown_value(), r.target or "-", r.verdict())
                        for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    rule = "  ".join("-" * w for w in widths)
    print(rule)
    for i, line in enumerate(table):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if i == 0:
            print(rule)
    print(rule)
    notes = [r for r in rows if r.note]
    if notes:
        print("notes:")
        for r in notes:
            print(f"  {r.figure} / {r.metric}: {r.note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, for the tests")
    parser.add_argument("--no-write", action="store_true", help="do not write results.json")
    parser.add_argument("--only", action="append", choices=FIGURES, metavar="FIGURE",
                        help=f"run only this figure (repeatable): {', '.join(FIGURES)}")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    cfg = Config(quick=args.quick)
    _quiet_streamlit()

    load_before = os.getloadavg()
    started = time.perf_counter()
    rows: list[Row] = []
    errors: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for name in args.only or FIGURES:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        figure_rows, error, took = run_figure(name, cfg)
        rows += figure_rows
        seconds[name] = round(took, 2)
        if error:
            errors[name] = error
    total = time.perf_counter() - started
    load = {"before": load_before[0], "after": os.getloadavg()[0]}

    print(f"Image Studio benchmarks ({'quick' if cfg.quick else 'full'}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {total:.0f} s, "
          f"load average {load['before']:.1f} -> {load['after']:.1f})")
    print_table(rows)
    if not args.no_write:
        RESULTS.write_text(json.dumps({
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": "quick" if cfg.quick else "full",
            "machine": _machine(),
            "load_average_1min": load,
            "seconds": {"total": round(total, 2), **seconds},
            "figures": [r.__dict__ for r in rows],
            "errors": errors,
        }, indent=1, default=str) + "\n")
        print(f"wrote {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    missed = any(r.ok is False for r in rows)
    return 1 if errors or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
