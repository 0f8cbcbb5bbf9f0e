"""The prompt library on every page: "Use a saved prompt" fills the page's prompt widget
(with a field for each {variable}), "Save prompt" keeps the one typed there by name.

Both open a dialog beside the page's form; which one is open is kept in the session
(components/state.py), so it survives the reruns its own widgets cause. Filling happens in
button callbacks, which run before the page draws its widgets, so the prompt widget can
still be given a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components import state
from components.render import safe_markdown
from studio.making.prompt_library import (
    FIELDS,
    PromptLibraryError,
    SavedPrompt,
    curated_prompts,
    split_values,
)

PAGE_LABELS = {"story": "Story", "edit": "Editing", "recipe": "Recipe", "text": "Text",
               "lab": "Prompt Lab"}
_FIELD_LABELS = {
    "story_style": "{} style", "story_scenes": "{} scenes", "recipe_servings": "{} servings",
    "recipe_diets": "{}", "text_format": "{}", "text_style": "{} style",
    "text_body": "body “{}”", "text_details": "details “{}”",
}


def _describe(prompt: SavedPrompt) -> str:
    """The page inputs that come with a prompt, in a line."""
    parts = []
    for key, value in prompt.fields.items():
        if value in (None, "", []):
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        parts.append(_FIELD_LABELS.get(key, "{}").format(shown))
    return " · ".join(parts)


def _ordered(page: str) -> tuple[list[SavedPrompt], str | None]:
    """Your prompts first, then the curated examples, this page's before the others; and
    what went wrong reading the file, if anything."""
    library = state.prompt_library()
    mine = library.mine()
    curated = list(curated_prompts())
    return [*mine, *sorted(curated, key=lambda p: p.page != page)], library.problem


def _label(prompt: SavedPrompt) -> str:
    page = PAGE_LABELS.get(prompt.page, prompt.page)
    return f"{prompt.name} · {page} example" if prompt.curated else f"{prompt.name} · yours, from {page}"


# --- callbacks: they run before the page is drawn ------------------------------------------

def _chosen(page: str) -> SavedPrompt | None:
    prompt_id = state.widget_value(f"pl_pick_{page}")
    return state.prompt_library().get(prompt_id) if prompt_id else None


def _var_key(page: str, prompt: SavedPrompt, name: str) -> str:
    return f"pl_var_{page}_{prompt.id}_{name}"


def _use(page: str, target: str, max_chars: int | None) -> None:
    state.open_prompt_dialog(None)
    prompt = _chosen(page)
    if prompt is None:
        state.notify("error", "That saved prompt no longer exists.")
        return
    values = {v: str(state.widget_value(_var_key(page, prompt, v), "") or "").strip()
              for v in prompt.variables}
    filled = prompt.filled(values)
    text = filled.text
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars]
        state.notify("info", f"The prompt was cut to this field's {max_chars} characters.")
    widgets: dict[str, Any] = {target: text}
    if prompt.page == page:  # the page's own inputs come with it (style, scenes, body...)
        widgets.update(filled.fields)
    state.set_widgets(widgets)
    left = [v for v in prompt.variables if not values.get(v)]
    state.notify("info", f"“{prompt.name}” is in the prompt box"
                 + (f"; fill in {', '.join('{' + v + '}' for v in left)} there." if left
                    else ": adjust it if you like, then run it."))


def _add_row(prompts: list[str]) -> None:
    """The Lab: a saved prompt becomes a new row, its variables' example values filled in."""
    state.open_prompt_dialog(None)
    prompt = _chosen("lab")
    if prompt is None:
        state.notify("error", "That saved prompt no longer exists.")
        return
    state.set_lab_rows([*prompts, prompt.model_prompt()])
    for name in prompt.variables:
        if not state.widget_value(f"lab_var_{name}") and prompt.values.get(name):
            state.set_widgets({f"lab_var_{name}": ", ".join(prompt.values[name])})
    state.notify("success", f"“{prompt.name}” was added as prompt row {len(prompts) + 1}.")


def _delete(page: str) -> None:
    prompt = _chosen(page)
    if prompt is not None and not prompt.curated and state.prompt_library().delete(prompt.id):
        state.clear_widget(f"pl_pick_{page}")
        state.notify("success", f"Deleted “{prompt.name}” from your prompts.")


