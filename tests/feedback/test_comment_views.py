"""The public comment pages: the form, the draft's threads, reply, support, flag, follow."""

import uuid

import pytest
from django.urls import reverse

from feedback.choices import FeedbackStatus
from feedback.models import Feedback, Flag, Subscription, Support
from tests.feedback.conftest import comment_create

pytestmark = pytest.mark.django_db


def _post_comment(client, draft, **fields):
    data = {
        "phien-ban": "1",
        "dieu": "art_2__para_1",
        "stance": "amend",
        "body": "Đề nghị bổ sung dữ liệu đất đai.",
        "idempotency_key": str(uuid.uuid4()),
        **fields,
    }
    return client.post(reverse("feedback:new", args=[draft.pk]), data)


def test_a_respondent_comments_on_a_provision_with_a_quote(client, open_draft, respondent):
    client.force_login(respondent)
    url = reverse("feedback:new", args=[open_draft.pk])
    page = client.get(url, {"dieu": "art_2__para_1", "trich": "quản lý tập trung"})
    assert page.status_code == 200
    assert "quản lý tập trung" in page.content.decode()

    response = _post_comment(client, open_draft, quote="quản lý tập trung")

    feedback = Feedback.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("feedback:detail", args=[feedback.pk]))
    assert (feedback.eid, feedback.quote, feedback.status) == (
        "art_2__para_1",
        "quản lý tập trung",
        FeedbackStatus.PUBLISHED,
    )
    assert feedback.provision is not None and feedback.provision.eid == "art_2__para_1"
    assert Subscription.objects.filter(user=respondent, thread=feedback).exists()


def test_the_same_key_twice_makes_one_comment(client, open_draft, respondent):
    client.force_login(respondent)
    key = str(uuid.uuid4())
    first = _post_comment(client, open_draft, idempotency_key=key)
    second = _post_comment(client, open_draft, idempotency_key=key)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Feedback.objects.count() == 1


def test_a_quote_that_is_not_in_the_provision_is_refused(client, open_draft, respondent):
    client.force_login(respondent)
    response = _post_comment(client, open_draft, quote="chữ không có trong điều này")
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, open_draft):
    response = client.get(reverse("feedback:new", args=[open_draft.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_without_a_profile_the_form_asks_for_one_first(client, open_draft):
    from tests.factories import UserFactory

    user = UserFactory.create()
    client.force_login(user)
    response = client.get(reverse("feedback:new", args=[open_draft.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("feedback:profile"))


def test_the_draft_page_shows_counts_per_provision(client, open_draft, respondent):
    comment_create(open_draft, respondent, eid="art_1")
    comment_create(open_draft, respondent, eid="art_1")
    page = client.get(open_draft.url).content.decode()
    assert "2 " in page and "?dieu=art_1" in page
    # The markers are never left in the page.
    assert "<!--feedback:" not in page


def test_list_detail_reply_support_flag_follow(client, open_draft, respondent, other_respondent):
    comment = comment_create(open_draft, respondent, eid="art_1", body="Ý kiến gốc")
    client.force_login(other_respondent)
    listing = client.get(reverse("feedback:list", args=[open_draft.pk]), {"dieu": "art_1"})
    assert "Ý kiến gốc" in listing.content.decode()

    reply = client.post(
        reverse("feedback:reply", args=[comment.pk]),
        {"body": "Tôi đồng ý", "idempotency_key": str(uuid.uuid4())},
    )
    assert reply.status_code == 302
    assert Feedback.objects.get(parent=comment).depth == 2

    client.post(reverse("feedback:support", args=[comment.pk]))
    client.post(reverse("feedback:support", args=[comment.pk]))
    assert Support.objects.filter(feedback=comment).count() == 1
    comment.refresh_from_db()
    assert (comment.support_count, comment.reply_count) == (1, 1)

    client.post(reverse("feedback:flag", args=[comment.pk]), {"reason": "off_topic"})
    assert Flag.objects.filter(feedback=comment, reason="off_topic").count() == 1

    client.post(reverse("feedback:follow_draft", args=[open_draft.pk]))
    assert Subscription.objects.filter(user=other_respondent, draft=open_draft).exists()
    detail = client.get(reverse("feedback:detail", args=[comment.pk]))
    assert "Tôi đồng ý" in detail.content.decode()
