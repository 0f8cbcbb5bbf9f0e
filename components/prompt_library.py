"""The prompt library on every page: "Use a saved prompt" fills the page's prompt widget
(with a field for each {variable}), "Save prompt" keeps the one typed there by name.

Both are popovers beside the page's form. Filling happens in button callbacks, which run
before the page draws its widgets, so the prompt widget can still be given a value.
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
    kind = "example" if prompt.curated else "saved"
    return f"{prompt.name} · {PAGE_LABELS.get(prompt.page, prompt.page)} {kind}"


# --- callbacks: they run before the page is drawn ------------------------------------------

def _chosen(page: str) -> SavedPrompt | None:
    prompt_id = state.widget_value(f"pl_pick_{page}")
    return state.prompt_library().get(prompt_id) if prompt_id else None


def _use(page: str, target: str, max_chars: int | None) -> None:
    prompt = _chosen(page)
    if prompt is None:
        state.notify("error", "That saved prompt no longer exists.")
        return
    values = {v: str(state.widget_value(f"pl_var_{page}_{v}", "") or "").strip()
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
    state.set_widgets({f"pl_use_open_{page}": False})
    left = [v for v in prompt.variables if not values.get(v)]
    state.notify("info", f"“{prompt.name}” is in the prompt box"
                 + (f"; fill in {', '.join('{' + v + '}' for v in left)} there." if left
                    else ": adjust it if you like, then run it."))


def _add_row(prompts: list[str]) -> None:
    """The Lab: a saved prompt becomes a new row, its variables' example values filled in."""
    prompt = _chosen("lab")
    if prompt is None:
        state.notify("error", "That saved prompt no longer exists.")
        return
    state.set_lab_rows([*prompts, prompt.model_prompt()])
    for name in prompt.variables:
        if not state.widget_value(f"lab_var_{name}") and prompt.values.get(name):
            state.set_widgets({f"lab_var_{name}": ", ".join(prompt.values[name])})
    state.set_widgets({"pl_use_open_lab": False})
    state.notify("success", f"“{prompt.name}” was added as prompt row {len(prompts) + 1}.")


def _delete(page: str) -> None:
    prompt = _chosen(page)
    if prompt is not None and not prompt.curated and state.prompt_library().delete(prompt.id):
        state.clear_widget(f"pl_pick_{page}")
        state.notify("success", f"Deleted “{prompt.name}” from your prompts.")


def _save(page: str, text_key: str, fields: Mapping[str, Any], variables: list[str],
          values: Mapping[str, list[str]] | None) -> None:
    name = str(state.widget_value(f"pl_save_name_{page}", "") or "")
    text = str(state.widget_value(text_key, "") or "")
    given = values if values is not None else {
        v: split_values(str(state.widget_value(f"pl_save_vals_{page}_{v}", "") or ""))
        for v in variables}
    try:
        saved = state.prompt_library().save(name, text, page=page, fields=fields, values=given)
    except PromptLibraryError as exc:
        state.notify("error", str(exc))
        return
    state.clear_widget(f"pl_save_name_{page}")
    state.set_widgets({f"pl_save_open_{page}": False})
    state.notify("success", f"Saved “{saved.name}”: use it from “Use a saved prompt” on any "
                 "page or in the Prompt Lab.")


# --- the two popovers --------------------------------------------------------------------------

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


def _use_popover(page: str, target: str, max_chars: int | None) -> None:
    with st.popover("Use a saved prompt", icon=":material/bookmarks:",
                    key=f"pl_use_open_{page}", on_change="rerun"):
        prompt = _picker(page)
        if prompt is None:
            return
        for name in prompt.variables:
            examples = prompt.values.get(name, [])
            state.init_widgets({f"pl_var_{page}_{name}": examples[0] if examples else ""})
            st.text_input(f"{{{name}}}", key=f"pl_var_{page}_{name}",
                          placeholder=", ".join(examples[:3]) or "a value",
                          help="Examples: " + "; ".join(examples) if examples else None)
        left, right = st.columns([2, 1])
        left.button("Use it", key=f"pl_use_{page}", type="primary", icon=":material/input:",
                    on_click=_use, args=(page, target, max_chars), width="stretch")
        if not prompt.curated:
            right.button("Delete", key=f"pl_delete_{page}", icon=":material/delete:",
                         on_click=_delete, args=(page,), width="stretch")


