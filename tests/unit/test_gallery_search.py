"""Gallery text search: the trigram index (items_fts), its migration, and LIKE parity."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from studio.gallery import search as gallery_query
from studio.gallery.records import ADDED_FIELDS, ITEM_FIELDS, GalleryFilter, GalleryItem
from studio.gallery.schema import item_to_row
from studio.gallery.schema_versions import current as current_revision
from studio.gallery.schema_versions import head as schema_head
from studio.gallery.search import fts_phrase, use_text_index, where_clause
from studio.gallery.store import GalleryStore
from tests.legacy_schema import legacy_gallery

pytestmark = pytest.mark.usefixtures("database")  # on SQLite and on PostgreSQL (conftest.py)

SPECIAL = 'say "quoted" (x) * OR -y NEAR(a b) prompt:turtle ^tur 100% snake_case back\\slash'
CORPUS = [
    ("A sea turtle reading by lamplight", "Here is your turtle."),
    ("Neon sign reading OPEN ALL NIGHT", ""),
    ("Café au lait, watercolour", "Une tasse de café"),
    ("CAFÉ NOIR on a zinc bar", "Straße und Ölgemälde 😀😀😀"),
    ("cafe racer motorbike", "plain ascii"),
    (SPECIAL, "its 'single' quotes"),
    ("", "only the model text mentions a LIGHTHOUSE"),
]
TERMS = [
    "turtle", "TURTLE", "tUrTlE", "sea t", "lamplight", "reading", "lighthouse", "e t",
    "café", "CAFÉ", "Café", "cafÉ", "caf", "CAF", "afé", "cafe", "straße", "STRASSE", "ölgem",
    "ÖLGEM", "😀😀😀", "😀😀", "zinc bar", "   ", "nothing at all",
    '"', '""', '"quoted"', 'quoted"', "*", "tur*", "OR", "or -y", "-y", "(x)", "(", ")",
    "NEAR(a b)", "NEAR(", "prompt:turtle", "prompt:", "^tur", "'", "'single'", "\\", "back\\sl",
    "%", "100%", "_", "e_c", "AND", "NOT", "{prompt text}: turtle",
    "t", "tu", "é", "É", "😀",
]


def raw(prompt: str, text: str, **kw: object) -> GalleryItem:
    return GalleryItem(id=uuid.uuid4().hex, created_at=f"2025-01-01T00:00:{len(prompt) % 60:02d}+00:00",
                       page=str(kw.pop("page", "story")), prompt=prompt, text=text, sha256="0" * 64,
                       **kw)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> GalleryStore:
    with GalleryStore(tmp_path / "data") as s:
        yield s


@pytest.fixture
def filled(store: GalleryStore) -> GalleryStore:
    store.import_records([raw(p, t) for p, t in CORPUS], [], [])
    return store


def like_only_ids(store: GalleryStore, flt: GalleryFilter) -> set[str]:
    """What the filter matched before the index: LIKE on every row."""
    where, args = where_clause(flt, text_index=False, dialect=store.sql.dialect)
    with store._db() as conn:
        return set(conn.execute(text(f"SELECT id FROM items{where}"), args).scalars())


def ids(items: list[GalleryItem]) -> set[str]:
    return {i.id for i in items}


def fts_consistent(store: GalleryStore) -> None:
    """Raises unless SQLite's index holds exactly what items holds (rank 1: check the
    content). PostgreSQL maintains its pg_trgm indexes itself: nothing to check there."""
    if store.sql.is_sqlite:
        with store.sql.driver_connection() as conn:
            conn.execute("INSERT INTO items_fts (items_fts, rank) VALUES ('integrity-check', 1)")


@pytest.mark.sqlite_only
def test_a_new_gallery_searches_from_an_index_kept_in_step(filled: GalleryStore) -> None:
    with filled._db() as conn:
        assert use_text_index(conn, GalleryFilter(text="turtle"))
    assert filled.count(GalleryFilter(text="turtle")) == 2
    fts_consistent(filled)


def test_finds_substrings_in_prompt_and_in_text(filled: GalleryStore) -> None:
    by_prompt = {i.prompt: i for i in filled.query(limit=100)}
    turtle = by_prompt["A sea turtle reading by lamplight"]
    assert ids(filled.query(GalleryFilter(text="TURTLE"))) == {turtle.id, by_prompt[SPECIAL].id}
    assert ids(filled.query(GalleryFilter(text="sea t"))) == {turtle.id}
    assert ids(filled.query(GalleryFilter(text="your turt"))) == {turtle.id}  # text column only
    assert ids(filled.query(GalleryFilter(text="Lighthouse"))) == {by_prompt[""].id}
    assert filled.count(GalleryFilter(text="reading")) == 2
    assert filled.count(GalleryFilter(text="reading", page="edit")) == 0
    assert filled.query(GalleryFilter(text="nothing at all")) == []


def fts_count(store: GalleryStore, term: str) -> int:
    with store.sql.driver_connection() as conn:
        return conn.execute("SELECT COUNT(*) FROM items_fts WHERE items_fts MATCH ?",
                            (fts_phrase(term),)).fetchone()[0]


def sqlite_steps(store: GalleryStore, run: Callable[[], object]) -> tuple[object, int]:
    """(result of run(), SQLite VM instructions it took / 100): work done, not wall time."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0  # 0: carry on

    with store.sql.driver_connection() as conn:  # store calls on this thread share it
        conn.set_progress_handler(tick, 100)
        try:
            result = run()
        finally:
            conn.set_progress_handler(None, 100)
    return result, steps[0]


