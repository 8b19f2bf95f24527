"""Writes on moderation: the moderators' group and their publish / hide decisions."""

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import is_moderator
from ..choices import FeedbackStatus, ModerationAction, ModerationReason
from ..errors import FeedbackRefused
from ..models import Feedback, Flag, ModerationDecision
from ..text import clean_text
from .comments import feedback_published, feedback_unpublished
from .common import enqueue_on_commit, feedback_search_enqueue

MODERATORS_GROUP = "Feedback moderators"
NOTE_MAX = 2_000
# The status each decision leaves a comment in.
DECISIONS: dict[str, str] = {
    ModerationAction.PUBLISH: FeedbackStatus.PUBLISHED,
    ModerationAction.HIDE: FeedbackStatus.HIDDEN,
}


def moderators_group_ensure() -> Group:
    """Moderators work in the Wagtail admin's queue: admin access and the moderation permission."""
    group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="feedback", codename="moderate_feedback"),
    )
    return group


def check_decision(*, action: str, reason: str, note: str) -> tuple[str, str, str]:
    """(action, reason, note) cleaned; FeedbackRefused when the rules do not allow them.

    Hiding needs one of the published reasons; publishing takes none (a reason sent with it is
    dropped, so a publication never looks like a hidden comment in the log).
    """
    if action not in DECISIONS:
        raise FeedbackRefused(_("Choose whether to publish or hide the comments."))
    if reason and reason not in ModerationReason.values:
        raise FeedbackRefused(_("Choose one of the published moderation reasons."))
    if action == ModerationAction.HIDE and not reason:
        raise FeedbackRefused(_("Choose the published rule the comments break."))
    note = clean_text(note)
    if len(note) > NOTE_MAX:
        raise FeedbackRefused(
            _("A moderation note can be at most %(max)s characters.") % {"max": NOTE_MAX}
        )
    return action, reason if action == ModerationAction.HIDE else "", note


@transaction.atomic
def moderation_decide(
    *,
    moderator: User,
    feedback_ids: list[int],
    action: str,
    reason: str = "",
    note: str = "",
) -> int:
    """Publish or hide the comments, logging who, when and why; return how many changed.

    Preconditions, each refused with FeedbackRefused and nothing changed: the user moderates,
    the action is "publish" or "hide", hiding names a published reason, every comment exists.

    For each comment the decision changes (its status or hidden reason, its hold reasons or its
    open flags): the status and reason are set, the hold reasons cleared on publication (the
    log keeps them) and kept on hiding, `published_at` set or cleared, the readers' flags
    resolved (`flag_count` then counts open flags, so it takes fresh flags to hold it again),
    one ModerationDecision written, the public counters updated on a publish / unpublish
    transition, and the author told (after commit) when what they see changed. Comments the
    decision leaves as they were are not logged again (a double submit writes nothing).
    """
    if not is_moderator(moderator):
        raise FeedbackRefused(_("Only moderators publish or hide comments."), status=403)
    action, reason, note = check_decision(action=action, reason=reason, note=note)
    wanted = set(feedback_ids)
    if not wanted:
        raise FeedbackRefused(_("Select at least one comment."))
    comments = list(Feedback.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
    if len(comments) != len(wanted):
        raise FeedbackRefused(_("Some of the selected comments no longer exist."), status=404)

    now = timezone.now()
    status = DECISIONS[action]
    open_flags = set(
        Flag.objects.filter(feedback_id__in=wanted, resolved_at__isnull=True).values_list(
            "feedback_id", flat=True
        )
    )
    decisions = []
    changed_ids = []
    statuses_before = {feedback.pk: feedback.status for feedback in comments}
    for feedback in comments:
        was_published = feedback.status == FeedbackStatus.PUBLISHED
        seen_before = (feedback.status, feedback.moderation_reason)
        held_for = list(feedback.hold_reasons)
        hold_reasons = [] if status == FeedbackStatus.PUBLISHED else held_for
        if (
            seen_before == (status, reason)
            and hold_reasons == held_for
            and feedback.pk not in open_flags
            and not feedback.flag_count
        ):
            continue
        feedback.status = status
        feedback.moderation_reason = reason
        feedback.hold_reasons = hold_reasons
        feedback.flag_count = 0
        if status == FeedbackStatus.PUBLISHED:
            feedback.published_at = feedback.published_at if was_published else now
        else:
            feedback.published_at = None
        feedback.save(
            update_fields=[
                "status",
                "moderation_reason",
                "hold_reasons",
                "flag_count",
                "published_at",
            ]
        )
        decisions.append(
            ModerationDecision(
                feedback=feedback,
                moderator=moderator,
                action=action,
                reason=reason,
                hold_reasons=held_for,
                note=note,
                created_at=now,
            )
        )
        changed_ids.append(feedback.pk)
        if not was_published and status == FeedbackStatus.PUBLISHED:
            feedback_published(feedback=feedback)
        elif was_published and status != FeedbackStatus.PUBLISHED:
            feedback_unpublished(feedback=feedback)
        if feedback.author_id is not None and seen_before != (status, reason):
            enqueue_on_commit("feedback.tasks.notify_moderation", feedback.pk)
    ModerationDecision.objects.bulk_create(decisions)
    # Search holds the status, not the flags or hold reasons.
    feedback_search_enqueue(
        feedback_ids=[c.pk for c in comments if c.status != statuses_before[c.pk]]
    )
    Flag.objects.filter(feedback_id__in=changed_ids, resolved_at__isnull=True).update(
        resolved_at=now
    )
    return len(changed_ids)
