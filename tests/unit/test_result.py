from __future__ import annotations

import io

from google.genai import types
from PIL import Image

from studio.gemini.results import (
    ImagePart,
    ResultBuilder,
    TextPart,
    ThoughtPart,
    result_from_response,
)


def _png(size=(30, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "PNG")
    return out.getvalue()


def _chunk(*parts: types.Part, finish: str | None = None, usage: int | None = None):
    return types.GenerateContentResponse(
        candidates=[types.Candidate(content=types.Content(role="model", parts=list(parts)),
                                    finish_reason=finish)],
        usage_metadata=types.GenerateContentResponseUsageMetadata(
            prompt_token_count=10, candidates_token_count=usage, total_token_count=usage)
        if usage else None,
        model_version="m-001",
    )


def test_stream_pieces_merge_into_ordered_typed_parts() -> None:
    builder = ResultBuilder("m")
    builder.add(_chunk(types.Part(text="thinking…", thought=True)))
    builder.add(_chunk(types.Part(text="**Scene 1.** A tur")))
    builder.add(_chunk(types.Part(text="tle.")))
    builder.add(_chunk(types.Part.from_bytes(data=_png(), mime_type="image/png")))
    builder.add(_chunk(types.Part(text="The end."), finish="STOP", usage=1300))
    result = builder.result
    assert [type(p) for p in result.parts] == [ThoughtPart, TextPart, ImagePart, TextPart]
    assert result.texts[0].text == "**Scene 1.** A turtle."
    assert (result.images[0].width, result.images[0].height) == (30, 20)
    assert result.finish_reason == "STOP" and result.ok and result.message is None
    assert result.usage.output_tokens == 1300 and result.model_version == "m-001"


def test_interim_thought_images_are_not_part_of_the_answer() -> None:
    draft = types.Part.from_bytes(data=_png(), mime_type="image/png")
    draft.thought = True
    result = result_from_response("m", _chunk(draft, types.Part(text="done"), finish="STOP"))
    assert result.images == [] and result.text == "done"


def test_a_blocked_prompt_is_a_result_with_a_message_not_an_exception() -> None:
    response = types.GenerateContentResponse(
        prompt_feedback=types.GenerateContentResponsePromptFeedback(block_reason="SAFETY"))
    result = result_from_response("m", response)
    assert result.block_reason == "SAFETY" and not result.ok
    assert "refused the prompt" in (result.message or "")


def test_a_finish_without_image_is_explained_and_text_kept() -> None:
    result = result_from_response("m", _chunk(types.Part(text="I can't draw that."),
                                              finish="NO_IMAGE"))
    assert result.text == "I can't draw that." and "NO_IMAGE" in (result.message or "")
