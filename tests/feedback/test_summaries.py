"""Extractive summaries: quotes that cover distinct points, sampling, themes, shortening."""

from __future__ import annotations

import random
import unicodedata

import numpy as np
import pytest

from feedback import summaries
from feedback.summaries import (
    Background,
    Comment,
    campaigns_once,
    cluster_limit,
    cosine_similarity,
    evenly,
    representative_quotes,
    shorten,
    text_terms,
    themes,
    to_cluster,
)
from search.themes import significant_terms
from tests.feedback.test_report_data import CAMPAIGN, DELAYS, FEES, ONLINE


def comments(texts, *, start=1, **fields):
    return [Comment(feedback_id=start + n, text=text, **fields) for n, text in enumerate(texts)]


# Quotes ---------------------------------------------------------------------------------------


def test_quotes_cover_each_point_once_and_the_largest_point_first():
    items = comments(FEES + DELAYS + ONLINE)
    items.append(Comment(feedback_id=99, text=CAMPAIGN, count=6, group=7))

    picks = representative_quotes(to_cluster(items))

    texts = [pick.comment.text for pick in picks]
    assert texts[0] == CAMPAIGN
    assert sum(text in FEES for text in texts) == 1
    assert sum(text in DELAYS for text in texts) == 1
    assert sum(text in ONLINE for text in texts) == 1
    assert len(picks) == 4
    assert [pick.similar for pick in picks] == [0, 3, 3, 3]


def test_quotes_stop_at_the_size_asked_and_keep_the_most_shared_points():
    items = comments(FEES + DELAYS + ONLINE[:2])

    picks = representative_quotes(to_cluster(items), size=2)

    points = [
        "fees" if pick.comment.text in FEES else "delays" if pick.comment.text in DELAYS else "?"
        for pick in picks
    ]
    assert sorted(points) == ["delays", "fees"]


def test_among_equal_texts_the_most_supported_then_the_first_is_quoted():
    same = "Đề nghị bổ sung quy định về chữ ký số cho hồ sơ trực tuyến."
    items = [
        Comment(feedback_id=5, text=same, supports=1),
        Comment(feedback_id=3, text=same, supports=4),
        Comment(feedback_id=4, text=same, supports=4),
    ]

    picks = representative_quotes(to_cluster(items))

    assert [(pick.comment.feedback_id, pick.similar) for pick in picks] == [(3, 2)]


def test_quotes_do_not_depend_on_the_order_comments_are_given_in():
    items = comments(FEES + DELAYS + ONLINE)
    shuffled = items[:]
    random.Random(4).shuffle(shuffled)

    assert representative_quotes(to_cluster(shuffled)) == representative_quotes(to_cluster(items))


def test_a_comment_without_words_is_still_quoted_alone():
    picks = representative_quotes(to_cluster(comments(["👍👍", "!!!"])))

    assert sorted(pick.comment.text for pick in picks) == ["!!!", "👍👍"]
    assert all(pick.similar == 0 for pick in picks)
    assert representative_quotes([]) == []


def test_the_sparse_similarity_equals_a_dense_computation():
    rng = random.Random(9)
    words = [f"từ{n}" for n in range(60)]
    # Common words (in many texts: the dense product) and rare ones (pair by pair).
    texts = [
        " ".join(rng.choice(words[:5] if rng.random() < 0.5 else words) for _ in range(12))
        for _ in range(80)
    ]
    terms = [text_terms(text) for text in texts]

    similarity = cosine_similarity(terms)

    vocabulary = sorted({key for found in terms for key in found})
    matrix = np.array([[key in found for key in vocabulary] for found in terms], dtype=float)
    df = matrix.sum(axis=0)
    weighted = matrix * (np.log((1 + len(texts)) / (1 + df)) + 1)
    weighted /= np.linalg.norm(weighted, axis=1, keepdims=True)
    expected = weighted @ weighted.T
    np.fill_diagonal(expected, 1.0)
    assert np.allclose(similarity, expected)
    assert (df >= summaries._DENSE_DF).any() and ((df >= 2) & (df < summaries._DENSE_DF)).any()


# Campaigns and sampling -----------------------------------------------------------------------


def test_a_campaign_is_one_item_counting_its_members_shown_by_its_representative():
    members = [Comment(feedback_id=n, text=CAMPAIGN, group=7, supports=1) for n in (4, 2, 9)]
    lone = Comment(feedback_id=5, text="Một ý kiến.", group=8)

    items = campaigns_once([*members, lone], representatives={7: 9})

    assert [(item.feedback_id, item.count, item.supports) for item in items] == [
        (5, 1, 0),
        (9, 3, 3),
    ]
    assert campaigns_once(members)[0].feedback_id == 2  # the first when none is named


