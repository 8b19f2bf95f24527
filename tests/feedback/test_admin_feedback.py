"""The feedback admin: the moderation queue, drafters' review and answers, paper submissions."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from cms.services import EDITORS_GROUP
from drafts.models import Moderation
from feedback.choices import Channel, FeedbackStatus, ModerationReason, RespondentType
from feedback.models import Disposition, Feedback, ModerationDecision
from tests.factories import UserFactory

from .conftest import comment_create

pytestmark = pytest.mark.django_db


def with_admin_access(user):
    """Drafting bodies made by the factory lack the admin access the real ones get."""
    for group in user.groups.all():
        group.permissions.add(
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    return user


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def editor(draft_index):
    user = UserFactory.create(email="editor.test@example.com")
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


@pytest.fixture
def body_drafter(drafter):
    return with_admin_access(drafter)


@pytest.fixture
def foreign_drafter(other_drafter):
    return with_admin_access(other_drafter)


@pytest.fixture
def pending(open_draft, respondent, other_respondent):
    """Two comments held for the moderators (a pre-moderated consultation)."""
    open_draft.moderation = Moderation.PRE
    comments = [
        comment_create(open_draft, respondent, body="Quảng cáo giá rẻ, gọi ngay."),
        comment_create(open_draft, other_respondent, eid="art_2", body="Đề nghị làm rõ."),
    ]
    open_draft.moderation = Moderation.POST
    return comments


def statuses(comments) -> set[str]:
    return set(
        Feedback.objects.filter(pk__in=[c.pk for c in comments]).values_list("status", flat=True)
    )


QUEUE_VIEWS = [
    ("get", "feedback_moderation_queue", {}),
    ("get", "feedback_moderation_queue_results", {}),
    ("post", "feedback_moderation_decide", {"action": "hide", "reason": "spam"}),
]


# The moderation queue


@pytest.mark.parametrize(("method", "name", "data"), QUEUE_VIEWS)
@pytest.mark.parametrize("role", ["editor", "body_drafter"])
def test_staff_who_do_not_moderate_get_403_on_the_queue(
    request, as_user, pending, role, method, name, data
):
    client = as_user(request.getfixturevalue(role))

    response = getattr(client, method)(reverse(name), {**data, "id": pending[0].pk})

    assert response.status_code == 403
    assert Feedback.objects.get(pk=pending[0].pk).status == FeedbackStatus.PENDING


@pytest.mark.parametrize(("method", "name", "data"), QUEUE_VIEWS)
def test_citizens_are_sent_to_sign_in(as_user, respondent, pending, method, name, data):
    client = as_user(respondent)

    response = getattr(client, method)(reverse(name), {**data, "id": pending[0].pk})

    assert response.status_code == 302  # Wagtail's admin gate, before any view of ours
    assert response["Location"].startswith(reverse("account_login"))
    assert Feedback.objects.get(pk=pending[0].pk).status == FeedbackStatus.PENDING


def test_the_queue_lists_pending_comments_by_default(as_user, moderator, pending, respondent):
    published = comment_create(pending[0].draft, respondent, body="Một ý kiến đã đăng.")
    client = as_user(moderator)

    page = client.get(reverse("feedback_moderation_queue")).content.decode()
    every = client.get(reverse("feedback_moderation_queue"), {"status": ""}).content.decode()
    on_art_2 = client.get(
        reverse("feedback_moderation_queue_results"), {"status": "", "draft": pending[0].draft_id}
    ).content.decode()

    assert f'name="id" value="{pending[0].pk}"' in page
    assert f'name="id" value="{published.pk}"' not in page
    assert "Quảng cáo giá rẻ" in page
    assert f'name="id" value="{published.pk}"' in every
    assert f'name="id" value="{pending[1].pk}"' in on_art_2


def test_queue_filters_by_hold_reason_flags_channel_and_date(as_user, moderator, pending):
    client = as_user(moderator)
    url = reverse("feedback_moderation_queue_results")
    today = timezone.localdate().isoformat()

    held = client.get(url, {"hold_reason": "pre_moderation"}).content.decode()
    linked = client.get(url, {"hold_reason": "link"}).content.decode()
    flagged = client.get(url, {"flagged": "yes"}).content.decode()
    on_paper = client.get(url, {"channel": Channel.PAPER}).content.decode()
    today_only = client.get(
        url, {"created_at_from": today, "created_at_to": today}
    ).content.decode()

    assert f'value="{pending[0].pk}"' in held
    assert f'value="{pending[0].pk}"' not in linked
    assert f'value="{pending[0].pk}"' not in flagged
    assert f'value="{pending[0].pk}"' not in on_paper
    assert f'value="{pending[0].pk}"' in today_only


def test_the_queue_page_costs_the_same_queries_for_5_or_60_comments(
    as_user, moderator, open_draft, respondent
):
    open_draft.moderation = Moderation.PRE
    client = as_user(moderator)
    url = reverse("feedback_moderation_queue")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for _ in range(5):
        comment_create(open_draft, respondent)
    few = queries()
    for _ in range(55):
        comment_create(open_draft, respondent)
    many = queries()

    assert many == few


def test_the_review_page_costs_the_same_queries_for_5_or_60_comments(
    as_user, body_drafter, open_draft, respondent, other_respondent
):
    client = as_user(body_drafter)
    url = reverse("feedback_review")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for author in (respondent, other_respondent) * 3:
        comment_create(open_draft, author)
    _answer(client, list(Feedback.objects.filter(draft=open_draft)[:2]))
    few = queries()
    for _ in range(55):
        comment_create(open_draft, respondent)
    many = queries()

    assert many == few


def test_bulk_hide_from_the_queue(as_user, moderator, pending):
    client = as_user(moderator)
    back = reverse("feedback_moderation_queue") + "?draft=" + str(pending[0].draft_id)

    response = client.post(
        reverse("feedback_moderation_decide"),
        {
            "id": [c.pk for c in pending],
            "action": "hide",
            "reason": ModerationReason.SPAM,
            "note": "Quảng cáo",
            "next": back,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == back
    assert statuses(pending) == {FeedbackStatus.HIDDEN}
    assert ModerationDecision.objects.filter(moderator=moderator, reason="spam").count() == 2


@pytest.mark.parametrize("reason", ["", "not_a_rule"])
def test_bulk_hide_without_a_published_reason_changes_nothing(as_user, moderator, pending, reason):
    client = as_user(moderator)

    response = client.post(
        reverse("feedback_moderation_decide"),
        {"id": [c.pk for c in pending], "action": "hide", "reason": reason},
    )

    assert response.status_code == 302
    assert statuses(pending) == {FeedbackStatus.PENDING}
    assert not ModerationDecision.objects.filter(moderator=moderator).exists()


def test_publishing_one_comment_from_its_page(as_user, moderator, pending):
    client = as_user(moderator)
    detail = reverse("feedback_admin_comment", args=[pending[0].pk])

    response = client.post(
        reverse("feedback_moderation_decide"),
        {"id": pending[0].pk, "action": "publish", "next": detail},
    )

    assert response["Location"] == detail
    assert Feedback.objects.get(pk=pending[0].pk).status == FeedbackStatus.PUBLISHED
    page = client.get(detail).content.decode()
    assert 'data-decision="publish"' in page
    assert 'data-decision="hold"' in page


# One comment's page


def test_moderators_see_email_and_ip_drafters_email_and_phone(
    as_user, moderator, body_drafter, open_draft, respondent
):
    comment = comment_create(open_draft, respondent)
    Feedback.objects.filter(pk=comment.pk).update(ip_address="203.0.113.7")
    url = reverse("feedback_admin_comment", args=[comment.pk])

    as_moderator = as_user(moderator).get(url).content.decode()
    as_drafter = as_user(body_drafter).get(url).content.decode()

    assert "lan@example.com" in as_moderator
    assert "203.0.113.7" in as_moderator
    assert "lan@example.com" in as_drafter
    assert "0905123456" in as_drafter
    assert "203.0.113.7" not in as_drafter
    assert 'name="action"' not in as_drafter  # no moderation form for drafters


def test_other_bodies_and_non_staff_cannot_open_a_comment(
    as_user, foreign_drafter, editor, open_draft, respondent
):
    comment = comment_create(open_draft, respondent)
    url = reverse("feedback_admin_comment", args=[comment.pk])

    assert as_user(foreign_drafter).get(url).status_code == 404
    assert as_user(editor).get(url).status_code == 403


# Drafters' review and answers


def test_drafters_review_their_own_bodys_comments_with_contact_details(
    as_user, body_drafter, open_draft, respondent
):
    comment = comment_create(open_draft, respondent)

    page = as_user(body_drafter).get(reverse("feedback_review")).content.decode()

    assert f'name="id" value="{comment.pk}"' in page
    assert "lan@example.com" in page
    assert "0905123456" in page


def test_a_drafter_of_another_body_sees_nothing_of_this_body(
    as_user, foreign_drafter, open_draft, respondent, body_drafter
):
    comment = comment_create(open_draft, respondent)
    disposition = _answer(as_user(body_drafter), [comment])
    client = as_user(foreign_drafter)

    listing = client.get(reverse("feedback_review"), {"status": ""}).content.decode()
    by_draft = client.get(reverse("feedback_review"), {"draft": open_draft.pk})

    assert f'value="{comment.pk}"' not in listing
    assert "lan@example.com" not in listing
    assert "0905123456" not in listing
    assert f'value="{comment.pk}"' not in by_draft.content.decode()
    refused = [
        client.get(reverse("feedback_disposition_new"), {"id": comment.pk}),
        client.post(
            reverse("feedback_disposition_new"),
            {"id": comment.pk, "kind": "noted", "answer": "Ghi nhận."},
        ),
        client.get(reverse("feedback_disposition_edit", args=[disposition.pk])),
        client.get(reverse("feedback_dispositions", args=[open_draft.pk])),
        client.post(reverse("feedback_disposition_publish", args=[disposition.pk])),
        client.get(reverse("feedback_admin_attachment", args=[1])),
    ]
    assert {response.status_code for response in refused} == {404}
    disposition.refresh_from_db()
    assert not disposition.is_published
    assert Disposition.objects.filter(draft=open_draft).count() == 1


@pytest.mark.parametrize("role", ["editor", "moderator"])
def test_review_views_are_for_drafters_only(request, as_user, role, open_draft):
    client = as_user(request.getfixturevalue(role))

    for url in (
        reverse("feedback_review"),
        reverse("feedback_review_results"),
        reverse("feedback_disposition_new"),
        reverse("feedback_dispositions", args=[open_draft.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_the_eid_filter_takes_a_provision_and_what_it_contains(
    as_user, body_drafter, open_draft, respondent
):
    on_article = comment_create(open_draft, respondent, eid="art_2")
    on_point = comment_create(open_draft, respondent, eid="art_2__para_2__point_a")
    elsewhere = comment_create(open_draft, respondent, eid="art_1")

    page = (
        as_user(body_drafter)
        .get(reverse("feedback_review_results"), {"eid": "art_2"})
        .content.decode()
    )

    assert f'value="{on_article.pk}"' in page
    assert f'value="{on_point.pk}"' in page
    assert f'value="{elsewhere.pk}"' not in page


def _answer(client, comments, **data):
    response = client.post(
        reverse("feedback_disposition_new"),
        {
            "id": [c.pk for c in comments],
            "kind": "accepted",
            "answer": "Tiếp thu.",
            "changed_eid": "",
            **data,
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Disposition.objects.latest("pk")


def test_drafters_answer_three_comments_at_once_then_publish(
    as_user, body_drafter, open_draft, respondent, other_respondent, press_respondent
):
    comments = [
        comment_create(open_draft, respondent),
        comment_create(open_draft, other_respondent, eid="art_2"),
        comment_create(open_draft, press_respondent, eid="art_2__para_1"),
    ]
    client = as_user(body_drafter)

    form = client.get(reverse("feedback_disposition_new"), {"id": [c.pk for c in comments]})
    disposition = _answer(client, comments, answer="Tiếp thu, sửa Điều 2.")
    listing = client.get(reverse("feedback_dispositions", args=[open_draft.pk])).content.decode()
    client.post(reverse("feedback_disposition_publish", args=[disposition.pk]))

    assert form.status_code == 200
    assert disposition.feedback.count() == 3
    assert f'data-disposition="{disposition.pk}"' in listing
    assert reverse("feedback_disposition_publish", args=[disposition.pk]) in listing
    disposition.refresh_from_db()
    assert disposition.is_published
    assert disposition.published_by == body_drafter


def test_a_bad_changed_provision_is_shown_on_the_form(
    as_user, body_drafter, open_draft, respondent
):
    comment = comment_create(open_draft, respondent)

    response = as_user(body_drafter).post(
        reverse("feedback_disposition_new"),
        {"id": comment.pk, "kind": "accepted", "answer": "Tiếp thu.", "changed_eid": "art_9"},
    )

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Disposition.objects.filter(draft=open_draft).exists()


# Paper and official-letter submissions


def scan_png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("cong-van.png", buffer.getvalue(), content_type="image/png")


def paper_data(draft, **overrides):
    data = {
        "draft": draft.pk,
        "version": draft.versions.get().pk,
        "eid": "art_2",
        "organisation": "Hiệp hội Doanh nghiệp thành phố",
        "respondent_type": RespondentType.ORGANISATION,
        "province": "da-nang",
        "channel": Channel.LETTER,
        "received_on": timezone.localdate().isoformat(),
        "kind": "critique",
        "stance": "amend",
        "body": "Đề nghị bổ sung quy định về dữ liệu mở.",
        "suggested_text": "",
        "scan": scan_png(),
    }
    data.update(overrides)
    return data


def test_a_letter_is_entered_published_and_credited_to_the_organisation(
    as_user, body_drafter, open_draft
):
    received = timezone.localdate() - datetime.timedelta(days=3)  # posted before the deadline

    response = as_user(body_drafter).post(
        reverse("feedback_paper_new"), paper_data(open_draft, received_on=received.isoformat())
    )

    feedback = Feedback.objects.get(entered_by=body_drafter)
    assert timezone.localdate(feedback.created_at) == received
    assert response["Location"] == reverse("feedback_admin_comment", args=[feedback.pk])
    assert feedback.status == FeedbackStatus.PUBLISHED
    assert feedback.author is None
    assert feedback.entered_by == body_drafter
    assert feedback.author_name == "Hiệp hội Doanh nghiệp thành phố"
    assert (feedback.channel, feedback.kind, feedback.eid) == ("letter", "critique", "art_2")
    scan = feedback.attachments.get()
    assert scan.is_scan
    assert scan.content_type == "image/png"


def test_only_organisations_send_critiques_on_paper(as_user, moderator, open_draft):
    response = as_user(moderator).post(
        reverse("feedback_paper_new"),
        paper_data(open_draft, respondent_type=RespondentType.INDIVIDUAL),
    )

    assert response.status_code == 200
    assert not Feedback.objects.filter(draft=open_draft).exists()


def test_paper_entry_is_for_the_drafts_own_body_and_moderators(
    as_user, foreign_drafter, editor, respondent, open_draft
):
    refused_draft = as_user(foreign_drafter).post(
        reverse("feedback_paper_new"), paper_data(open_draft)
    )
    assert refused_draft.status_code == 200  # the draft is not among their choices
    assert as_user(editor).get(reverse("feedback_paper_new")).status_code == 403
    assert as_user(respondent).get(reverse("feedback_paper_new")).status_code == 302
    assert not Feedback.objects.filter(draft=open_draft).exists()


# The menu


def test_the_menu_shows_each_role_its_own_pages(as_user, moderator, body_drafter, editor):
    queue, review = reverse("feedback_moderation_queue"), reverse("feedback_review")

    for_moderator = as_user(moderator).get(reverse("wagtailadmin_home")).content.decode()
    for_drafter = as_user(body_drafter).get(reverse("wagtailadmin_home")).content.decode()
    for_editor = as_user(editor).get(reverse("wagtailadmin_home")).content.decode()

    assert queue in for_moderator and review not in for_moderator
    assert review in for_drafter and queue not in for_drafter
    assert queue not in for_editor and review not in for_editor
