"""Estimated costs as people read them: "$0.039", not 0.039000000000000004."""

from __future__ import annotations


def format_usd(value: float | None) -> str:
    """Dollars with the decimals that matter: $12.40, $0.97, $0.039, $0.0004; '' for unknown."""
    if value is None:
        return ""
    if value == 0:
        return "$0"
    if abs(value) >= 0.1:
        return f"${value:,.2f}"
    if abs(value) >= 0.01:
        return f"${value:.3f}"
    return f"${value:.4f}"
