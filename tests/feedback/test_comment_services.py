"""Comment services: automatic holds, pre-moderation, rate limits, idempotency, counts."""

import io
import uuid

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drafts.models import Moderation
from feedback.attachments import DOCX, attachment_check
from feedback.automod import hold_reasons
from feedback.choices import FeedbackStatus, HoldReason, ModerationAction
from feedback.errors import FeedbackRefused
from feedback.models import Feedback, ModerationDecision
from feedback.selectors import feedback_counts
from feedback.services.comments import CommentInput, feedback_create
from tests.feedback.conftest import comment_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Đồ ngu như bò", HoldReason.ABUSIVE_WORDS),
        ("do ngu nhu bo", HoldReason.ABUSIVE_WORDS),  # typed without diacritics
        ("ĐỒ NGU", HoldReason.ABUSIVE_WORDS),
        ("xem tại https://vi-du.vn/trang", HoldReason.LINK),
        ("truy cập www.vidu.com", HoldReason.LINK),
        ("gọi 0905 123 456 nhé", HoldReason.PERSONAL_DATA),
        ("số +84 905.123.456", HoldReason.PERSONAL_DATA),
        ("CCCD 001203004005", HoldReason.PERSONAL_DATA),
    ],
)
def test_automatic_holds(text, reason):
    assert reason in hold_reasons(text)


@pytest.mark.parametrize(
    "text",
    [
        "Các cơ quan lớn cần công khai dữ liệu.",
        "cac co quan can cong khai",  # "các" typed without diacritics is not "cặc"
        "Điều 5 khoản 2 năm 2026 quy định 30 ngày.",
        "deo kinh khi doc",  # "đeo kính"
    ],
)
def test_ordinary_text_is_not_held(text):
    assert hold_reasons(text) == []


def test_a_held_comment_waits_and_the_hold_is_logged(open_draft, respondent):
    feedback = comment_create(open_draft, respondent, body="Liên hệ tôi: 0905123456")
    assert feedback.status == FeedbackStatus.PENDING
    assert feedback.published_at is None
    decision = ModerationDecision.objects.get(feedback=feedback)
    assert decision.action == ModerationAction.HOLD
    assert decision.moderator is None
    assert decision.hold_reasons == [HoldReason.PERSONAL_DATA]


def test_a_pre_moderated_consultation_holds_every_comment(open_draft, respondent):
    open_draft.moderation = Moderation.PRE
    open_draft.save()
    feedback = comment_create(open_draft, respondent)
    assert feedback.status == FeedbackStatus.PENDING
    assert feedback.hold_reasons == [HoldReason.PRE_MODERATION]


def test_rate_limits_hold_then_refuse(open_draft, respondent, settings):
    settings.FEEDBACK_RATE_LIMITS = {
        "user": {"window": 600, "hold": 2, "refuse": 3},
        "ip": {"window": 600, "hold": 100, "refuse": 100},
    }
    statuses = [comment_create(open_draft, respondent).status for _ in range(3)]
    assert statuses == ["published", "published", "pending"]
    with pytest.raises(FeedbackRefused) as refused:
        comment_create(open_draft, respondent)
    assert refused.value.status == 429
    assert Feedback.objects.count() == 3


def test_rate_limits_per_address(open_draft, respondent, other_respondent, settings):
    settings.FEEDBACK_RATE_LIMITS = {
        "user": {"window": 600, "hold": 100, "refuse": 100},
        "ip": {"window": 600, "hold": 1, "refuse": 5},
    }
    version = open_draft.versions.get()
    made = [
        feedback_create(
            author=author,
            draft=open_draft,
            version=version,
            data=CommentInput(body="Góp ý", stance="agree"),
            ip_address="203.0.113.7",
        )
        for author in (respondent, other_respondent)
    ]
    assert [f.status for f in made] == ["published", "pending"]
    assert HoldReason.RATE_LIMIT in made[1].hold_reasons


def test_the_same_key_returns_the_first_comment(open_draft, respondent):
    version = open_draft.versions.get()
    key = uuid.uuid4()
    first, second = (
        feedback_create(
            author=respondent,
            draft=open_draft,
            version=version,
            data=CommentInput(body=body, stance="agree"),
            idempotency_key=key,
        )
        for body in ("Lần một", "Lần hai")
    )
    assert first.pk == second.pk
    assert Feedback.objects.get().body == "Lần một"


def test_the_counts_follow_publication(open_draft, respondent, django_capture_on_commit_callbacks):
    version = open_draft.versions.get()
    assert feedback_counts(version=version) == {}
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(open_draft, respondent, eid="art_1")
        comment_create(open_draft, respondent, eid="")
        comment_create(open_draft, respondent, eid="art_1", body="gọi 0905123456")  # held
    assert feedback_counts(version=version) == {"art_1": 1, "": 1}


def test_a_word_document_is_accepted_by_its_content():
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Ý kiến của Hiệp hội")
    document.save(buffer)
    upload = SimpleUploadedFile("y-kien.bin", buffer.getvalue())
    assert attachment_check(upload)[1] == DOCX


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7 truncated without an end",
        b"PK\x03\x04 not really a zip",
        b"<html><script>alert(1)</script></html>",
        b"",
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(content):
    with pytest.raises(FeedbackRefused):
        attachment_check(SimpleUploadedFile("tep.pdf", content))


def test_an_oversized_file_is_refused_before_reading(settings):
    settings.FEEDBACK_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(FeedbackRefused):
        attachment_check(SimpleUploadedFile("a.pdf", b"%PDF-1.4\n" + b"x" * 20 + b"%%EOF"))
