"""Usage: what the work so far has cost, in tokens, dollars and time, by model and page."""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from components import state
from studio.gallery.usage import usage

RANGES = {"7 days": 7, "30 days": 30, "90 days": 90, "All time": None}

st.title(":material/monitoring: Usage")
st.caption("Summed from the gallery's own records: every image made, with the tokens, "
           "estimated cost and wait of the call that made it (deleted images included).")
span = st.segmented_control("Range", list(RANGES), default="30 days", key="usage_range") \
    or "30 days"
days = RANGES[span]
since = (date.today() - timedelta(days=days - 1)).isoformat() if days else None
rows = usage(state.store(), since)
if not rows:
    st.info("Nothing made in this range yet.", icon=":material/monitoring:")
    st.stop()

frame = pd.DataFrame([asdict(r) for r in rows])
spent = float(frame["cost_usd"].sum())
left, mid, right, far = st.columns(4)
left.metric("Images", f"{int(frame['images'].sum()):,}")
mid.metric("Estimated cost", f"${spent:,.2f}")
right.metric("Tokens in / out", f"{int(frame['prompt_tokens'].sum()):,} / "
             f"{int(frame['output_tokens'].sum()):,}")
latency = frame["mean_latency_ms"].dropna()
far.metric("Mean wait", f"{latency.mean() / 1000:.1f} s" if len(latency) else "—")
try:
    budget = float(os.environ["STUDIO_BUDGET_USD"])
except (KeyError, ValueError):
    budget = None
if budget is not None:
    st.progress(min(1.0, spent / budget) if budget > 0 else 1.0,
                text=f"${spent:,.2f} of the ${budget:,.2f} budget (STUDIO_BUDGET_USD)")

by_day = frame.pivot_table(index="day", columns="model", values="cost_usd", aggfunc="sum",
                           fill_value=0.0)
st.subheader("Estimated cost per day, by model", anchor=False)
st.bar_chart(by_day, y_label="USD")
st.subheader("Images by page", anchor=False)
st.bar_chart(frame.groupby("page")["images"].sum(), y_label="images")
st.subheader("Every day, model and page", anchor=False)
st.dataframe(frame, hide_index=True, width="stretch",
             column_config={"cost_usd": st.column_config.NumberColumn("Cost (USD)",
                                                                      format="$%.4f"),
                            "mean_latency_ms": st.column_config.NumberColumn(
                                "Mean wait (ms)", format="%.0f")})
st.download_button("Download as CSV", data=frame.to_csv(index=False), file_name="usage.csv",
                   mime="text/csv", key="usage_csv", icon=":material/download:")