def _save_popover(page: str, text: str, fields: Mapping[str, Any]) -> None:
    read_only = state.read_only_reason()
    with st.popover("Save prompt", icon=":material/bookmark_add:", disabled=bool(read_only),
                    help=read_only, key=f"pl_save_open_{page}", on_change="rerun"):
        st.text_input("Name", key=f"pl_save_name_{page}", max_chars=80,
                      placeholder="Bedtime story, launch poster…")
        key = f"pl_save_text_{page}"
        state.follow_widget(key, text)
        saved_text = st.text_area(
            "Prompt", key=key, height=100,
            help="Write {name} where a word should change each time, e.g. “a {animal} who "
                 "loves the stars”: using the prompt asks for it, and the Lab crosses its values.")
        kept = {k: v for k, v in fields.items() if k in FIELDS.get(page, ())}
        probe = SavedPrompt(name="", text=saved_text or "", page=page, fields=dict(kept))
        for name in probe.variables:
            st.text_input(f"Example values for {{{name}}} (comma-separated)",
                          key=f"pl_save_vals_{page}_{name}")
        about = _describe(probe)
        if about:
            st.caption(f"Saved with it: {safe_markdown(about)}")
        st.button("Save", key=f"pl_save_{page}", type="primary", icon=":material/bookmark_add:",
                  on_click=_save, args=(page, key, kept, probe.variables, None))


def prompt_tools(page: str, *, target: str, text: str | None = None,
                 fields: Mapping[str, Any] | None = None, max_chars: int | None = None) -> None:
    """Both popovers for a page whose prompt widget has the key `target`. `text` is the
    prompt to offer for saving (default: what `target` holds); `fields` the page's other
    inputs, saved with it and restored when it is used on the same page."""
    source = text if text is not None else str(state.widget_value(target, "") or "")
    use, save, _ = st.columns([1, 1, 3])
    with use:
        _use_popover(page, target, max_chars)
    with save:
        _save_popover(page, source, fields or {})


def lab_prompt_tools(prompts: list[str], variables: Mapping[str, list[str]]) -> None:
    """The Lab's side: add a saved prompt as a row, save one of the rows."""
    use, save, _ = st.columns([1, 1, 3])
    with use, st.popover("Use a saved prompt", icon=":material/bookmarks:",
                         key="pl_use_open_lab", on_change="rerun"):
        prompt = _picker("lab")
        if prompt is not None:
            if prompt.variables:
                st.caption("Its variables and their example values come with it: "
                           + "; ".join(f"{{{v}}} = {', '.join(prompt.values.get(v, [])) or '…'}"
                                       for v in prompt.variables))
            left, right = st.columns([2, 1])
            left.button("Add as a prompt row", key="pl_use_lab", type="primary",
                        icon=":material/playlist_add:", on_click=_add_row, args=(list(prompts),),
                        width="stretch")
            if not prompt.curated:
                right.button("Delete", key="pl_delete_lab", icon=":material/delete:",
                             on_click=_delete, args=("lab",), width="stretch")
    read_only = state.read_only_reason()
    with save, st.popover("Save prompt", icon=":material/bookmark_add:", disabled=bool(read_only),
                          help=read_only, key="pl_save_open_lab", on_change="rerun"):
        if not prompts:
            st.caption("Write a prompt row first.")
            return
        row = st.selectbox("Row", list(range(len(prompts))), key="pl_save_row_lab",
                           format_func=lambda i: f"{i + 1}: {prompts[i][:60]}")
        st.text_input("Name", key="pl_save_name_lab", max_chars=80)
        key = "pl_save_text_lab"
        state.follow_widget(key, prompts[row if row is not None and row < len(prompts) else 0])
        st.text_area("Prompt", key=key, height=100)
        st.caption("The values of its variables are saved with it.")
        st.button("Save", key="pl_save_lab", type="primary", icon=":material/bookmark_add:",
                  on_click=_save, args=("lab", key, {}, [], dict(variables)))
