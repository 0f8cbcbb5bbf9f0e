"""Proofreading: edit distance, the score, the word diff, and OCR of the emulator's cards."""

from __future__ import annotations

import io

import pytest
from google.genai import types
from PIL import Image

from studio.emulator.textcards import render_text_card
from studio.emulator.textlayout import TextRoles, misspell
from studio.gemini.clients import NetworkSettings
from studio.gemini.offline import make_offline_client
from studio.making.prompts import TextBrief, text_prompt
from studio.proofread import (
    accuracy,
    edit_distance,
    normalise,
    ocr_status,
    proofread_image,
    proofreader,
    word_diff,
)

needs_ocr = pytest.mark.skipif(not ocr_status().available, reason=ocr_status().reason)

HEADLINE = "You're invited to Maya's 30th!"
BODY = "Join us for dinner, music and far too much cake."
DETAILS = "Saturday 12 December, 7 pm · The Glasshouse, 14 Harbour Street"
INTENDED = "\n".join((HEADLINE, BODY, DETAILS))


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("", "", 0), ("kitten", "sitting", 3), ("abc", "", 3), ("", "ab", 2), ("flaw", "lawn", 2),
])
def test_edit_distance_counts_single_character_edits(a, b, distance):
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_accuracy_is_one_minus_edits_over_the_intended_length():
    assert accuracy("Hello world", "Hello world") == 1.0
    assert accuracy("Hello world", "Hello wor1d") == pytest.approx(1 - 1 / 11)
    assert accuracy("Hello", "completely different and long") == 0.0
    assert accuracy("Line one\nline two", "Line one line  two") == 1.0, "layout is not text"


def test_look_alike_punctuation_is_folded_but_letters_are_not():
    assert normalise("It\u2019s 7 pm \u00b7 here") == "It's 7 pm - here"
    assert accuracy("Cafe", "cafe") < 1.0, "capitalisation matters to a proofreader"


def test_word_diff_names_replaced_missing_and_extra_words():
    ops = [(c.op, c.intended, c.read) for c in word_diff("a quick brown fox", "a quack fox jumps")]
    assert ops == [("equal", "a", "a"), ("replace", "quick brown", "quack"),
                   ("equal", "fox", "fox"), ("extra", "", "jumps")]
    assert ("missing", "brown", "") in [(c.op, c.intended, c.read)
                                        for c in word_diff("quick brown fox", "quick fox")]


def test_misspell_changes_exactly_one_letter_of_the_longest_word():
    wrong = misspell(HEADLINE)
    assert wrong != HEADLINE and edit_distance(wrong, HEADLINE) == 1
    assert wrong.split()[1] != "invited"


@needs_ocr
@pytest.mark.parametrize("fmt", ["invitation", "poster", "ad", "post", "menu", "card", "slide"])
def test_every_emulator_card_reads_back_as_written(fmt):
    card = render_text_card((1024, 1024), TextRoles(HEADLINE, BODY, [DETAILS]), fmt, "", 7)
    review = proofread_image(_png(card), INTENDED)
    assert review.score >= 0.98, review.read


@needs_ocr
def test_the_typo_directive_draws_a_wrong_letter_that_lowers_the_score():
    client = make_offline_client(NetworkSettings())
    brief = TextBrief("invitation", HEADLINE, BODY, DETAILS)

    def score(prompt: str) -> dict:
        answer = client.models.generate_content(
            model="gemini-2.5-flash-image", contents=prompt,
            config=types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"], seed=3))
        image = next(p.inline_data.data for p in answer.parts if p.inline_data)
        return proofreader(INTENDED)(image)

    clean, typo = score(text_prompt(brief)), score(text_prompt(brief) + " [fault:typo]")
    # OCR may read the middle dot as a colon in both; the typo costs exactly one more word
    assert clean["score"] >= 0.98
    assert typo["score"] < clean["score"] and typo["wrong_words"] == clean["wrong_words"] + 1
    assert ["replace", "invited", misspell(HEADLINE).split()[1]] in typo["diff"]


def test_an_image_ocr_cannot_open_is_a_finding_not_a_crash():
    review = proofreader("Hello")(b"not an image")
    assert review["score"] is None and "OCR failed" in review["error"]
