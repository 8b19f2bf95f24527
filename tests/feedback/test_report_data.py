"""The synthesis report's data, checked against the database: counts, order, quotes, privacy."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from drafts.importers.structure import Kind, ParsedDocument, ParsedProvision
from drafts.models import DocumentType, TargetedQuestion
from feedback.choices import (
    Channel,
    DispositionKind,
    FeedbackKind,
    FeedbackStatus,
    ModerationReason,
    Province,
    RespondentType,
    Stance,
)
from feedback.duplicates import duplicates_regroup
from feedback.models import Disposition, Feedback, QuestionAnswer
from feedback.report_data import ReportData, StanceCounts, report_data
from feedback.summaries import QUOTE_CHARS, shorten
from tests.drafts.conftest import article
from tests.factories import DraftingBodyFactory, UserFactory
from tests.feedback.conftest import comment_stored

pytestmark = pytest.mark.django_db

ICT = ZoneInfo("Asia/Ho_Chi_Minh")
OPENS = dt.datetime(2026, 3, 2, 8, 0, tzinfo=ICT)  # a Monday morning
CLOSES = dt.datetime(2026, 3, 7, 0, 0, tzinfo=ICT)  # midnight: the last day is 6 March

# Three distinct points made about fees and permits (art_2), four comments each, worded apart.
FEES = [
    "Đề nghị giảm mức phí cấp giấy phép xây dựng vì mức phí hiện nay quá cao so với thu nhập.",
    "Mức phí cấp giấy phép xây dựng trong dự thảo quá cao, cần giảm phí cho hộ gia đình.",
    "Phí cấp giấy phép xây dựng nên giảm một nửa để hộ gia đình có thể chi trả.",
    "Cần xem xét lại mức phí giấy phép xây dựng, hiện quá cao với hộ nghèo.",
]
DELAYS = [
    "Thời hạn giải quyết hồ sơ mười lăm ngày làm việc là quá dài, đề nghị rút ngắn còn bảy ngày.",
    "Đề nghị rút ngắn thời hạn giải quyết hồ sơ xuống còn năm ngày làm việc.",
    "Thời hạn giải quyết hồ sơ cần rút ngắn, doanh nghiệp chờ đợi quá lâu.",
    "Nên rút ngắn thời hạn giải quyết để giảm thời gian chờ của doanh nghiệp.",
]
ONLINE = [
    "Cần cho phép nộp hồ sơ trực tuyến qua cổng dịch vụ công, không bắt buộc nộp bản giấy.",
    "Đề nghị bổ sung hình thức nộp trực tuyến trên cổng dịch vụ công quốc gia.",
    "Nộp hồ sơ trực tuyến qua cổng dịch vụ công sẽ tiết kiệm chi phí đi lại.",
    "Nên chấp nhận nộp trực tuyến và chữ ký số trên cổng dịch vụ công.",
]
CAMPAIGN = (
    "Chúng tôi là các hộ kinh doanh tại chợ Hàn, kiến nghị Ban soạn thảo giữ nguyên mức thu "
    "như hiện nay, không tăng thêm trong năm 2026 vì sức mua còn yếu, nhiều hộ đang thua lỗ "
    "và có nguy cơ phải nghỉ bán. Đề nghị thành phố có chính sách hỗ trợ tiểu thương."
)


def two_chapters() -> ParsedDocument:
    """Chương I (articles 1-2, article 2 with clauses and points), Chương II (articles 3-4)."""
    return ParsedDocument(
        document_type="Nghị quyết",
        number="…/2026/NQ-HĐND",
        title="Quy định mức thu phí cấp giấy phép xây dựng",
        place_and_date="Đà Nẵng, ngày      tháng      năm 2026",
        provisions=[
            ParsedProvision(
                Kind.CHAPTER,
                "I",
                "chp_I",
                heading="QUY ĐỊNH CHUNG",
                children=[
                    article("1", "Phạm vi điều chỉnh", "Nghị quyết này quy định mức thu phí."),
                    article(
                        "2",
                        "Mức thu",
                        "Mức thu phí cấp giấy phép xây dựng nhà ở riêng lẻ là 75.000 đồng.",
                        "Thời hạn và cách nộp hồ sơ:",
                        points={2: ["Nộp tại bộ phận một cửa;", "Giải quyết trong 15 ngày."]},
                    ),
                ],
            ),
            ParsedProvision(
                Kind.CHAPTER,
                "II",
                "chp_II",
                heading="TỔ CHỨC THỰC HIỆN",
                children=[
                    article("3", "Trách nhiệm thi hành", "Ủy ban nhân dân thành phố tổ chức."),
                    article("4", "Hiệu lực thi hành", "Nghị quyết có hiệu lực từ ngày ký."),
                ],
            ),
        ],
    )


@pytest.fixture
def draft(draft_index):
    from drafts.services import draft_create

    page = draft_create(
        index=draft_index,
        parsed=two_chapters(),
        document_type=DocumentType.objects.get(code="nghi-quyet-hdnd-tinh"),
        drafting_body=DraftingBodyFactory.create(name="Sở Tài chính", short_name="STC"),
        opens_at=OPENS,
        closes_at=CLOSES,
        short_period_reason="Cần ban hành gấp để kịp áp dụng từ quý II.",
        slug="phi-giay-phep",
    )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def version(draft):
    return draft.versions.get()


def comment(draft, body="Đề nghị làm rõ.", *, eid="art_1", day=0, **fields):
    """A comment stored as the services store it, on the ``day``-th day of the consultation."""
    return comment_stored(
        draft, body, eid=eid, created_at=OPENS + dt.timedelta(days=day, hours=2), **fields
    )


def answer(comments, *, kind=DispositionKind.EXPLAINED, text="Giải trình.", published=True):
    disposition = Disposition.objects.create(
        draft=comments[0].draft,
        kind=kind,
        answer=text,
        published_at=timezone.now() if published else None,
    )
    Feedback.objects.filter(pk__in=[c.pk for c in comments]).update(disposition=disposition)
    return disposition


def as_text(data: ReportData) -> str:
    return json.dumps(dataclasses.asdict(data), default=str, ensure_ascii=False)


def row(data: ReportData, eid: str):
    return next(item for item in data.rows if item.eid == eid)


# Part I ---------------------------------------------------------------------------------------


def test_totals_count_published_comments_respondents_and_hidden_by_reason(draft, version):
    lan, minh = UserFactory.create(), UserFactory.create()
    first = comment(draft, author=lan, province=Province.DA_NANG)
    comment(draft, eid="art_2", author=lan, province=Province.DA_NANG)  # same respondent
    comment(draft, author=minh, province=Province.HA_NOI, stance=Stance.AGREE)
    comment(  # an official critique by a press agency
        draft,
        author_name="Báo Đà Nẵng",
        respondent_type=RespondentType.PRESS,
        organisation="Báo Đà Nẵng",
        kind=FeedbackKind.CRITIQUE,
    )
    for channel in (Channel.PAPER, Channel.LETTER):  # no account: counted by name
        comment(
            draft,
            author_name="Công ty Minh Phát",
            respondent_type=RespondentType.BUSINESS,
            organisation="Công ty Minh Phát",
            channel=channel,
        )
    comment(draft, parent=first, stance="", body="Tôi đồng ý với ý kiến này.")
    comment(draft, status=FeedbackStatus.PENDING)
    comment(draft, status=FeedbackStatus.HIDDEN, moderation_reason=ModerationReason.SPAM)
    comment(draft, status=FeedbackStatus.HIDDEN, moderation_reason=ModerationReason.SPAM)
    comment(draft, status=FeedbackStatus.HIDDEN, moderation_reason=ModerationReason.ABUSIVE)

    overview = report_data(version=version).overview

    assert overview.comments == 6
    assert overview.replies == 1
    assert overview.respondents == 4  # Lan, Minh, the newspaper, the company
    assert overview.organisations == 2
    assert overview.press_critiques == 1
    assert overview.paper_submissions == 2
    assert overview.pending == 1
    assert overview.hidden == 3
    hidden = {item.key: item.count for item in overview.hidden_by_reason}
    assert hidden == dict.fromkeys(ModerationReason.values, 0) | {
        ModerationReason.SPAM: 2,
        ModerationReason.ABUSIVE: 1,
    }
    channels = {item.key: item.count for item in overview.channels}
    assert channels == {Channel.ONLINE: 4, Channel.PAPER: 1, Channel.LETTER: 1}
    types = {item.key: item.count for item in overview.by_respondent_type}
    assert types[RespondentType.INDIVIDUAL] == 3
    assert types[RespondentType.BUSINESS] == 2
    assert types[RespondentType.PRESS] == 1
    assert sum(types.values()) == overview.comments
    assert [(c.key, c.count) for c in overview.by_province] == [
        ("", 3),
        (Province.DA_NANG, 2),
        (Province.HA_NOI, 1),
    ]
    assert overview.by_province[1].label == "Thành phố Đà Nẵng"
    assert overview.stance_total == StanceCounts(agree=1, amend=5)


def test_a_clause_or_point_comment_counts_for_its_article_and_chapter(draft, version):
    comment(draft, eid="art_2", stance=Stance.AGREE)
    comment(draft, eid="art_2__para_1", stance=Stance.DISAGREE)
    comment(draft, eid="art_2__para_2__point_b", stance=Stance.AMEND)
    comment(draft, eid="art_4", stance="")
    comment(draft, eid="chp_II", stance=Stance.OTHER)  # on the chapter itself: no article
    comment(draft, eid="", stance=Stance.AGREE)  # the whole draft: neither

    overview = report_data(version=version).overview

    articles = {item.eid: item for item in overview.stance_by_article}
    assert list(articles) == ["art_2", "art_4"]
    assert articles["art_2"].label == "Điều 2. Mức thu"
    assert articles["art_2"].stances == StanceCounts(agree=1, disagree=1, amend=1)
    assert articles["art_4"].stances == StanceCounts(none=1)
    chapters = {item.eid: item for item in overview.stance_by_chapter}
    assert list(chapters) == ["chp_I", "chp_II"]
    assert chapters["chp_I"].label == "Chương I. QUY ĐỊNH CHUNG"
    assert chapters["chp_I"].stances == StanceCounts(agree=1, disagree=1, amend=1)
    assert chapters["chp_II"].stances == StanceCounts(other=1, none=1)
    assert overview.stance_total.total == 6


def test_comments_per_day_cover_the_whole_period_with_zeros(draft, version):
    comment(draft, day=0)
    comment(draft, day=0)
    comment(draft, day=2)
    # 23:30 on 5 March in Asia/Ho_Chi_Minh is 16:30 UTC: counted on the 5th.
    late = comment(draft, day=3)
    Feedback.objects.filter(pk=late.pk).update(
        created_at=dt.datetime(2026, 3, 5, 23, 30, tzinfo=ICT)
    )

    per_day = report_data(version=version).overview.per_day

    assert [(c.key, c.count) for c in per_day] == [
        ("2026-03-02", 2),
        ("2026-03-03", 0),
        ("2026-03-04", 1),
        ("2026-03-05", 1),
        ("2026-03-06", 0),
    ]
    assert per_day[0].label == "02/03/2026"


# Part II --------------------------------------------------------------------------------------


@pytest.fixture
def three_points_and_a_campaign(draft):
    """Four comments on each of three points about article 2, and a campaign of five copies."""
    made = [comment(draft, text, eid="art_2") for text in FEES + DELAYS + ONLINE]
    campaign = [
        comment(draft, CAMPAIGN, eid="art_2", author_name=f"Tiểu thương {n}") for n in range(5)
    ]
    duplicates_regroup(draft=draft)
    return made, campaign


def test_quotes_cover_each_distinct_point_once_and_a_campaign_once(
    version, three_points_and_a_campaign
):
    _points, campaign = three_points_and_a_campaign

    data = report_data(version=version)

    quoted = row(data, "art_2").quotes
    assert row(data, "art_2").comments == 17
    by_point = {
        name: [q for q in quoted if q.text in texts]
        for name, texts in (("fees", FEES), ("delays", DELAYS), ("online", ONLINE))
    }
    assert {name: len(quotes) for name, quotes in by_point.items()} == {
        "fees": 1,
        "delays": 1,
        "online": 1,
    }
    assert all(quotes[0].similar == 3 for quotes in by_point.values())
    # Quoted shortened, at the end of a sentence; Part I's table has it whole.
    campaign_quotes = [q for q in quoted if q.text == shorten(CAMPAIGN)]
    assert shorten(CAMPAIGN).endswith("nghỉ bán. …")
    assert len(campaign_quotes) == 1
    assert campaign_quotes[0].count == 5
    assert campaign_quotes[0].similar == 0
    assert len(quoted) == 4
    assert quoted[0] == campaign_quotes[0]  # the point most comments make comes first

    campaigns = data.overview.campaigns
    assert len(campaigns) == 1
    assert campaigns[0].count == 5
    assert campaigns[0].text == CAMPAIGN
    assert campaigns[0].provision_label == "Điều 2"
    campaign[0].refresh_from_db()
    assert campaigns[0].group_id == campaign[0].duplicate_group_id


def test_rows_follow_the_document_with_labels_respondents_and_answers(draft, version):
    lan = UserFactory.create()
    point = comment(draft, "Điểm b cần rõ hơn.", eid="art_2__para_2__point_b", author=lan)
    comment(draft, "Lần nữa về điểm b.", eid="art_2__para_2__point_b", author=lan)
    on_article = comment(
        draft,
        "Đề nghị giữ mức thu.",
        eid="art_2",
        author_name="Hiệp hội Xây dựng",
        respondent_type=RespondentType.ORGANISATION,
        organisation="Hiệp hội Xây dựng",
    )
    other = comment(
        draft,
        "Mức thu hợp lý.",
        eid="art_2",
        author_name="Báo Đà Nẵng",
        respondent_type=RespondentType.PRESS,
    )
    comment(draft, "Về chương II.", eid="art_3")
    comment(draft, "Nói chung dự thảo tốt.", eid="")
    answer([on_article, other], kind=DispositionKind.ACCEPTED, text="Tiếp thu, giữ mức thu.")
    answer([point], text="Chưa công bố.", published=False)

    data = report_data(version=version)

    assert [(r.number, r.eid, r.label) for r in data.rows] == [
        (1, "art_2", "Điều 2"),
        (2, "art_2__para_2__point_b", "Điều 2, khoản 2, điểm b"),
        (3, "art_3", "Điều 3"),
    ]
    article_row = data.rows[0]
    assert article_row.heading == "Mức thu"
    assert article_row.text.startswith("Mức thu phí cấp giấy phép")  # its clauses' text
    assert article_row.respondents == ("Báo Đà Nẵng", "Hiệp hội Xây dựng")
    assert article_row.individuals == 0
    assert [(a.kind, a.label, a.text, a.count) for a in article_row.answers] == [
        (DispositionKind.ACCEPTED, "Tiếp thu", "Tiếp thu, giữ mức thu.", 2)
    ]
    assert article_row.unanswered == 0
    point_row = data.rows[1]
    assert point_row.heading == ""
    assert point_row.text == "Giải quyết trong 15 ngày."
    assert point_row.individuals == 1  # one person, two comments
    assert point_row.answers == ()  # its answer is not published
    assert point_row.unanswered == 2
    assert data.whole_draft is not None
    assert data.whole_draft.label == "Toàn bộ dự thảo"
    assert data.whole_draft.comments == 1
    assert data.uncommented == (
        ("art_1", "Điều 1. Phạm vi điều chỉnh"),
        ("art_4", "Điều 4. Hiệu lực thi hành"),
    )
    assert "Chưa công bố." not in as_text(data)


# Privacy and what is shown ----------------------------------------------------------------------


def test_only_published_comments_and_published_answers_appear(draft, version):
    shown = comment(draft, "Ý kiến đã đăng công khai.")
    comment(draft, "Ý kiến đang chờ kiểm duyệt.", status=FeedbackStatus.PENDING)
    comment(
        draft,
        "Mua đất nền giá rẻ, gọi ngay.",
        status=FeedbackStatus.HIDDEN,
        moderation_reason=ModerationReason.SPAM,
    )
    answer([shown], text="Câu trả lời còn nháp.", published=False)

    text = as_text(report_data(version=version, appendix=True))

    assert "Ý kiến đã đăng công khai." in text
    assert "chờ kiểm duyệt" not in text
    assert "giá rẻ" not in text
    assert "Câu trả lời còn nháp." not in text


def test_nothing_private_is_in_the_data(draft, version):
    person = UserFactory.create(email="lan.private@example.com")
    # An individual shown under their name: their organisation, e-mail, IP are private.
    comment(
        draft,
        "Tôi đề nghị bổ sung quy định.",
        author=person,
        author_name="Nguyễn Thị Lan",
        organisation="Công ty Bí Mật",
        ip_address="203.0.113.7",
        province=Province.HUE,
    )
    question = TargetedQuestion.objects.create(page=draft, text="Mức thu có phù hợp không?")
    QuestionAnswer.objects.create(
        feedback=Feedback.objects.get(author=person),
        question=question,
        question_text=question.text,
        text="Phù hợp.",
    )

    text = as_text(report_data(version=version, appendix=True))

    assert "Nguyễn Thị Lan" in text  # as shown publicly
    for private in ("Công ty Bí Mật", "lan.private@example.com", "203.0.113.7", person.username):
        assert private not in text


def test_the_report_is_in_vietnamese_whatever_the_language_asking(draft, version):
    comment(draft, stance=Stance.AGREE)

    with translation.override("en"):
        data = report_data(version=version)
        assert translation.get_language() == "en"  # and the caller's language is left as it was

    assert data.rows[0].quotes[0].stance == "Tán thành"
    assert data.rows[0].quotes[0].respondent_type == "Cá nhân"
    assert data.version_label == "Dự thảo lần 1"


def test_two_runs_give_the_same_data(version, three_points_and_a_campaign, time_machine):
    time_machine.move_to(CLOSES + dt.timedelta(days=2), tick=False)

    first = report_data(version=version, appendix=True)
    again = report_data(version=version, appendix=True)

    assert first == again
    assert as_text(first) == as_text(again)


# Bad input -----------------------------------------------------------------------------------


def test_a_draft_without_feedback_has_zeros_and_every_article_uncommented(draft, version):
    data = report_data(version=version, appendix=True)

    overview = data.overview
    assert (overview.comments, overview.replies, overview.respondents, overview.hidden) == (
        0,
        0,
        0,
        0,
    )
    assert overview.stance_total == StanceCounts()
    assert [c.count for c in overview.per_day] == [0, 0, 0, 0, 0]
    assert overview.campaigns == ()
    assert overview.stance_by_article == ()
    assert [row.stances for row in overview.stance_by_chapter] == [StanceCounts()] * 2
    assert data.rows == ()
    assert data.whole_draft is None
    assert [eid for eid, _label in data.uncommented] == ["art_1", "art_2", "art_3", "art_4"]
    assert data.appendix == ()
    assert data.document_type == "Nghị quyết"
    assert data.drafting_body == "Sở Tài chính"
    assert data.report_number.endswith("…/BC-STC")
    assert data.place == "Đà Nẵng"


def test_a_100000_character_comment_is_quoted_short_and_listed_whole(draft, version):
    sentence = "Đề nghị quy định rõ trách nhiệm của từng cơ quan trong việc cấp phép. "
    long_text = (sentence * (100_000 // len(sentence) + 1))[:100_000]
    comment(draft, long_text, eid="art_3")

    data = report_data(version=version, appendix=True)

    quote = data.rows[0].quotes[0]
    assert quote.text.endswith("…")
    assert len(quote.text) <= QUOTE_CHARS + 2
    assert long_text.startswith(quote.text.removesuffix("…").strip())
    assert quote.text.removesuffix(" …").endswith("cấp phép.")  # cut after a sentence
    assert data.appendix is not None
    assert data.appendix[0].text == long_text


def test_mixed_scripts_and_emoji_are_kept_whole_and_composed(draft, version):
    text = "Tiếng Việt, 中文, العربية, русский 👍🏽 👨‍👩‍👧 🇻🇳 — ý kiến."
    decomposed = unicodedata.normalize("NFD", text)
    comment(draft, decomposed, eid="art_1")

    data = report_data(version=version, appendix=True)

    assert data.rows[0].quotes[0].text == unicodedata.normalize("NFC", text)
    assert data.appendix is not None
    assert data.appendix[0].text == unicodedata.normalize("NFC", text)


# Part III, appendix, progress ------------------------------------------------------------------


def test_targeted_questions_are_summarised_with_their_published_answers(draft, version):
    asked = TargetedQuestion.objects.create(
        page=draft,
        text="Mức thu có phù hợp với doanh nghiệp không?",
        respondent_group=TargetedQuestion.RespondentGroup.BUSINESSES,
    )
    unanswered = TargetedQuestion.objects.create(page=draft, text="Có cần miễn phí không?")
    for text, status in (
        ("Phù hợp với doanh nghiệp nhỏ.", FeedbackStatus.PUBLISHED),
        ("Cao so với doanh nghiệp mới thành lập.", FeedbackStatus.PUBLISHED),
        ("Câu trả lời bị ẩn.", FeedbackStatus.HIDDEN),
    ):
        QuestionAnswer.objects.create(
            feedback=comment(draft, status=status),
            question=asked,
            question_text=asked.text,
            text=text,
        )

    questions = report_data(version=version).questions

    assert [(q.text, q.group, q.answers) for q in questions] == [
        (asked.text, "Doanh nghiệp", 2),
        (unanswered.text, "", 0),
    ]
    assert {q.text for q in questions[0].quotes} == {
        "Phù hợp với doanh nghiệp nhỏ.",
        "Cao so với doanh nghiệp mới thành lập.",
    }
    assert questions[1].quotes == ()


def test_the_appendix_lists_every_published_comment_in_document_order(draft, version):
    later = comment(draft, "Sau.", eid="art_2", day=2)
    earlier = comment(draft, "Trước.", eid="art_2", day=1)
    first = comment(draft, "Điều 1.", eid="art_1", day=3)
    whole = comment(draft, "Toàn bộ.", eid="", day=0)
    clause = comment(draft, "Khoản 1.", eid="art_2__para_1", day=0)
    comment(draft, "Ẩn.", status=FeedbackStatus.HIDDEN)
    answer([earlier], kind=DispositionKind.NOT_ACCEPTED, text="Không tiếp thu vì trái luật.")

    data = report_data(version=version, appendix=True)

    assert data.appendix is not None
    assert [a.feedback_id for a in data.appendix] == [
        first.pk,
        earlier.pk,
        later.pk,
        clause.pk,
        whole.pk,
    ]
    entry = data.appendix[1]
    assert (entry.provision_label, entry.date, entry.disposition, entry.answer) == (
        "Điều 2",
        dt.date(2026, 3, 3),
        "Không tiếp thu",
        "Không tiếp thu vì trái luật.",
    )
    assert data.appendix[4].provision_label == "Toàn bộ dự thảo"
    assert report_data(version=version).appendix is None


def test_progress_is_told_in_order_up_to_done(version, three_points_and_a_campaign):
    told: list[tuple[int, str]] = []

    report_data(version=version, progress=lambda percent, message: told.append((percent, message)))

    percents = [percent for percent, _message in told]
    assert percents == sorted(percents)
    assert percents[0] == 0
    assert percents[-1] == 100
    assert len(told) >= 4
    assert all(message for _percent, message in told)
