"""Plain-language messages for every way a Gemini answer can end or be refused."""

from __future__ import annotations

_REPHRASE = "Try rephrasing the prompt or changing the image."

FINISH_MESSAGES: dict[str, str] = {
    "MAX_TOKENS": "The answer was cut off at the output token limit (MAX_TOKENS). Ask for less, "
    "or for fewer scenes or steps.",
    "SAFETY": f"Gemini stopped the answer for safety reasons (SAFETY). {_REPHRASE}",
    "RECITATION": "Gemini stopped because the answer resembled existing material too closely "
    "(RECITATION).",
    "LANGUAGE": "Gemini stopped because the request's language is not supported (LANGUAGE).",
    "OTHER": "Gemini stopped the answer for an unspecified reason (OTHER). Try again.",
    "BLOCKLIST": "The answer contained a blocked term and was stopped (BLOCKLIST).",
    "PROHIBITED_CONTENT": "Gemini refused: the content is prohibited by its usage policy "
    "(PROHIBITED_CONTENT).",
    "SPII": "Gemini stopped because the answer may contain sensitive personal information (SPII).",
    "MALFORMED_FUNCTION_CALL": "Gemini produced a malformed function call "
    "(MALFORMED_FUNCTION_CALL).",
    "IMAGE_SAFETY": f"The image was withheld by Gemini's image safety filter (IMAGE_SAFETY). "
    f"{_REPHRASE}",
    "IMAGE_PROHIBITED_CONTENT": "Gemini refused to make this image: it would show prohibited "
    "content (IMAGE_PROHIBITED_CONTENT).",
    "IMAGE_OTHER": "Gemini could not make the image for an unspecified reason (IMAGE_OTHER). "
    "Try again.",
    "NO_IMAGE": "Gemini answered without an image (NO_IMAGE). Ask for an image explicitly, or "
    "rephrase the instruction.",
    "IMAGE_RECITATION": "The image was withheld because it resembled existing material too "
    "closely (IMAGE_RECITATION).",
    "UNEXPECTED_TOOL_CALL": "Gemini tried to call a tool this app does not offer "
    "(UNEXPECTED_TOOL_CALL).",
    "TOO_MANY_TOOL_CALLS": "Gemini made too many tool calls (TOO_MANY_TOOL_CALLS).",
    "MISSING_THOUGHT_SIGNATURE": "The conversation history lost a thought signature "
    "(MISSING_THOUGHT_SIGNATURE). Start a new conversation from the last image.",
    "MALFORMED_RESPONSE": "Gemini sent a malformed answer (MALFORMED_RESPONSE). Try again.",
    "MODEL_ARMOR": "The request was stopped by a Model Armor policy (MODEL_ARMOR).",
    "ESCALATION": "The request was stopped by an escalation rule on the account (ESCALATION).",
    "PUP_LIMITED_DISABLED": "Gemini stopped because this account is limited or disabled for "
    "Prohibited Use Policy violations (PUP_LIMITED_DISABLED). Check the account in Google AI "
    "Studio.",
    "FINISH_REASON_UNSPECIFIED": "Gemini ended the answer without saying why "
    "(FINISH_REASON_UNSPECIFIED). Try again.",
}

BLOCK_MESSAGES: dict[str, str] = {
    "SAFETY": f"Gemini refused the prompt for safety reasons (SAFETY). {_REPHRASE}",
    "OTHER": "Gemini refused the prompt for an unspecified reason (OTHER).",
    "BLOCKLIST": "The prompt contains a blocked term (BLOCKLIST).",
    "PROHIBITED_CONTENT": "Gemini refused the prompt: prohibited content (PROHIBITED_CONTENT).",
    "IMAGE_SAFETY": f"Gemini refused an input image for safety reasons (IMAGE_SAFETY). {_REPHRASE}",
    "MODEL_ARMOR": "The prompt was stopped by a Model Armor policy (MODEL_ARMOR).",
    "JAILBREAK": "Gemini refused the prompt as an attempt to get around its rules (JAILBREAK).",
    "BLOCKED_REASON_UNSPECIFIED": "Gemini refused the prompt without saying why.",
}

# Endings that are fine: the answer is complete.
_NORMAL = {"STOP", None}


def finish_message(finish_reason: str | None, block_reason: str | None) -> str | None:
    """The user-facing message for how an answer ended, or None when nothing needs saying."""
    if block_reason:
        return BLOCK_MESSAGES.get(
            block_reason, f"Gemini refused the prompt ({block_reason})."
        )
    if finish_reason in _NORMAL:
        return None
    return FINISH_MESSAGES.get(
        finish_reason or "",
        f"Gemini ended the answer for a reason this app does not know yet ({finish_reason}).",
    )
