"""Calling the model: streamed chat turns, one-shot calls and parallel variants.

Every call ends in one `Result`, its cost priced once here from the catalog entry the
caller chose (the merged catalog: models.json plus the live list).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from google import genai
from google.genai import chats, types

from studio.gemini.attempts import OnRetry, watching
from studio.gemini.catalog import ModelInfo
from studio.gemini.errors import classify
from studio.gemini.results import Result, ResultBuilder
from studio.gemini.settings import MAX_VARIANTS, GenerationSettings

OnUpdate = Callable[[Result], None]
T = TypeVar("T")


def _collect(
    settings: GenerationSettings,
    info: ModelInfo,
    chunks: Callable[[], Any],
    on_update: OnUpdate | None,
    secrets: tuple[str | None, ...],
    on_retry: OnRetry | None = None,
) -> Result:
    """Run a call, folding each chunk into a Result; failures become `result.error`."""
    builder = ResultBuilder(settings.model)
    started = time.perf_counter()
    chunks_seen = 0
    with watching(on_retry) as attempts:
        try:
            answer = chunks()
            for chunk in answer if not isinstance(answer, types.GenerateContentResponse) \
                    else [answer]:
                chunks_seen += 1
                if builder.add(chunk) and on_update is not None:
                    on_update(builder.result)
        except Exception as exc:  # every failure is shown as a message, never a traceback
            # A client without the response hook reports no statuses: judge by the chunks.
            seen = bool(attempts.statuses)
            builder.result.error = classify(
                exc, model=settings.model, timeout_s=settings.timeout_s, secrets=secrets,
                stream_opened=attempts.stream_opened if seen else chunks_seen > 0,
                retried=attempts.retried if seen else True)
    result = builder.result
    result.latency_ms = (time.perf_counter() - started) * 1000
    result.cost_usd = price(result, info, settings.image_size)
    return result


def price(result: Result, info: ModelInfo, image_size: str | None) -> float:
    """The estimated USD of an answer: its images at their size, the rest as text."""
    usage = result.usage
    return info.estimate_cost(usage.prompt_tokens, usage.output_tokens + usage.thoughts_tokens,
                              len(result.images), image_size)


def send_in_chat(
    chat: chats.Chat,
    message: Sequence[types.Part | str] | str,
    settings: GenerationSettings,
    info: ModelInfo,
    config: types.GenerateContentConfig,
    *,
    on_update: OnUpdate | None = None,
    secrets: tuple[str | None, ...] = (),
    on_retry: OnRetry | None = None,
) -> Result:
    """Send one chat turn, streaming; `on_retry(status)` as the SDK retries a 429 or 5xx. The Chat keeps the model's parts unchanged, thought
    signatures included, and records the turn only if the answer completed."""
    body = list(message) if not isinstance(message, str) else message
    curated_before = len(chat.get_history(curated=True))
    full_before = len(chat.get_history())
    answer: list[types.Content] = []

    def chunks() -> Iterator[types.GenerateContentResponse]:
        for chunk in chat.send_message_stream(body, config=config):
            content = chunk.candidates[0].content if chunk.candidates else None
            if content is not None:
                answer.append(content)
            yield chunk

    result = _collect(settings, info, chunks, on_update, secrets, on_retry)
    if result.error is None and result.finish_reason is not None \
            and len(chat.get_history(curated=True)) == curated_before:
        _keep_finished_turn(chat, full_before, answer)
    return result


def _keep_finished_turn(chat: chats.Chat, full_before: int,
                        answer: list[types.Content]) -> None:
    """The API often ends a stream with a chunk holding only finishReason and usage (no
    content, or content without parts). The SDK then counts the whole turn invalid and
    leaves it out of the curated history, which the next request sends: the model would
    forget the turn. An answer that did finish is recorded, its parts unchanged."""
    parts = [p for content in answer for p in content.parts or [] if p != types.Part()]
    full = chat.get_history()
    if not parts or len(full) <= full_before:
        return  # nothing to send back: the API refuses a model turn without parts
    user = full[full_before]  # the user turn exactly as the SDK built and sent it
    chat.record_history(user_input=user, model_output=[types.Content(role="model", parts=parts)],
                        is_valid=True)


def generate(
    client: genai.Client,
    settings: GenerationSettings,
    info: ModelInfo,
    contents: Sequence[types.Part | str] | str,
    config: types.GenerateContentConfig,
    *,
    stream: bool = False,
    on_update: OnUpdate | None = None,
    secrets: tuple[str | None, ...] = (),
    on_retry: OnRetry | None = None,
) -> Result:
    """One stateless call, streamed or not."""
    call = client.models.generate_content_stream if stream else client.models.generate_content
    return _collect(
        settings, info,
        lambda: call(model=settings.model, contents=contents, config=config),  # type: ignore[arg-type]
        on_update, secrets, on_retry,
    )


def run_variants(make: Callable[[int], T], count: int) -> list[T]:
    """Run `count` independent calls at once: image models refuse candidateCount > 1."""
    count = max(1, min(MAX_VARIANTS, count))
    if count == 1:
        return [make(0)]
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="variant") as pool:
        return list(pool.map(make, range(count)))
