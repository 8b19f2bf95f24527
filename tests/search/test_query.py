"""Parsing what a user typed and checking a query before any engine runs it."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from search.query import (
    MAX_FILTER_VALUES,
    MAX_PER_PAGE,
    MAX_TERMS,
    MAX_TEXT_LENGTH,
    MAX_WINDOW,
    ParsedText,
    Query,
    QueryError,
    Results,
    parse_text,
)

FIELDS = frozenset({"stance", "provision"})


def error_code(text: str) -> str:
    with pytest.raises(QueryError) as error:
        parse_text(text)
    assert str(error.value.message)
    return error.value.code


def test_words_phrases_prefixes_and_exclusions_are_told_apart():
    parsed = parse_text('Giải phóng "mặt bằng" chuyển* -nông "đất"')

    assert parsed == ParsedText(
        terms=("giải", "phóng", "đất"),
        phrases=("mặt bằng",),
        prefixes=("chuyển",),
        excluded=("nông",),
    )
    assert parsed.words() == ("giải", "phóng", "đất", "chuyển", "mặt", "bằng")


def test_the_text_is_nfc_normalised_and_lower_cased():
    decomposed = unicodedata.normalize("NFD", "ĐẤT ĐAI")

    assert parse_text(decomposed).terms == ("đất", "đai")


def test_folded_forms_map_đ_to_d():
    parsed = parse_text('Đất "mặt bằng" chuyển* -nông')

    assert parsed.folded_terms == ("dat",)
    assert parsed.folded_phrases == ("mat bang",)
    assert parsed.folded_prefixes == ("chuyen",)
    assert parsed.folded_excluded == ("nong",)


def test_legal_references_stay_one_word_and_repeats_are_dropped():
    parsed = parse_text("Nghị định 13/2023/NĐ-CP, nghị định.")

    assert parsed.terms == ("nghị", "định", "13/2023/nđ-cp")


def test_an_empty_or_only_excluding_text_is_empty():
    assert parse_text("").is_empty
    assert parse_text("  ").is_empty
    assert parse_text("-đất").is_empty
    assert parse_text("-đất").excluded == ("đất",)
    assert not parse_text('"mặt bằng"').is_empty


def test_a_one_word_phrase_is_a_term_and_wildcards_inside_quotes_are_ignored():
    assert parse_text('"đất"').terms == ("đất",)
    assert parse_text('"chuyển* đổi"') == ParsedText(terms=("đổi",))


def test_an_excluded_prefix_excludes_its_stem():
    assert parse_text("đất -chuyển*").excluded == ("chuyển",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('"mặt bằng', "unclosed_quote"),
        ('a "b" "c', "unclosed_quote"),
        ("x" * (MAX_TEXT_LENGTH + 1), "too_long"),
        ("*phóng", "wildcard"),
        ("ph*ng", "wildcard"),
        ("phó?g", "wildcard"),
        ("chuyển**", "wildcard"),
        ("ch*", "wildcard"),  # too short a stem: would expand to most of the index
        ("giải* phóng* mặt*", "wildcard"),
        (" ".join(f"từ{i}" for i in range(MAX_TERMS + 1)), "too_many_terms"),
    ],
)
def test_text_no_engine_should_run_is_refused(text, code):
    assert error_code(text) == code


def test_the_limits_themselves_are_allowed():
    assert parse_text("x" * MAX_TEXT_LENGTH).terms == ("x" * MAX_TEXT_LENGTH,)
    assert len(parse_text(" ".join(f"từ{i}" for i in range(MAX_TERMS))).terms) == MAX_TERMS
    assert parse_text("giải* phóng*").prefixes == ("giải", "phóng")
    assert parse_text("chu*").prefixes == ("chu",)


def validate(**kwargs: object) -> ParsedText:
    return Query(index="any", **kwargs).validate(keyword_fields=FIELDS)  # type: ignore[arg-type]


def validation_code(**kwargs: object) -> str:
    with pytest.raises(QueryError) as error:
        validate(**kwargs)
    assert str(error.value.message)
    return error.value.code


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"sort": "oldest"}, "sort"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": MAX_PER_PAGE + 1}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": 10_000}, "page"),
        ({"page": MAX_WINDOW // 20 + 1}, "page"),
        ({"facet_size": 0}, "facet_size"),
        ({"filters": {"province": ("79",)}}, "unknown_filter"),
        ({"scope": ({"stance": ("agree",)}, {"owner": ("7",)})}, "unknown_filter"),
        ({"filters": {"stance": ()}}, "filter_values"),
        ({"filters": {"stance": tuple(map(str, range(MAX_FILTER_VALUES + 1)))}}, "filter_values"),
        ({"facets": ("stance", "province")}, "unknown_facet"),
        ({"date_from": dt.date(2025, 3, 2), "date_to": dt.date(2025, 3, 1)}, "dates"),
        ({"text": '"mặt bằng'}, "unclosed_quote"),
    ],
)
def test_bad_queries_are_refused_with_a_code(kwargs, code):
    assert validation_code(**kwargs) == code


def test_a_good_query_returns_its_parsed_text():
    parsed = validate(
        text="đất đai",
        filters={"stance": ("agree", "amend")},
        scope=({"provision": ("art_5",)},),
        facets=("stance",),
        page=MAX_WINDOW // 20,  # the last reachable page
        date_from=dt.date(2025, 3, 1),
        date_to=dt.date(2025, 3, 1),
    )

    assert parsed.terms == ("đất", "đai")


def test_a_page_offset_and_the_reachable_pages():
    query = Query(index="any", page=3, per_page=20)
    assert query.offset == 40

    results = Results(hits=(), total=25_000, facets={}, took_ms=1.0, query=query)
    assert results.pages == MAX_WINDOW // 20
    assert Results(hits=(), total=0, facets={}, took_ms=1.0, query=query).pages == 1
    assert Results(hits=(), total=41, facets={}, took_ms=1.0, query=query).pages == 3


def test_messages_name_the_limit():
    with pytest.raises(QueryError) as error:
        parse_text("x" * (MAX_TEXT_LENGTH + 1))

    assert str(MAX_TEXT_LENGTH) in str(error.value.message)

    with pytest.raises(QueryError) as error:
        validate(page=10_000)

    assert "10.000" in str(error.value.message)  # Vietnamese thousands separator
