"""Comparing what was read back with what was meant: a score and a word-level diff."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# Typographic look-alikes OCR cannot tell apart, and a proofreader would not flag.
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "-", "\u2014": "-", "\u00b7": "-", "\u2022": "-"})


def normalise(text: str) -> str:
    """Fold look-alike punctuation and collapse whitespace (line breaks are layout)."""
    return " ".join(text.translate(_FOLD).split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions, one each."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def accuracy(intended: str, read: str) -> float:
    """Character accuracy, 1 - edit distance / intended length, floored at 0."""
    want, got = normalise(intended), normalise(read)
    if not want:
        return 1.0 if not got else 0.0
    return max(0.0, 1.0 - edit_distance(want, got) / len(want))


@dataclass(frozen=True)
class WordChange:
    """One step of the word diff: `op` is equal, replace, missing or extra."""

    op: str
    intended: str = ""
    read: str = ""


def word_diff(intended: str, read: str) -> list[WordChange]:
    want, got = normalise(intended).split(), normalise(read).split()
    changes: list[WordChange] = []
    matcher = difflib.SequenceMatcher(a=want, b=got, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        a, b = " ".join(want[i1:i2]), " ".join(got[j1:j2])
        op = {"equal": "equal", "replace": "replace", "delete": "missing",
              "insert": "extra"}[tag]
        changes.append(WordChange(op, a, b))
    return changes


@dataclass(frozen=True)
class Proofread:
    """One image proofread against its intended text."""

    score: float  # character accuracy, 0..1
    read: str  # what OCR found, normalised
    changes: tuple[WordChange, ...]
    seconds: float = 0.0

    @property
    def wrong_words(self) -> int:
        return sum(len(c.intended.split()) or len(c.read.split())
                   for c in self.changes if c.op != "equal")

    def to_record(self) -> dict[str, Any]:
        """The JSON kept with the image (settings["proofread"]) and exported with it."""
        return {"score": round(self.score, 4), "read": self.read,
                "wrong_words": self.wrong_words, "seconds": round(self.seconds, 2),
                "diff": [[c.op, c.intended, c.read] for c in self.changes]}


def proofread_text(intended: str, read: str, seconds: float = 0.0) -> Proofread:
    return Proofread(accuracy(intended, read), normalise(read),
                     tuple(word_diff(intended, read)), seconds)


def intended_text(lines: Iterable[str]) -> str:
    """The text an image should carry, in reading order."""
    return "\n".join(line for line in lines if line.strip())
