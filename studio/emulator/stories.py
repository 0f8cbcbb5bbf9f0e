"""Illustrated stories: who the story is about, how many scenes, and the scene text.

A chat can keep refining a story ("retell it as a watercolour", "give the
turtle a red scarf"), so the spec is read from all the story's user turns in
order: the latest style wins, accessories accumulate, and naming a new subject
starts afresh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .draw import BACKGROUNDS
from .figures import ACCESSORIES, SUBJECT_COLOURS
from .palette import COLOUR_RE, rng_for, stable_hash
from .styles import Style, detect_style, find_styles

STORY_RE = re.compile(
    r"\b(?:story|stories|storybook|storyboard|scenes?|tale|tales|fable|fairy[\s-]?tale)\b", re.I
)
# Words that only make sense as a change to the story already told.
FOLLOWUP_RE = re.compile(
    r"\b(?:retell|re-?tell|again|redo|re-do|same story|continue|sequel|in the style)\b", re.I
)
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "single": 1,
}
_NUM = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|single)"
SCENES_RE = re.compile(rf"\b{_NUM}[\s-]+(?:scenes?|panels?|parts?|pages?|chapters?)\b", re.I)
_COLOUR = COLOUR_RE.pattern[3:-3]
_ACC = "|".join(a.replace(" ", r"\s") for a in ACCESSORIES)
ACCESSORY_RE = re.compile(rf"\b(?:({_COLOUR})\s+)?({_ACC})\b", re.I)
_DEFAULT_ACC_COLOUR = {
    "scarf": "red",
    "hat": "blue",
    "cape": "red",
    "bow tie": "red",
    "crown": "gold",
    "glasses": "black",
    "backpack": "orange",
    "boots": "yellow",
    "umbrella": "purple",
}
_SUBJECT_RE = re.compile(
    r"\b(" + "|".join(sorted(SUBJECT_COLOURS, key=len, reverse=True)) + r")s?\b", re.I
)
_ABOUT_RE = re.compile(
    r"\b(?:about|of|featuring|starring)\s+(?:a|an|the|my|our|some)\s+(?:[a-z]+\s+){0,2}?([a-z]{3,})\b(?=\s+(?:who|that|named|called|and|in|on|at|with)\b|[.,!?]|$)",
    re.I,
)
MAX_SCENES = 8
_NAME_LIST = [
    "Ada",
    "Basil",
    "Clover",
    "Dot",
    "Ellie",
    "Finn",
    "Gus",
    "Hazel",
    "Iggy",
    "Juno",
    "Kit",
    "Luna",
    "Milo",
    "Nell",
    "Ollie",
    "Pip",
    "Quinn",
    "Rosie",
    "Sunny",
    "Tilly",
    "Umi",
    "Vera",
    "Wren",
    "Xena",
    "Yuki",
    "Ziggy",
]
NAMES = {n[0].lower(): n for n in _NAME_LIST}  # alliterative: Tilly the turtle, Finn the fox


@dataclass(frozen=True)
class StorySpec:
    subject: str
    colour: str | None
    scenes: int
    style: Style
    accessories: tuple[tuple[str, str], ...]
    name: str


def find_subject(text: str) -> tuple[str, str | None] | None:
    """(noun, colour named right before it) for the story's main character."""
    m = _SUBJECT_RE.search(text)
    if m:
        noun = m.group(1).lower()
        before = text[: m.start()].rstrip().rsplit(" ", 1)[-1].lower()
        colour = before if COLOUR_RE.fullmatch(before) else None
        after = re.search(
            rf"\b(?:make|turn|paint)\s+(?:the\s+)?{noun}s?\s+({_COLOUR})\b", text, re.I
        )
        return noun, (after.group(1).lower() if after else colour)
    m = _ABOUT_RE.search(text)
    if m and m.group(1).lower() not in ("story", "stories", "day", "time", "world", "adventure"):
        return m.group(1).lower(), None
    return None


def scene_count(text: str) -> int | None:
    found = SCENES_RE.findall(text)
    if not found:
        return None
    word = found[-1].lower()
    n = int(word) if word.isdigit() else NUMBER_WORDS[word]
    return max(1, min(MAX_SCENES, n))


def is_followup(text: str, subject: str | None) -> bool:
    return bool(
        STORY_RE.search(text)
        or FOLLOWUP_RE.search(text)
        or find_styles(text)
        or ACCESSORY_RE.search(text)
        or (subject and re.search(rf"\b{subject}", text, re.I))
    )


def parse_story(texts: list[str]) -> StorySpec:
    """Read the story spec from its user turns, oldest first."""
    subject, colour, scenes = "hero", None, None
    accessories: dict[str, str] = {}
    for text in texts:
        found = find_subject(text)
        if found and found[0] != subject:
            if subject != "hero":
                accessories, colour = {}, None
            subject = found[0]
        if found and found[1]:
            colour = found[1]
        for m in ACCESSORY_RE.finditer(text):
            name = re.sub(r"\s+", " ", m.group(2).lower())
            accessories[name] = (m.group(1) or _DEFAULT_ACC_COLOUR[name]).lower()
        scenes = scene_count(text) or scenes
    style = detect_style(" ".join(texts))
    initial = subject[0]
    name = NAMES.get(initial) or list(NAMES.values())[stable_hash(subject) % len(NAMES)]
    return StorySpec(subject, colour, scenes or 4, style, tuple(accessories.items()), name)


def scene_backgrounds(spec: StorySpec, seed: int) -> list[str]:
    """Different backgrounds for each scene; the order depends on subject and seed."""
    names = list(BACKGROUNDS)
    rng_for("story-bg", spec.subject, seed).shuffle(names)
    return [names[i % len(names)] for i in range(spec.scenes)]


_MIDDLE = [
    "{At}, {name} meets a new friend who knows a secret path.",
    "{name} presses on {at}, even though the way looks long and tricky.",
    "{At}, a sudden gust of wind nearly blows {name} over, but {name} holds on bravely.",
    "{name} finds a glowing pebble {at} and tucks it away for later.",
    "{At}, {name} helps a lost little bird find its way home.",
    "{name} stops to rest {at} and watches the clouds drift by.",
    "{At}, a puzzle blocks the way, and {name} solves it with a clever idea.",
]


def _wearing(accessories: tuple[tuple[str, str], ...]) -> str:
    """ ", wearing a red scarf and yellow boots," (plural items take no article)."""
    if not accessories:
        return ""
    items = [f"{'' if a.endswith('s') else 'a '}{c} {a}" for a, c in accessories]
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f", wearing {listed},"


def scene_texts(spec: StorySpec, backgrounds: list[str], seed: int) -> list[str]:
    rng = rng_for("story-text", spec.subject, seed)
    middle = rng.sample(_MIDDLE, len(_MIDDLE))
    out = []
    for k, bg in enumerate(backgrounds):
        at = BACKGROUNDS[bg][3]
        if k == 0:
            line = (
                f"{spec.name} the {spec.subject} wakes up {at}{_wearing(spec.accessories)} "
                "and decides that today is the day for an adventure."
            )
        elif k == len(backgrounds) - 1:
            line = f"After the day's adventure {at}, {spec.name} heads home, smiling and full of stories to tell."
        else:
            line = middle[(k - 1) % len(middle)].format(
                at=at, At=at[0].upper() + at[1:], name=spec.name
            )
        out.append(f"**Scene {k + 1}.** {line}")
    return out
