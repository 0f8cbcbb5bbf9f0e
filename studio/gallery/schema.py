"""Item <-> row conversion for the `items` table (its schema: studio/gallery/migrations/)."""

from __future__ import annotations

import json
from typing import Any

from studio.gallery.records import ITEM_FIELDS, GalleryItem

# Every statement names its columns, so the table's column order never has to follow
# the dataclass: ITEM_FIELDS is both the SELECT list and the INSERT list.
ITEM_COLUMNS = ", ".join(ITEM_FIELDS)
SELECT_ITEMS = f"SELECT {ITEM_COLUMNS} FROM items"
INSERT_ITEM = (f"INSERT INTO items ({ITEM_COLUMNS}) "
               f"VALUES ({', '.join(':' + name for name in ITEM_FIELDS)})")
_JSON_FIELDS = {"tags", "settings", "grounding"}


def column_value(name: str, value: Any) -> Any:
    """A field's value as its column stores it: JSON text for lists/dicts, 0/1 for the flag."""
    if name in _JSON_FIELDS:
        return json.dumps(value, ensure_ascii=False)
    if name == "favourite":
        return int(bool(value))
    return value


def item_to_row(item: GalleryItem) -> tuple[Any, ...]:
    """Values in ITEM_FIELDS order, as the columns store them."""
    return tuple(column_value(name, getattr(item, name)) for name in ITEM_FIELDS)


def item_params(item: GalleryItem) -> dict[str, Any]:
    """The item as named parameters for INSERT_ITEM."""
    return dict(zip(ITEM_FIELDS, item_to_row(item), strict=True))


def item_from_row(row: Any) -> GalleryItem:
    """Inverse of item_to_row, for a row selected with ITEM_COLUMNS."""
    data = dict(zip(ITEM_FIELDS, row, strict=True))
    data["tags"] = json.loads(data["tags"] or "[]")
    data["settings"] = json.loads(data["settings"] or "{}")
    data["grounding"] = json.loads(data["grounding"] or "{}")
    data["favourite"] = bool(data["favourite"])
    return GalleryItem(**data)