@pytest.mark.sqlite_only
def test_rare_terms_are_answered_without_reading_every_row(
    filled: GalleryStore, monkeypatch: pytest.MonkeyPatch,
) -> None:
    filled.import_records([raw(f"filler scene number {n}", f"nothing rare {n}")
                           for n in range(3000)], [], [])
    with filled._db() as conn:
        assert use_text_index(conn, GalleryFilter(text="turtle"))
        assert not use_text_index(conn, GalleryFilter(text="tu"))  # too short for trigrams
        assert not use_text_index(conn, GalleryFilter(text="a\x00bc"))  # NUL ends an FTS string
    for flt in (GalleryFilter(text="turtle"), GalleryFilter(page="story", text="turtle")):
        found, by_index = sqlite_steps(filled, lambda f=flt: ids(filled.query(f)))
        counted, count_steps = sqlite_steps(filled, lambda f=flt: filled.count(f))
        monkeypatch.setattr(gallery_query, "FTS_DRIVE_MAX", 0)  # every term "common": LIKE scan
        scanned, by_scan = sqlite_steps(filled, lambda f=flt: ids(filled.query(f)))
        monkeypatch.undo()
        assert found == scanned == like_only_ids(filled, flt) and counted == 2 == len(found)
        # a scan reads all ~3,000 rows (~270 here); the index path the probe and 2 rows (~12)
        assert by_index * 10 < by_scan and count_steps * 10 < by_scan, (by_index, by_scan)


@pytest.mark.parametrize("drive_max", [gallery_query.FTS_DRIVE_MAX, 2])
def test_results_identical_to_like_for_every_term(
    filled: GalleryStore, monkeypatch: pytest.MonkeyPatch, drive_max: int,
) -> None:
    # drive_max 2: most terms count as common and take the LIKE walk instead of the index
    monkeypatch.setattr(gallery_query, "FTS_DRIVE_MAX", drive_max)
    for term in TERMS:
        for flt in (GalleryFilter(text=term), GalleryFilter(text=term, page="story")):
            expected = like_only_ids(filled, flt)
            assert ids(filled.query(flt, limit=100)) == expected, term
            assert ids(filled.query(flt, limit=100, order="cost")) == expected, term
            assert filled.count(flt) == len(expected), term
        if term.isascii():  # LIKE folds ASCII case: the plain-Python meaning of the filter
            want = {p for p, t in CORPUS if term.lower() in p.lower() or term.lower() in t.lower()}
            assert {i.prompt for i in filled.query(GalleryFilter(text=term), limit=100)} == want


