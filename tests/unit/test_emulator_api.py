"""The emulator's REST surface through the real SDK: sync, async, streaming,
models, image config, modalities, usage, determinism and request logging."""

from __future__ import annotations

import base64
import io
import json

import pytest
from google.genai import errors, types
from PIL import Image

from studio.emulator import Emulator, Fault, wire
from studio.emulator.draw import SOFTWARE_TAG
from studio.emulator.testing import chunk_parts, offline_client, part_kinds, response_images
from studio.gemini.catalog import load_catalog
from tests.async_run import run_async

CATALOG = load_catalog()
DEFAULT = CATALOG.default_model
SMALL_MODEL = next(m.id for m in CATALOG.models if "512" in m.image_sizes)
THINKING = next(m.id for m in CATALOG.models if m.thinking and "512" in m.image_sizes)
SMALL = types.GenerateContentConfig(image_config=types.ImageConfig(image_size="512"))


@pytest.fixture
def client_emu():
    return offline_client(Emulator())


def test_sync_generate_returns_text_and_png(client_emu):
    client, _ = client_emu
    r = client.models.generate_content(model=DEFAULT, contents="a lighthouse on a cliff at sunset")
    cand = r.candidates[0]
    assert cand.finish_reason == types.FinishReason.STOP
    assert part_kinds(cand.content.parts) == "TI"
    assert cand.content.role == "model"
    img_part = cand.content.parts[1]
    assert img_part.inline_data.mime_type == "image/png"
    img = Image.open(io.BytesIO(img_part.inline_data.data))
    assert img.format == "PNG" and img.size == (1024, 1024)
    assert img.info.get("Software") == SOFTWARE_TAG
    assert r.model_version == DEFAULT
    assert r.response_id
    # Every image part and the first text part carry a thought signature.
    assert all(p.thought_signature for p in cand.content.parts)


def test_async_generate(client_emu):
    client, _ = client_emu

    async def go():
        return await client.aio.models.generate_content(
            model=SMALL_MODEL, contents="a green balloon", config=SMALL
        )

    r = run_async(go())
    assert len(response_images(r)) == 1
    assert r.candidates[0].finish_reason == types.FinishReason.STOP


def test_async_stream(client_emu):
    client, _ = client_emu

    async def go():
        chunks = []
        async for c in await client.aio.models.generate_content_stream(
            model=SMALL_MODEL, contents="a story about a fox in 2 scenes", config=SMALL
        ):
            chunks.append(c)
        return chunks

    chunks = run_async(go())
    kinds = "".join(part_kinds(chunk_parts(c)) for c in chunks)
    assert kinds.count("I") == 2 and len(chunks) > 4


def test_stream_story_chunks_in_order(client_emu):
    client, _ = client_emu
    chunks = list(
        client.models.generate_content_stream(
            model=SMALL_MODEL, contents="a story about a turtle in 3 scenes", config=SMALL
        )
    )
    per_chunk = [part_kinds(chunk_parts(c)) for c in chunks[:-1]]
    assert chunk_parts(chunks[-1]) == [], "the stream ends with a finish-only chunk"
    assert all(len(k) == 1 for k in per_chunk), "each chunk carries one part"
    collapsed = "".join(
        k for i, k in enumerate(per_chunk) if i == 0 or k != per_chunk[i - 1] or k == "I"
    )
    assert collapsed == "TITITI"
    assert sum(k == "T" for k in per_chunk) >= 6, "text is split into several pieces"
    # Only the last chunk ends the candidate and reports usage.
    assert [c.candidates[0].finish_reason for c in chunks[:-1]] == [None] * (len(chunks) - 1)
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert chunks[-1].usage_metadata.candidates_token_count > 3 * 700
    assert chunks[0].usage_metadata is None
    text = "".join(p.text for c in chunks for p in chunk_parts(c) if p.text)
    assert text.count("**Scene") == 3


@pytest.mark.parametrize(
    ("ratio", "expected"), [("16:9", (672, 384)), ("9:16", (384, 672)), ("1:4", (256, 1024))]
)
def test_aspect_ratio_and_image_size(client_emu, ratio, expected):
    client, _ = client_emu
    cfg = types.GenerateContentConfig(
        image_config=types.ImageConfig(aspect_ratio=ratio, image_size="512")
    )
    r = client.models.generate_content(model=SMALL_MODEL, contents="mountains", config=cfg)
    assert response_images(r)[0].size == expected == CATALOG.pixels(ratio, "512")


def test_default_size_and_unsupported_aspect_ratio(client_emu):
    client, _ = client_emu
    r = client.models.generate_content(
        model=DEFAULT,
        contents="a tree",
        config=types.GenerateContentConfig(image_config=types.ImageConfig(aspect_ratio="3:2")),
    )
    assert response_images(r)[0].size == CATALOG.pixels("3:2", None)
    with pytest.raises(errors.ClientError) as e:
        client.models.generate_content(
            model=DEFAULT,
            contents="a tree",
            config=types.GenerateContentConfig(image_config=types.ImageConfig(aspect_ratio="7:3")),
        )
    assert e.value.code == 400 and e.value.status == "INVALID_ARGUMENT"