def _save(page: str, fields: Mapping[str, Any], values: Mapping[str, list[str]] | None) -> None:
    name = str(state.widget_value(f"pl_save_name_{page}", "") or "")
    text = str(state.widget_value(f"pl_save_text_{page}", "") or "")
    probe = SavedPrompt(name="", text=text, page=page, fields=dict(fields))
    given = values if values is not None else {
        v: split_values(str(state.widget_value(f"pl_save_vals_{page}_{v}", "") or ""))
        for v in probe.variables}
    try:
        saved = state.prompt_library().save(name, text, page=page, fields=fields, values=given)
    except PromptLibraryError as exc:
        state.notify("error", str(exc))  # the dialog stays open, with what was typed
        return
    state.open_prompt_dialog(None)
    state.clear_widget(f"pl_save_name_{page}")
    state.notify("success", f"Saved “{saved.name}”: use it from “Use a saved prompt” on any "
                 "page or in the Prompt Lab.")


def _pick_row(prompts: list[str]) -> None:
    row = state.widget_value("pl_save_row_lab")
    if isinstance(row, int) and 0 <= row < len(prompts):
        state.set_widgets({"pl_save_text_lab": prompts[row]})


def _close() -> None:
    state.open_prompt_dialog(None)


# --- the dialogs -----------------------------------------------------------------------------

def _picker(page: str) -> SavedPrompt | None:
    prompts, problem = _ordered(page)
    ids = [p.id for p in prompts]
    by_id = {p.id: p for p in prompts}
    if state.widget_value(f"pl_pick_{page}") not in ids:
        state.clear_widget(f"pl_pick_{page}")
    chosen = st.selectbox("Saved prompt", ids, key=f"pl_pick_{page}",
                          format_func=lambda i: _label(by_id[i]))
    prompt = by_id.get(chosen)
    if prompt is not None:
        st.markdown(f"> {safe_markdown(prompt.text)}")
        about = _describe(prompt)
        if about:
            st.caption(f"With {safe_markdown(about)}" + ("" if prompt.page == page else
                       f" (on the {PAGE_LABELS.get(prompt.page, prompt.page)} page)"))
    if problem:
        st.warning(problem, icon=":material/warning:")
    return prompt


def _notices() -> None:
    """A refused save says why inside the dialog, where the user is looking."""
    for kind, message in state.take_notices():
        (st.error if kind == "error" else st.info)(message)


@st.dialog("Use a saved prompt", width="medium", on_dismiss=_close)
def _use_dialog(page: str, target: str, max_chars: int | None) -> None:
    prompt = _picker(page)
    if prompt is None:
        return
    for name in prompt.variables:
        examples = prompt.values.get(name, [])
        st.text_input(f"{{{name}}}", value=examples[0] if examples else "",
                      key=_var_key(page, prompt, name),
                      help=("Examples: " + "; ".join(examples)) if examples else None)
    left, right = st.columns([3, 1])
    if left.button("Use it", key=f"pl_use_{page}", type="primary", icon=":material/input:",
                   on_click=_use, args=(page, target, max_chars), width="stretch"):
        st.rerun()  # the whole page, so the prompt box shows what was filled in
    if not prompt.curated and right.button("Delete", key=f"pl_delete_{page}",
                                           icon=":material/delete:", on_click=_delete,
                                           args=(page,), width="stretch"):
        st.rerun(scope="fragment")


@st.dialog("Save prompt", width="medium", on_dismiss=_close)
def _save_dialog(page: str, fields: Mapping[str, Any]) -> None:
    _notices()
    st.text_input("Name", key=f"pl_save_name_{page}", max_chars=80,
                  placeholder="Bedtime story, launch poster…")
    text = st.text_area(
        "Prompt", key=f"pl_save_text_{page}", height=110,
        help="Write {name} where a word should change each time, e.g. “a {animal} who "
             "loves the stars”: using the prompt asks for it, and the Lab crosses its values.")
    probe = SavedPrompt(name="", text=text or "", page=page, fields=dict(fields))
    for name in probe.variables:
        st.text_input(f"Example values for {{{name}}} (comma-separated)",
                      key=f"pl_save_vals_{page}_{name}")
    about = _describe(probe)
    if about:
        st.caption(f"Saved with it: {safe_markdown(about)}")
    if st.button("Save", key=f"pl_save_{page}", type="primary", icon=":material/bookmark_add:",
                 on_click=_save, args=(page, dict(fields), None)) and not state.prompt_dialog():
        st.rerun()  # saved: close the dialog (a refusal keeps it open and says why)