def test_non_ascii_case_follows_like_not_the_index(filled: GalleryStore) -> None:
    """LIKE folds ASCII letters only; the trigram index folds all of Unicode.

    The filter keeps LIKE's meaning (the index only proposes rows, LIKE decides), so short
    and long terms agree: "café" finds "Café" (C/c) but not "CAFÉ" (É/é differ).
    """
    prompts = {
        term: sorted(i.prompt for i in filled.query(GalleryFilter(text=term), limit=100))
        for term in ("café", "CAFÉ", "cafÉ", "caf", "é", "É", "cafe", "straße", "STRASSE", "ölgem")
    }
    assert prompts["café"] == ["Café au lait, watercolour"]
    assert prompts["CAFÉ"] == ["CAFÉ NOIR on a zinc bar"]
    assert prompts["cafÉ"] == ["CAFÉ NOIR on a zinc bar"]
    assert prompts["caf"] == sorted(["Café au lait, watercolour", "CAFÉ NOIR on a zinc bar",
                                     "cafe racer motorbike"])
    assert prompts["é"] == ["Café au lait, watercolour"]
    assert prompts["É"] == ["CAFÉ NOIR on a zinc bar"]
    assert prompts["cafe"] == ["cafe racer motorbike"]  # no accent folding either
    assert prompts["straße"] == ["CAFÉ NOIR on a zinc bar"]
    assert prompts["STRASSE"] == []  # ß is not "SS"
    assert prompts["ölgem"] == []  # Ö in the text, ö in the term: not folded by LIKE
    if filled.sql.is_sqlite:  # the index alone would fold É/é, Ö/ö (hence the re-check)
        assert fts_count(filled, "café") == 2


def test_special_characters_are_searched_not_parsed(filled: GalleryStore) -> None:
    special = next(i for i in filled.query(limit=100) if i.prompt == SPECIAL)
    for term in ('"quoted"', "(x) * OR -y", "NEAR(a b)", "prompt:turtle", "^tur", "back\\slash",
                 "100% snake_case", " OR ", '"'):
        assert ids(filled.query(GalleryFilter(text=term))) == {special.id}, term
    assert fts_phrase('say "hi"') == '"say ""hi"""'
    for term in ("a\x00bc", "\x00", "\x00\x00\x00", '"\x00"', "x\x01y"):
        filled.query(GalleryFilter(text=term))  # no exception, whatever it matches
        filled.count(GalleryFilter(text=term))


def test_short_terms_use_like(filled: GalleryStore) -> None:
    for term in ("t", "tu", "%", "_", "é", "😀"):
        where, _ = where_clause(GalleryFilter(text=term), text_index=True)
        assert "items_fts" not in where  # SQLite's index needs 3 characters
        assert filled.count(GalleryFilter(text=term)) == len(like_only_ids(filled, GalleryFilter(text=term)))
    assert filled.count(GalleryFilter(text="tu")) == 2
    assert filled.count(GalleryFilter(text="%")) == 1


def test_trash_and_favourites_filter_with_text(filled: GalleryStore) -> None:
    turtle = filled.query(GalleryFilter(text="sea turtle"))[0]
    filled.set_favourite(turtle.id, True)
    filled.set_tags(turtle.id, ["ocean"])
    assert ids(filled.query(GalleryFilter(text="sea turtle", favourite=True, tags=["ocean"]))) == {turtle.id}
    filled.delete(turtle.id)
    assert filled.query(GalleryFilter(text="sea turtle")) == []
    assert ids(filled.query(GalleryFilter(text="sea turtle", only_deleted=True))) == {turtle.id}
    assert ids(filled.query(GalleryFilter(text="sea turtle", include_deleted=True))) == {turtle.id}
    filled.restore(turtle.id)
    assert ids(filled.query(GalleryFilter(text="sea turtle"))) == {turtle.id}
    fts_consistent(filled)


def test_updates_and_deletes_keep_the_index_in_step(filled: GalleryStore) -> None:
    turtle = filled.query(GalleryFilter(text="sea turtle"))[0]
    with filled._write() as conn:  # no API edits a prompt today; the trigger must still hold
        conn.execute(text("UPDATE items SET prompt = :p, text = :t WHERE id = :id"),
                     {"p": "A tortoise in the rain", "t": "slow and steady", "id": turtle.id})
    assert filled.query(GalleryFilter(text="sea turtle")) == []
    assert ids(filled.query(GalleryFilter(text="tortoise"))) == {turtle.id}
    assert ids(filled.query(GalleryFilter(text="STEADY"))) == {turtle.id}
    fts_consistent(filled)

    filled.delete(turtle.id)
    assert filled.purge_deleted(older_than_days=0) == 1
    assert filled.count(GalleryFilter(text="tortoise", include_deleted=True)) == 0
    if filled.sql.is_sqlite:
        assert fts_count(filled, "tortoise") == 0
    fts_consistent(filled)


def test_import_and_reimport_index_each_row_once(store: GalleryStore) -> None:
    items = [raw(f"imported lantern {n}", f"glow {n}") for n in range(30)]
    added, _ = store.import_records(items, [], [])
    assert len(added) == 30
    again, _ = store.import_records(items, [], [])  # INSERT OR IGNORE: no trigger, no dupes
    assert again == []
    assert store.count(GalleryFilter(text="lantern")) == 30
    assert store.count(GalleryFilter(text="glow 2")) == 11  # 2, 20..29
    fts_consistent(store)


