"""One generate request: faults, limits, signatures, sizes, the responder's answer, usage.

Whatever the responder answers goes through the same wire rules, so scripted
answers are signed, streamed, billed and faulted exactly like drawn ones.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING

from .faults import Fault, parse_directives
from .grounding import grounding_metadata, refuse_unsupported, requested_search
from .intents import read_conversation
from .interface import ModelRequest, Reply
from .models import ASPECT_RATIO_PIXELS, IMAGE_SIZE_SCALE, ModelSpec, pixels, spec_for
from .responses import (
    Answer,
    EmulatorResponse,
    apply_outcome,
    malformed_response,
    plain_response,
    stream_response,
)
from .wire import GenerateRequest, WireError, parse_generate_request

if TYPE_CHECKING:
    from .service import Emulator


def generate(
    emu: Emulator,
    model: str,
    body: bytes,
    fault: Fault | None,
    delay: float,
    stream: bool,
    sse_mode: bool,
) -> EmulatorResponse:
    model = model.removeprefix("models/")
    emu.note_model(model)
    req = parse_generate_request(model, body)
    latest = next((c for c in reversed(req.contents) if c.role != "model"), req.contents[-1])
    _, directives = parse_directives(" ".join(p.text or "" for p in latest.parts if p.is_text))
    faults = [fault] if fault else []
    if directives:
        attempt = emu.attempts.hit(hashlib.sha256(model.encode() + b"\0" + body).hexdigest())
        faults += [d.fault for d in directives if d.attempts is None or attempt <= d.attempts]
    for f in faults:
        if f.kind == "http":
            return EmulatorResponse.error(f.status or 429, f.message, delay, f.retry_after)
        if f.kind == "slow":
            delay += f.seconds
        if f.kind == "stream_error" and not stream:
            return EmulatorResponse.error(f.status or 500, f.message, delay)
    outcome = next((f for f in faults if f.kind not in ("http", "slow")), None)
    if outcome and outcome.kind == "malformed":
        return malformed_response(stream, delay)
    spec = spec_for(emu.models, model)
    prompt_tokens, prompt_image_tokens = count_prompt_tokens(req, spec)
    if prompt_tokens > spec.input_token_limit:
        raise WireError(
            400,
            f"The input token count ({prompt_tokens}) exceeds the maximum number of tokens "
            f"allowed ({spec.input_token_limit}).",
        )
    if spec.verifies_signatures and (problem := emu.signer.check_history(req.contents)):
        return EmulatorResponse.error(400, problem, delay)
    size, size_key = image_size(req, spec)
    search = requested_search(req.tools)
    refuse_unsupported(spec, search)
    asked = model_request(req, size, emu.default_seed, search)
    reply = emu.responder.respond(asked)
    answer = build_answer(req, spec, reply, size_key, prompt_tokens, prompt_image_tokens)
    if outcome:
        apply_outcome(answer, outcome)
    if search and answer.parts:  # a blocked or empty answer searched for nothing to show
        answer.grounding = grounding_metadata(
            asked.prompt, [p.text for p in answer.parts if p.kind == "text"], search)
    if stream:
        return stream_response(answer, emu.signer, delay, emu.chunk_delay, sse_mode,
                               finish_alone=emu.finish_alone)
    return plain_response(answer, emu.signer, delay)


def count_prompt_tokens(req: GenerateRequest, spec: ModelSpec) -> tuple[int, int]:
    """(all prompt tokens, the image share): text at ~4 chars a token, images per the table."""
    chars = sum(len(p.text or "") for c in req.contents for p in c.parts)
    images = sum(1 for c in req.contents for p in c.parts if p.is_image)
    image_tokens = spec.input_image_tokens * images
    return max(1, (chars + 3) // 4) + image_tokens, image_tokens


def image_size(req: GenerateRequest, spec: ModelSpec) -> tuple[tuple[int, int], str]:
    """Output pixels and the size key billed, or a 400 for what the model does not accept."""
    ar, size = req.aspect_ratio, (req.image_size or "").upper() or None
    if ar and (ar not in ASPECT_RATIO_PIXELS or ar not in spec.aspect_ratios):
        allowed = ", ".join(spec.aspect_ratios)
        raise WireError(
            400, f"Unsupported aspect ratio {ar!r} for model {spec.id}. Supported: {allowed}."
        )
    if size and size not in IMAGE_SIZE_SCALE:
        raise WireError(
            400, f"Unsupported image size {size!r}. Supported: {', '.join(IMAGE_SIZE_SCALE)}."
        )
    if spec.image_sizes is None:
        size = None  # this model only draws at its native size
    elif size and size not in spec.image_sizes:
        raise WireError(400, f"Image size {size!r} is not supported by model {spec.id}.")
    return pixels(ar, size), size or "1K"


def model_request(req: GenerateRequest, size: tuple[int, int], default_seed: int | None,
                  search: str | None = None) -> ModelRequest:
    conv = read_conversation(req.contents)
    return ModelRequest(
        model=req.model,
        contents=tuple(req.contents),
        prompt=conv.prompt,
        images=tuple(conv.attached),
        size=size,
        seed=req.seed if req.seed is not None else default_seed,
        temperature=req.temperature,
        system_instruction=req.system_instruction,
        aspect_ratio=req.aspect_ratio,
        image_size=req.image_size,
        search=search,
    )


def build_answer(
    req: GenerateRequest,
    spec: ModelSpec,
    reply: Reply,
    size_key: str,
    prompt_tokens: int,
    prompt_image_tokens: int,
) -> Answer:
    parts, thoughts, mods = list(reply.parts), list(reply.thoughts), req.modalities
    if mods and "IMAGE" not in mods:
        parts = [p for p in parts if p.kind != "image"]
    if mods and "TEXT" not in mods and any(p.kind == "image" for p in parts):
        parts = [p for p in parts if p.kind != "text"]
    thinks = spec.thinking or req.include_thoughts
    return Answer(
        model=req.model,
        response_id=uuid.uuid4().hex[:22],
        parts=parts,
        thoughts=thoughts if req.include_thoughts else [],
        finish_reason=reply.finish_reason,
        prompt_tokens=prompt_tokens,
        prompt_image_tokens=prompt_image_tokens,
        image_tokens=spec.image_tokens(size_key),
        thought_tokens=sum((len(t) + 3) // 4 for t in thoughts) if thinks else 0,
    )
