"""Figure: a long editing session, on an endpoint with the older 20 MB inline limit.

Two edit conversations (2 and 30 turns, each answer a 1024x512 noise PNG of ~1.5 MB, as
photographic answers are) are made through PageChat, then each is resumed in its own
AppTest of app.py, the two interleaved:

- one more turn: the chat input sends an instruction (the emulator answers another
  photographic image), the page saves it and reruns; Undo puts the conversation back
  between samples (not timed). Target: 30 turns at most 1.5x the cost of 2. The app runs
  with its default working history size (STUDIO_HISTORY_MB, 8 MB: see studio/gemini/
  budget.py), so the 30-turn request is compacted to about 8 MB under the 20 MB limit;
  the note gives both requests' sizes.
- bytes to the browser per no-op rerun (at 2, 5 and 30 turns): the ForwardMsgs the rerun leaves for the browser,
  serialized (protobuf ByteSize, what the websocket carries: Streamlit does not compress
  it by default), plus the media files the rerun registers that the browser has not
  fetched before (media URLs are content hashes, so a rerun that reuses its display
  copies costs none). The page draws the latest 4 turns and folds the rest, so from
  5 turns on a rerun draws the same: target flat, 30 turns at most 1.1x the bytes of 5
  (2 turns, which draw two fewer, shown beside them).
- request bytes per turn: every request the emulator received while the 30-turn chat
  was made, the largest against STUDIO_MAX_REQUEST_MB. Target: never over the limit.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from bench.apptest import app_env, check, open_page
from bench.fig_edit_rerun import _noise
from bench.harness import Config, Row, env, time_once, workdir
from studio.emulator import Emulator, ScriptedResponder
from studio.emulator.testing import offline_client
from studio.gallery.store import GalleryStore
from studio.gemini.budget import MB, Limits, history_target_bytes, max_request_bytes
from studio.gemini.catalog import load_catalog
from studio.gemini.offline import offline_emulator
from studio.gemini.settings import GenerationSettings
from studio.making.attachments import keep_upload
from studio.making.chat import PageChat

FIGURE = "long_edit"
LIMIT_MB = "20"
MAX_TURN_RATIO = 1.5
MAX_BYTES_RATIO = 1.1


def _conversation(data: Path, turns: int, image: bytes) -> tuple[str, list[int]]:
    """A conversation of `turns` turns; the sizes of the requests that made it."""
    responder = ScriptedResponder()
    emulator = Emulator(responder=responder, log_requests=True, max_logged=turns + 5,
                        max_request_bytes=max_request_bytes())
    client, _ = offline_client(emulator)
    store = GalleryStore(data)
    catalog = load_catalog()
    settings = GenerationSettings(model=catalog.default_model)
    start = keep_upload(store, _noise((256, 256)), "image/png", page="edit", name="start.png")
    chat = PageChat(page="edit", client=client, store=store, catalog=catalog,
                    model=settings.model, engine="offline", start=start, title=f"{turns} turns")
    for turn in range(turns):
        responder.enqueue(f"Edit {turn + 1} done.", image)
        _, result = chat.send(f"Edit number {turn + 1}", settings)
        if result.error is not None:
            raise RuntimeError(f"turn {turn + 1} of {turns}: {result.error.message}")
    return chat.id, [r["bytes"] for r in emulator.requests if "enerateContent" in r["path"]]


class BrowserBytes:
    """What the runs of AppTests leave for the browser: serialized ForwardMsgs, and the
    media files not served before."""

    def __init__(self) -> None:
        self.served: set[str] = set()
        self.msg_bytes = 0
        self.media_bytes = 0

    def __enter__(self) -> BrowserBytes:
        run, load = LocalScriptRunner.run, MemoryMediaFileStorage.load_and_get_id
        self._originals = run, load
        meter = self

        def counted_run(runner: LocalScriptRunner, *args: Any, **kwargs: Any) -> Any:
            tree = run(runner, *args, **kwargs)
            meter.msg_bytes += sum(m.ByteSize() for m in runner.forward_msgs())
            return tree

        def counted_load(storage: MemoryMediaFileStorage, data: Any, mimetype: str,
                         kind: Any, filename: str | None = None) -> str:
            file_id = load(storage, data, mimetype, kind, filename)
            if file_id not in meter.served:
                meter.served.add(file_id)
                meter.media_bytes += len(data) if isinstance(data, bytes) else 0
            return file_id

        LocalScriptRunner.run = counted_run  # type: ignore[method-assign]
        MemoryMediaFileStorage.load_and_get_id = counted_load  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        LocalScriptRunner.run, MemoryMediaFileStorage.load_and_get_id = self._originals

    def measure(self, fn: Callable[[], Any]) -> int:
        self.msg_bytes = self.media_bytes = 0
        fn()
        return self.msg_bytes + self.media_bytes


def _resumed(data: Path, conversation_id: str) -> AppTest:
    at = open_page("edit", data)
    at.button(key=f"resume_edit_{conversation_id}").click().run()
    check(at, "resume")
    return at


def run(cfg: Config) -> list[Row]:
    short, mid, long = cfg.pick((2, 5, 30), (1, 2, 3))  # quick: a smoke run, tiny figures
    size = cfg.pick((1024, 512), (256, 128))
    repeats = cfg.pick(5, 1)
    with workdir(FIGURE) as root, app_env(), env(STUDIO_MAX_REQUEST_MB=LIMIT_MB,
                                                 STUDIO_HISTORY_MB=None):  # the default
        data = root / "data"
        working = Limits(max_request_bytes(), 1, history_target_bytes()).working_bytes
        image = _noise(size)
        made = {n: _conversation(data, n, image) for n in (short, mid, long)}
        apps = {n: _resumed(data, made[n][0]) for n in (short, mid, long)}
        responder = ScriptedResponder()
        offline_emulator().responder = responder

        def one_more(n: int) -> float:
            responder.enqueue("One more done.", image)
            at = apps[n]
            at.chat_input(key="edit_chat").set_value("One more edit")
            took = time_once(lambda: at.run())
            check(at, f"one more turn at {n}")
            if at.error:
                raise RuntimeError(f"one more turn at {n}: {at.error[0].value}")
            at.button(key="edit_undo").click().run()
            check(at, f"undo at {n}")
            return took

        for n in cfg.pick((short, long), ()):  # warm-up
            one_more(n)
        turn_s: dict[int, list[float]] = {n: [] for n in (short, long)}
        sent: dict[int, list[int]] = {n: [] for n in apps}
        with BrowserBytes() as meter:
            for n in apps:
                apps[n].run()  # the first run after the meter starts serves every image
            for i in range(repeats):
                for n in (short, mid, long) if i % 2 == 0 else (long, mid, short):
                    if n != mid:
                        turn_s[n].append(one_more(n))
                    sent[n].append(meter.measure(apps[n].run))
    ms = {n: sorted(s)[len(s) // 2] * 1000 for n, s in turn_s.items()}
    per_rerun = {n: max(b) for n, b in sent.items()}
    turn_ratio = ms[long] / ms[short]
    bytes_ratio = per_rerun[long] / per_rerun[mid]
    limit = float(LIMIT_MB) * MB
    largest = max(made[long][1])
    return [
        Row(FIGURE, f"one more turn at {short} turns", ms[short], "ms"),
        Row(FIGURE, f"one more turn at {long} turns", ms[long], "ms"),
        Row(FIGURE, f"one more turn at {long} turns / at {short}", turn_ratio, "x",
            f"<= {MAX_TURN_RATIO}", turn_ratio <= MAX_TURN_RATIO,
            f"{ms[short]:,.0f} ms at {short} turns, {ms[long]:,.0f} ms at {long} turns, "
            f"{LIMIT_MB} MB limit, working size {working / MB:g} MB; requests "
            f"{made[short][1][-1] / MB:.1f} MB at {short} turns, "
            f"{made[long][1][-1] / MB:.1f} MB at {long}",
            {"samples_ms": {str(n): [round(s * 1000) for s in v] for n, v in turn_s.items()},
             "request_bytes": {str(n): made[n][1][-1] for n in (short, long)}}),
        Row(FIGURE, f"bytes to the browser per no-op rerun at {short} turns",
            per_rerun[short] / 1024, "KB"),
        Row(FIGURE, f"bytes to the browser per no-op rerun at {mid} turns",
            per_rerun[mid] / 1024, "KB"),
        Row(FIGURE, f"bytes to the browser per no-op rerun at {long} turns",
            per_rerun[long] / 1024, "KB"),
        Row(FIGURE, f"browser bytes per rerun at {long} turns / at {mid}", bytes_ratio, "x",
            f"<= {MAX_BYTES_RATIO}", bytes_ratio <= MAX_BYTES_RATIO,
            "serialized ForwardMsgs + media not served before",
            {"bytes": {str(n): b for n, b in sent.items()}}),
        Row(FIGURE, f"largest request of {long} turns / limit", largest / limit, "x",
            "<= 1.0", largest <= limit,
            f"{largest / MB:.1f} MB of {LIMIT_MB} MB; first turn {made[long][1][0] / MB:.1f} MB",
            {"request_bytes": made[long][1]}),
    ]