def _old_gallery(data_dir: Path, items: list[GalleryItem]) -> None:
    """A gallery as the release before the text index left it: schema v1, no items_fts."""
    legacy_gallery(data_dir / "studio.db", 1)
    v1 = [name for name in ITEM_FIELDS if name not in ADDED_FIELDS]  # v1 had no later fields
    columns, marks = ", ".join(v1), ", ".join("?" * len(v1))
    rows = [row[:len(v1)] for row in map(item_to_row, items)]  # the added fields come last
    with sqlite3.connect(data_dir / "studio.db") as conn:
        conn.executemany(f"INSERT INTO items ({columns}) VALUES ({marks})", rows)
        with pytest.raises(sqlite3.OperationalError, match="no such table"):
            conn.execute("SELECT 1 FROM items_fts")  # really a gallery from before the index
    conn.close()


@pytest.mark.sqlite_only
def test_old_gallery_upgrades_in_place_and_backfills(tmp_path: Path) -> None:
    items = [raw(p, t) for p, t in CORPUS]
    _old_gallery(tmp_path / "data", items)
    with GalleryStore(tmp_path / "data") as store:
        with store._db() as conn:
            assert use_text_index(conn, GalleryFilter(text="turtle"))  # the old rows are indexed
        fts_consistent(store)
        assert store.count() == len(CORPUS)
        for term in ("turtle", "lamplight", "café", "quoted", "LIGHTHOUSE"):
            flt = GalleryFilter(text=term)
            assert ids(store.query(flt, limit=100)) == like_only_ids(store, flt) != set(), term
        later = store.import_records([raw("a turtle after the upgrade", "")], [], [])[0]
        assert later[0] in ids(store.query(GalleryFilter(text="turtle")))
    with GalleryStore(tmp_path / "data") as again:  # reopening does not migrate twice
        assert again.count(GalleryFilter(text="turtle")) == 3
        fts_consistent(again)


