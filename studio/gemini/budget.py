"""The request budget: how big the next request is, and which older turns to leave out.

Every chat turn sends the whole history back, images included, so a long editing session
outgrows the endpoint's inline-request limit and the model's input-token limit. Before a
send, the chat measures what it is about to send and, when it would pass either limit,
leaves out whole older turns (a user Content and the model Contents after it). Model parts
are never altered, so thought signatures stay valid.

Well before the endpoint's limit, a chat keeps its requests to a working history size
(STUDIO_HISTORY_MB, default 8 MB), compacted the same way: a request of 18 MB takes
about 15 s to upload at 10 Mbit/s and 3 s at 50 (the API's own limit, 100 MB, several
times that), every earlier image is billed as input tokens again on each turn, and an
edit works on the latest image: the superseded versions add little (Compare and branches
reach them). The source image and the latest turn go even when they alone pass it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from google.genai import types

MB = 2**20
DEFAULT_MAX_REQUEST_MB = 100.0  # Gemini's inline limit; older endpoints take 20
# Room for a source photo and about two photographic turns at 1K (~2.6 MB of base64
# each) beside it; why, in the docstring.
DEFAULT_HISTORY_MB = 8.0
# The generation config, system instruction and JSON framing around the contents.
REQUEST_OVERHEAD_BYTES = 4096
# Estimates are close, not exact: stay this far under the limit.
SAFETY = 0.98


def megabytes(size: int) -> str:
    """A size setting as the user wrote it: "8 MB", "12.5 MB", "0.05 MB" (the setting was
    rounded down to whole bytes, so :g alone would show 0.0499992)."""
    return f"{round(size / MB, 2):g} MB"


def _env_bytes(name: str, default_mb: float, environ: Mapping[str, str] | None) -> int:
    """Env `name` in MB of 2**20 bytes; blank, unreadable or not positive: `default_mb`."""
    raw = (environ if environ is not None else os.environ).get(name, "")
    try:
        mb = float(raw) if raw.strip() else default_mb
    except ValueError:
        mb = default_mb
    return int((mb if mb > 0 else default_mb) * MB)


def max_request_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The request size limit: env STUDIO_MAX_REQUEST_MB (MB of 2**20 bytes), default 100."""
    return _env_bytes("STUDIO_MAX_REQUEST_MB", DEFAULT_MAX_REQUEST_MB, environ)


def history_target_bytes(environ: Mapping[str, str] | None = None) -> int | None:
    """The working history size: env STUDIO_HISTORY_MB (MB of 2**20 bytes), default 8;
    0 (or "off") for none, so requests grow to the endpoint's limit."""
    raw = (environ if environ is not None else os.environ).get("STUDIO_HISTORY_MB", "")
    if raw.strip().lower() in ("0", "off", "none"):
        return None
    return _env_bytes("STUDIO_HISTORY_MB", DEFAULT_HISTORY_MB, environ)


@dataclass(frozen=True)
class Cost:
    """What a piece of a request adds: encoded bytes and estimated input tokens."""

    bytes: int = 0
    tokens: int = 0
    chars: int = 0
    images: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(self.bytes + other.bytes, 0, self.chars + other.chars,
                    self.images + other.images)

    def with_tokens(self, image_tokens: int) -> Cost:
        return Cost(self.bytes, (self.chars + 3) // 4 + image_tokens * self.images,
                    self.chars, self.images)


def _b64_len(n: int) -> int:
    return 4 * ((n + 2) // 3)


def part_cost(part: types.Part) -> Cost:
    """A part as the SDK encodes it: JSON, its inline data base64 (measured, not encoded)."""
    blob = part.inline_data
    rest = part.model_copy(update={"inline_data": None}) if blob is not None else part
    encoded = json.dumps(rest.model_dump(mode="json", exclude_none=True, by_alias=True),
                         separators=(",", ":"))
    size = len(encoded.encode())
    images = 0
    if blob is not None:
        images = 1
        size += _b64_len(len(blob.data or b"")) + len(blob.mime_type or "") + 40
    return Cost(size + 2, 0, len(part.text or ""), images)


def content_cost(content: types.Content) -> Cost:
    total = Cost(len(content.role or "") + 24)
    for part in content.parts or []:
        total += part_cost(part)
    return total


class ContentCosts:
    """Costs remembered by Content identity (each Content is held, so its id stays its
    own): a chat's Contents never change, and its history only grows or is cut back."""

    def __init__(self) -> None:
        self._costs: dict[int, tuple[types.Content, Cost]] = {}

    def __call__(self, content: types.Content) -> Cost:
        found = self._costs.get(id(content))
        if found is None or found[0] is not content:
            found = self._costs[id(content)] = (content, content_cost(content))
        return found[1]

    def keep_only(self, history: Sequence[types.Content]) -> ContentCosts:
        """Forget Contents no longer in `history` (undone or replaced); returns self."""
        live = {id(c) for c in history}
        for key in [k for k in self._costs if k not in live]:
            del self._costs[key]
        return self


def message_cost(message: Sequence[types.Part | str] | str) -> Cost:
    """The new user message, as the SDK will wrap it in a user Content."""
    items = [message] if isinstance(message, str) else list(message)
    parts = [types.Part(text=p) if isinstance(p, str) else p for p in items]
    return content_cost(types.Content(role="user", parts=parts))


def split_turns(history: Sequence[types.Content]) -> list[tuple[int, int]]:
    """(start, end) offsets of each turn: a user Content up to the next user Content."""
    starts = [i for i, c in enumerate(history) if c.role == "user"]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(history)]
    return [(s, e) for s, e in zip(starts, ends, strict=True) if e > s]


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # the endpoint's: never passed
    max_tokens: int  # the model's: never passed
    target_bytes: int | None = None  # the working history size: passed only by the essentials

    @property
    def working_bytes(self) -> int:
        """The size a request is compacted to: the working size, or the limit when lower."""
        return min(self.target_bytes or self.max_bytes, self.max_bytes)


