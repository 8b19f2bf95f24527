"""The engine contract: one suite, run against the database engine (SQLite or PostgreSQL,
whichever the test run uses) and against Elasticsearch (make test-services).

Every test states one rule of search/query.py and search/engines/base.py in terms of the
contract documents (tests/search/conftest.py), so an engine that passes answers the same
queries with the same documents in the same order.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterator

import pytest

from search.engines.base import SearchEngine
from search.query import MAX_TEXT_LENGTH, Query, QueryError, Results
from search.text import fold
from tests.search.conftest import BY_ID, CONTRACT, DOCUMENTS, doc

# Every contract document, newest first (ties: the greater id first).
NEWEST = ["14", "13", "07", "01", "02", "04", "03", "06", "05", "12", "11", "10", "09", "08"]


def search(engine: SearchEngine, **kwargs: object) -> Results:
    return engine.search(Query(index=CONTRACT.name, **kwargs))  # type: ignore[arg-type]


def ids(results: Results) -> list[str]:
    return [hit.id for hit in results.hits]


def found(engine: SearchEngine, text: str, **kwargs: object) -> set[str]:
    results = search(engine, text=text, per_page=100, **kwargs)
    assert results.total == len(results.hits)
    return set(ids(results))


def marked(fragment: str) -> str:
    """The words a fragment marks, joined by spaces (an engine may mark a phrase at once)."""
    return " ".join(re.findall(r"<mark>(.*?)</mark>", fragment))


def facet(results: Results, name: str) -> list[tuple[str, int]]:
    return [(value.value, value.count) for value in results.facets[name]]


# Text: diacritics, phrases, prefixes, exclusion ------------------------------------------


def test_words_typed_without_diacritics_find_the_text_as_written(indexed):
    assert found(indexed, "giai phong mat bang") == {"01"}
    assert found(indexed, "dat dai") == {"02", "03", "06"}  # đất đai, dat dai, đạt ... đài


def test_đ_folds_to_d_and_case_does_not_matter(indexed):
    assert found(indexed, "ĐẤT ĐAI") == {"02", "03", "06"}
    assert found(indexed, "Dat Dai") == {"02", "03", "06"}


def test_the_exact_spelling_ranks_before_folded_only_matches(indexed):
    assert ids(search(indexed, text="đất đai"))[0] == "02"
    assert ids(search(indexed, text="dat dai"))[0] == "03"
    assert ids(search(indexed, text="đạt"))[0] == "06"


def test_the_query_is_nfc_normalised(indexed):
    decomposed = unicodedata.normalize("NFD", "giải phóng mặt bằng")
    assert decomposed != "giải phóng mặt bằng"

    results = search(indexed, text=decomposed)

    assert ids(results) == ["01"]
    assert "giải" in marked(results.hits[0].highlights["title"][0])


def test_a_phrase_matches_consecutive_words_only(indexed):
    assert found(indexed, "mặt bằng") == {"01", "05"}  # 05: "Mặt đường ... bằng bê tông"
    assert found(indexed, '"mặt bằng"') == {"01"}
    assert found(indexed, '"mat bang"') == {"01"}
    assert found(indexed, '"bằng mặt"') == set()


def test_a_prefix_matches_the_start_of_folded_words(indexed):
    assert found(indexed, "chuyen*") == {"04", "08", "11"}
    assert found(indexed, "chuyển*") == {"04", "08", "11"}
    assert found(indexed, "bồi*") == {"01", "10"}


def test_excluded_words_remove_documents_with_or_without_diacritics(indexed):
    assert found(indexed, "đất") == {"01", "02", "03", "06", "09", "10"}
    assert found(indexed, "đất -thôn") == {"01", "02", "06", "09", "10"}  # 03: "nong thon"
    assert found(indexed, "đất -thon") == {"01", "02", "06", "09", "10"}


def test_only_excluded_words_list_everything_else(indexed):
    results = search(indexed, text="-đất", per_page=100)

    assert results.total == 8
    assert set(ids(results)) == set(BY_ID) - {"01", "02", "03", "06", "09", "10"}


def test_every_word_must_match(indexed):
    assert found(indexed, "thu hồi đất") == {"01", "09"}
    assert found(indexed, "đất chuyển") == set()


# Filters, scope, dates ---------------------------------------------------------------


def test_filter_values_are_alternatives_and_filters_all_apply(indexed):
    assert found(indexed, "", filters={"kind": ("amend", "agree")}) == {
        "01", "02", "04", "05", "07", "08", "09", "10", "11",
    }  # fmt: skip
    assert found(indexed, "", filters={"kind": ("amend",), "group": ("g4",)}) == {
        "08", "09", "10",
    }  # fmt: skip


def test_a_filter_on_a_list_field_matches_any_of_its_values(indexed):
    assert found(indexed, "", filters={"tags": ("bồi thường",)}) == {"01", "10"}
    assert found(indexed, "", filters={"tags": ("bồi thường", "phí")}) == {"01", "10", "13", "14"}


def test_filters_combine_with_text(indexed):
    assert found(indexed, "đất", filters={"group": ("g4",)}) == {"09", "10"}


def test_scope_is_an_or_of_and_mappings(indexed):
    scope = ({"group": ("g1",)}, {"kind": ("agree",), "tags": ("công nghệ thông tin",)})

    assert found(indexed, "", scope=scope) == {"01", "03", "07"}
    assert found(indexed, "", scope=scope, filters={"kind": ("disagree",)}) == {"03"}
    assert found(indexed, "đất", scope=scope) == {"01", "03"}


def test_dates_are_whole_days_in_vietnam_both_included(indexed):
    # 03 was written at 23:30 on 1 March and 04 at 00:30 on 2 March, Asia/Ho_Chi_Minh time
    # (both on 1 March in UTC): the day a Vietnamese user picks is the day they see.
    march_1, march_2 = dt.date(2025, 3, 1), dt.date(2025, 3, 2)

    assert found(indexed, "", date_to=march_1) == {"03", "05", "06", "08", "09", "10", "11", "12"}
    assert found(indexed, "", date_from=march_2) == {"01", "02", "04", "07", "13", "14"}
    assert found(indexed, "", date_from=march_2, date_to=march_2) == {"02", "04"}


# Facets ------------------------------------------------------------------------------


def test_a_facet_counts_everything_matched_except_its_own_filter(indexed):
    results = search(indexed, filters={"kind": ("amend",)}, facets=("kind", "group"))

    assert results.total == 5
    # kind: the alternatives a user can switch to, counted without the kind filter
    assert facet(results, "kind") == [("amend", 5), ("disagree", 5), ("agree", 4)]
    # group: counted over the amendments only
    assert facet(results, "group") == [("g4", 3), ("g1", 1), ("g2", 1)]


def test_facets_count_over_the_text_match_most_frequent_first(indexed):
    results = search(indexed, text="đất", facets=("tags",))

    assert facet(results, "tags") == [
        ("đất đai", 3), ("bồi thường", 2), ("tái định cư", 2), ("tuyên truyền", 1),
    ]  # fmt: skip


def test_facet_size_limits_the_values(indexed):
    results = search(indexed, facets=("group",), facet_size=2)

    assert facet(results, "group") == [("g4", 5), ("g3", 3)]


def test_facets_respect_scope_and_dates(indexed):
    results = search(
        indexed,
        scope=({"group": ("g4", "g5")},),
        date_to=dt.date(2025, 3, 5),
        facets=("group", "kind"),
    )

    assert facet(results, "group") == [("g4", 5), ("g5", 1)]
    assert facet(results, "kind") == [("amend", 3), ("disagree", 2), ("agree", 1)]


# Sorting and pages ---------------------------------------------------------------------


def test_newest_sorts_by_date_then_id(indexed):
    assert ids(search(indexed, sort="newest", per_page=100)) == NEWEST


def test_an_empty_text_lists_by_newest_whatever_the_sort_asked(indexed):
    assert ids(search(indexed, filters={"group": ("g4",)})) == ["12", "11", "10", "09", "08"]


def test_relevance_ties_are_broken_by_newest(indexed):
    # 13 and 14 are the same form letter, sent on two days
    assert ids(search(indexed, text="giữ nguyên mức phí")) == ["14", "13"]


def test_supported_sorts_by_support_then_newest(indexed):
    assert ids(search(indexed, sort="supported", filters={"group": ("g1", "g2")})) == [
        "01", "03", "02", "04",
    ]  # fmt: skip
    assert ids(search(indexed, sort="supported", per_page=3)) == ["01", "14", "13"]


def test_pages_follow_each_other_and_the_total_is_exact(indexed):
    pages = [search(indexed, sort="newest", per_page=5, page=page) for page in (1, 2, 3, 4)]

    assert [ids(p) for p in pages[:3]] == [NEWEST[0:5], NEWEST[5:10], NEWEST[10:]]
    assert pages[3].hits == ()
    assert {p.total for p in pages} == {14}
    assert pages[0].pages == 3


def test_results_say_how_long_they_took_and_what_was_asked(indexed):
    query = Query(index=CONTRACT.name, text="đất")

    results = indexed.search(query)

    assert isinstance(results.took_ms, float)
    assert 0 <= results.took_ms < 60_000
    assert results.query is query


def test_hits_carry_their_stored_fields(indexed):
    hit = search(indexed, text="giải phóng").hits[0]

    assert hit.id == "01"
    assert {name: hit.fields[name] for name in CONTRACT.stored_fields} == {
        "title": "Thời hạn giải phóng mặt bằng",
        "kind": "amend",
        "tags": ["đất đai", "bồi thường"],
        "support": 12,
    }
    assert hit.score > 0


# Highlights ------------------------------------------------------------------------------


def test_highlights_mark_the_original_words_of_each_field_that_matched(indexed):
    hit = search(indexed, text="giai phong mat bang").hits[0]

    assert set(hit.highlights) == {"title", "body"}
    for fragments in hit.highlights.values():
        words = marked(" ".join(fragments)).split()
        assert {"giải", "phóng", "mặt", "bằng"} <= set(words)
        assert "giai" not in words
        assert "giải phóng mặt bằng" in re.sub(r"</?mark>", "", fragments[0])


def test_highlights_only_for_fields_that_matched(indexed):
    hit = search(indexed, text="bê tông").hits[0]

    assert hit.id == "05"
    assert set(hit.highlights) == {"body"}
    assert "<mark>" in hit.highlights["body"][0]


def test_highlights_are_html_escaped(indexed):
    hit = search(indexed, text="script").hits[0]

    assert hit.id == "07"
    title = hit.highlights["title"][0]
    assert "<script" not in title
    assert "&lt;" in title
    assert marked(title) == "script"


def test_highlights_can_be_turned_off(indexed):
    assert search(indexed, text="đất", highlight=False).hits[0].highlights == {}


# Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"text": '"mặt bằng'}, "unclosed_quote"),
        ({"text": "đất " * (MAX_TEXT_LENGTH // 4 + 1)}, "too_long"),
        ({"text": "*phóng"}, "wildcard"),
        ({"text": "ph*ng"}, "wildcard"),
        ({"text": "đất? đai"}, "wildcard"),
        ({"text": "giải* phóng* mặt* bằng*"}, "wildcard"),
        ({"filters": {"province": ("79",)}}, "unknown_filter"),
        ({"scope": ({"owner": ("1",)},)}, "unknown_filter"),
        ({"facets": ("province",)}, "unknown_facet"),
        ({"page": 10_000}, "page"),
        ({"per_page": 0}, "per_page"),
        ({"sort": "oldest"}, "sort"),
        ({"date_from": dt.date(2025, 3, 2), "date_to": dt.date(2025, 3, 1)}, "dates"),
    ],
)
def test_bad_input_raises_a_query_error_with_a_message(indexed, kwargs, code):
    with pytest.raises(QueryError) as error:
        search(indexed, **kwargs)

    assert error.value.code == code
    assert str(error.value.message)

    with pytest.raises(QueryError):
        indexed.significant_terms(Query(index=CONTRACT.name, **kwargs))


# Writing: replace, delete, rebuild, stamps --------------------------------------------


def test_indexing_a_document_again_replaces_it(indexed):
    changed = doc(
        "01",
        title="Cầu vượt đường sắt",
        body="Đề nghị xây cầu vượt tại nút giao.",
        kind="agree",
        tags=["giao thông"],
        group="g1",
        created=BY_ID["01"]["created"],  # type: ignore[arg-type]
    )
    changed["stamp"] = "01-v2"

    indexed.index_documents(CONTRACT, [changed])

    assert found(indexed, "giải phóng") == set()
    assert found(indexed, "cau vuot") == {"01"}
    results = search(indexed, facets=("kind", "tags"))
    assert results.total == 14
    assert dict(facet(results, "kind"))["amend"] == 4
    assert dict(facet(results, "tags"))["giao thông"] == 2
    assert dict(indexed.stored_stamps(CONTRACT))["01"] == "01-v2"


def test_deleting_documents_ignores_unknown_ids(indexed):
    indexed.delete_documents(CONTRACT, ["01", "does-not-exist"])

    assert found(indexed, "giải phóng") == set()
    assert search(indexed).total == 13
    assert "01" not in dict(indexed.stored_stamps(CONTRACT))


def test_stored_stamps_list_every_document(indexed):
    assert dict(indexed.stored_stamps(CONTRACT)) == {i: f"{i}-v1" for i in BY_ID}


def test_rebuild_replaces_the_whole_index(indexed):
    written = indexed.rebuild(CONTRACT, iter(DOCUMENTS[:3]))

    assert written == 3
    assert search(indexed).total == 3
    assert found(indexed, "tái định cư") == set()
    assert dict(indexed.stored_stamps(CONTRACT)) == {"01": "01-v1", "02": "02-v1", "03": "03-v1"}


def test_a_rebuild_that_fails_half_way_leaves_the_old_index(indexed):
    def documents() -> Iterator[dict[str, object]]:
        yield from DOCUMENTS[:7]
        raise RuntimeError("the database went away while reading")

    with pytest.raises(RuntimeError):
        indexed.rebuild(CONTRACT, documents())

    assert search(indexed).total == 14
    assert found(indexed, "tái định cư") == {"08", "09", "10", "11", "12"}


def test_an_index_nothing_was_written_to_answers_empty(engine):
    results = engine.search(Query(index=CONTRACT.name, text="đất", facets=("kind",)))

    assert (results.total, results.hits, results.facets["kind"]) == (0, (), ())
    assert list(engine.stored_stamps(CONTRACT)) == []


# Themes ------------------------------------------------------------------------------


def test_significant_terms_put_a_planted_theme_first(indexed):
    terms = indexed.significant_terms(Query(index=CONTRACT.name, filters={"group": ("g4",)}))

    assert terms
    first = terms[0]
    # "tái định cư" is in every comment of group g4 and nowhere else; "định" alone is not
    # (every "quy định" has it), so the theme is told by "tái" or "cư".
    assert set(fold(first.text).split()) <= {"tai", "dinh", "cu"}
    assert {"tai", "cu"} & set(fold(first.text).split())
    assert first.text != fold(first.text)  # shown as written, with its diacritics
    assert first.count >= 3
    assert all(a.score >= b.score for a, b in itertools.pairwise(terms))


def test_significant_terms_of_nothing_are_empty(indexed):
    assert indexed.significant_terms(Query(index=CONTRACT.name, text="không có ở đâu")) == ()
