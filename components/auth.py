"""Sign-in: when `.streamlit/secrets.toml` has an `[auth]` section, nothing is shown until
the visitor signs in through OpenID Connect (Streamlit's `st.login`); without one, the app
is as open as before. Who is signed in is recorded on everything they make."""

from __future__ import annotations

from typing import Any

import streamlit as st

PROVIDER_KEYS = ("client_id", "server_metadata_url")


def _auth_section() -> dict[str, Any]:
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file at all: the normal single-user case
        return {}
    return dict(section) if section else {}


def sign_in_required() -> bool:
    return bool(_auth_section())


def providers() -> list[str | None]:
    """None for the provider configured in [auth] itself, else the names of [auth.<name>]."""
    section = _auth_section()
    if all(key in section for key in PROVIDER_KEYS):
        return [None]
    return [name for name, value in section.items()
            if isinstance(value, dict) or hasattr(value, "keys")]


def signed_in_user() -> str | None:
    """The signed-in person's e-mail (or subject id), None when sign-in is off or pending."""
    if not sign_in_required() or not st.user.get("is_logged_in"):
        return None
    for claim in ("email", "preferred_username", "sub", "name"):
        value = st.user.get(claim)
        if isinstance(value, str) and value:
            return value
    return None


def require_sign_in() -> None:
    """Stop the run at a sign-in screen unless sign-in is off or done.

    The screen is the only page st.navigation is given, so every address of the app
    (/gallery, /edit...) shows it: Streamlit would otherwise fall back to running the
    files in pages/ on their own."""
    if not sign_in_required() or st.user.get("is_logged_in"):
        return
    st.navigation([st.Page(_sign_in_screen, title="Sign in", icon=":material/login:",
                           url_path="sign-in", default=True)], position="hidden").run()
    st.stop()


def _sign_in_screen() -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Image Studio")
        st.write("This studio is shared by your team. Sign in to make, browse and export images.")
        names = providers()
        if not names:
            st.error("Sign-in is configured in `[auth]` but names no provider: add "
                     "`client_id` and `server_metadata_url` (see README, Running it for a team).")
        for name in names:
            label = "Sign in" if name is None else f"Sign in with {name.title()}"
            st.button(label, key=f"sign_in_{name or 'default'}", type="primary",
                      icon=":material/login:", on_click=st.login,
                      args=() if name is None else (name,))


def account_box() -> None:
    """Who is signed in, and the way out (in the sidebar); nothing when sign-in is off."""
    who = signed_in_user()
    if who is None:
        return
    with st.sidebar:
        st.caption(f"Signed in as **{who}**")
        st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)