def _layout(db_path: Path) -> dict[str, object]:
    """Every table's columns (name, type, not null, default, pk) and every index, trigger
    and virtual table by name and SQL: what a gallery's schema is, Alembic's table aside."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version' "
            "AND name NOT LIKE 'items_fts_%'")]
        # a key column is NOT NULL in a new file; SQLite let an old TEXT key be NULL
        out: dict[str, object] = {t: [(r[1], r[2], r[3] or r[5], r[4], r[5]) for r in
                                      conn.execute(f"PRAGMA table_info({t})")] for t in tables}
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master "
                                            "WHERE type IN ('index', 'trigger')"):
            out[f"{kind} {name}"] = " ".join((sql or "").split()) if kind == "trigger" else \
                [r[2] for r in conn.execute(f"PRAGMA index_info({name})")]
        out["user_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
        return out
    finally:
        conn.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("version", [1, 2, 3])
def test_each_pre_alembic_version_upgrades_to_the_fresh_layout(tmp_path: Path, version: int) -> None:
    with GalleryStore(tmp_path / "fresh"):
        pass
    legacy_gallery(tmp_path / "old" / "studio.db", version)
    with GalleryStore(tmp_path / "old") as store:
        with store._db() as conn:
            assert current_revision(conn) == schema_head()
        store.import_records([raw(p, t) for p, t in CORPUS], [], [])
        assert store.count(GalleryFilter(text="turtle")) == 2
        fts_consistent(store)
    fresh, upgraded = _layout(tmp_path / "fresh" / "studio.db"), _layout(tmp_path / "old" / "studio.db")
    assert upgraded.keys() == fresh.keys()
    for name in fresh:  # column types may be spelled differently (BIGINT for INTEGER)
        assert str(upgraded[name]).replace("BIGINT", "INTEGER").replace("FLOAT", "REAL") == \
            str(fresh[name]).replace("BIGINT", "INTEGER").replace("FLOAT", "REAL"), name
    assert fresh["user_version"] == upgraded["user_version"] == 5
    conn = sqlite3.connect(tmp_path / "old" / "studio.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


@pytest.mark.sqlite_only
def test_index_dropped_and_version_reset_is_rebuilt(tmp_path: Path) -> None:
    with GalleryStore(tmp_path) as store:
        store.import_records([raw(p, t) for p, t in CORPUS], [], [])
    conn = sqlite3.connect(tmp_path / "studio.db", isolation_level=None)
    for name in ("items_fts_insert", "items_fts_update", "items_fts_delete"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("DROP TABLE items_fts")
    for statement in ("DROP INDEX items_made_by", "ALTER TABLE items DROP COLUMN made_by",
                      "ALTER TABLE items DROP COLUMN grounding", "DROP TABLE collections",
                      "DROP TABLE collection_items", "DROP TABLE experiments",
                      "DROP TABLE saved_prompts", "DROP TABLE alembic_version"):
        conn.execute(statement)  # and what v3, v4 and Alembic added: the file is as v1 left it
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with GalleryStore(tmp_path) as store:
        assert store.count(GalleryFilter(text="turtle")) == 2
        with store._db() as c:
            assert use_text_index(c, GalleryFilter(text="turtle"))
        fts_consistent(store)


@pytest.mark.sqlite_only
def test_newer_gallery_is_refused(tmp_path: Path) -> None:
    legacy_gallery(tmp_path / "old" / "studio.db", 3)
    with sqlite3.connect(tmp_path / "old" / "studio.db") as conn:
        conn.execute("PRAGMA user_version = 9")
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        GalleryStore(tmp_path / "old")
    with GalleryStore(tmp_path / "new"):
        pass
    with sqlite3.connect(tmp_path / "new" / "studio.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'v99'")
    conn.close()
    with pytest.raises(RuntimeError, match="newer"):
        GalleryStore(tmp_path / "new")


@pytest.mark.sqlite_only  # it opens both backends itself, side by side
def test_the_same_query_finds_the_same_items_on_sqlite_and_postgresql(
    tmp_path: Path, postgres_url: str,
) -> None:
    """FTS5 + LIKE on SQLite, pg_trgm + ASCII-folded LIKE on PostgreSQL: the same corpus
    answers every term with the same items in the same order, in every sort order."""
    items = [raw(p, t, cost_usd=(n % 3) * 0.01 or None) for n, (p, t) in enumerate(CORPUS * 3)]
    with GalleryStore(tmp_path / "lite") as lite, \
            GalleryStore(tmp_path / "pg", database=postgres_url) as pg:
        assert (lite.sql.dialect, pg.sql.dialect) == ("sqlite", "postgresql")
        for store in (lite, pg):
            store.import_records(items, [], [])
            store.set_tags(items[0].id, ["ocean", "night"])
        for term in TERMS:
            for flt in (GalleryFilter(text=term), GalleryFilter(text=term, page="story"),
                        GalleryFilter(text=term, tags=["ocean"])):
                for order in ("newest", "oldest", "cost"):
                    found = [i.id for i in lite.query(flt, limit=100, order=order)]
                    assert [i.id for i in pg.query(flt, limit=100, order=order)] == found, term
                assert pg.count(flt) == lite.count(flt), term
        assert pg.facets() == lite.facets()


@pytest.mark.sqlite_only  # PostgreSQL only: it opens that backend itself
@pytest.mark.parametrize("flt", [GalleryFilter(), GalleryFilter(page="story"),
                                 GalleryFilter(model="m-1"), GalleryFilter(favourite=True),
                                 GalleryFilter(made_by="ana")], ids=repr)
@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_a_gallery_page_on_postgresql_is_read_in_order_from_an_index_never_sorted(
    tmp_path: Path, postgres_url: str, flt: GalleryFilter, order: str,
) -> None:
    """With sorting priced out, a plan still sorts when no index gives the page's order
    (SQLite's IS NULL is an equality for its indexes; PostgreSQL's planner's is not)."""
    from sqlalchemy import event

    with GalleryStore(tmp_path / "pg", database=postgres_url) as store:
        store.import_records([raw(f"p {n}", "t", model="m-1", made_by="ana") for n in range(20)],
                             [], [])
        seen: list[tuple[str, object]] = []
        event.listen(store.sql.engine, "before_cursor_execute",
                     lambda _c, _cur, sql, params, _ctx, _many: seen.append((sql, params)))
        with store.sql.db() as conn:  # the store's query runs on this same connection
            conn.exec_driver_sql("SET enable_sort = off")
            store.query(flt, limit=48, order=order)
            sql, params = next((s, p) for s, p in seen if s.lstrip().startswith("SELECT"))
            plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}", params).scalars())  # type: ignore[arg-type]
            conn.exec_driver_sql("RESET enable_sort")
    assert "Sort" not in plan and "Index Scan" in plan, plan
