"""What a gallery view asks for; studio/gallery/search.py turns it into SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass
class GalleryFilter:
    """Every field left at None/False narrows nothing; set fields must all hold."""

    page: str | None = None
    model: str | None = None
    favourite: bool | None = None
    text: str | None = None  # substring of prompt or model text
    since: str | date | datetime | None = None
    until: str | date | datetime | None = None
    tags: list[str] | None = None  # items carrying every one of these tags
    ids: list[str] | None = None
    conversation_id: str | None = None
    made_by: str | None = None  # items made by this signed-in user ("mine")
    include_deleted: bool = False
    only_deleted: bool = False  # the trash view
