"""Proofreading beside each text-rendering variant: its score and a word-level diff."""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import streamlit as st

from studio.making.variants import Variant

_PUNCTUATION = set(string.punctuation)


def _md(text: str) -> str:
    """Literal text inside Streamlit markdown: every ASCII punctuation mark escaped."""
    return "".join(f"\\{c}" if c in _PUNCTUATION else c for c in text)


def score_of(variant: Variant) -> float | None:
    review = variant.review or {}
    score = review.get("score")
    return float(score) if isinstance(score, int | float) else None


def best_first(variants: Sequence[Variant]) -> list[tuple[int, Variant]]:
    """(original index, variant), highest score first; unscored ones keep their order last."""
    indexed = list(enumerate(variants))
    return sorted(indexed, key=lambda iv: (score_of(iv[1]) is None, -(score_of(iv[1]) or 0)))


def diff_markdown(diff: Sequence[Sequence[str]]) -> str:
    """The text as read, wrong words marked: what the image says, and what was meant."""
    out: list[str] = []
    for op, intended, got in diff:
        if op == "equal":
            out.append(_md(got))
        elif op == "replace":
            out.append(f":red-background[{_md(got)}] :green[({_md(intended)})]")
        elif op == "missing":
            out.append(f":orange-background[~~{_md(intended)}~~]")
        else:
            out.append(f":violet-background[+{_md(got)}]")
    return " ".join(out)


def show_proofread(review: dict[str, Any] | None, unavailable: str | None) -> None:
    """The score, then the words the image got wrong."""
    if unavailable:
        return
    if not review:
        st.caption("No image to proofread.")
        return
    score = review.get("score")
    if score is None:
        st.warning(review.get("error") or "Could not read this image back.",
                   icon=":material/text_select_jump_to_end:")
        return
    wrong = int(review.get("wrong_words", 0))
    verdict = "reads exactly as intended" if wrong == 0 else f"{wrong} word(s) differ"
    st.metric("Text accuracy", f"{score:.0%}", help="Characters read back by OCR that match "
              "the intended text: 1 − edit distance ÷ length.")
    st.caption(f"Read back by OCR: {verdict}.")
    st.markdown(diff_markdown(review.get("diff", [])))
    if wrong:
        st.caption(":red-background[as read] :green[(intended)] · "
                   ":orange-background[~~missing~~] · :violet-background[+extra]")
