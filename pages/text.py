"""Text rendering: long, exact text inside images — invitations, ads, posts."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components import links, state
from components.collect import collect_button
from components.conversations import show_notices
from components.examples import example_buttons
from components.grounding import show_grounding
from components.prompt_library import prompt_tools
from components.proofread import best_first, score_of, show_proofread
from components.render import meta_line, required, show_image, show_message
from studio.gemini.settings import MAX_VARIANTS
from studio.making.prompts import TEXT_EXAMPLES, TEXT_FORMATS, TEXT_STYLES, TextBrief, text_prompt
from studio.making.variants import make_variants
from studio.making.wording import record
from studio.proofread import ocr_status, proofreader

PAGE = "text"

st.title(":material/text_fields: Text rendering")
st.caption("Gemini renders long, exact text inside images. Type the text by role; the prompt "
           "asks for it verbatim, and each result is read back by OCR and proofread against "
           "the intended text, best first.")
show_notices()
example_buttons(TEXT_EXAMPLES, key=PAGE)

with st.container(border=True):
    left, right = st.columns(2)
    fmt = left.selectbox("Format", TEXT_FORMATS, key="text_format", accept_new_options=True)
    style = right.selectbox("Style", TEXT_STYLES, key="text_style", accept_new_options=True)
    headline = st.text_input("Headline", key="text_headline", max_chars=200,
                             placeholder="You're invited to Maya's 30th!")
    body = st.text_area("Body", key="text_body", height=90, max_chars=1000)
    details = st.text_input("Details", key="text_details", max_chars=300,
                            placeholder="Saturday 12 December, 7 pm · The Glasshouse")
    # Variants live here, the one page that makes them (the chats make one answer a turn).
    count = st.slider("Variants", 1, MAX_VARIANTS, value=state.settings().variants,
                      key="variants", help="Image models make one image per call, so "
                      "variants run as parallel calls, each proofread.")
    settings = replace(state.settings(), variants=int(count))
    state.set_settings(settings)
    st.caption(f"Aspect ratio {settings.aspect_ratio} — change it in the sidebar.")
    read_only = state.read_only_reason()
    generate = st.button("Render the text", key="text_generate", type="primary",
                         icon=":material/play_arrow:", disabled=bool(read_only), help=read_only)
prompt_tools(PAGE, target="text_headline", max_chars=200,
             fields={"text_format": fmt, "text_style": style, "text_body": body or "",
                     "text_details": details or ""})

if generate and required(headline, "Type a headline first: it is the text to render."):
    brief = TextBrief(format=fmt or TEXT_FORMATS[0], headline=headline, body=body or "",
                      details=details or "", style=style or TEXT_STYLES[0])
    ocr = ocr_status()
    intended = "\n".join(text for _, text in brief.lines())
    with st.status(f"Rendering {settings.variants} variant(s) of your {brief.format}",
                   expanded=False) as status:
        batch = make_variants(
            state.client(), state.store(), state.catalog(), text_prompt(brief), settings,
            page=PAGE,
            engine=state.active_engine(), secrets=state.secrets_in_use(),
            # headline first: the gallery captions an image with its first input
            extra={"inputs": {"text_headline": brief.headline, "text_body": brief.body,
                              "text_details": brief.details, "text_format": brief.format,
                              "text_style": brief.style},
                   **record(brief.headline, brief.headline)},
            review=proofreader(intended) if ocr.available else None, review_key="proofread",
        )
        failed = sum(1 for v in batch.variants if not v.items)
        status.update(label=f"{len(batch.variants) - failed} of {len(batch.variants)} "
                      "variant(s) rendered", state="error" if failed else "complete")
    state.add_text_result(brief, batch.without_image_bytes())  # the bytes stay in the gallery

links.follow_text_results()  # a reload or a link brings the latest back from the gallery
batches = state.text_results()
if batches:
    brief, batch = batches[0]
    ocr = ocr_status()
    unavailable = None if ocr.available else f"Proofreading is unavailable: {ocr.reason}."
    st.subheader(f"Your {brief.format}", anchor=False)
    # The intended text spans the page above the variants, so it never wraps mid-word.
    with st.container(border=True):
        st.markdown("**Intended text**")
        for role, text in brief.lines():
            st.caption(role)
            st.text(text)
    if unavailable:
        st.info(f"{unavailable} Compare the text by eye.", icon=":material/spellcheck:")
    for rank, (index, variant) in enumerate(best_first(batch.variants)):
        score = score_of(variant)
        best = " · best match" if rank == 0 and score is not None and len(batch.variants) > 1 else ""
        with st.container(border=True):
            st.markdown(f"**Variant {index + 1}**{best}")
            picture, proof = st.columns(2, gap="medium")
            with picture:
                for item in variant.items:
                    show_image(state.store().item_image(item), item.mime)
                show_message(variant.result.message, error_kind=variant.result.error.kind
                             if variant.result.error else None)
                meta_line(variant.facts)
                if variant.result.grounding:
                    show_grounding(variant.result.grounding.to_record())
                collect_button([i.id for i in variant.items], key=f"text_collect_{index}")
            with proof:
                show_proofread(variant.review if variant.items else None, unavailable)
    if len(batches) > 1:
        st.caption(f"{len(batches) - 1} earlier batch(es) this session are in the Gallery.")
