"""Google Search grounding, emulated: which search a request asks for, the 400 a model
without it answers, and `groundingMetadata` in the API's shape for one that has it.

Nothing is searched. The queries come from the prompt (the dish of a recipe, the subject
of anything else), the sources from a fixed list of plausible sites picked by a stable hash,
so the same prompt gets the same metadata. The entry point is HTML and CSS in the manner of
Google's own: the word Google and one chip per query, each linking to its results.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote_plus

from .models import ModelSpec
from .recipes import RECIPE_RE, find_recipe, servings
from .wire import WireError, pick

WEB, WEB_IMAGE = "web", "web+image"
REDIRECT = "https://vertexaisearch.cloud.google.com/grounding-api-redirect/"

_COOKING = (("BBC Good Food", "bbcgoodfood.com"), ("Serious Eats", "seriouseats.com"),
            ("Allrecipes", "allrecipes.com"), ("The Kitchn", "thekitchn.com"),
            ("King Arthur Baking", "kingarthurbaking.com"), ("Bon Appétit", "bonappetit.com"))
_GENERAL = (("Wikipedia", "en.wikipedia.org"), ("Britannica", "britannica.com"),
            ("National Geographic", "nationalgeographic.com"),
            ("Smithsonian Magazine", "smithsonianmag.com"), ("BBC", "bbc.com"),
            ("Atlas Obscura", "atlasobscura.com"))
_LEAD_IN = re.compile(
    r"^\s*(?:please\s+)?(?:create|draw|generate|make|design|paint|render|illustrate|show|"
    r"write|tell|picture|give me)\b\s*(?:me\s+)?(?:an?|the|some)?\s*"
    r"(?:(?:illustrated|short|simple|photo(?:graphic)?|realistic|detailed)[\s,]+)*"
    r"(?:image|picture|photo|illustration|drawing|poster|story|scene)?\s*(?:of|about|showing)?\s*",
    re.I)
_STOP = {"a", "an", "the", "of", "and", "with", "in", "on", "for", "to", "that", "is", "its"}


def requested_search(tools: Iterable[dict[str, Any]]) -> str | None:
    """"web", "web+image", or None when no Google Search tool was sent."""
    for tool in tools:
        search = pick(tool, "googleSearch", "google_search")
        if not isinstance(search, dict):
            continue
        kinds = pick(search, "searchTypes", "search_types") or {}
        return WEB_IMAGE if pick(kinds, "imageSearch", "image_search") is not None else WEB
    return None


def refuse_unsupported(spec: ModelSpec, search: str | None) -> None:
    """The 400 INVALID_ARGUMENT the API answers for a search the model does not take."""
    if search and spec.grounding == "none":
        raise WireError(400, f"Search Grounding is not supported for models/{spec.id}.")
    if search == WEB_IMAGE and spec.grounding != WEB_IMAGE:
        raise WireError(400, f"Image Search is not supported for models/{spec.id}; "
                             "use web search only.")


def subject(prompt: str) -> tuple[str, bool]:
    """What the prompt is about, and whether it is a recipe."""
    if RECIPE_RE.search(prompt):
        named = re.search(r"\brecipe for\s+(.{3,60}?)(?=\s+for\s+\d|[.,!?]|$)", prompt, re.I)
        return (named.group(1).strip().lower() if named else find_recipe(prompt)[1]), True
    first = re.split(r"(?<=[.!?])\s|\n", prompt.strip(), maxsplit=1)[0]
    words = [w for w in re.findall(r"[\w'-]+", _LEAD_IN.sub("", first)) if w.lower() not in _STOP]
    return " ".join(words[:6]).lower() or "image ideas", False


def grounding_metadata(prompt: str, texts: Sequence[str], search: str) -> dict[str, Any]:
    """groundingMetadata for an answer whose text parts are `texts`, as the API sends it."""
    topic, recipe = subject(prompt)
    if recipe:
        serves = servings(prompt)
        queries = [f"{topic} recipe", f"how to make {topic}"]
        queries += [f"{topic} ingredients for {serves} servings"] if serves else []
    else:
        queries = [topic, f"{topic} facts"]
    sites = _pick(_COOKING if recipe else _GENERAL, topic, 3)
    chunks: list[dict[str, Any]] = [
        {"web": {"uri": REDIRECT + _token(domain, topic), "title": domain}} for _, domain in sites
    ]
    meta: dict[str, Any] = {"webSearchQueries": queries}
    if search == WEB_IMAGE:
        meta["imageSearchQueries"] = [f"{topic} photo", f"{topic} close up"]
        slug = re.sub(r"[^a-z0-9]+", "-", topic).strip("-") or "image"
        for n, (name, domain) in enumerate(_pick(_COOKING if recipe else _GENERAL,
                                                 topic + " images", 2), 1):
            chunks.append({"image": {
                "sourceUri": f"https://www.{domain.removeprefix('en.')}/{slug}",
                "imageUri": f"https://www.{domain.removeprefix('en.')}/images/{slug}-{n}.jpg",
                "title": f"{topic.title()} | {name}", "domain": domain}})
    meta["groundingChunks"] = chunks
    meta["groundingSupports"] = _supports(texts, len(sites))
    meta["searchEntryPoint"] = {"renderedContent": entry_point(queries)}
    return meta


def _supports(texts: Sequence[str], web_chunks: int) -> list[dict[str, Any]]:
    """The first sentence of up to three prose parts, each backed by one or two sources.
    Offsets are UTF-8 bytes into the answer's text, as the API counts them."""
    out: list[dict[str, Any]] = []
    offset = 0
    for text in texts:
        sentence = _first_sentence(text)
        if sentence and len(out) < 3 and web_chunks:
            start = offset + len(text[: text.index(sentence)].encode())
            n = len(out)
            out.append({
                "segment": {"startIndex": start, "endIndex": start + len(sentence.encode()),
                            "text": sentence},
                "groundingChunkIndices": sorted({n % web_chunks, (n + 1) % web_chunks}),
            })
        offset += len(text.encode())
    return out


