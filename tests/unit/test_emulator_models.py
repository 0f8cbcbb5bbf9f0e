"""The emulator's own model table: isolation from the app, models list, usage and limits."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

import pytest
from google.genai import errors, types
from PIL import Image

from studio.emulator import DEFAULT_MODELS, Emulator, ModelSpec
from studio.emulator.models import spec_for
from studio.emulator.testing import offline_client, response_images, running_server

PACKAGE = Path(__file__).resolve().parents[2] / "studio" / "emulator"
FORBIDDEN = ("studio.gemini", "studio.gallery", "studio.making", "studio.exchange")
PRO = "gemini-3-pro-image"
FLASH = "gemini-2.5-flash-image"


def _imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level > 1:  # `from ..gemini import x` climbs out of the package
                out.append("studio." + (node.module or ""))
            elif node.level == 0 and node.module:
                out.append(node.module)
    return out


def test_emulator_imports_nothing_from_the_app():
    bad = {
        f"{p.name}: {name}"
        for p in PACKAGE.glob("*.py")
        for name in _imports(p)
        if name.startswith(FORBIDDEN)
        or (name.startswith("studio") and not name.startswith("studio.emulator"))
    }
    assert not bad


def test_modules_stay_small():
    data_tables = {"recipe_book.py"}
    sizes = {p.name: len(p.read_text().splitlines()) for p in PACKAGE.glob("*.py")}
    assert {n: s for n, s in sizes.items() if s >= 300 and n not in data_tables} == {}


def test_table_covers_the_app_catalog_ids():
    """The app's ids must exist in the emulator table (facts are kept apart, ids agree)."""
    catalog = json.loads((PACKAGE.parent / "gemini" / "models.json").read_text())
    for m in catalog["models"]:
        spec = DEFAULT_MODELS[m["id"]]
        assert spec.thinking == m["thinking"] == spec.verifies_signatures
        assert spec.aspect_ratios == tuple(m["aspect_ratios"])
        assert (spec.image_sizes or ()) == tuple(m["image_sizes"])
    assert DEFAULT_MODELS["gemini-3.1-flash-lite-image"].image_sizes == ("1K",)
    assert DEFAULT_MODELS[PRO].input_image_tokens == 560
    assert DEFAULT_MODELS[PRO].input_token_limit == 65_536
    assert DEFAULT_MODELS[FLASH].input_image_tokens == 258


def test_variants_inherit_and_unknown_ids_are_permissive():
    preview = spec_for(DEFAULT_MODELS, PRO + "-preview")
    assert preview.thinking and preview.image_sizes == ("1K", "2K", "4K")
    unknown = spec_for(DEFAULT_MODELS, "brand-new-model")
    assert not unknown.thinking and unknown.image_sizes is None and "8:1" in unknown.aspect_ratios


def test_models_list_comes_from_the_given_table():
    spec = ModelSpec(
        id="tiny-image",
        display_name="Tiny",
        thinking=False,
        aspect_ratios=("1:1",),
        image_sizes=None,
        output_image_tokens={"1K": 10},
        input_image_tokens=7,
        input_token_limit=1234,
        output_token_limit=99,
    )
    client, _ = offline_client(Emulator(models={"tiny-image": spec}))
    assert [m.name for m in client.models.list()] == ["models/tiny-image"]
    m = client.models.get(model="tiny-image")
    assert (m.display_name, m.input_token_limit, m.output_token_limit) == ("Tiny", 1234, 99)
    with pytest.raises(errors.ClientError):  # the table says 1:1 only
        client.models.generate_content(
            model="tiny-image",
            contents="a dot",
            config=types.GenerateContentConfig(image_config=types.ImageConfig(aspect_ratio="16:9")),
        )


def _png(colour: str = "red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(buf, "PNG")
    return buf.getvalue()


def test_edit_chat_bills_input_images_per_the_table():
    client, _ = offline_client()
    cfg = types.GenerateContentConfig(image_config=types.ImageConfig(image_size="1K"))
    chat = client.chats.create(model=PRO, config=cfg)
    first = [types.Part.from_bytes(data=_png(), mime_type="image/png"), "make it black and white"]
    replies = [chat.send_message(first)]
    for msg in ("add a gold border", "mirror it", "make it brighter"):
        replies.append(chat.send_message(msg))
    assert all(len(response_images(r)) == 1 for r in replies)
    usage = replies[-1].usage_metadata
    images_sent = 1 + 3  # the attachment plus the three edited images sent back as history
    details = {d.modality: d.token_count for d in usage.prompt_tokens_details}
    assert details[types.MediaModality.IMAGE] == 560 * images_sent
    assert usage.prompt_token_count >= 560 * images_sent + details[types.MediaModality.TEXT]


def test_input_over_the_token_limit_is_400():
    client, _ = offline_client()
    parts = [types.Part.from_bytes(data=_png(), mime_type="image/png") for _ in range(118)]
    with pytest.raises(errors.ClientError) as e:  # 118 * 560 = 66,080 > 65,536
        client.models.generate_content(model=PRO, contents=[*parts, "blend them"])
    assert e.value.code == 400 and e.value.status == "INVALID_ARGUMENT"
    assert "The input token count (66" in e.value.message
    assert "exceeds the maximum number of tokens allowed (65536)." in e.value.message


def test_request_body_over_the_limit_is_400():
    client, _ = offline_client(Emulator(max_request_bytes=20_000))
    big = types.Part.from_bytes(data=b"\x89PNG" + bytes(30_000), mime_type="image/png")
    with pytest.raises(errors.ClientError) as e:
        client.models.generate_content(model=FLASH, contents=[big, "mirror it"])
    assert e.value.code == 400
    assert e.value.message == "Request payload size exceeds the limit: 20000 bytes."
    assert response_images(client.models.generate_content(model=FLASH, contents="a dot"))


def test_cli_max_request_mb():
    from google import genai

    with running_server("--max-request-mb", "0.01") as srv:
        client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=srv.url))
        big = types.Part.from_bytes(data=bytes(20_000), mime_type="image/png")
        with pytest.raises(errors.ClientError) as e:
            client.models.generate_content(model=FLASH, contents=[big, "mirror it"])
        assert f"exceeds the limit: {int(0.01 * 2**20)} bytes" in e.value.message
