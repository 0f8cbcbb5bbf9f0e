"""Sign-in (OpenID Connect through st.login) when [auth] is configured; nothing without it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from studio.gallery.records import GalleryFilter
from studio.gallery.store import GalleryStore
from tests.app.conftest import APP, TIMEOUT, assert_clean

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-for-tests-only",
    "client_id": "image-studio",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def _app(user: dict | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = user if user is not None else {"is_logged_in": False}
    return at


def _signed_in(email: str) -> AppTest:
    return _app({"is_logged_in": True, "email": email, "sub": email.split("@")[0]})


def _tell(at: AppTest, premise: str) -> AppTest:
    at.switch_page("pages/story.py").run()
    at.text_area(key="story_prompt").input(premise)
    at.number_input(key="story_scenes").set_value(2)
    return at.button(key="story_generate").click().run()


def test_with_auth_configured_nothing_but_sign_in_is_shown() -> None:
    at = _app(None).run()
    assert_clean(at)
    assert at.button(key="sign_in_default").label == "Sign in"
    assert not at.sidebar.selectbox, "no settings before sign-in"
    assert [b.key for b in at.button] == ["sign_in_default"], "no page ran"
    assert [t.value for t in at.title] == ["Image Studio"]


def test_without_auth_nothing_changes(open_page) -> None:
    at = open_page("home")
    assert not [b for b in at.button if b.key and b.key.startswith("sign_")]
    assert at.sidebar.selectbox(key="model")


def test_what_a_signed_in_user_makes_records_them_and_mine_filters(gallery: GalleryStore) -> None:
    ada = _tell(_signed_in("ada@example.com").run(), "a lighthouse keeper fox")
    assert_clean(ada)
    assert "ada@example.com" in " ".join(c.value for c in ada.sidebar.caption)
    bob = _tell(_signed_in("bob@example.com").run(), "a turtle who paints")
    assert_clean(bob)
    by = sorted({i.made_by for i in gallery.query(GalleryFilter(page="story"))})
    assert by == ["ada@example.com", "bob@example.com"]
    assert gallery.count(GalleryFilter(made_by="ada@example.com")) == 2
    assert all("fox" in i.prompt for i in gallery.query(GalleryFilter(made_by="ada@example.com")))

    bob.switch_page("pages/gallery.py").run()
    assert len(bob.image) == 4, "everyone's images by default"
    bob.toggle(key="gallery_mine").set_value(True).run()
    assert_clean(bob)
    assert len(bob.image) == 2, "only Bob's"


def test_signing_out_returns_to_the_sign_in_screen() -> None:
    at = _signed_in("ada@example.com").run()
    assert at.button(key="sign_out")
    at.button(key="sign_out").click().run()
    assert_clean(at)
    assert at.button(key="sign_in_default")
