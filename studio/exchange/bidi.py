"""Bidirectional control characters made visible, so they cannot reorder what is shown.

U+202A-202E (embeddings and overrides) and U+2066-2069 (isolates) in a prompt or a model's
text could make a page or an export display text in another order than it was written
("Trojan Source"). Each is replaced by a visible marker naming it; other text is kept.
"""

from __future__ import annotations

import re

_NAMES = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
          "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI"}
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def visible_bidi(text: str) -> str:
    """`text` with every bidi control replaced by a marker such as ⟦RLO⟧."""
    return _CONTROLS.sub(lambda m: f"⟦{_NAMES[m.group(0)]}⟧", text)