def test_a_sample_keeps_campaigns_and_spreads_the_rest_with_their_weight():
    items = [Comment(feedback_id=n) for n in range(1, 1001)]
    items += [Comment(feedback_id=2000 + n, count=50 - n) for n in range(5)]

    chosen = to_cluster(items, limit=105)

    assert len(chosen) == 105
    assert [c.feedback_id for c in chosen] == sorted(c.feedback_id for c in chosen)
    assert {c.feedback_id for c in chosen if c.count > 1} == {2000, 2001, 2002, 2003, 2004}
    assert sum(c.weight for c in chosen) == pytest.approx(1000 + sum(range(46, 51)))
    assert to_cluster(items, limit=105) == chosen
    assert all(c.weight == c.count for c in to_cluster(items[:10]))


def test_campaigns_fill_the_room_the_other_comments_leave():
    items = [Comment(feedback_id=n, count=2) for n in range(1, 21)] + [Comment(feedback_id=99)]

    chosen = to_cluster(items, limit=10)

    assert [c.feedback_id for c in chosen] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 99]


def test_the_texts_clustered_are_bounded_per_provision_and_per_report():
    assert cluster_limit(items=300, total=5_000) == 300
    assert cluster_limit(items=9_000, total=9_000) == summaries.MAX_CLUSTERED
    share = cluster_limit(items=10_000, total=100_000)
    assert share == summaries.CLUSTER_BUDGET // 10
    assert cluster_limit(items=100, total=100_000) == summaries.MIN_CLUSTERED
    assert cluster_limit(items=10, total=100_000) == 10


def test_evenly_spreads_a_sample_over_the_items():
    assert evenly(list(range(10)), 5) == [0, 2, 4, 6, 8]
    assert evenly([1, 2], 5) == [1, 2]
    assert evenly([1, 2], 0) == []


# Themes ---------------------------------------------------------------------------------------


THEMED = [
    "Nhà tái định cư xuống cấp, cần sửa chữa.",
    "Tái định cư tại chỗ cho các hộ bị thu hồi đất.",
    "tai dinh cu o dau, chua ro.",
    "Khu tái định cư thiếu trường học.",
    "Bồi thường khi thu hồi đất còn thấp.",
    "Giá bồi thường thu hồi đất chưa sát giá thị trường.",
    "Thu hồi đất phải công khai.",
]
OTHERS = [f"Văn bản số {n} về thuế và phí, lệ phí." for n in range(30)] + [
    "Thu hồi đất cần đúng luật.",
    "Cần sửa chữa trường học.",
]


@pytest.mark.parametrize(
    ("foreground", "background"),
    [
        (THEMED, THEMED + OTHERS),
        (["alpha beta gamma"] * 3, ["alpha beta gamma"] * 3 + ["delta", "epsilon", "zeta"]),
        (FEES + DELAYS, FEES + DELAYS + ONLINE + [CAMPAIGN] * 4),
    ],
)
def test_themes_score_as_the_search_themes_do(foreground, background):
    expected = significant_terms(
        foreground=foreground,
        foreground_total=len(foreground),
        background=background,
        background_total=len(background),
        size=5,
    )

    found = themes(
        terms=[text_terms(text) for text in foreground],
        total=len(foreground),
        background=Background.of((text_terms(text) for text in background), total=len(background)),
        size=5,
    )

    assert expected  # the comparison is not between two empty answers
    assert found == tuple(term.text for term in expected)


def test_themes_of_the_provision_come_first_spelled_as_most_wrote_them():
    found = themes(
        terms=[text_terms(text) for text in THEMED],
        total=len(THEMED),
        background=Background.of(
            (text_terms(text) for text in THEMED + OTHERS), total=len(THEMED + OTHERS)
        ),
    )

    assert found[:2] == ("tái định cư", "thu hồi đất")
    assert themes(terms=[text_terms("Một.")], total=1, background=Background({}, 0, 10)) == ()


# Shortening -----------------------------------------------------------------------------------


def test_a_short_text_is_kept_whole_and_composed():
    text = "Ý kiến 👍🏽 — 中文."
    assert shorten(unicodedata.normalize("NFD", text)) == text


def test_a_long_text_is_cut_after_a_sentence():
    text = "Câu thứ nhất đủ dài để vượt nửa giới hạn. Câu thứ hai bị cắt ở giữa chừng."

    assert shorten(text, limit=60) == "Câu thứ nhất đủ dài để vượt nửa giới hạn. …"


def test_without_a_sentence_end_a_long_text_is_cut_between_words():
    text = "một hai ba bốn năm sáu bảy tám chín mười mười một mười hai"

    shortened = shorten(text, limit=30)

    assert shortened == "một hai ba bốn năm sáu bảy tám…"
    assert len(shortened) <= 31


@pytest.mark.parametrize(
    "unit",
    ["👨‍👩‍👧", "👍🏽", "🇻🇳", "ệ", "e\u0302\u0301"],
    ids=["family", "skin tone", "flag", "letter", "combining marks"],
)
def test_a_cut_inside_one_long_word_never_splits_an_emoji_or_a_letter(unit):
    text = unit * 200  # no space, no sentence: cut by characters

    shortened = shorten(text, limit=101)

    body = shortened.removesuffix("…")
    composed = unicodedata.normalize("NFC", unit)
    assert body == composed * (len(body) // len(composed))
    assert body
