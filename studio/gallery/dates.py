"""Timestamps as the gallery stores them: UTC ISO text, so text order equals time order."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def now_iso() -> str:
    """UTC timestamp in one fixed format, so text order equals time order in SQL."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def days_ago_iso(days: float) -> str:
    """The stored form of the moment `days` before now (purge cutoffs)."""
    return (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="microseconds")


def to_iso(value: str | date | datetime, end_of_day: bool = False) -> str:
    """Normalise a filter bound. A bare date means the whole day (until = next midnight)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    if not isinstance(value, datetime):
        day = value + timedelta(days=1) if end_of_day else value
        value = datetime.combine(day, time.min, tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def when(iso: str, *, time: bool = True) -> str:
    """'2026-12-01T14:05:09+00:00' -> '1 Dec 2026, 14:05 UTC' (or '1 Dec 2026')."""
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:16]
    day = f"{t.day} {t:%b %Y}"
    return f"{day}, {t:%H:%M} UTC" if time else day
