"""Find the ingredient list in a recipe answer: a Markdown table, or a bulleted list."""

from __future__ import annotations

import re

_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
_BULLET = re.compile(r"^\s*[-*•]\s+(.+)$")
_QTY_FIRST = re.compile(r"^(\d[\d/.,\s]*\s*(?:[a-zA-Z]+\b)?)\s+(?:of\s+)?(.+)$")


def _cells(line: str) -> list[str]:
    match = _ROW.match(line)
    if not match:
        return []
    return [c.strip().strip("*").strip() for c in match.group(1).split("|")]


def ingredient_rows(text: str) -> list[dict[str, str]]:
    """Rows of the first Markdown table (keyed by its header), else of a bullet list."""
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        header = _cells(line)
        if header and _RULE.match(lines[i + 1]):
            rows = []
            for row_line in lines[i + 2:]:
                cells = _cells(row_line)
                if not cells:
                    break
                cells += [""] * (len(header) - len(cells))
                rows.append(dict(zip(header, cells[: len(header)], strict=True)))
            if rows:
                return rows
    return _bullet_rows(lines)


def without_table(text: str) -> str:
    """The text with its first Markdown table removed (shown as a real table instead)."""
    lines = text.splitlines()
    for i, line in enumerate(lines[:-1]):
        if _cells(line) and _RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and _cells(lines[end]):
                end += 1
            return "\n".join(lines[:i] + lines[end:]).strip()
    return text


def _bullet_rows(lines: list[str]) -> list[dict[str, str]]:
    rows = []
    for line in lines:
        match = _BULLET.match(line)
        if not match:
            if rows:
                break
            continue
        item = match.group(1).strip()
        qty = _QTY_FIRST.match(item)
        if qty:
            rows.append({"Ingredient": qty.group(2).strip(), "Quantity": qty.group(1).strip()})
        else:
            rows.append({"Ingredient": item, "Quantity": ""})
    return rows
