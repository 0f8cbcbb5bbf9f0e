"""Figure: a no-op rerun of the edit page at a short and a long conversation.

Two edit conversations are made straight through PageChat on one data folder (offline,
a scripted model answering a 1024x512 noise PNG of ~1.5 MB per turn, as photographic
answers are), then each is resumed in its own AppTest of app.py and rerun with nothing
changed, the two interleaved. A rerun that redraws every image at full size grows with
the conversation; the target is that 30 turns cost at most 1.3x what 2 turns cost.
"""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bench.apptest import app_env, check, open_page, rerun
from bench.harness import Config, Row, interleaved, workdir
from studio.emulator import Emulator, ScriptedResponder
from studio.emulator.testing import offline_client
from studio.gallery.store import GalleryStore
from studio.gemini.catalog import load_catalog
from studio.gemini.settings import GenerationSettings
from studio.making.attachments import keep_upload
from studio.making.chat import PageChat

FIGURE = "edit_rerun"
MAX_RATIO = 1.3


def _noise(size: tuple[int, int]) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def _conversation(data: Path, turns: int, image: bytes) -> str:
    responder = ScriptedResponder()
    client, _ = offline_client(Emulator(responder=responder))
    store = GalleryStore(data)
    catalog = load_catalog()
    settings = GenerationSettings(model=catalog.default_model)
    start = keep_upload(store, _noise((256, 256)), "image/png", page="edit", name="start.png")
    chat = PageChat(page="edit", client=client, store=store, catalog=catalog,
                    model=settings.model, engine="offline", start=start,
                    title=f"{turns} turns")
    for turn in range(turns):
        responder.enqueue(f"Edit {turn + 1} done.", image)
        chat.send(f"Edit number {turn + 1}", settings)
    return chat.id


def _resumed(data: Path, conversation_id: str) -> AppTest:
    at = open_page("edit", data)
    at.button(key=f"resume_edit_{conversation_id}").click().run()
    check(at, "resume")
    return at


def run(cfg: Config) -> list[Row]:
    short, long = 2, cfg.pick(30, 6)
    size = cfg.pick((1024, 512), (512, 256))
    repeats = cfg.pick(7, 2)
    with workdir(FIGURE) as root, app_env():
        data = root / "data"
        image = _noise(size)
        ids = {n: _conversation(data, n, image) for n in (short, long)}
        apps = {n: _resumed(data, ids[n]) for n in (short, long)}
        timings = interleaved(
            {str(n): (lambda n=n: rerun(apps[n], data, f"rerun at {n} turns")) for n in apps},
            repeats=repeats)
    ms = {n: timings[str(n)].median_ms for n in (short, long)}
    ratio = ms[long] / ms[short]
    extra = {str(n): timings[str(n)].summary() for n in (short, long)}
    extra["image_bytes"] = len(image)
    note = f"{ms[short]:,.0f} ms at {short} turns, {ms[long]:,.0f} ms at {long} turns"
    return [
        Row(FIGURE, f"no-op rerun at {short} turns", ms[short], "ms"),
        Row(FIGURE, f"no-op rerun at {long} turns", ms[long], "ms"),
        Row(FIGURE, f"rerun at {long} turns / at {short}", ratio, "x", f"<= {MAX_RATIO}",
            ratio <= MAX_RATIO, note, extra),
    ]
