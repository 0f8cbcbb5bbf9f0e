"""'Get code' gives Python that runs as shown and repeats the request."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from PIL import Image

from studio import GalleryStore, GenerationSettings, NewItem, Origin, keep_answer, load_catalog
from studio.emulator.testing import running_server
from studio.exchange.get_code import code_for
from studio.gemini.results import ImagePart, Result, TextPart

SECRET = "AIzaSy-never-in-the-snippet"


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


def test_the_snippet_runs_against_the_api_and_writes_the_image(tmp_path: Path) -> None:
    catalog = load_catalog()
    settings = GenerationSettings(model=catalog.default_model, aspect_ratio="4:5", seed=9)
    with GalleryStore(tmp_path / "data") as store:
        source = store.add_image(_png((200, 30, 30)), "image/png",
                                 NewItem(page="edit", prompt="Uploaded: photo.png"))
        answer = Result(model=settings.model, parts=[TextPart("Done."),
                                                     ImagePart.from_bytes(_png((9, 9, 9)),
                                                                          "image/png")])
        item = keep_answer(store, answer, settings,
                           Origin(page="edit", prompt="Make it black and white",
                                  engine="gemini", parent_id=source.id))[0]
        (tmp_path / "input-1.png").write_bytes(store.image_bytes(source.id))
    code = code_for(item, catalog, inputs=[("input-1.png", "image/png")])
    assert SECRET not in code and "os.environ[\"GEMINI_API_KEY\"]" in code
    assert "aspect_ratio='4:5'" in code and "seed=9" in code
    with running_server("--log-requests") as server:
        out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60,
                             env={"GEMINI_API_KEY": SECRET, "GOOGLE_GEMINI_BASE_URL": server.url})
        with urllib.request.urlopen(f"{server.url}/_emulator/requests", timeout=10) as response:
            sent = json.load(response)["requests"][-1]["json"]
    assert out.returncode == 0, out.stderr
    assert "wrote image-" in out.stdout and next(tmp_path.glob("image-*.png")).stat().st_size
    config = sent["generationConfig"]
    assert config["imageConfig"]["aspectRatio"] == "4:5" and config["seed"] == 9
    parts = sent["contents"][0]["parts"]
    assert "inlineData" in parts[0] and parts[1]["text"] == "Make it black and white"
