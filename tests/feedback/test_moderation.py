"""Moderation decisions: who may decide, the published reasons, the log, counters and notices."""

import pytest

from drafts.models import Moderation
from feedback.choices import (
    FeedbackStatus,
    HoldReason,
    ModerationAction,
    ModerationReason,
    NotificationKind,
)
from feedback.errors import FeedbackRefused
from feedback.models import Feedback, Flag, ModerationDecision, Notification
from feedback.selectors import feedback_counts
from feedback.services.comments import CommentInput, feedback_create, flag_add
from feedback.services.moderation import moderation_decide, moderators_group_ensure
from tests.factories import UserFactory

from .conftest import comment_create, respondent_create

pytestmark = pytest.mark.django_db


def statuses(*comments: Feedback) -> list[str]:
    return [Feedback.objects.get(pk=comment.pk).status for comment in comments]


def test_bulk_hide_logs_one_decision_per_comment_with_moderator_and_reason(
    open_draft, respondent, other_respondent, moderator, django_capture_on_commit_callbacks
):
    comments = [
        comment_create(open_draft, respondent, body="Quảng cáo dịch vụ giá rẻ."),
        comment_create(open_draft, other_respondent, body="Mua ngay hôm nay."),
        comment_create(open_draft, respondent, eid="art_2", body="Liên hệ để được giảm giá."),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        changed = moderation_decide(
            moderator=moderator,
            feedback_ids=[c.pk for c in comments],
            action=ModerationAction.HIDE,
            reason=ModerationReason.SPAM,
            note="  Quảng cáo lặp lại.  ",
        )

    assert changed == 3
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == FeedbackStatus.HIDDEN
        assert comment.moderation_reason == ModerationReason.SPAM
        assert comment.published_at is None
    decisions = ModerationDecision.objects.filter(moderator=moderator)
    assert sorted(decisions.values_list("feedback_id", flat=True)) == sorted(c.pk for c in comments)
    assert {(d.action, d.reason, d.note) for d in decisions} == {
        (ModerationAction.HIDE, ModerationReason.SPAM, "Quảng cáo lặp lại.")
    }
    assert set(
        Notification.objects.filter(
            kind=NotificationKind.HIDDEN, feedback__in=comments
        ).values_list("user", "feedback")
    ) == {(c.author_id, c.pk) for c in comments}


def test_a_forged_reason_is_refused_and_nothing_changes(open_draft, respondent, moderator):
    comment = comment_create(open_draft, respondent)

    with pytest.raises(FeedbackRefused):
        moderation_decide(
            moderator=moderator,
            feedback_ids=[comment.pk],
            action=ModerationAction.HIDE,
            reason="i_dont_like_it",
        )

    assert statuses(comment) == [FeedbackStatus.PUBLISHED]
    assert not ModerationDecision.objects.filter(moderator=moderator).exists()


def test_hiding_needs_a_reason_and_a_known_action(open_draft, respondent, moderator):
    comment = comment_create(open_draft, respondent)

    for action, reason in (("hide", ""), ("delete", "spam")):
        with pytest.raises(FeedbackRefused):
            moderation_decide(
                moderator=moderator, feedback_ids=[comment.pk], action=action, reason=reason
            )

    assert statuses(comment) == [FeedbackStatus.PUBLISHED]


def test_a_missing_comment_refuses_the_whole_batch(open_draft, respondent, moderator):
    comment = comment_create(open_draft, respondent)

    with pytest.raises(FeedbackRefused) as refused:
        moderation_decide(
            moderator=moderator,
            feedback_ids=[comment.pk, comment.pk + 1000],
            action="hide",
            reason=ModerationReason.OFF_TOPIC,
        )

    assert refused.value.status == 404
    assert statuses(comment) == [FeedbackStatus.PUBLISHED]


@pytest.mark.parametrize("role", ["citizen", "drafter", "editor"])
def test_only_moderators_decide(role, open_draft, respondent, drafter):
    comment = comment_create(open_draft, respondent)
    user = {
        "citizen": respondent,
        "drafter": drafter,
        "editor": UserFactory.create(is_staff=True),
    }[role]

    with pytest.raises(FeedbackRefused) as refused:
        moderation_decide(moderator=user, feedback_ids=[comment.pk], action="hide", reason="spam")

    assert refused.value.status == 403
    assert statuses(comment) == [FeedbackStatus.PUBLISHED]


def test_hiding_a_published_reply_updates_counters_and_counts(
    open_draft, respondent, other_respondent, moderator, django_capture_on_commit_callbacks
):
    comment = comment_create(open_draft, respondent)
    reply = feedback_create(
        author=other_respondent,
        draft=open_draft,
        version=comment.version,
        data=CommentInput(body="Tôi đồng ý với ý kiến này."),
        parent=comment,
    )
    comment.refresh_from_db()
    assert comment.reply_count == 1
    assert feedback_counts(version=comment.version) == {"art_1": 1}

    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(
            moderator=moderator,
            feedback_ids=[reply.pk, comment.pk],
            action="hide",
            reason=ModerationReason.ABUSIVE,
        )

    comment.refresh_from_db()
    assert comment.reply_count == 0
    assert feedback_counts(version=comment.version) == {}
    assert set(
        Notification.objects.filter(
            kind=NotificationKind.HIDDEN, feedback__in=[comment, reply]
        ).values_list("user", "feedback")
    ) == {(respondent.pk, comment.pk), (other_respondent.pk, reply.pk)}


def test_publishing_a_held_comment(
    open_draft, respondent, moderator, django_capture_on_commit_callbacks
):
    open_draft.moderation = Moderation.PRE
    comment = comment_create(open_draft, respondent)
    assert comment.status == FeedbackStatus.PENDING
    assert feedback_counts(version=comment.version) == {}

    with django_capture_on_commit_callbacks(execute=True):
        changed = moderation_decide(
            moderator=moderator, feedback_ids=[comment.pk], action=ModerationAction.PUBLISH
        )

    assert changed == 1
    comment.refresh_from_db()
    assert comment.status == FeedbackStatus.PUBLISHED
    assert comment.published_at is not None
    assert comment.hold_reasons == []
    decision = comment.moderation_log.get(moderator=moderator)
    assert decision.action == ModerationAction.PUBLISH
    assert decision.reason == ""
    assert decision.hold_reasons == [HoldReason.PRE_MODERATION]  # what it was held for
    assert feedback_counts(version=comment.version) == {"art_1": 1}
    assert Notification.objects.filter(
        user=respondent, kind=NotificationKind.PUBLISHED, feedback=comment
    ).exists()


def test_keeping_a_flagged_comment_resolves_its_flags_without_telling_the_author(
    open_draft, respondent, moderator, django_capture_on_commit_callbacks
):
    comment = comment_create(open_draft, respondent)
    for number in range(3):
        reader = respondent_create(email=f"reader{number}@example.com")
        flag_add(user=reader, feedback=comment, reason="off_topic")
    comment.refresh_from_db()
    assert comment.hold_reasons == [HoldReason.FLAGGED]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        changed = moderation_decide(
            moderator=moderator, feedback_ids=[comment.pk], action="publish", reason="spam"
        )

    assert changed == 1
    comment.refresh_from_db()
    assert (comment.status, comment.hold_reasons, comment.flag_count) == ("published", [], 0)
    assert comment.moderation_reason == ""  # a reason only goes with hiding
    assert not Flag.objects.filter(feedback=comment, resolved_at__isnull=True).exists()
    assert comment.moderation_log.get(moderator=moderator).hold_reasons == [HoldReason.FLAGGED]
    assert callbacks == []  # still published: nothing new for the author


def test_the_same_decision_twice_is_logged_once(open_draft, respondent, moderator):
    comment = comment_create(open_draft, respondent)
    decide = {
        "moderator": moderator,
        "feedback_ids": [comment.pk],
        "action": "hide",
        "reason": ModerationReason.DUPLICATE,
    }

    assert moderation_decide(**decide) == 1
    assert moderation_decide(**decide) == 0

    assert comment.moderation_log.filter(moderator=moderator).count() == 1


def test_moderators_group_ensure_is_idempotent(db):
    first = moderators_group_ensure()
    second = moderators_group_ensure()

    assert first == second
    assert sorted(first.permissions.values_list("codename", flat=True)) == [
        "access_admin",
        "moderate_feedback",
    ]
