"""Notifications: who is told of replies, moderation, answers and open/close; e-mails; the list."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished

from feedback.choices import (
    DispositionKind,
    EmailFrequency,
    FeedbackStatus,
    ModerationAction,
    ModerationReason,
    NotificationKind,
)
from feedback.models import (
    ConsultationEvent,
    Disposition,
    Feedback,
    ModerationDecision,
    Notification,
    RespondentProfile,
)
from feedback.services.comments import subscription_toggle
from feedback.services.notifications import (
    comment_path,
    consultation_events_record,
    notification_items,
    notifications_create,
    with_related,
)
from feedback.tasks import (
    consultation_events_notify,
    notify_answer,
    notify_moderation,
    notify_reply,
    send_daily_digests,
    send_notification_email,
)
from tests.factories import UserFactory

from .conftest import comment_create, reply_create, respondent_create

REPLIER_IP = "203.0.113.77"
PHONE = "0905123456"  # every respondent_create profile's phone


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate-limit counters from other tests would hold comments


@pytest.fixture(autouse=True)
def _tasks_must_succeed():
    """The immediate backend records a task's exception instead of raising it: fail on it."""
    failures = []

    def record(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failures.append(task_result)

    task_finished.connect(record)
    yield
    task_finished.disconnect(record)
    assert not failures, [error.traceback for result in failures for error in result.errors]


@pytest.fixture
def replier(db):
    return respondent_create(email="hung@example.com", full_name="Phạm Văn Hùng")


def replier_reply(parent, author):
    return reply_create(parent, author, ip_address=REPLIER_IP)


def set_frequency(user, frequency):
    RespondentProfile.objects.filter(user=user).update(email_frequency=frequency)


def mail_text(message) -> str:
    """Everything a recipient could read in the message: headers, text and HTML parts."""
    parts = [
        message.subject,
        message.body,
        message.from_email,
        *message.to,
        *message.cc,
        *message.bcc,
        *message.reply_to,
        *(str(value) for value in message.extra_headers.values()),
        *(content for content, _mimetype in message.alternatives),
    ]
    return "\n".join(parts)


def assert_private(messages, users):
    """No e-mail names another user's address, nor anyone's phone or IP address."""
    for message in messages:
        text = mail_text(message)
        for user in users:
            if [user.email] != message.to:
                assert user.email not in text
        assert PHONE not in text
        assert REPLIER_IP not in text


def hide(feedback, *, moderator, reason):
    Feedback.objects.filter(pk=feedback.pk).update(
        status=FeedbackStatus.HIDDEN, moderation_reason=reason
    )
    ModerationDecision.objects.create(
        feedback=feedback, moderator=moderator, action=ModerationAction.HIDE, reason=reason
    )


# --- Replies -------------------------------------------------------------------------------------


def test_reply_tells_parent_author_and_followers_once_not_the_replier(
    open_draft, respondent, other_respondent, replier, django_capture_on_commit_callbacks
):
    parent = comment_create(open_draft, respondent)
    subscription_toggle(user=respondent, thread=parent)  # the author also follows
    subscription_toggle(user=other_respondent, thread=parent)
    subscription_toggle(user=replier, thread=parent)  # the replier follows too
    bystander = respondent_create(email="bystander@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        reply = replier_reply(parent, replier)

    assert reply.status == FeedbackStatus.PUBLISHED
    notices = Notification.objects.filter(kind=NotificationKind.REPLY, feedback=reply)
    assert sorted(notices.values_list("user_id", flat=True)) == sorted(
        [respondent.pk, other_respondent.pk]
    )
    assert not Notification.objects.filter(user__in=[replier, bystander]).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["lan@example.com", "minh@example.com"]
    assert_private(mail.outbox, [respondent, other_respondent, replier, bystander])
    to_author = next(m for m in mail.outbox if m.to == ["lan@example.com"])
    assert reply.author_name in to_author.body  # the replier's public name, nothing more
    assert comment_path(reply.pk) in to_author.body
    assert to_author.body.count(settings.BASE_URL) >= 1

    # The task running again (a retry) tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        notify_reply.enqueue(reply.pk)
    assert notices.count() == 2
    assert len(mail.outbox) == 2


def test_reply_to_a_reply_tells_its_parent_author_and_the_thread_followers(
    open_draft, respondent, other_respondent, replier, django_capture_on_commit_callbacks
):
    root = comment_create(open_draft, respondent)
    subscription_toggle(user=respondent, thread=root)
    with django_capture_on_commit_callbacks(execute=True):
        first = replier_reply(root, other_respondent)
    with django_capture_on_commit_callbacks(execute=True):
        second = replier_reply(first, replier)

    told = set(Notification.objects.filter(feedback=second).values_list("user_id", flat=True))
    assert told == {respondent.pk, other_respondent.pk}


def test_a_reply_hidden_before_the_task_runs_tells_nobody(open_draft, respondent, replier):
    parent = comment_create(open_draft, respondent)
    reply = replier_reply(parent, replier)  # its task waits for a commit that never comes
    Feedback.objects.filter(pk=reply.pk).update(status=FeedbackStatus.HIDDEN)

    notify_reply.enqueue(reply.pk)

    assert not Notification.objects.exists()


# --- E-mail frequency ----------------------------------------------------------------------------


def test_email_only_for_immediate_users(
    open_draft, respondent, other_respondent, replier, django_capture_on_commit_callbacks
):
    never = respondent_create(email="never@example.com")
    set_frequency(other_respondent, EmailFrequency.DAILY)
    set_frequency(never, EmailFrequency.NEVER)
    parent = comment_create(open_draft, respondent)
    for follower in (other_respondent, never):
        subscription_toggle(user=follower, thread=parent)

    with django_capture_on_commit_callbacks(execute=True):
        replier_reply(parent, replier)

    assert Notification.objects.count() == 3  # everyone sees it on the site
    assert [m.to for m in mail.outbox] == [["lan@example.com"]]
    emailed = Notification.objects.filter(emailed_at__isnull=False)
    assert list(emailed.values_list("user_id", flat=True)) == [respondent.pk]


def test_send_notification_email_is_idempotent_and_respects_a_changed_mind(open_draft, respondent):
    first, second = (
        notifications_create(
            user_ids=[respondent.pk], kind=NotificationKind.DRAFT_OPENED, draft_id=open_draft.pk
        )[0]
        for _ in range(2)
    )

    send_notification_email.enqueue(first.pk)
    send_notification_email.enqueue(first.pk)
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.emailed_at is not None

    set_frequency(respondent, EmailFrequency.NEVER)  # changed before the task ran
    send_notification_email.enqueue(second.pk)
    assert len(mail.outbox) == 1


def test_users_without_a_profile_get_emails_at_once(open_draft, django_capture_on_commit_callbacks):
    staff = UserFactory.create(email="staff.follower@example.com")
    subscription_toggle(user=staff, draft=open_draft)

    with django_capture_on_commit_callbacks(execute=True):
        consultation_events_notify.enqueue()

    assert [m.to for m in mail.outbox] == [["staff.follower@example.com"]]


def test_email_is_in_the_site_language_with_text_and_html(
    open_draft, respondent, django_capture_on_commit_callbacks
):
    subscription_toggle(user=respondent, draft=open_draft)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        consultation_events_notify.enqueue()

    (message,) = mail.outbox
    with translation.override(settings.LANGUAGE_CODE):
        expected = notification_items(
            notifications=list(with_related(Notification.objects.all())), absolute=True
        )[0]
    assert expected.message in message.body
    assert open_draft.title in message.subject
    assert "\n" not in message.subject
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert f'lang="{settings.LANGUAGE_CODE}"' in html
    assert escape(expected.url) in html
    assert expected.url.startswith(settings.BASE_URL)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


# --- Daily digest --------------------------------------------------------------------------------


def test_daily_digest_groups_marks_emailed_and_is_idempotent(
    open_draft,
    respondent,
    other_respondent,
    replier,
    time_machine,
    django_capture_on_commit_callbacks,
):
    set_frequency(respondent, EmailFrequency.DAILY)
    first = comment_create(open_draft, respondent)
    second = comment_create(open_draft, respondent, eid="art_2")
    # Older than a day: not in this digest.
    stale = notifications_create(
        user_ids=[respondent.pk], kind=NotificationKind.DRAFT_OPENED, draft_id=open_draft.pk
    )[0]
    Notification.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply_a = replier_reply(first, replier)
        reply_b = replier_reply(second, other_respondent)
    assert mail.outbox == []  # daily: nothing at once

    time_machine.move_to(timezone.now() + datetime.timedelta(hours=12))
    send_daily_digests.enqueue()

    (digest,) = mail.outbox
    assert digest.to == ["lan@example.com"]
    assert comment_path(reply_a.pk) in digest.body
    assert comment_path(reply_b.pk) in digest.body
    assert replier.respondent_profile.full_name in digest.body  # display name (full name)
    assert_private(mail.outbox, [respondent, other_respondent, replier])
    emailed = Notification.objects.filter(user=respondent, emailed_at__isnull=False)
    assert set(emailed.values_list("feedback_id", flat=True)) == {reply_a.pk, reply_b.pk}
    assert Notification.objects.get(pk=stale.pk).emailed_at is None

    send_daily_digests.enqueue()
    assert len(mail.outbox) == 1


def test_daily_digest_skips_immediate_and_never_users(open_draft, respondent, other_respondent):
    set_frequency(other_respondent, EmailFrequency.NEVER)
    for user in (respondent, other_respondent):
        notifications_create(
            user_ids=[user.pk], kind=NotificationKind.DRAFT_CLOSED, draft_id=open_draft.pk
        )

    send_daily_digests.enqueue()

    assert mail.outbox == []


# --- Moderation ----------------------------------------------------------------------------------


def test_hidden_notice_gives_the_reason(
    open_draft, respondent, moderator, client, django_capture_on_commit_callbacks
):
    comment = comment_create(open_draft, respondent)
    hide(comment, moderator=moderator, reason=ModerationReason.OFF_TOPIC)

    with django_capture_on_commit_callbacks(execute=True):
        notify_moderation.enqueue(comment.pk)

    notice = Notification.objects.get()
    assert (notice.user, notice.kind) == (respondent, NotificationKind.HIDDEN)
    with translation.override(settings.LANGUAGE_CODE):
        label = str(ModerationReason.OFF_TOPIC.label)
    (message,) = mail.outbox
    assert label in message.body
    assert escape(label) in message.alternatives[0][0]  # type: ignore[attr-defined]
    assert "moderator.test@example.com" not in mail_text(message)
    assert_private(mail.outbox, [respondent, moderator])

    client.force_login(respondent)
    page = client.get(reverse("feedback:notifications")).content.decode()
    assert escape(label) in page


def test_a_later_decision_keeps_the_reason_the_author_was_told(open_draft, respondent, moderator):
    comment = comment_create(open_draft, respondent)
    hide(comment, moderator=moderator, reason=ModerationReason.SPAM)
    notify_moderation.enqueue(comment.pk)
    hide(comment, moderator=moderator, reason=ModerationReason.ABUSIVE)  # reconsidered later
    notice = Notification.objects.get()
    Notification.objects.filter(pk=notice.pk).update(
        created_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    ModerationDecision.objects.filter(reason=ModerationReason.SPAM).update(
        created_at=timezone.now() - datetime.timedelta(seconds=2)
    )

    (item,) = notification_items(notifications=list(with_related(Notification.objects.all())))

    assert item.reason == str(ModerationReason.SPAM.label)


def test_published_notice_and_stale_or_held_decisions(open_draft, respondent, moderator):
    comment = comment_create(open_draft, respondent)
    ModerationDecision.objects.create(
        feedback=comment, moderator=moderator, action=ModerationAction.PUBLISH
    )
    notify_moderation.enqueue(comment.pk)
    notify_moderation.enqueue(comment.pk)  # a retry
    assert list(Notification.objects.values_list("kind", flat=True)) == [NotificationKind.PUBLISHED]

    # The decision says hide but the comment is published again: overtaken, nobody told.
    ModerationDecision.objects.create(
        feedback=comment, moderator=moderator, action=ModerationAction.HIDE, reason="spam"
    )
    notify_moderation.enqueue(comment.pk)
    ModerationDecision.objects.create(feedback=comment, action=ModerationAction.HOLD)
    notify_moderation.enqueue(comment.pk)
    assert Notification.objects.count() == 1


# --- Answers (tiếp thu, giải trình) --------------------------------------------------------------


def test_answer_tells_authors_and_followers_once(
    open_draft,
    respondent,
    other_respondent,
    drafter,
    replier,
    django_capture_on_commit_callbacks,
):
    mine = comment_create(open_draft, respondent)
    theirs = comment_create(open_draft, other_respondent, eid="art_2")
    unanswered = comment_create(open_draft, replier, eid="art_2__para_1")
    subscription_toggle(user=respondent, thread=theirs)  # author of one, follower of the other
    subscription_toggle(user=replier, thread=theirs)
    subscription_toggle(user=drafter, thread=theirs)  # the drafter who publishes the answer
    disposition = Disposition.objects.create(
        draft=open_draft,
        kind=DispositionKind.ACCEPTED,
        answer="Ban soạn thảo tiếp thu và sửa khoản 1 Điều 1.",
        created_by=drafter,
        published_by=drafter,
        published_at=timezone.now(),
    )
    Feedback.objects.filter(pk__in=[mine.pk, theirs.pk]).update(disposition=disposition)

    with django_capture_on_commit_callbacks(execute=True):
        notify_answer.enqueue(disposition.pk)
        notify_answer.enqueue(disposition.pk)  # a retry

    told = dict(
        Notification.objects.filter(kind=NotificationKind.ANSWER).values_list(
            "user_id", "feedback_id"
        )
    )
    assert told == {respondent.pk: mine.pk, other_respondent.pk: theirs.pk, replier.pk: theirs.pk}
    assert Notification.objects.count() == 3
    assert not Notification.objects.filter(feedback=unanswered).exists()
    assert len(mail.outbox) == 3
    assert all(disposition.answer in m.body for m in mail.outbox)
    assert_private(mail.outbox, [respondent, other_respondent, replier, drafter])

    # Edited after publication: the answer they read changed, so they are told again.
    Disposition.objects.filter(pk=disposition.pk).update(
        answer="Ban soạn thảo tiếp thu một phần.", updated_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_answer.enqueue(disposition.pk)
    assert Notification.objects.count() == 6
    assert "Ban soạn thảo tiếp thu một phần." in mail.outbox[-1].body


def test_an_unpublished_answer_tells_nobody(open_draft, respondent, drafter):
    comment = comment_create(open_draft, respondent)
    disposition = Disposition.objects.create(
        draft=open_draft, kind=DispositionKind.EXPLAINED, answer="Chưa công bố.", created_by=drafter
    )
    Feedback.objects.filter(pk=comment.pk).update(disposition=disposition)

    notify_answer.enqueue(disposition.pk)

    assert not Notification.objects.exists()


# --- Consultation opens and closes ---------------------------------------------------------------


def test_open_and_close_tell_followers_exactly_once(
    open_draft, respondent, other_respondent, time_machine, django_capture_on_commit_callbacks
):
    subscription_toggle(user=respondent, draft=open_draft)
    opened = Notification.objects.filter(kind=NotificationKind.DRAFT_OPENED)
    closed = Notification.objects.filter(kind=NotificationKind.DRAFT_CLOSED)

    with django_capture_on_commit_callbacks(execute=True):
        consultation_events_notify.enqueue()
        consultation_events_notify.enqueue()
    assert list(opened.values_list("user_id", flat=True)) == [respondent.pk]
    assert not closed.exists()
    assert [m.to for m in mail.outbox] == [["lan@example.com"]]
    assert open_draft.get_url() in mail.outbox[0].body

    time_machine.move_to(open_draft.closes_at + datetime.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        consultation_events_notify.enqueue()
        consultation_events_notify.enqueue()
    assert list(closed.values_list("user_id", flat=True)) == [respondent.pk]
    assert opened.count() == 1
    assert ConsultationEvent.objects.filter(draft=open_draft).count() == 2
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(user=other_respondent).exists()


def test_events_older_than_two_days_are_not_news(open_draft, respondent, time_machine):
    subscription_toggle(user=respondent, draft=open_draft)
    time_machine.move_to(open_draft.opens_at + datetime.timedelta(days=2, minutes=1))

    assert consultation_events_record() == []
    assert not Notification.objects.exists()


def test_an_event_another_worker_recorded_is_not_told_again(open_draft, respondent):
    subscription_toggle(user=respondent, draft=open_draft)
    ConsultationEvent.objects.create(draft=open_draft, kind=NotificationKind.DRAFT_OPENED)

    assert consultation_events_record() == []
    assert not Notification.objects.exists()


def test_periodic_command_enqueues_events_and_digest_on_request(
    open_draft, respondent, django_capture_on_commit_callbacks
):
    set_frequency(respondent, EmailFrequency.DAILY)
    subscription_toggle(user=respondent, draft=open_draft)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("feedback_periodic")
    assert Notification.objects.filter(user=respondent).count() == 1
    assert mail.outbox == []

    call_command("feedback_periodic", "--digest")
    assert [m.to for m in mail.outbox] == [["lan@example.com"]]


# --- The list page and the header ----------------------------------------------------------------


@pytest.fixture
def two_users_notices(open_draft, respondent, other_respondent):
    mine = comment_create(open_draft, respondent)
    theirs = comment_create(open_draft, other_respondent, eid="art_2")
    mine_notice = notifications_create(
        user_ids=[respondent.pk],
        kind=NotificationKind.PUBLISHED,
        draft_id=open_draft.pk,
        feedback_id=mine.pk,
    )[0]
    theirs_notice = notifications_create(
        user_ids=[other_respondent.pk],
        kind=NotificationKind.PUBLISHED,
        draft_id=open_draft.pk,
        feedback_id=theirs.pk,
    )[0]
    return mine_notice, theirs_notice


def test_list_shows_only_the_users_own_notifications(client, respondent, two_users_notices):
    mine, theirs = two_users_notices
    client.force_login(respondent)

    response = client.get(reverse("feedback:notifications"))

    assert response.status_code == 200
    page = response.content.decode()
    assert comment_path(mine.feedback_id) in page
    assert comment_path(theirs.feedback_id) not in page
    assert f'name="id" value="{mine.pk}"' in page  # unread: a button to mark it read
    assert "govuk-tag--blue" in page  # unread, shown as a tag whose text says so


def test_list_is_newest_first_and_paginated(client, open_draft, respondent):
    for _ in range(25):
        notifications_create(
            user_ids=[respondent.pk], kind=NotificationKind.DRAFT_OPENED, draft_id=open_draft.pk
        )
    newest = Notification.objects.order_by("-created_at", "-pk").first()
    client.force_login(respondent)

    first = client.get(reverse("feedback:notifications"))
    second = client.get(reverse("feedback:notifications"), {"page": 2})

    assert len(first.context["items"]) == 20
    assert first.context["items"][0].notification == newest
    assert len(second.context["items"]) == 5


def test_mark_one_and_all_read(client, respondent, other_respondent, two_users_notices, open_draft):
    mine, theirs = two_users_notices
    extra = notifications_create(
        user_ids=[respondent.pk], kind=NotificationKind.DRAFT_CLOSED, draft_id=open_draft.pk
    )[0]
    client.force_login(respondent)
    url = reverse("feedback:notifications_read")

    response = client.post(
        url, {"id": mine.pk, "next": reverse("feedback:notifications") + "?page=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:notifications") + "?page=1"
    mine.refresh_from_db()
    extra.refresh_from_db()
    assert mine.read_at is not None
    assert extra.read_at is None

    client.post(url, {"id": theirs.pk})  # not theirs to mark
    theirs.refresh_from_db()
    assert theirs.read_at is None

    response = client.post(url, {"next": "https://evil.example.com/"})
    assert response["Location"] == reverse("feedback:notifications")
    assert not Notification.objects.filter(user=respondent, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other_respondent, read_at__isnull=True).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    for response in (
        client.get(reverse("feedback:notifications")),
        client.post(reverse("feedback:notifications_read")),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_marking_read_needs_post(client, respondent):
    client.force_login(respondent)
    assert client.get(reverse("feedback:notifications_read")).status_code == 405


def test_header_link_counts_unread_in_one_query(
    respondent, two_users_notices, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = respondent
    template = Template("{% load notification_tags %}{% notifications_link %}")

    with django_assert_num_queries(1):
        html = template.render(Context({"request": request}))

    assert reverse("feedback:notifications") in html
    assert "(1 " in html  # "Thông báo (1 chưa đọc)": the count is in the link's text

    request.user = AnonymousUser()
    assert template.render(Context({"request": request})).strip() == ""


def test_header_on_a_page_for_signed_in_and_anonymous(client, respondent, two_users_notices):
    home = client.get("/")
    assert home.status_code == 200
    assert reverse("feedback:notifications") not in home.content.decode()

    client.force_login(respondent)
    page = client.get("/").content.decode()
    assert f'href="{reverse("feedback:notifications")}"' in page