def test_text_only_modality_has_no_image(client_emu):
    client, _ = client_emu
    cfg = types.GenerateContentConfig(response_modalities=["TEXT"])
    r = client.models.generate_content(
        model=DEFAULT, contents="a story about a cat in 2 scenes", config=cfg
    )
    assert response_images(r) == []
    assert r.text.count("**Scene") == 2
    r = client.models.generate_content(
        model=DEFAULT,
        contents="a red cube",
        config=types.GenerateContentConfig(response_modalities=["IMAGE"]),
    )
    assert part_kinds(r.candidates[0].content.parts) == "I"


def test_usage_metadata_counts(client_emu):
    client, _ = client_emu
    prompt = "x" * 400
    r = client.models.generate_content(model=SMALL_MODEL, contents=prompt, config=SMALL)
    u = r.usage_metadata
    assert u.prompt_token_count == 100
    per_image = CATALOG.get(SMALL_MODEL).price.image_tokens["512"]
    text_tokens = sum(len(p.text) for p in r.candidates[0].content.parts if p.text) // 4
    assert per_image <= u.candidates_token_count - text_tokens <= per_image + 1
    assert (
        u.total_token_count
        == u.prompt_token_count + u.candidates_token_count + u.thoughts_token_count
    )
    assert u.thoughts_token_count > 0  # a thinking model thinks even when thoughts are hidden
    img = _png_bytes(Image.new("RGB", (64, 64), "red"))
    r = client.models.generate_content(
        model=DEFAULT,
        contents=[
            types.Part.from_bytes(data=img, mime_type="image/png"),
            "make it grayscale please",
        ],
    )
    assert r.usage_metadata.prompt_token_count == 6 + 258
    assert r.usage_metadata.candidates_token_count >= 1290
    assert r.usage_metadata.thoughts_token_count == 0


def test_thoughts_only_when_requested(client_emu):
    client, _ = client_emu
    r = client.models.generate_content(model=THINKING, contents="a blue bird", config=SMALL)
    assert "t" not in part_kinds(r.candidates[0].content.parts)
    cfg = types.GenerateContentConfig(
        image_config=types.ImageConfig(image_size="512"),
        thinking_config=types.ThinkingConfig(include_thoughts=True),
    )
    r = client.models.generate_content(model=THINKING, contents="a blue bird", config=cfg)
    parts = r.candidates[0].content.parts
    assert part_kinds(parts) == "tTI"
    assert (
        parts[0].thought_signature is None
        and parts[1].thought_signature
        and parts[2].thought_signature
    )


def test_same_seed_same_picture_other_seed_or_temperature_differs(client_emu):
    client, _ = client_emu

    def png(seed, temperature=None):
        cfg = types.GenerateContentConfig(
            seed=seed, temperature=temperature, image_config=types.ImageConfig(image_size="512")
        )
        r = client.models.generate_content(
            model=SMALL_MODEL, contents="circles and planets", config=cfg
        )
        return r.candidates[0].content.parts[-1].inline_data.data

    assert png(7) == png(7)
    assert png(7) != png(8)
    assert png(7, 0.2) != png(7, 1.5)


def test_url_safe_base64_input_is_decoded(client_emu):
    """The SDK sends URL-safe base64; a hand-made request may send standard base64."""
    _, emu = client_emu
    img = Image.new("RGB", (40, 30), (250, 250, 250))
    for x in range(40):
        img.putpixel((x, 0), (x * 6, 255 - x, 63))  # bytes that produce '-'/'_' vs '+'/'/'
    raw = _png_bytes(img)
    assert base64.urlsafe_b64encode(raw) != base64.b64encode(raw)
    sizes = []
    for enc in (base64.urlsafe_b64encode, base64.b64encode):
        body = {
            "contents": [
                {
                    "role": "user",
                    "parts": [
                        {
                            "inlineData": {
                                "mimeType": "image/png",
                                "data": enc(raw).decode().rstrip("="),
                            }
                        },
                        {"text": "mirror it"},
                    ],
                }
            ]
        }
        resp = emu.handle(
            "POST", f"/v1beta/models/{DEFAULT}:generateContent", {}, {}, json.dumps(body).encode()
        )
        assert resp.status == 200
        data = json.loads(resp.read())
        part = data["candidates"][0]["content"]["parts"][1]
        out = Image.open(io.BytesIO(base64.b64decode(part["inlineData"]["data"])))
        sizes.append(out.size)
        assert out.convert("RGB").getpixel((39, 0)) == img.getpixel((0, 0))
    assert sizes == [(40, 30), (40, 30)]


def test_bad_base64_and_bad_json_are_400(client_emu):
    _, emu = client_emu
    path = f"/v1beta/models/{DEFAULT}:generateContent"
    bad = {"contents": [{"parts": [{"inlineData": {"mimeType": "image/png", "data": "%%%"}}]}]}
    for body in (json.dumps(bad).encode(), b"{nope", b'{"contents": []}'):
        resp = emu.handle("POST", path, {}, {}, body)
        err = json.loads(resp.read())["error"]
        assert resp.status == 400 and err["status"] == "INVALID_ARGUMENT" and err["code"] == 400