@dataclass
class Plan:
    """What the next request sends: the history to send, and the turns left out."""

    history: list[types.Content]
    cost: Cost
    full_cost: Cost
    limits: Limits
    left_out: list[int] = field(default_factory=list)  # 0-based turns of the history

    @property
    def fits(self) -> bool:
        return (self.cost.bytes <= self.limits.max_bytes
                and self.cost.tokens <= self.limits.max_tokens)

    @property
    def fullness(self) -> float:
        """How full the next request would be without leaving anything out (1.0 = at the
        working size or the token limit)."""
        return max(self.full_cost.bytes / self.limits.working_bytes,
                   self.full_cost.tokens / max(1, self.limits.max_tokens))


def plan_request(history: Sequence[types.Content], message: Cost, limits: Limits,
                 image_tokens: int, *,
                 cost_of: Callable[[types.Content], Cost] = content_cost) -> Plan:
    """The history to send with `message`: all of it when it fits the working size;
    otherwise the first turn (it carries the source image) and the latest turn when they
    fit the limits, then as many of the turns before the latest as fit the working size.
    `cost_of` may remember costs: a chat's history Contents never change."""
    spans = split_turns(history)
    costs = [sum((cost_of(c) for c in history[s:e]), Cost()) for s, e in spans]
    base = message + Cost(REQUEST_OVERHEAD_BYTES)
    full = sum(costs, base).with_tokens(image_tokens)
    hard, working = int(limits.max_bytes * SAFETY), int(limits.working_bytes * SAFETY)
    max_tokens = int(limits.max_tokens * SAFETY)

    def within(cost: Cost, max_bytes: int = working) -> bool:
        c = cost.with_tokens(image_tokens)
        return c.bytes <= max_bytes and c.tokens <= max_tokens

    if within(full):
        return Plan(list(history), full, full, limits)
    kept: set[int] = set()
    total = base
    if costs and within(total + costs[0], hard):
        kept.add(0)
        total += costs[0]
    for index in range(len(spans) - 1, 0, -1):
        if not within(total + costs[index], hard if index == len(spans) - 1 else working):
            break  # keep the latest turns contiguous: a gap in the middle would confuse
        kept.add(index)
        total += costs[index]
    sent = [c for i, (s, e) in enumerate(spans) if i in kept for c in history[s:e]]
    left_out = [i for i in range(len(spans)) if i not in kept]
    return Plan(sent, total.with_tokens(image_tokens), full, limits, left_out)


def page_turn_numbers(history: Sequence[types.Content], left_out: Sequence[int],
                      history_lens: Sequence[int]) -> list[int]:
    """The page's turn numbers (1-based) of history turns `left_out`: a page turn is known
    by the history length it left behind (a failed turn leaves none of its own)."""
    spans = split_turns(history)
    numbers: dict[int, int] = {}
    for number, length in enumerate(history_lens, start=1):
        numbers.setdefault(length, number)
    return sorted({numbers.get(spans[i][1], i + 1) for i in left_out})


def ranges(numbers: Sequence[int]) -> str:
    """[2, 3, 4, 6] -> "2–4 and 6"."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    words = [f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def left_out_note(turns: Sequence[int], plan: Plan) -> str:
    """What the page says about turns (1-based) that a request did not carry."""
    word, verb = ("Turn", "was") if len(turns) == 1 else ("Turns", "were")
    working, max_bytes = plan.limits.working_bytes, plan.limits.max_bytes
    if plan.full_cost.bytes > working * SAFETY and working < max_bytes:
        return (f"{word} {ranges(turns)} {verb} left out of this request: older turns go "
                f"past the working size of {megabytes(working)} (STUDIO_HISTORY_MB; the "
                f"endpoint takes {megabytes(max_bytes)}).")
    if plan.full_cost.bytes > max_bytes * SAFETY:
        limit = megabytes(max_bytes)
    else:
        limit = f"the model's limit of {plan.limits.max_tokens:,} input tokens"
    return f"{word} {ranges(turns)} {verb} left out of this request to stay under {limit}."


# A typed instruction, the story page's prompt and the JSON around them: kept free beside
# the images of one message when an upload is fitted to what a request may carry.
TEXT_RESERVE_CHARS = 16_000
IMAGE_PART_BYTES = 96  # the JSON of one inline-data part around its base64


def image_room(limits: Limits, image_tokens: int, *, images: int = 1,
               others_bytes: int = 0) -> int:
    """The most raw bytes each of `images` new images may have so a message carrying them,
    `others_bytes` of other images and a typed instruction fits a request on its own (older
    turns can be left out; the message cannot). 0 when even a tiny image does not fit: the
    model's input-token limit is passed, or the size limit leaves no room."""
    tokens = images * image_tokens + TEXT_RESERVE_CHARS // 4
    if tokens > limits.max_tokens * SAFETY:
        return 0
    free = (int(limits.max_bytes * SAFETY) - REQUEST_OVERHEAD_BYTES - TEXT_RESERVE_CHARS
            - _b64_len(others_bytes) - images * IMAGE_PART_BYTES)
    return max(0, free // images * 3 // 4)  # base64: four characters for every three bytes


def sent_bytes(raw: int) -> int:
    """What `raw` bytes of image become in a request: base64 and the part around it."""
    return _b64_len(raw) + IMAGE_PART_BYTES
