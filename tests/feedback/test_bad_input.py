"""Bad input on every way in: a clear refusal or neutralised text, and nothing else changed."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from feedback.choices import FeedbackStatus
from feedback.errors import FeedbackRefused
from feedback.models import Feedback, FeedbackAttachment, Support
from feedback.services.comments import CommentInput, feedback_create, support_add
from tests.drafts.conftest import parsed_document, published_draft
from tests.feedback.conftest import comment_create

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert('xss')</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">bấm</a>',
    "<svg/onload=alert(1)>",
]


def _form(**fields):
    return {
        "phien-ban": "1",
        "dieu": "art_2__para_1",
        "stance": "amend",
        "body": "Góp ý hợp lệ.",
        "idempotency_key": str(uuid.uuid4()),
        **fields,
    }


def _post(client, draft, **fields):
    return client.post(reverse("feedback:new", args=[draft.pk]), _form(**fields))


@pytest.mark.parametrize("payload", XSS)
def test_html_in_every_field_is_shown_as_text_never_run(client, open_draft, respondent, payload):
    open_draft.targeted_questions.create(text="Câu hỏi?")
    question = open_draft.targeted_questions.get()
    client.force_login(respondent)
    response = _post(
        client,
        open_draft,
        body=f"Ý kiến {payload}",
        suggested_text=f"Sửa {payload}",
        **{f"answer_{question.pk}": f"Trả lời {payload}"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    feedback = Feedback.objects.get()
    assert payload in feedback.body  # stored as the user wrote it, as plain text
    for url in (reverse("feedback:detail", args=[feedback.pk]), open_draft.url):
        page = client.get(url).content.decode()
        assert payload not in page
    detail = client.get(reverse("feedback:detail", args=[feedback.pk])).content.decode()
    assert "&lt;" in detail


def test_html_in_a_reply_and_a_flag_note_is_escaped(
    client, open_draft, respondent, other_respondent
):
    comment = comment_create(open_draft, respondent)
    client.force_login(other_respondent)
    client.post(
        reverse("feedback:reply", args=[comment.pk]),
        {"body": XSS[0], "idempotency_key": str(uuid.uuid4())},
    )
    page = client.get(reverse("feedback:detail", args=[comment.pk])).content.decode()
    assert XSS[0] not in page
    assert "&lt;script&gt;" in page


def test_invisible_and_direction_characters_are_removed(open_draft, respondent):
    body = "Đề\u200b nghị\u202e sửa\u2066 đổi\ufeff"
    feedback = comment_create(open_draft, respondent, body=body)
    assert feedback.body == "Đề nghị sửa đổi"


def test_decomposed_vietnamese_is_stored_composed(open_draft, respondent):
    decomposed = "Tie\u0302\u0301ng Vie\u0323\u0302t"
    feedback = comment_create(open_draft, respondent, body=decomposed)
    assert feedback.body == "Tiếng Việt"


def test_a_flood_of_combining_marks_is_cut(open_draft, respondent):
    feedback = comment_create(open_draft, respondent, body="a" + "\u0301" * 500 + " b")
    assert len(feedback.body) <= 5


def test_a_body_of_only_invisible_characters_is_refused(client, open_draft, respondent):
    client.force_login(respondent)
    response = _post(client, open_draft, body="\u200b\u200c\u202e  \n")
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_a_1_mb_body_is_refused_with_a_message(client, open_draft, respondent, english):
    client.force_login(respondent)
    response = _post(client, open_draft, body="x" * 1_000_000)
    assert response.status_code == 400
    assert "at most" in response.content.decode()
    assert not Feedback.objects.exists()


def test_a_body_just_over_the_limit_is_refused(open_draft, respondent):
    with pytest.raises(FeedbackRefused):
        comment_create(open_draft, respondent, body="a" * 10_001)
    assert not Feedback.objects.exists()


def test_missing_csrf_token_is_refused(open_draft, respondent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(respondent)
    response = _post(client, open_draft)
    assert response.status_code == 403
    assert not Feedback.objects.exists()


@pytest.fixture
def second_draft(draft_index):
    return published_draft(index=draft_index, parsed=parsed_document(), slug="du-thao-khac")


def test_a_parent_from_another_draft_is_refused(open_draft, second_draft, respondent):
    parent = comment_create(second_draft, respondent)
    version = open_draft.versions.get()
    with pytest.raises(FeedbackRefused):
        feedback_create(
            author=respondent,
            draft=open_draft,
            version=version,
            parent=parent,
            data=CommentInput(body="Trả lời"),
        )
    assert Feedback.objects.count() == 1


def test_a_version_of_another_draft_is_refused(client, open_draft, second_draft, respondent):
    other_version = second_draft.versions.get()
    with pytest.raises(FeedbackRefused):
        feedback_create(
            author=respondent,
            draft=open_draft,
            version=other_version,
            eid="art_1",
            data=CommentInput(body="Góp ý", stance="agree"),
        )
    assert not Feedback.objects.exists()


def test_a_provision_that_is_not_in_the_draft_is_refused(client, open_draft, respondent):
    client.force_login(respondent)
    assert _post(client, open_draft, dieu="art_999").status_code == 404
    with pytest.raises(FeedbackRefused):
        comment_create(open_draft, respondent, eid="art_999")
    assert not Feedback.objects.exists()


def test_a_forged_stance_is_refused(client, open_draft, respondent):
    client.force_login(respondent)
    assert _post(client, open_draft, stance="admin").status_code == 400
    assert not Feedback.objects.exists()


def test_a_forged_critique_from_an_individual_is_refused(open_draft, respondent):
    with pytest.raises(FeedbackRefused):
        comment_create(open_draft, respondent, kind="critique")
    assert not Feedback.objects.exists()


def test_a_forged_critique_field_is_ignored_for_individuals(client, open_draft, respondent):
    client.force_login(respondent)
    assert _post(client, open_draft, critique="on").status_code == 302
    assert Feedback.objects.get().kind == "comment"


def test_supporting_twice_counts_once(open_draft, respondent, other_respondent):
    comment = comment_create(open_draft, respondent)
    assert support_add(user=other_respondent, feedback=comment) is True
    assert support_add(user=other_respondent, feedback=comment) is False
    comment.refresh_from_db()
    assert comment.support_count == 1
    assert Support.objects.count() == 1


def test_supporting_ones_own_comment_is_refused(open_draft, respondent):
    comment = comment_create(open_draft, respondent)
    with pytest.raises(FeedbackRefused):
        support_add(user=respondent, feedback=comment)


def test_replying_to_a_hidden_comment_is_refused(client, open_draft, respondent, other_respondent):
    comment = comment_create(open_draft, respondent)
    Feedback.objects.filter(pk=comment.pk).update(status=FeedbackStatus.HIDDEN)
    client.force_login(other_respondent)
    response = client.post(
        reverse("feedback:reply", args=[comment.pk]),
        {"body": "Trả lời", "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 404
    comment.refresh_from_db()
    with pytest.raises(FeedbackRefused):
        feedback_create(
            author=other_respondent,
            draft=open_draft,
            version=comment.version,
            parent=comment,
            data=CommentInput(body="Trả lời"),
        )
    assert Feedback.objects.count() == 1


def test_replies_stop_at_depth_three(open_draft, respondent, other_respondent):
    parent = comment_create(open_draft, respondent)
    for _level in range(2):
        parent = feedback_create(
            author=other_respondent,
            draft=open_draft,
            version=parent.version,
            parent=parent,
            data=CommentInput(body="Trả lời"),
        )
    assert parent.depth == 3
    with pytest.raises(FeedbackRefused):
        feedback_create(
            author=respondent,
            draft=open_draft,
            version=parent.version,
            parent=parent,
            data=CommentInput(body="Sâu quá"),
        )


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_attachment_is_checked_by_its_content_not_its_name(client, open_draft, respondent):
    client.force_login(respondent)
    fake_pdf = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(
        reverse("feedback:new", args=[open_draft.pk]), {**_form(), "attachments": [fake_pdf]}
    )
    assert response.status_code == 400
    assert not Feedback.objects.exists()

    image = SimpleUploadedFile("anh.pdf", _png(), "application/pdf")  # a PNG named .pdf
    response = client.post(
        reverse("feedback:new", args=[open_draft.pk]), {**_form(), "attachments": [image]}
    )
    assert response.status_code == 302
    assert FeedbackAttachment.objects.get().content_type == "image/png"


def test_too_many_attachments_are_refused(client, open_draft, respondent, settings):
    settings.FEEDBACK_ATTACHMENT_MAX_COUNT = 2
    client.force_login(respondent)
    files = [SimpleUploadedFile(f"a{i}.png", _png(), "image/png") for i in range(3)]
    response = client.post(
        reverse("feedback:new", args=[open_draft.pk]), {**_form(), "attachments": files}
    )
    assert response.status_code == 400
    assert not Feedback.objects.exists()
    assert not FeedbackAttachment.objects.exists()


def test_a_closed_consultation_refuses_and_shows_a_notice(
    client, open_draft, respondent, time_machine, english
):
    time_machine.move_to(open_draft.closes_at)
    client.force_login(respondent)
    page = client.get(reverse("feedback:new", args=[open_draft.pk]))
    assert "closed" in page.content.decode()
    assert 'name="body"' not in page.content.decode()
    response = _post(client, open_draft)
    assert response.status_code == 409
    assert not Feedback.objects.exists()
    draft_page = client.get(open_draft.url).content.decode()
    assert "Consultation closed" in draft_page


def test_comments_on_an_earlier_version_stay_visible_with_their_version(
    client, open_draft, respondent
):
    from drafts.services import draft_version_create

    comment = comment_create(open_draft, respondent, body="Góp ý lần 1")
    draft_version_create(draft=open_draft, parsed=parsed_document())
    open_draft.save_revision().publish()
    listing = client.get(reverse("feedback:list", args=[open_draft.pk])).content.decode()
    assert "Góp ý lần 1" in listing
    assert comment.version.label in listing