def test_history_images_are_decoded_only_when_an_answer_reads_them(client_emu, monkeypatch):
    """Every chat turn sends all earlier images back; an edit reads the latest alone, so
    the emulator decodes that one (a long chat would otherwise pay for all on each turn)."""
    _, emu = client_emu
    decoded: list[str] = []
    real = wire.b64decode_any
    monkeypatch.setattr(wire, "b64decode_any",
                        lambda value, where="data": decoded.append(where) or real(value, where))
    contents = []
    for turn, size in enumerate([(30, 20), (40, 30), (50, 40)]):
        png = _png_bytes(Image.new("RGB", size, "red"))
        contents += [{"role": "user", "parts": [{"text": f"draw picture {turn}"}]},
                     {"role": "model", "parts": [{"inlineData": {
                         "mimeType": "image/png",
                         "data": base64.urlsafe_b64encode(png).decode()}}]}]
    contents.append({"role": "user", "parts": [{"text": "make it grey"}]})
    resp = emu.handle("POST", f"/v1beta/models/{DEFAULT}:generateContent", {}, {},
                      json.dumps({"contents": contents}).encode())
    assert resp.status == 200
    parts = json.loads(resp.read())["candidates"][0]["content"]["parts"]
    out = Image.open(io.BytesIO(base64.b64decode(parts[-1]["inlineData"]["data"])))
    assert out.size == (50, 40)  # the latest image, edited
    assert decoded == ["contents[5].parts[0].inline_data.data"]


def test_bad_base64_in_a_history_image_an_answer_reads_is_400(client_emu):
    _, emu = client_emu
    contents = [{"role": "user", "parts": [{"text": "draw a fox"}]},
                {"role": "model", "parts": [{"inlineData": {"mimeType": "image/png",
                                                            "data": "not*base64"}}]},
                {"role": "user", "parts": [{"text": "make it grey"}]}]
    resp = emu.handle("POST", f"/v1beta/models/{DEFAULT}:generateContent", {}, {},
                      json.dumps({"contents": contents}).encode())
    err = json.loads(resp.read())["error"]
    assert resp.status == 400
    assert err["message"] == ("Invalid value at 'contents[1].parts[0].inline_data.data' "
                              "(TYPE_BYTES), Base64 decoding failed")


def test_models_list_and_get(client_emu):
    client, _ = client_emu
    client.models.generate_content(model="some-new-image-model", contents="a dot")
    names = [m.name for m in client.models.list()]
    for mid in CATALOG.ids():
        assert f"models/{mid}" in names
    assert "models/some-new-image-model" in names
    m = client.models.get(model=THINKING)
    assert m.name == f"models/{THINKING}" and m.display_name == CATALOG.get(THINKING).label
    assert "generateContent" in m.supported_actions
    page = client.models.list(config={"page_size": 2})
    assert len(page.page) == 2 and len(list(page)) == len(names)


@pytest.mark.parametrize("version", ["v1", "v1beta", "v1alpha"])
def test_api_versions_accepted(version):
    client, emu = offline_client(Emulator(log_requests=True), api_version=version)
    client.models.generate_content(model=SMALL_MODEL, contents="a hat", config=SMALL)
    assert emu.requests[-1]["path"] == f"/{version}/models/{SMALL_MODEL}:generateContent"


def test_unknown_route_is_google_404(client_emu):
    _, emu = client_emu
    resp = emu.handle("GET", "/v1beta/files", {}, {}, b"")
    assert resp.status == 404 and json.loads(resp.read())["error"]["status"] == "NOT_FOUND"


def test_requests_are_logged_bounded_and_redacted():
    client, emu = offline_client(Emulator(log_requests=True, max_logged=3))
    for i in range(5):
        client.models.generate_content(model=SMALL_MODEL, contents=f"request {i}", config=SMALL)
    log = emu.requests
    assert len(log) == 3
    last = log[-1]
    assert last["json"]["contents"][0]["parts"][0]["text"] == "request 4"
    assert last["headers"]["x-goog-api-key"] == "REDACTED"
    assert "offline" not in json.dumps(log)


def test_secret_never_echoed_in_errors():
    client, emu = offline_client()
    emu.faults.push(Fault(kind="http", status=400))
    with pytest.raises(errors.ClientError) as e:
        client.models.generate_content(model=DEFAULT, contents="hi")
    assert "offline" not in str(e.value) and "offline" not in json.dumps(e.value.details)


def test_parallel_threads_share_one_emulator():
    from concurrent.futures import ThreadPoolExecutor

    client, emu = offline_client(Emulator(log_requests=True))
    with ThreadPoolExecutor(4) as pool:
        results = list(
            pool.map(
                lambda i: client.models.generate_content(
                    model=SMALL_MODEL,
                    contents=f"variant {i}",
                    config=types.GenerateContentConfig(
                        seed=i, image_config=types.ImageConfig(image_size="512")
                    ),
                ),
                range(8),
            )
        )
    assert all(len(response_images(r)) == 1 for r in results)
    assert len(emu.requests) == 8


def _png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
