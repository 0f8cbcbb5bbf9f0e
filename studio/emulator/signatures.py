"""Thought signatures: issue them on answers, enforce them on chat history.

Gemini 3 image models reject a conversation whose earlier model turns come back
without the opaque `thoughtSignature` they were issued. The emulator makes its
signatures an HMAC of the part's content, so a client that drops a signature,
moves it to another part, or re-encodes an image is caught the same way.

Positions in the error message are 0-based indexes into the request's
`contents` and that content's `parts`.
"""

from __future__ import annotations

import hashlib
import hmac

from .wire import WireContent, WirePart

_PREFIX = b"ISE1"  # makes the bytes look versioned and opaque, like the real ones
# Documented escape hatches the real API accepts for hand-built history.
DUMMY_SIGNATURES = frozenset(
    {b"skip_thought_signature_validator", b"context_engineering_is_the_way_to_go"}
)
DOCS_HINT = (
    "Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details."
)


class Signer:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, kind: bytes, payload: bytes) -> bytes:
        return _PREFIX + hmac.new(self._secret, kind + b"\0" + payload, hashlib.sha256).digest()

    def sign_text(self, text: str) -> bytes:
        return self._mac(b"text", text.encode("utf-8"))

    def sign_image(self, data: bytes) -> bytes:
        return self._mac(b"image", data)

    def _valid(self, expected: bytes, got: bytes | None) -> bool:
        if got is None:
            return False
        return got in DUMMY_SIGNATURES or hmac.compare_digest(expected, got)

    def _text_ok(self, run: list[WirePart]) -> bool:
        """A text signature covers the whole logical text part.

        When streaming, that text arrives in pieces and the SDK's chat keeps
        each piece as its own part, so accept the signature if it matches the
        first part alone or the first part joined with the pieces after it.
        """
        sig = run[0].signature
        if sig in DUMMY_SIGNATURES:
            return True
        if sig is None:
            return False
        text = ""
        for part in run:
            text += part.text or ""
            if hmac.compare_digest(self.sign_text(text), sig):
                return True
        return False

    def check_history(self, contents: list[WireContent]) -> str | None:
        """The 400 message for the first badly signed model part, else None."""
        turns: list[list[tuple[int, int, WirePart]]] = []
        prev_model = False
        for ci, content in enumerate(contents):
            is_model = content.role == "model"
            if is_model and not prev_model:
                turns.append([])
            if is_model:
                turns[-1].extend((ci, pi, p) for pi, p in enumerate(content.parts))
            prev_model = is_model
        for turn in turns:
            parts = [(ci, pi, p) for ci, pi, p in turn if not p.thought]
            seen_text = False
            for i, (ci, pi, part) in enumerate(parts):
                if part.is_image:
                    if not self._valid(self.sign_image(part.data or b""), part.signature):
                        return _missing("Image", ci, pi)
                elif part.text is not None:
                    must = not seen_text
                    seen_text = True
                    if not must and part.signature is None:
                        continue
                    run = [part]
                    for _, _, nxt in parts[i + 1 :]:
                        if nxt.text is None or nxt.signature is not None:
                            break
                        run.append(nxt)
                    if not self._text_ok(run):
                        return _missing("Text", ci, pi)
        return None


def _missing(kind: str, ci: int, pi: int) -> str:
    return (
        f"{kind} part is missing a thought_signature in content position {ci}, "
        f"part position {pi}. {DOCS_HINT}"
    )
