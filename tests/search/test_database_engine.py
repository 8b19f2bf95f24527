"""What the contract does not pin down but the database engine promises: its storage kept in
step, its tie-breaks, its tokenizer, its highlighter and its themes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import cast

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from search.engines.database import DatabaseEngine
from search.highlight import highlight
from search.models import IndexedDocument, IndexedText, IndexedValue
from search.query import ParsedText, Query, QueryError, parse_text
from search.registry import register
from search.themes import document_terms, significant_terms
from search.tokens import index_text, tokens, words
from tests.search.conftest import BY_ID, CONTRACT, DOCUMENTS, doc

PLAIN = register(dataclasses.replace(CONTRACT, name="contract-plain", sort_fields={}))


@pytest.fixture
def engine(db) -> DatabaseEngine:
    return DatabaseEngine(index_prefix="engine-test")


def ids(engine: DatabaseEngine, **kwargs: object) -> list[str]:
    results = engine.search(Query(index=CONTRACT.name, per_page=100, **kwargs))  # type: ignore[arg-type]
    return [hit.id for hit in results.hits]


def comment(id: str, body: str, title: str = "Góp ý", **kwargs: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "kind": "agree",
        "tags": [],
        "group": "g",
        "created": dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC),
    }
    fields.update(kwargs)
    return doc(id, title=title, body=body, **fields)  # type: ignore[arg-type]


def test_health_names_the_database(engine):
    health = engine.health()

    assert health.ok
    assert health.detail == connection.vendor


def test_the_exact_spelling_outranks_a_heavier_field(engine):
    # "dat dai" in the title (weight 3) matches only folded; "đất đai" in the body (weight 1)
    # matches as written: the exact spelling still comes first.
    engine.index_documents(
        CONTRACT,
        [
            comment("1", "Quy hoạch sử dụng đất đai.", title="Quy hoạch"),
            comment("2", "Quy hoạch sử dụng.", title="Dat dai dat dai"),
        ],
    )

    assert ids(engine, text="đất đai") == ["1", "2"]
    assert ids(engine, text="dat dai") == ["2", "1"]


def test_a_heavier_field_ranks_first_among_equals(engine):
    engine.index_documents(
        CONTRACT,
        [
            comment("1", "Thủ tục cấp giấy chứng nhận quyền sử dụng đất.", title="Thủ tục"),
            comment("2", "Thủ tục cấp giấy phép xây dựng.", title="Giấy chứng nhận"),
        ],
    )

    assert ids(engine, text="chứng nhận") == ["2", "1"]


def test_legal_references_are_searched_as_a_run_of_words(engine):
    engine.index_documents(
        CONTRACT,
        [
            comment("1", "Thực hiện theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân."),
            comment("2", "Ngày 13 tháng 5 năm 2023, Chính phủ (CP) ban hành nghị định."),
        ],
    )

    assert ids(engine, text="13/2023/NĐ-CP") == ["1"]
    assert ids(engine, text="13/2023/nd-cp") == ["1"]
    hit = engine.search(Query(index=CONTRACT.name, text="13/2023/nd-cp")).hits[0]
    assert re.findall(r"<mark>(.*?)</mark>", hit.highlights["body"][0]) == [
        "13", "2023", "NĐ", "CP",
    ]  # fmt: skip


def test_indexes_with_other_prefixes_do_not_see_each_other(engine):
    other = DatabaseEngine(index_prefix="engine-test-other")
    engine.index_documents(CONTRACT, DOCUMENTS)
    other.index_documents(CONTRACT, [comment("99", "Đất đai ở nông thôn.")])

    assert ids(other, text="đất") == ["99"]
    assert "99" not in ids(engine, text="đất")
    assert other.search(Query(index=CONTRACT.name, facets=("group",))).facets["group"][0].count == 1


def test_keyword_values_of_every_type_become_strings(engine):
    engine.index_documents(
        CONTRACT,
        [
            comment("1", "Một.", kind=True, tags=[5, None, "x" * 300, "ngắn"]),
            comment("2", "Hai.", kind=False, tags=None),
        ],
    )

    assert ids(engine, filters={"kind": ("true",)}) == ["1"]
    assert ids(engine, filters={"kind": ("false",)}) == ["2"]
    assert ids(engine, filters={"tags": ("5",)}) == ["1"]
    results = engine.search(Query(index=CONTRACT.name, facets=("tags",)))
    # None is no value, and a value longer than 256 characters is kept out of facets.
    assert {v.value for v in results.facets["tags"]} == {"5", "ngắn"}


def test_dates_may_be_days_or_text_and_a_missing_date_sorts_last(engine):
    engine.index_documents(
        CONTRACT,
        [
            comment("1", "Một.", created=dt.date(2025, 3, 1)),
            comment("2", "Hai.", created="2025-03-02T08:00:00+07:00"),
            comment("3", "Ba.", created=None),
        ],
    )

    assert ids(engine, sort="newest") == ["2", "1", "3"]
    assert ids(engine, date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 1)) == ["1"]
    assert ids(engine, date_to=dt.date(2025, 3, 2)) == ["2", "1"]


def test_supported_is_refused_for_an_index_without_that_sort(engine):
    with pytest.raises(QueryError) as error:
        engine.search(Query(index=PLAIN.name, sort="supported"))

    assert error.value.code == "sort"


def test_a_term_without_a_word_matches_nothing(engine):
    engine.index_documents(CONTRACT, DOCUMENTS)

    assert ids(engine, text="_") == []
    assert ids(engine, text="đất _") == []


def test_a_long_page_offset_stays_within_the_window(engine):
    engine.index_documents(CONTRACT, DOCUMENTS)

    results = engine.search(Query(index=CONTRACT.name, page=500, per_page=20))

    assert results.total == 14
    assert results.hits == ()


def test_storage_holds_one_row_of_each_kind_per_document(engine):
    engine.index_documents(CONTRACT, DOCUMENTS)
    engine.index_documents(CONTRACT, DOCUMENTS[:3])  # again: replaced, not added
    engine.delete_documents(CONTRACT, ["14"])

    documents = IndexedDocument.objects.filter(index__name="engine-test-contract")
    assert documents.count() == 13
    assert IndexedText.objects.filter(document__in=documents).count() == 13
    # 13 documents: kind, group and each tag, as keys in the document's row
    expected = sum(2 + len(set(cast(list[str], d["tags"]))) for d in DOCUMENTS[:13])
    assert sum(len(keys) for keys in documents.values_list("keywords", flat=True)) == expected


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_the_sqlite_full_text_index_follows_every_write(engine):
    def titles_with(word: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH %s", [f"folded_a: {word}"]
            )
            return int(cursor.fetchone()[0])

    engine.index_documents(CONTRACT, DOCUMENTS)
    assert titles_with("dat") == 2  # 02 "... đất đai", 03 "... dat dai"
    engine.index_documents(CONTRACT, [comment("02", "Hoàn toàn khác.", title="Khác")])
    engine.delete_documents(CONTRACT, ["03"])
    assert titles_with("dat") == 0
    assert titles_with("khac") == 1
    engine.rebuild(CONTRACT, DOCUMENTS[1:])
    assert titles_with("khac") == 0
    assert titles_with("dat") == 2

    with connection.cursor() as cursor:
        # FTS5 compares its index with the content table and raises on any difference.
        cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
        cursor.execute(
            "INSERT INTO search_keyword_fts(search_keyword_fts, rank) VALUES ('integrity-check', 1)"
        )
    # and the keys' index finds the rebuilt documents by their keywords
    assert ids(engine, filters={"group": ("g1",)}) == ["03"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_postgresql_vectors_hold_exact_and_folded_words_with_weights(engine):
    engine.index_documents(CONTRACT, [comment("1", "Đất ở.", title="Giải phóng")])

    with connection.cursor() as cursor:
        cursor.execute("SELECT exact_vector::text, folded_vector::text FROM search_indexedtext")
        exact, folded = cursor.fetchone()

    assert exact == "'giải':1A 'phóng':2A 'đất':3B 'ở':4B"
    assert folded == "'dat':3B 'giai':1A 'o':4B 'phong':2A"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_readers_see_the_old_index_until_a_rebuild_commits():
    engine = DatabaseEngine(index_prefix="engine-test")
    engine.index_documents(CONTRACT, DOCUMENTS)
    seen: list[int] = []

    def count_from_another_connection() -> None:
        def count() -> None:
            seen.append(engine.search(Query(index=CONTRACT.name)).total)
            connection.close()

        reader = threading.Thread(target=count)
        reader.start()
        reader.join()

    def documents() -> Iterator[dict[str, object]]:
        yield from DOCUMENTS[:3]
        count_from_another_connection()  # written, deleted, not committed

    assert engine.rebuild(CONTRACT, documents()) == 3
    count_from_another_connection()

    assert seen == [14, 3]


# The highlighter -------------------------------------------------------------------------


def marks(fragment: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", fragment)


def test_highlights_fold_each_word_so_positions_stay_in_the_original():
    text = "ĐẤT ĐAI và Đường Đê: đất đai, ĐẤt Đai."

    (fragment,) = highlight(text, parse_text("dat dai"))

    assert marks(fragment) == ["ĐẤT", "ĐAI", "đất", "đai", "ĐẤt", "Đai"]
    assert re.sub(r"</?mark>", "", fragment) == text


def test_a_phrase_is_marked_only_where_its_words_follow_each_other():
    text = "Mặt đường phải bằng phẳng; giải phóng mặt bằng trước."

    (fragment,) = highlight(text, parse_text('"mat bang"'))

    assert marks(fragment) == ["mặt", "bằng"]
    assert "giải phóng <mark>mặt</mark> <mark>bằng</mark>" in fragment


def test_a_prefix_marks_whole_words():
    (fragment,) = highlight("Chuyển đổi số và chuyên môn.", parse_text("chuyen*"))

    assert marks(fragment) == ["Chuyển", "chuyên"]


def test_highlighted_text_is_escaped():
    (fragment,) = highlight('Thẻ <b> & "dấu" đất', parse_text("đất"))

    assert fragment == "Thẻ &lt;b&gt; &amp; &quot;dấu&quot; <mark>đất</mark>"


def test_a_long_text_gives_short_fragments_around_the_matches_in_order():
    filler = " ".join(["Luật này quy định về hoạt động ứng dụng công nghệ thông tin."] * 8)
    text = f"{filler} Đất đai thứ nhất. {filler} Đất đai thứ hai. {filler} Đất thứ ba. {filler}"
    text += " Đất thứ tư."

    fragments = highlight(text, parse_text("đất"))

    assert len(fragments) == 3
    assert [f.split("</mark>")[1].split(".")[0].split()[-1] for f in fragments] == [
        "nhất", "hai", "ba",
    ]  # fmt: skip
    for fragment in fragments:
        plain = re.sub(r"</?mark>", "", fragment)
        assert len(plain) <= 160
        assert plain in text
        start = text.index(plain)
        assert start == 0 or text[start - 1] == " "  # fragments start at a word


def test_nothing_matched_means_no_fragment():
    assert highlight("Đất đai.", parse_text("nhà ở")) == ()
    assert highlight("Đất đai.", ParsedText(excluded=("đất",))) == ()


# Words and themes --------------------------------------------------------------------


def test_words_are_letters_and_digits():
    assert words("Điều 5a, khoản 2 (Nghị định 13/2023/NĐ-CP) — điểm_đ") == [
        "điều", "5a", "khoản", "2", "nghị", "định", "13", "2023", "nđ", "cp", "điểm", "đ",
    ]  # fmt: skip
    assert index_text("Đất  đai!") == "đất đai"
    assert [(t.start, t.end, t.folded) for t in tokens("Ổn định")] == [(0, 2, "on"), (3, 7, "dinh")]


def test_document_terms_skip_stopwords_and_stop_phrases_at_punctuation():
    terms = document_terms("Khu tái định cư của tỉnh. Trường học, trạm y tế")

    assert terms["tai dinh cu"] == "tái định cư"
    assert "cua" not in terms  # của: a stopword
    assert "cu cua" not in terms and "cu tinh" not in terms  # no phrase across a stopword
    assert "tinh truong" not in terms  # nor across a full stop
    assert "truong hoc" in terms and "hoc tram" not in terms


def test_stopwords_are_compared_as_written_so_lookalikes_stay():
    assert "tai" not in document_terms("góp ý tại hội nghị")  # tại: a stopword
    assert document_terms("tái định cư")["tai dinh cu"] == "tái định cư"
    assert document_terms("tai dinh cu")["tai dinh cu"] == "tai dinh cu"  # typed without marks
    assert "la" in document_terms("lá phiếu")


def test_themes_prefer_the_longest_phrase_and_the_commonest_spelling():
    foreground = ["Nhà tái định cư xuống cấp.", "Tái định cư tại chỗ.", "tai dinh cu o dau"]
    background = [*foreground, *(f"Văn bản số {i} về thuế." for i in range(20))]

    terms = significant_terms(
        foreground=foreground,
        foreground_total=3,
        background=background,
        background_total=23,
        size=5,
    )

    assert terms[0].text == "tái định cư"
    assert terms[0].count == 3
    assert [t.text for t in terms if "định" in t.text or "dinh" in t.text] == ["tái định cư"]


def test_themes_are_deterministic_on_ties():
    texts = ["alpha beta gamma", "alpha beta gamma", "alpha beta gamma"]
    background = [*texts, "delta", "epsilon", "zeta"]
    kwargs = {"foreground_total": 3, "background_total": 6, "size": 10}

    first = significant_terms(foreground=texts, background=background, **kwargs)
    again = significant_terms(foreground=texts, background=background, **kwargs)

    assert first == again
    assert [t.text for t in first] == ["alpha beta gamma"]


def test_themes_read_a_bounded_sample(engine, monkeypatch):
    engine.index_documents(CONTRACT, DOCUMENTS)
    read: list[int] = []
    original = significant_terms

    def counting(**kwargs: object):
        foreground = list(kwargs.pop("foreground"))  # type: ignore[call-overload]
        read.append(len(foreground))
        return original(foreground=foreground, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("search.engines.database.FOREGROUND_SAMPLE", 4)
    monkeypatch.setattr("search.engines.database.score_terms", counting)

    engine.significant_terms(Query(index=CONTRACT.name))

    assert read and read[0] <= 4


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text": "đất"},
        {"filters": {"kind": ("amend", "agree")}},
        {"text": "-đất", "filters": {"group": ("g4",)}, "scope": ({"kind": ("amend",)},)},
        {"scope": ({"group": ("g1", "g3", "g4")},)},  # most of the index
        {},
    ],
)
@pytest.mark.skipif("connection.vendor != 'sqlite'")  # the ways are SQLite's
def test_facets_count_the_same_whichever_way_documents_are_found(engine, monkeypatch, kwargs):
    engine.index_documents(CONTRACT, DOCUMENTS)
    query = Query(index=CONTRACT.name, facets=("kind", "tags", "group"), **kwargs)
    answers = []
    # Each way the SQLite dialect may take, then with each turned off: keyword conditions
    # found through the keys' FTS5 index or tested in the row; facets over most of the index
    # counted from the keys' totals or document by document.
    for shortcut in ("none", "find", "key_totals"):
        if shortcut != "none":
            monkeypatch.setattr(
                f"search.engines.database.SQLiteDialect.{shortcut}", lambda *args: None
            )
        results = engine.search(query)
        answers.append((results.total, results.facets, [hit.id for hit in results.hits]))

    assert answers[0] == answers[1] == answers[2]
    # a single-valued field that is not filtered counts every match once
    unfiltered = "group" if "kind" in query.filters else "kind"
    assert sum(v.count for v in answers[0][1][unfiltered]) == answers[0][0]


# Keyword keys and facets -------------------------------------------------------------


def values_of(document: Mapping[str, object], name: str) -> set[str]:
    value = document[name]
    return {str(v) for v in value} if isinstance(value, list) else {str(value)}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"filters": {"kind": ("amend",), "tags": ("đất đai",)}},
        {
            "filters": {
                "kind": ("amend", "agree"),
                "group": ("g1", "g2", "g4"),
                "tags": ("đất đai", "tái định cư", "bồi thường"),
            },
            "scope": ({"kind": ("amend",)}, {"group": ("g2",)}),
        },
        {"text": "-đất", "filters": {"group": ("g3", "g4"), "tags": ("tái định cư", "nope")}},
        {"text": "đề nghị", "filters": {"kind": ("amend", "disagree"), "tags": ("phí",)}},
        {"filters": {"kind": ("nope",), "group": ("g4",)}},
        {"filters": {}, "scope": ({"group": ("g1", "g3", "g4")}, {"kind": ("agree",)})},
    ],
)
def test_each_facet_counts_the_documents_that_pass_every_other_filter(engine, kwargs):
    engine.index_documents(CONTRACT, DOCUMENTS)
    filters = kwargs.pop("filters")
    # What text and scope select, from the engine; what the filters do, recomputed here.
    base = set(ids(engine, **kwargs))

    def passes(document: Mapping[str, object], *, without: str | None = None) -> bool:
        return all(
            values_of(document, name) & set(accepted)
            for name, accepted in filters.items()
            if name != without
        )

    results = engine.search(
        Query(
            index=CONTRACT.name,
            filters=filters,
            facets=("kind", "tags", "group"),
            per_page=100,
            **kwargs,
        )
    )

    assert sorted(hit.id for hit in results.hits) == sorted(i for i in base if passes(BY_ID[i]))
    for name in ("kind", "tags", "group"):
        expected = Counter(
            value
            for i in base
            if passes(BY_ID[i], without=name)
            for value in values_of(BY_ID[i], name)
        )
        assert {v.value: v.count for v in results.facets[name]} == dict(expected), name


def test_values_get_one_key_whichever_write_brings_them(engine):
    engine.index_documents(CONTRACT, DOCUMENTS[:5])
    engine.index_documents(CONTRACT, DOCUMENTS)  # again, and new values with them
    engine.rebuild(CONTRACT, DOCUMENTS)

    values = IndexedValue.objects.filter(field__index__name="engine-test-contract")
    assert values.count() == len(
        {
            (name, v)
            for d in DOCUMENTS
            for name in ("kind", "tags", "group")
            for v in values_of(d, name)
        }
    )
    assert ids(engine, filters={"tags": ("tái định cư",)}) == ["12", "11", "10", "09", "08"]


# The migration that moved keywords into the document row ------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_copies_each_documents_keywords_into_its_row_and_back():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    before, (after,) = (
        ("search", "0002_database_engine"),
        executor.loader.graph.leaf_nodes("search"),
    )
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        index = old.get_model("search", "DatabaseIndex").objects.create(name="engine-test-contract")
        document = old.get_model("search", "IndexedDocument")
        keyword = old.get_model("search", "IndexedKeyword")
        for number, (kind, tags) in enumerate(
            [("amend", ["đất đai", "phí"]), ("agree", ["đất đai"]), ("amend", [])], start=1
        ):
            row = document.objects.create(
                index=index, doc_id=str(number), date=dt.datetime(2025, 3, number, tzinfo=dt.UTC)
            )
            old.get_model("search", "IndexedText").objects.create(document=row)
            for field, value in [("kind", kind), *(("tags", tag) for tag in tags)]:
                keyword.objects.create(document=row, index=index, field=field, value=value)

        executor = MigrationExecutor(connection)
        executor.migrate([after])

        engine = DatabaseEngine(index_prefix="engine-test")
        results = engine.search(
            Query(index=CONTRACT.name, filters={"kind": ("amend",)}, facets=("kind", "tags"))
        )
        assert sorted(hit.id for hit in results.hits) == ["1", "3"]
        assert {v.value: v.count for v in results.facets["kind"]} == {"amend": 2, "agree": 1}
        assert {v.value: v.count for v in results.facets["tags"]} == {"đất đai": 1, "phí": 1}

        executor = MigrationExecutor(connection)
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps
        rows = old.get_model("search", "IndexedKeyword").objects.values_list(
            "document__doc_id", "field", "value"
        )
        assert sorted(rows) == [
            ("1", "kind", "amend"), ("1", "tags", "phí"), ("1", "tags", "đất đai"),
            ("2", "kind", "agree"), ("2", "tags", "đất đai"), ("3", "kind", "amend"),
        ]  # fmt: skip
    finally:
        MigrationExecutor(connection).migrate(latest)
