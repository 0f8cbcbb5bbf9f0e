"""The Lab's one shared backoff: a rate limit on one cell pauses every worker for the
API's hinted time, and the SDK's own per-call retry does not multiply the attempts."""

from __future__ import annotations

from pathlib import Path

from studio import OFFLINE, GalleryStore, load_catalog
from studio.emulator import Emulator
from studio.gemini.clients import NetworkSettings
from studio.gemini.offline import make_offline_client
from studio.lab.backoff import SharedBackoff
from studio.lab.experiment import Experiment
from studio.lab.runner import run_cells

MODEL = load_catalog().models[0].id
# Four SDK attempts per call, as the app's clients have: a Lab call must still make one.
NETWORK = NetworkSettings(retry_attempts=4, retry_initial_delay_s=0.01, retry_max_delay_s=0.02)


def _run(tmp_path: Path, words: list[str], emulator: Emulator, backoff: SharedBackoff):
    experiment = Experiment(name="Backoff", prompts=["A sign that says {word}"],
                            variables={"word": words}, models=[MODEL])
    with GalleryStore(tmp_path) as store:
        return run_cells(make_offline_client(NETWORK, emulator), store, load_catalog(),
                         experiment, experiment.cells(), engine=OFFLINE, concurrency=2,
                         backoff=backoff)


def _generates(emulator: Emulator) -> list[dict]:
    return [e for e in emulator.log.entries() if "generateContent" in e["path"]]


def test_a_hinted_429_pauses_every_worker_for_the_hinted_time(tmp_path: Path) -> None:
    emulator = Emulator(log_requests=True)
    backoff = SharedBackoff(retries=3, initial_s=0.01, max_s=0.02)
    # the 429 comes back at once, while the other worker's cell is still on its way
    report = _run(tmp_path, ["OPEN [fault:429x1=0.8]", "SALE [fault:slow=0.3]", "NEW", "HOT"],
                  emulator, backoff)
    assert len(report.done) == 4 and all(r.ok for r in report.done), "no cell lost"
    log = _generates(emulator)
    limited = next(e for e in log if "429" in str(e["json"]))
    # the requests sent once the 429 was answered (the slow cell was on its way already)
    after = [e for e in log if e["seq"] > limited["seq"] and "SALE" not in str(e["json"])]
    assert len(after) == 3, "the retry and the two cells not yet started"
    # every request sent after the 429, by any worker, waited the hinted 0.8 s (not 0.01 s)
    assert min(e["time"] for e in after) - limited["time"] >= 0.75
    assert backoff.pauses == 1


def test_the_sdk_does_not_retry_a_lab_call_on_its_own(tmp_path: Path) -> None:
    emulator = Emulator(log_requests=True)
    backoff = SharedBackoff(retries=3, initial_s=0.01, max_s=0.02)
    report = _run(tmp_path, ["OPEN [fault:429]", "SALE"], emulator, backoff)
    limited = [e for e in _generates(emulator) if "429" in str(e["json"])]
    assert len(limited) == 4, "one first try and three retries, not 4 x 4"
    failed = [r for r in report.done if not r.ok]
    assert len(failed) == 1 and "Quota exhausted" in (failed[0].message or "")


def test_the_wait_is_said_in_the_progress_line() -> None:
    clock = [100.0]
    backoff = SharedBackoff(retries=4, clock=lambda: clock[0])
    assert backoff.status() is None
    backoff.hold(4, 2)
    assert backoff.status() == "Rate limited — waiting 4 s, retry 2 of 4"
    backoff.hold(1, 3)  # a shorter pause does not cut the longer one short
    clock[0] += 4.1
    assert backoff.status() is None
