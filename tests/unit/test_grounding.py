"""Google Search grounding: the request builder, the emulator's groundingMetadata and its
refusals (in process and over HTTP), the kept record and its export section."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from google import genai
from google.genai import errors, types

from studio.emulator import Emulator, ScriptedResponder, scripted_image
from studio.emulator.grounding import subject
from studio.emulator.testing import free_port, offline_client, running_server
from studio.exchange.grounding_html import grounding_section
from studio.gemini.catalog import load_catalog
from studio.gemini.errors import classify
from studio.gemini.grounding import Grounding, Source, entry_point_document
from studio.gemini.requests import build_config
from studio.gemini.results import result_from_response
from studio.gemini.settings import GenerationSettings

CATALOG = load_catalog()
WEB, BOTH, PLAIN = "gemini-3-pro-image", "gemini-3.1-flash-image", "gemini-2.5-flash-image"
RECIPE = ("Create an illustrated, step-by-step recipe for fluffy buttermilk pancakes for 4 "
          "servings. Start with a title and the ingredient list as a Markdown table.")
SMALL = types.ImageConfig(image_size="1K")


def _tools(model: str, grounding: str) -> list[types.Tool] | None:
    settings = GenerationSettings(model=model, grounding=grounding)
    return build_config(settings, CATALOG.get(model)).tools


def test_the_request_carries_the_search_tool_only_for_a_model_that_grounds() -> None:
    [web] = _tools(WEB, "web")
    assert web.google_search == types.GoogleSearch(), "web search: the tool as documented"
    [both] = _tools(BOTH, "web+image")
    kinds = both.google_search.search_types
    assert kinds.web_search is not None and kinds.image_search is not None
    [narrowed] = _tools(WEB, "web+image")
    assert narrowed.google_search.search_types is None, "3 Pro Image has no image search"
    assert _tools(PLAIN, "web") is None and _tools(PLAIN, "web+image") is None
    assert _tools("gemini-9-unknown-image", "web") is None, "an unknown model is not sent it"
    assert _tools(BOTH, "off") is None
    assert GenerationSettings(model=WEB, grounding="web").to_record()["grounding"] == "web"
    assert GenerationSettings.from_record({"model": WEB}).grounding == "off", "older records"


def test_the_sdk_puts_the_tool_on_the_wire_as_the_emulator_reads_it() -> None:
    emu = Emulator(log_requests=True)
    client, _ = offline_client(emu)
    for model, mode in ((WEB, "web"), (BOTH, "web+image")):
        config = build_config(GenerationSettings(model=model, grounding=mode),
                              CATALOG.get(model)).model_copy(update={"image_config": SMALL})
        client.models.generate_content(model=model, contents="a red kite", config=config)
    bodies = [e["json"] for e in emu.requests]
    assert bodies[0]["tools"] == [{"googleSearch": {}}]
    kinds = bodies[1]["tools"][0]["googleSearch"]["searchTypes"]
    assert set(kinds) == {"web_search", "image_search"}


def _raw(emu: Emulator, model: str, tools: list, *, stream: bool = False,
         prompt: str = RECIPE) -> tuple[int, list[dict]]:
    body = json.dumps({"contents": [{"role": "user", "parts": [{"text": prompt}]}],
                       "generationConfig": {"responseModalities": ["TEXT", "IMAGE"],
                                            "imageConfig": {"imageSize": "1K"}},
                       "tools": tools}).encode()
    verb = "streamGenerateContent" if stream else "generateContent"
    resp = emu.handle("POST", f"/v1beta/models/{model}:{verb}",
                      {"alt": "sse"} if stream else {}, {}, body)
    raw = resp.read().decode()
    if stream and resp.status == 200:
        return resp.status, [json.loads(line[6:]) for line in raw.splitlines()
                             if line.startswith("data: ")]
    return resp.status, [json.loads(raw)]


def test_the_emulator_answers_grounding_metadata_in_the_apis_shape() -> None:
    status, [answer] = _raw(Emulator(), BOTH, [{"googleSearch": {"searchTypes": {
        "webSearch": {}, "imageSearch": {}}}}])
    assert status == 200
    cand = answer["candidates"][0]
    meta = cand["groundingMetadata"]
    assert set(meta) == {"webSearchQueries", "imageSearchQueries", "groundingChunks",
                         "groundingSupports", "searchEntryPoint"}
    assert meta["webSearchQueries"][0] == "fluffy buttermilk pancakes recipe"
    assert "fluffy buttermilk pancakes ingredients for 4 servings" in meta["webSearchQueries"]
    assert meta["imageSearchQueries"] and all("pancakes" in q for q in meta["imageSearchQueries"])
    web = [c["web"] for c in meta["groundingChunks"] if "web" in c]
    images = [c["image"] for c in meta["groundingChunks"] if "image" in c]
    assert len(web) == 3 and all(set(w) == {"uri", "title"} for w in web)
    assert all(w["uri"].startswith("https://vertexaisearch.cloud.google.com/grounding-api-"
                                   "redirect/") and "." in w["title"] for w in web)
    assert len(images) == 2 and all(set(i) == {"sourceUri", "imageUri", "title", "domain"}
                                    for i in images)
    assert all(i["imageUri"].endswith(".jpg") for i in images)
    text = "".join(p["text"] for p in cand["content"]["parts"] if "text" in p).encode()
    assert meta["groundingSupports"]
    for support in meta["groundingSupports"]:
        seg = support["segment"]
        assert text[seg["startIndex"]:seg["endIndex"]].decode() == seg["text"], "byte offsets"
        assert all(0 <= i < len(web) for i in support["groundingChunkIndices"])
    html = meta["searchEntryPoint"]["renderedContent"]
    assert html.startswith("<style>") and html.count('class="chip"') == len(
        meta["webSearchQueries"])
    hrefs = [h.split('"')[0] for h in html.split('href="')[1:]]
    queries = [parse_qs(urlsplit(h.replace("&amp;", "&")).query)["q"][0] for h in hrefs]
    assert queries == meta["webSearchQueries"], "each chip searches Google for its query"
    assert all(urlsplit(h).netloc == "www.google.com" for h in hrefs)


def test_support_offsets_count_bytes_past_accented_text() -> None:
    scripted = ScriptedResponder()
    scripted.enqueue("Crème brûlée, the café classic: a custard under burnt sugar.",
                     scripted_image(), "**Étape 2.** Torch the sugar until it turns amber.")
    _, [answer] = _raw(Emulator(responder=scripted), WEB, [{"googleSearch": {}}])
    cand = answer["candidates"][0]
    text = "".join(p["text"] for p in cand["content"]["parts"] if "text" in p).encode()
    supports = cand["groundingMetadata"]["groundingSupports"]
    assert [s["segment"]["text"] for s in supports] == [
        "Crème brûlée, the café classic: a custard under burnt sugar.",
        "Torch the sugar until it turns amber."]
    for support in supports:
        seg = support["segment"]
        assert text[seg["startIndex"]:seg["endIndex"]].decode() == seg["text"]


def test_metadata_spread_over_chunks_is_merged_once() -> None:
    first = Grounding(("a",), (), (Source("x.org", "https://x.org"),), "<div>1</div>")
    later = Grounding(("a", "b"), ("c",), (Source("y.org", "https://y.org"),
                                           Source("x.org", "https://x.org")), "<div>2</div>")
    merged = first.merged(later)
    assert merged.queries == ("a", "b") and merged.image_queries == ("c",)
    assert [s.uri for s in merged.sources] == ["https://x.org", "https://y.org"]
    assert merged.entry_point_html == "<div>2</div>"
    assert later.merged(Grounding()).entry_point_html == "<div>2</div>"


def test_web_only_grounding_has_no_image_search_and_streams_metadata_once_at_the_end() -> None:
    status, chunks = _raw(Emulator(), WEB, [{"google_search": {}}], stream=True)
    assert status == 200
    with_meta = [i for i, c in enumerate(chunks)
                 if "groundingMetadata" in (c.get("candidates") or [{}])[0]]
    assert with_meta == [len(chunks) - 1], "on the finishing chunk only"
    meta = chunks[-1]["candidates"][0]["groundingMetadata"]
    assert "imageSearchQueries" not in meta
    assert all("web" in c for c in meta["groundingChunks"])
    _, [plain] = _raw(Emulator(), WEB, [])
    assert "groundingMetadata" not in plain["candidates"][0], "no tool, no metadata"


def test_the_same_prompt_gets_the_same_metadata_and_queries_follow_the_prompt() -> None:
    tools = [{"googleSearch": {}}]
    first = _raw(Emulator(), WEB, tools)[1][0]["candidates"][0]["groundingMetadata"]
    again = _raw(Emulator(), WEB, tools)[1][0]["candidates"][0]["groundingMetadata"]
    assert first == again
    other = _raw(Emulator(), WEB, tools, prompt="Create a picture of the Eiffel Tower at "
                 "night.")[1][0]["candidates"][0]["groundingMetadata"]
    assert other["webSearchQueries"][0] == "eiffel tower at night"
    assert subject("Draw a poster of a red bicycle in Amsterdam") == (
        "red bicycle amsterdam", False)


@pytest.mark.parametrize(("model", "tools", "message"), [
    (PLAIN, [{"googleSearch": {}}], "Search Grounding is not supported for models/" + PLAIN),
    (WEB, [{"googleSearch": {"searchTypes": {"imageSearch": {}}}}],
     "Image Search is not supported for models/" + WEB),
])
def test_a_model_without_the_search_refuses_it_as_the_api_does(model, tools, message) -> None:
    status, [body] = _raw(Emulator(), model, tools)
    assert status == 400
    assert body["error"]["status"] == "INVALID_ARGUMENT"
    assert body["error"]["message"].startswith(message)


def test_over_http_grounded_answers_and_refusals_reach_the_sdk() -> None:
    with running_server(port=free_port()) as srv:
        client = genai.Client(api_key="any", http_options=types.HttpOptions(base_url=srv.url))
        search = [types.Tool(google_search=types.GoogleSearch())]
        r = client.models.generate_content(
            model=WEB, contents=RECIPE,
            config=types.GenerateContentConfig(tools=search, image_config=SMALL))
        found = result_from_response(WEB, r).grounding
        assert found is not None and "fluffy buttermilk pancakes recipe" in found.queries
        assert len(found.sources) == 3 and found.entry_point_html.startswith("<style>")
        with pytest.raises(errors.ClientError) as refused:
            client.models.generate_content(model=PLAIN, contents="a kite",
                                           config=types.GenerateContentConfig(tools=search))
    assert refused.value.code == 400 and "Search Grounding" in refused.value.message
    shown = classify(refused.value, model=PLAIN).message
    assert "does not take Google Search grounding" in shown and "Off" in shown


def test_the_kept_record_is_compact_and_reads_back() -> None:
    meta = types.GroundingMetadata(
        web_search_queries=["pancakes recipe", "pancakes recipe"],
        image_search_queries=["pancakes photo"],
        grounding_chunks=[
            types.GroundingChunk(web=types.GroundingChunkWeb(
                uri="https://vertexaisearch.cloud.google.com/grounding-api-redirect/x",
                title="seriouseats.com")),
            types.GroundingChunk(image=types.GroundingChunkImage(
                source_uri="https://www.bbcgoodfood.com/p", image_uri="https://x/p.jpg",
                title="Pancakes | BBC Good Food", domain="bbcgoodfood.com")),
        ],
        search_entry_point=types.SearchEntryPoint(rendered_content="<div>chips</div>"))
    record = Grounding.from_metadata(meta).to_record()
    assert record == {
        "queries": ["pancakes recipe"], "image_queries": ["pancakes photo"],
        "sources": [
            {"title": "seriouseats.com", "domain": "seriouseats.com", "kind": "web",
             "uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/x"},
            {"title": "Pancakes | BBC Good Food", "uri": "https://www.bbcgoodfood.com/p",
             "domain": "bbcgoodfood.com", "kind": "image"}],
        "entry_point_html": "<div>chips</div>"}
    assert Grounding.from_record(json.loads(json.dumps(record))).to_record() == record
    assert Grounding().to_record() == {}
    odd = Grounding.from_record({"queries": "not a list", "sources": [{"title": "no uri"}, 7]})
    assert odd.empty


def test_the_export_section_escapes_and_sandboxes_what_it_was_given() -> None:
    record = {"queries": ['<script>alert(1)</script>'], "sources": [
        {"title": '"><img src=x onerror=alert(1)>', "uri": "javascript:alert(1)"},
        {"title": "ok", "uri": "https://example.org/a"}],
        "entry_point_html": '<div class="chip">x</div><script>alert(2)</script>'}
    html = grounding_section(record)
    assert "<script>" not in html and "<img" not in html
    assert 'href="javascript:' not in html and 'href="https://example.org/a"' in html
    assert html.count("<iframe ") == 1 and 'sandbox="allow-popups ' in html
    assert "allow-scripts" not in html and "allow-same-origin" not in html
    assert "script-src &#x27;none&#x27;" in html, "and the frame's own policy forbids scripts"
    assert grounding_section({}) == "" and grounding_section(None) == ""
    assert "<details>" in grounding_section(record, folded=True)
    assert entry_point_document("<b>x</b>").endswith("<body style=\"margin:0\"><b>x</b></body>"
                                                     "</html>"), "the HTML itself unmodified"
