"""What the fake model decides to answer: detect the intent, plan the parts.

Intents, in priority order: edit (an image is attached, or the history has one
and the instruction is an edit), story (also follow-ups in a story chat),
recipe, text rendering, plain generation. Images are planned as callables so
a streamed answer draws each one only when its chunk is due.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image, UnidentifiedImageError

from . import draw, recipes, stories
from .edits import apply_ops, parse_edit_ops, wants_reference
from .faults import drawing_faults, strip_directives
from .figures import SUBJECT_COLOURS, character_for
from .interface import ReplyPart
from .styles import detect_style
from .textcards import render_text_card
from .textlayout import (
    TextRoles,
    detect_format,
    extract_roles,
    misspell,
    quoted_strings,
    strip_quoted,
)
from .wire import PartImages, WireContent, WireError


@dataclass
class Plan:
    intent: str
    parts: list[ReplyPart]
    finish_reason: str = "STOP"
    thoughts: list[str] = field(default_factory=list)


@dataclass
class Conversation:
    prompt: str  # latest user text, directives stripped
    attached: list[bytes]  # images in the latest user turn
    history_user_texts: list[str]
    history_model_texts: list[str]
    history_images: Sequence[bytes]  # every image before the latest turn, oldest first
    drawing_faults: frozenset[str] = frozenset()  # e.g. "typo", from `[fault:typo]`


@dataclass(frozen=True)
class Settings:
    size: tuple[int, int]
    seed: int
    temperature: float


def read_conversation(contents: Sequence[WireContent]) -> Conversation:
    last_user = max(
        (i for i, c in enumerate(contents) if c.role != "model"), default=len(contents) - 1
    )
    latest = contents[last_user]
    latest_text = " ".join(p.text for p in latest.parts if p.is_text)
    conv = Conversation(
        prompt=strip_directives(latest_text),
        attached=[p.data for p in latest.parts if p.is_image and p.data],
        history_user_texts=[],
        history_model_texts=[],
        history_images=PartImages(
            p for c in contents[:last_user] for p in c.parts
            if p.is_image and p.has_bytes and not p.thought),
        drawing_faults=drawing_faults(latest_text),
    )
    for content in contents[:last_user]:
        texts = " ".join(p.text for p in content.parts if p.is_text)
        if content.role == "model":
            conv.history_model_texts.append(texts)
        else:
            conv.history_user_texts.append(strip_directives(texts))
    return conv


def open_image(data: bytes) -> Image.Image:
    try:
        img = Image.open(io.BytesIO(data))
        img.load()
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise WireError(
            400,
            "Unable to process input image. Please retry or report in "
            "https://developers.generativeai.google/guide/troubleshooting",
        ) from e
    return img.convert("RGB")


def _no_image(intent: str, text: str) -> Plan:
    return Plan(intent, [ReplyPart("text", text)], finish_reason="NO_IMAGE")


# "make a watercolour of a cat" creates; "make it a watercolour" / "add a border" edits.
_EDIT_START_RE = re.compile(
    r"^\s*(?:please\s+|now\s+|can you\s+|could you\s+)?(?:make(?!\s+(?:a|an|me|another|some|new)\b)|turn|"
    r"convert|rotate|flip|mirror|crop|zoom|invert|blur|sharpen|add|apply|tint|change|edit|remove|put|place|"
    r"combine|merge|blend|darken|brighten|lighten)\b",
    re.I,
)
# Words pointing at a picture that already exists ("it", "this photo"), but not
# relative clauses such as "a poster that says".
_REFERS_RE = re.compile(
    r"\b(?:it|this|that)\b(?!\s+(?:is|was|has|says|reads|shows)\b)|\b(?:the|my|this|that)\s+(?:image|photo|picture|pic)\b",
    re.I,
)


def _is_edit_request(text: str, has_image: bool) -> bool:
    """Without any image, only an instruction that points at one counts (and fails)."""
    if not parse_edit_ops(text):
        return False
    if detect_format(text):  # "a poster that says ..., make it red" designs a new poster
        return has_image and bool(_REFERS_RE.search(text))
    if _REFERS_RE.search(text):
        return True
    return has_image and bool(_EDIT_START_RE.search(text) or len(text.split()) <= 6)


def classify(conv: Conversation) -> str:
    text = conv.prompt
    has_story = stories.STORY_RE.search(text)
    if conv.attached:
        if not parse_edit_ops(text) and (has_story or recipes.RECIPE_RE.search(text)):
            return "story" if has_story else "recipe"
        return "edit"
    story_turns = [t for t in conv.history_user_texts if stories.STORY_RE.search(t)]
    story_ctx = story_turns or any("**Scene" in t for t in conv.history_model_texts)
    if has_story:
        return "story"
    if story_ctx:
        subject = stories.parse_story([*conv.history_user_texts]).subject
        if stories.is_followup(text, subject):
            return "story"
    # "a black and white photo of a dog" is a fresh picture; "make it black and white"
    # (or a terse "black and white please") is an edit of the last one.
    if _is_edit_request(text, bool(conv.history_images)):
        return "edit"
    recipe_ctx = any(recipes.RECIPE_RE.search(t) for t in conv.history_user_texts) or any(
        "| Ingredient |" in t for t in conv.history_model_texts
    )
    if recipes.RECIPE_RE.search(text) and not (quoted_strings(text) or detect_format(text)):
        return "recipe"
    if recipe_ctx and (recipes.diets(text) or recipes.servings(text)):
        return "recipe"
    if quoted_strings(text) or detect_format(text):
        return "text"
    return "plain"


def plan_answer(conv: Conversation, s: Settings) -> Plan:
    intent = classify(conv)
    return {
        "edit": _plan_edit,
        "story": _plan_story,
        "recipe": _plan_recipe,
        "text": _plan_text,
    }.get(intent, _plan_plain)(conv, s)


def _since_first(texts: list[str], pattern: re.Pattern[str]) -> list[str]:
    """The turns from the first one matching `pattern` (the topic's start) on."""
    start = next((i for i, t in enumerate(texts) if pattern.search(t)), 0)
    return texts[start:]


def _plan_story(conv: Conversation, s: Settings) -> Plan:
    texts = _since_first([*conv.history_user_texts, conv.prompt], stories.STORY_RE)
    spec = stories.parse_story(texts)
    ch = character_for(spec.subject, spec.colour, spec.accessories)
    backgrounds = stories.scene_backgrounds(spec, s.seed)
    parts: list[ReplyPart] = []
    for k, (line, bg) in enumerate(
        zip(stories.scene_texts(spec, backgrounds, s.seed), backgrounds, strict=True)
    ):
        parts.append(ReplyPart("text", line))
        parts.append(
            ReplyPart(
                "image",
                render=lambda k=k, bg=bg: draw.story_scene(s.size, ch, spec.style, bg, k, s.seed),
            )
        )
    thought = (
        f"**Planning the story**\n\nI'm laying out {spec.scenes} scenes for {spec.name} the {spec.subject} "
        f"as a {spec.style.label}, keeping the character's colours and shape identical in every scene."
    )
    return Plan("story", parts, thoughts=[thought])


def _plan_recipe(conv: Conversation, s: Settings) -> Plan:
    texts = _since_first([*conv.history_user_texts, conv.prompt], recipes.RECIPE_RE)
    joined = " ".join(texts)
    base, dish = recipes.find_recipe(joined)
    diet = recipes.diets(joined)
    recipe = recipes.adapt(base, recipes.servings(joined), diet)
    steps = recipes.step_texts(recipe, diet)
    parts = [ReplyPart("text", recipes.intro_markdown(recipe, diet))]
    for k, line in enumerate(steps):
        parts.append(ReplyPart("text", line))
        parts.append(
            ReplyPart(
                "image", render=lambda k=k: draw.recipe_step(s.size, dish, k, len(steps), s.seed)
            )
        )
    thought = f"**Writing the recipe**\n\nScaling {recipe.title} to {recipe.serves} servings and illustrating each step."
    return Plan("recipe", parts, thoughts=[thought])


def _plan_text(conv: Conversation, s: Settings) -> Plan:
    roles = extract_roles(conv.prompt)
    drawn = roles
    if "typo" in conv.drawing_faults and roles.headline:  # the reply still claims it is right
        drawn = TextRoles(misspell(roles.headline), roles.body, list(roles.details))
    fmt = detect_format(conv.prompt) or "poster"
    texts = roles.all()
    quoted = ", ".join(f"\u201c{t}\u201d" for t in texts)
    line = f"Here's your {fmt} with the text {quoted}." if texts else f"Here's your {fmt}."
    skeleton = strip_quoted(conv.prompt)
    parts = [
        ReplyPart("text", line),
        ReplyPart("image", render=lambda: render_text_card(s.size, drawn, fmt, skeleton, s.seed)),
    ]
    thought = f"**Laying out the {fmt}**\n\nSetting the headline large, the body medium and the details small, centred."
    return Plan("text", parts, thoughts=[thought])


def _plan_plain(conv: Conversation, s: Settings) -> Plan:
    prompt = conv.prompt.strip() or "an abstract composition"
    style = detect_style(prompt)
    found = stories.find_subject(prompt)
    summary = prompt if len(prompt) <= 90 else prompt[:87].rstrip() + "..."
    if found and found[0] in SUBJECT_COLOURS:
        ch = character_for(found[0], found[1])

        def render() -> Image.Image:
            return draw.picture_with_character(s.size, ch, prompt, s.seed, s.temperature, style)
    else:

        def render() -> Image.Image:
            return draw.plain_picture(s.size, prompt, s.seed, s.temperature, style)

    parts = [
        ReplyPart("text", f"Here's an image of {summary.rstrip('.')}."),
        ReplyPart("image", render=render),
    ]
    return Plan(
        "plain",
        parts,
        thoughts=[f"**Composing the image**\n\nPicking colours and shapes for: {summary}"],
    )


def _plan_edit(conv: Conversation, s: Settings) -> Plan:
    ops = parse_edit_ops(conv.prompt)
    refs: list[bytes] = []
    if conv.attached:
        base, refs = conv.attached[0], conv.attached[1:]
        if wants_reference(ops) and not refs and conv.history_images:
            base, refs = conv.history_images[-1], [conv.attached[0]]
    elif conv.history_images:
        base = conv.history_images[-1]
    else:
        return _no_image(
            "edit", "There's no image to edit yet. Attach the picture you'd like me to change."
        )
    if not ops:
        return _no_image(
            "edit",
            "I'm not sure how to change this image. Try asking me to make it black and white, "
            "rotate or flip it, crop it, tint it a colour, add a border or a caption, or combine it with another image.",
        )
    img, done = apply_ops(open_image(base), ops, [open_image(r) for r in refs], s.seed)
    if not done:
        return _no_image(
            "edit", "To combine images I need a second picture. Attach the one you want me to add."
        )
    said = done[0] if len(done) == 1 else ", ".join(done[:-1]) + " and then " + done[-1]
    parts = [
        ReplyPart("text", f"Here's the edited image: I {said}."),
        ReplyPart("image", render=lambda: img),
    ]
    return Plan("edit", parts, thoughts=[f"**Editing the image**\n\nPlanned steps: {said}."])