def _first_sentence(text: str) -> str:
    for line in text.splitlines():
        line = re.sub(r"^\*\*[^*]+\*\*\s*", "", line.strip())  # a "**Step 1.**" label
        if len(line) > 12 and not line.startswith(("|", "#", "- ", "* ", "*")):
            return re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
    return ""


def entry_point(queries: Sequence[str]) -> str:
    """The search entry point: Google's name and a chip per query, light and dark."""
    chips = "".join(
        f'<a class="chip" href="https://www.google.com/search?q={quote_plus(q)}'
        f'&amp;client=app-vertex-grounding&amp;safesearch=active">{html.escape(q)}</a>'
        for q in queries)
    letters = "".join(f'<span style="color:{c}">{ch}</span>' for ch, c in zip(
        "Google", ("#4285f4", "#ea4335", "#fbbc05", "#4285f4", "#34a853", "#ea4335"),
        strict=True))
    return (
        "<style>\n"
        ".container{display:flex;align-items:center;gap:12px;padding:8px 12px;"
        "border-radius:24px;background:#fff;border:1px solid #dadce0;"
        "font-family:Roboto,Arial,sans-serif;font-size:14px;overflow:hidden}\n"
        ".headline{flex:none;font-weight:500;font-size:15px;letter-spacing:-.2px}\n"
        ".carousel{display:flex;gap:8px;overflow-x:auto;scrollbar-width:none;white-space:nowrap}\n"
        ".chip{display:inline-block;padding:5px 14px;border-radius:16px;background:#f1f3f4;"
        "border:1px solid #e8eaed;color:#3c4043;text-decoration:none;line-height:20px}\n"
        ".chip:hover{background:#e8eaed}\n"
        "@media (prefers-color-scheme:dark){.container{background:#1f1f1f;border-color:#3c4043}"
        ".chip{background:#303134;border-color:#5f6368;color:#e8eaed}"
        ".chip:hover{background:#3c4043}}\n"
        "</style>\n"
        f'<div class="container"><div class="headline">{letters}</div>'
        f'<div class="carousel">{chips}</div></div>\n'
    )


def _pick(sites: Sequence[tuple[str, str]], key: str, n: int) -> list[tuple[str, str]]:
    start = int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(sites)
    return [sites[(start + i) % len(sites)] for i in range(n)]


def _token(domain: str, topic: str) -> str:
    digest = hashlib.sha256(f"{domain}\0{topic}".encode()).digest()
    return "AUZIYQ" + base64.urlsafe_b64encode(digest * 3).decode().rstrip("=")
