"""Edit conversations with uploads, made through PageChat against the offline emulator.

Each turn sends one uploaded image and gets one answer: a conversation of `turns` turns
has 2 x `turns` history images. Exporting only the answers (`answers`) leaves every
upload a history image that is no exported item (it goes under blobs/), and every answer
a history image whose bytes differ from its gallery file (kept as a png_splice recipe).
"""

from __future__ import annotations

from collections.abc import Callable

import studio
from bench.harness import no_fsync
from studio.making.attachments import keep_upload


def add_conversations(store: studio.GalleryStore, conversations: int, turns: int,
                      upload: Callable[[int], bytes]) -> list[str]:
    """`conversations` edit chats of `turns` turns, one upload each; returns the ids of
    the answers (the items an export of "the results" selects)."""
    catalog = studio.load_catalog()
    settings = studio.GenerationSettings(model=catalog.default_model, seed=7)
    with no_fsync():
        for c in range(conversations):
            chat = studio.PageChat(page="edit", client=studio.offline_client(), store=store,
                                   catalog=catalog, model=catalog.default_model,
                                   engine=studio.OFFLINE)
            for t in range(turns):
                data = upload(c * turns + t)
                picture = keep_upload(store, data, "image/png", page="edit", name=f"u{t}.png",
                                      conversation_id=chat.id)
                chat.send(("Tint it red", "Rotate it", "Make it black and white", "Flip it")[t % 4], settings, attachments=[picture])
    return answers(store)


def answers(store: studio.GalleryStore) -> list[str]:
    return [i.id for i in store.query(None, limit=1 << 20, order="oldest") if i.engine != "upload"]
