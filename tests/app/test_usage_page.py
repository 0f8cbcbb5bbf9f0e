"""The usage page adds up to exactly what the gallery holds."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from studio.gallery.records import NewItem
from tests.app.conftest import assert_clean


def _keep(gallery, page: str, model: str, cost: float, tokens: int, engine: str = "offline"):
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (len(page) * 20, int(cost * 1000) % 255, 9)).save(buf, "PNG")
    return gallery.add_image(buf.getvalue(), "image/png", NewItem(
        page=page, prompt=f"{page} {cost}", model=model, engine=engine, cost_usd=cost,
        prompt_tokens=tokens, output_tokens=1290, latency_ms=800))


def test_the_totals_and_the_csv_equal_the_sums_of_the_gallery_rows(
        open_page, gallery, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STUDIO_BUDGET_USD", "1")
    made = [_keep(gallery, "story", "model-a", 0.0387, 300), _keep(gallery, "text", "model-b", 0.134, 70),
            _keep(gallery, "text", "model-b", 0.134, 75)]
    _keep(gallery, "edit", "", 0.0, 0, engine="upload")  # an upload costs nothing: left out
    gallery.delete(made[0].id)  # deleted, but it was paid for
    at = open_page("usage")
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Images"] == "3"
    assert metrics["Estimated cost"] == f"${sum(i.cost_usd for i in made):,.2f}"
    assert metrics["Tokens in / out"] == "445 / 3,870"
    frame = at.dataframe[0].value
    assert frame["cost_usd"].sum() == pytest.approx(sum(i.cost_usd for i in made))
    assert set(frame["page"]) == {"story", "text"}
    assert any("of the $1.00 budget" in (p.proto.text or "") for p in at.get("progress"))