@st.dialog("Use a saved prompt in the Lab", width="medium", on_dismiss=_close)
def _lab_use_dialog(prompts: list[str]) -> None:
    prompt = _picker("lab")
    if prompt is None:
        return
    if prompt.variables:
        st.caption("Its variables come with it, with their example values: "
                   + "; ".join(f"{{{v}}} = {', '.join(prompt.values.get(v, [])) or '…'}"
                               for v in prompt.variables))
    left, right = st.columns([3, 1])
    if left.button("Add as a prompt row", key="pl_use_lab", type="primary",
                   icon=":material/playlist_add:", on_click=_add_row, args=(list(prompts),),
                   width="stretch"):
        st.rerun()
    if not prompt.curated and right.button("Delete", key="pl_delete_lab",
                                           icon=":material/delete:", on_click=_delete,
                                           args=("lab",), width="stretch"):
        st.rerun(scope="fragment")


@st.dialog("Save a prompt row", width="medium", on_dismiss=_close)
def _lab_save_dialog(prompts: list[str], variables: Mapping[str, list[str]]) -> None:
    _notices()
    if len(prompts) > 1:
        st.selectbox("Row", list(range(len(prompts))), index=len(prompts) - 1,
                     key="pl_save_row_lab", format_func=lambda i: f"{i + 1}: {prompts[i][:70]}",
                     on_change=_pick_row, args=(prompts,))
    st.text_input("Name", key="pl_save_name_lab", max_chars=80)
    st.text_area("Prompt", key="pl_save_text_lab", height=110)
    used = [v for v in variables if "{" + v + "}" in str(state.widget_value("pl_save_text_lab"))]
    if used:
        st.caption("Saved with the Lab's values of " + ", ".join(f"{{{v}}}" for v in used) + ".")
    if st.button("Save", key="pl_save_lab", type="primary", icon=":material/bookmark_add:",
                 on_click=_save, args=("lab", {}, dict(variables))) and not state.prompt_dialog():
        st.rerun()


# --- the buttons beside each page's form -----------------------------------------------------

def _buttons(page: str, save_widgets: dict[str, Any]) -> None:
    read_only = state.read_only_reason()
    use, save, _ = st.columns([1, 1, 3])
    use.button("Use a saved prompt", key=f"pl_use_open_{page}", icon=":material/bookmarks:",
               on_click=state.open_prompt_dialog, args=(f"use:{page}",), width="stretch")
    save.button("Save prompt", key=f"pl_save_open_{page}", icon=":material/bookmark_add:",
                on_click=state.open_prompt_dialog, args=(f"save:{page}", save_widgets),
                disabled=bool(read_only), help=read_only, width="stretch")


def prompt_tools(page: str, *, target: str, text: str | None = None,
                 fields: Mapping[str, Any] | None = None, max_chars: int | None = None) -> None:
    """The library for a page whose prompt widget has the key `target`. `text` is the prompt
    offered for saving (default: what `target` holds); `fields` the page's other inputs,
    saved with it and restored when it is used on the same page."""
    source = text if text is not None else str(state.widget_value(target, "") or "")
    _buttons(page, {f"pl_save_text_{page}": source})
    kept = {k: v for k, v in (fields or {}).items() if k in FIELDS.get(page, ())}
    opened = state.prompt_dialog()
    if opened == f"use:{page}":
        _use_dialog(page, target, max_chars)
    elif opened == f"save:{page}":
        _save_dialog(page, kept)


def lab_prompt_tools(prompts: list[str], variables: Mapping[str, list[str]]) -> None:
    """The Lab's side: add a saved prompt as a row, save one of the rows."""
    _buttons("lab", {"pl_save_text_lab": prompts[-1] if prompts else ""})
    opened = state.prompt_dialog()
    if opened == "use:lab":
        _lab_use_dialog(list(prompts))
    elif opened == "save:lab":
        _lab_save_dialog(list(prompts), dict(variables))
