"""Writes on notifications: who is told what, read marks, e-mails and digest, open/close events.

Everything here runs in a task (feedback/tasks.py) or a view that only marks notices read; no
request ever waits for an e-mail. The e-mails name only their recipient's own address: a notice
about someone else's reply carries that person's public display name, never their contact data.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.models import Site

from cms.models import PortalSettings
from drafts.models import DraftPage

from ..choices import (
    EmailFrequency,
    FeedbackStatus,
    ModerationAction,
    ModerationReason,
    NotificationKind,
)
from ..models import (
    ConsultationEvent,
    Disposition,
    Feedback,
    ModerationDecision,
    Notification,
    RespondentProfile,
    Subscription,
)
from .common import enqueue_on_commit

logger = logging.getLogger(__name__)

DIGEST_WINDOW = timedelta(days=1)
# An opening or closing older than this is history, not news (the periodic job was down).
EVENT_WINDOW = timedelta(days=2)
ANSWER_EXCERPT_CHARS = 1_000
OWN_COMMENT_EXCERPT_CHARS = 300
EMAIL_HEADERS = {"Auto-Submitted": "auto-generated"}  # RFC 3834: no out-of-office replies
DRAFT_KINDS = frozenset({NotificationKind.DRAFT_OPENED, NotificationKind.DRAFT_CLOSED})


# --- Who is told what ----------------------------------------------------------------------------


def notifications_create(
    *,
    user_ids: Iterable[int | None],
    kind: str,
    draft_id: int,
    feedback_id: int | None = None,
    skip_told_since: datetime | None = None,
) -> list[Notification]:
    """Tell each distinct active user once; their immediate e-mails are enqueued after commit.

    With `skip_told_since`, users already told the same (kind, draft, comment) at or after that
    moment are left out, so a task that runs twice tells nobody twice.
    """
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return []
    users = get_user_model().objects.filter(pk__in=wanted, is_active=True)
    if skip_told_since is not None:
        told = Notification.objects.filter(
            user_id__in=wanted, kind=kind, draft_id=draft_id, created_at__gte=skip_told_since
        )
        told = (
            told.filter(feedback_id=feedback_id)
            if feedback_id is not None
            else told.filter(feedback__isnull=True)
        )
        users = users.exclude(pk__in=told.values("user_id"))
    with transaction.atomic():
        recipients = sorted(users.values_list("pk", flat=True))
        now = timezone.now()
        created = Notification.objects.bulk_create(
            Notification(
                user_id=user_id,
                kind=kind,
                draft_id=draft_id,
                feedback_id=feedback_id,
                created_at=now,
            )
            for user_id in recipients
        )
        frequencies = dict(
            RespondentProfile.objects.filter(user_id__in=recipients).values_list(
                "user_id", "email_frequency"
            )
        )
        for notification in created:
            frequency = frequencies.get(notification.user_id, EmailFrequency.IMMEDIATE)
            if frequency == EmailFrequency.IMMEDIATE:
                enqueue_on_commit("feedback.tasks.send_notification_email", notification.pk)
    return created


def reply_notify(*, reply_id: int) -> list[Notification]:
    """Tell the parent comment's author and the thread's followers of a published reply.

    The reply's own author is never told; a reply hidden before the task ran tells nobody.
    """
    reply = Feedback.objects.select_related("parent").filter(pk=reply_id).first()
    if reply is None or reply.parent is None or reply.status != FeedbackStatus.PUBLISHED:
        return []
    thread_id = reply.thread_id or reply.parent_id
    followers = Subscription.objects.filter(thread_id=thread_id).values_list("user_id", flat=True)
    recipients = {reply.parent.author_id, *followers} - {reply.author_id}
    return notifications_create(
        user_ids=recipients,
        kind=NotificationKind.REPLY,
        draft_id=reply.draft_id,
        feedback_id=reply.pk,
        skip_told_since=reply.created_at,
    )


MODERATION_NOTICES: dict[tuple[str, str], str] = {
    (ModerationAction.PUBLISH, FeedbackStatus.PUBLISHED): NotificationKind.PUBLISHED,
    (ModerationAction.HIDE, FeedbackStatus.HIDDEN): NotificationKind.HIDDEN,
}


def moderation_notify(*, feedback_id: int) -> list[Notification]:
    """Tell a comment's author the moderators' latest decision: published, or hidden (and why).

    A hold tells nobody, and neither does a decision a later one has already overtaken.
    """
    feedback = Feedback.objects.filter(pk=feedback_id).first()
    if feedback is None or feedback.author_id is None:
        return []
    decision = (
        ModerationDecision.objects.filter(feedback=feedback).order_by("-created_at", "-pk").first()
    )
    if decision is None:
        return []
    kind = MODERATION_NOTICES.get((decision.action, feedback.status))
    if kind is None:
        return []
    return notifications_create(
        user_ids=[feedback.author_id],
        kind=kind,
        draft_id=feedback.draft_id,
        feedback_id=feedback.pk,
        skip_told_since=decision.created_at,
    )


def disposition_notify(*, disposition_id: int) -> list[Notification]:
    """Tell the authors of a published answer's comments, and their threads' followers.

    Each user is told once, about their own comment if they wrote one in the group, otherwise
    about the first answered comment of a thread they follow. An answer edited after it was
    published tells them again; the same version of the answer never tells anyone twice.
    """
    disposition = Disposition.objects.filter(pk=disposition_id).first()
    if disposition is None or disposition.published_at is None:
        return []
    comments = list(
        Feedback.objects.filter(disposition=disposition, status=FeedbackStatus.PUBLISHED)
        .order_by("created_at", "pk")
        .values_list("pk", "author_id", "thread_id")
    )
    about: dict[int, int] = {}  # user -> the comment their notice links to
    for pk, author_id, _thread_id in comments:
        if author_id is not None:
            about.setdefault(author_id, pk)
    first_in_thread: dict[int, int] = {}
    for pk, _author_id, thread_id in comments:
        first_in_thread.setdefault(thread_id or pk, pk)
    followers = Subscription.objects.filter(thread_id__in=first_in_thread).order_by("pk")
    for user_id, thread_id in followers.values_list("user_id", "thread_id"):
        about.setdefault(user_id, first_in_thread[thread_id])
    about.pop(disposition.published_by_id, None)  # type: ignore[arg-type]

    by_comment: dict[int, set[int]] = defaultdict(set)
    for user_id, feedback_id in about.items():
        by_comment[feedback_id].add(user_id)
    created: list[Notification] = []
    with transaction.atomic():
        for feedback_id, user_ids in sorted(by_comment.items()):
            created += notifications_create(
                user_ids=user_ids,
                kind=NotificationKind.ANSWER,
                draft_id=disposition.draft_id,
                feedback_id=feedback_id,
                skip_told_since=max(disposition.published_at, disposition.updated_at),
            )
    return created


CONSULTATION_EVENTS = (
    (NotificationKind.DRAFT_OPENED, "opens_at"),
    (NotificationKind.DRAFT_CLOSED, "closes_at"),
)


def consultation_events_record(*, now: datetime | None = None) -> list[ConsultationEvent]:
    """Record each live draft's opening and closing once, and tell the draft's followers.

    Only moments within EVENT_WINDOW before `now` count. The unique (draft, kind) constraint
    makes each event once-only even when two workers run this at the same time.
    """
    now = now or timezone.now()
    since = now - EVENT_WINDOW
    recorded: list[ConsultationEvent] = []
    for kind, moment_field in CONSULTATION_EVENTS:
        drafts = (
            DraftPage.objects.live()
            .public()
            .filter(**{f"{moment_field}__gt": since, f"{moment_field}__lte": now})
            .exclude(pk__in=ConsultationEvent.objects.filter(kind=kind).values("draft_id"))
            .order_by(moment_field, "pk")
        )
        for draft in drafts:
            event = _consultation_event_create(draft=draft, kind=kind)
            if event is not None:
                recorded.append(event)
    return recorded


def _consultation_event_create(*, draft: DraftPage, kind: str) -> ConsultationEvent | None:
    try:
        with transaction.atomic():
            event = ConsultationEvent.objects.create(draft=draft, kind=kind)
            followers = Subscription.objects.filter(draft=draft).values_list("user_id", flat=True)
            notifications_create(user_ids=followers, kind=kind, draft_id=draft.pk)
    except IntegrityError:
        return None  # another worker recorded it first, and told the followers
    return event


# --- Read / unread -------------------------------------------------------------------------------


def notification_mark_read(*, user: AbstractBaseUser, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; False if it was read or is not theirs."""
    return bool(
        Notification.objects.filter(
            pk=notification_id, user_id=user.pk, read_at__isnull=True
        ).update(read_at=timezone.now())
    )


def notifications_mark_all_read(*, user: AbstractBaseUser) -> int:
    """Mark all the user's notifications read; the number that were unread."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(*, user: AbstractBaseUser) -> int:
    """One COUNT on the (user, read_at) index, for the header."""
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


# --- How a notification reads: one sentence and a link -------------------------------------------


@dataclass(frozen=True, slots=True)
class NotificationItem:
    """A notification as the list page and the e-mails show it, in the active language."""

    notification: Notification
    message: str
    url: str
    reason: str = ""  # hidden: the published moderation rule it broke

    @property
    def is_unread(self) -> bool:
        return self.notification.read_at is None


def with_related(queryset: Any) -> Any:
    """What `notification_items` reads, in one query."""
    return queryset.select_related("draft", "feedback__parent", "feedback__disposition")


def notification_items(
    *,
    notifications: Sequence[Notification],
    request: HttpRequest | None = None,
    absolute: bool = False,
) -> list[NotificationItem]:
    """Describe notifications loaded `with_related`; `absolute` links for e-mails."""
    reasons = _hidden_reasons(notifications)
    items = []
    for notification in notifications:
        url = _url(notification, request=request)
        items.append(
            NotificationItem(
                notification=notification,
                message=_message(notification),
                url=absolute_url(url) if absolute else url,
                reason=reasons.get(notification.pk, ""),
            )
        )
    return items


def comment_path(feedback_id: int) -> str:
    try:
        return reverse("feedback:detail", args=[feedback_id])
    except NoReverseMatch:  # the comment page's URL is not wired yet
        return f"/y-kien/{feedback_id}/"


def absolute_url(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return settings.BASE_URL.rstrip("/") + "/" + url.lstrip("/")


def _url(notification: Notification, *, request: HttpRequest | None) -> str:
    if notification.kind in DRAFT_KINDS or notification.feedback_id is None:
        return notification.draft.get_url(request) or "/"
    return comment_path(notification.feedback_id)


def _message(notification: Notification) -> str:
    values = {"draft": notification.draft.title}
    feedback = notification.feedback
    own = feedback is not None and feedback.author_id == notification.user_id
    match notification.kind:
        case NotificationKind.DRAFT_OPENED:
            return _("The consultation on “%(draft)s” is now open for comments.") % values
        case NotificationKind.DRAFT_CLOSED:
            return _("The consultation on “%(draft)s” has closed.") % values
        case NotificationKind.REPLY if feedback is not None:
            values["name"] = feedback.author_name  # the public display name, nothing more
            parent = feedback.parent
            if parent is not None and parent.author_id == notification.user_id:
                return _("%(name)s replied to your comment on “%(draft)s”.") % values
            return _("%(name)s replied in a discussion you follow on “%(draft)s”.") % values
        case NotificationKind.ANSWER if own:
            return _("The drafting body answered your comment on “%(draft)s”.") % values
        case NotificationKind.ANSWER:
            return _("The drafting body answered a comment you follow on “%(draft)s”.") % values
        case NotificationKind.HIDDEN:
            return _("A moderator hid your comment on “%(draft)s”.") % values
        case NotificationKind.PUBLISHED:
            return _("Your comment on “%(draft)s” was published.") % values
    return str(NotificationKind(notification.kind).label)


def _hidden_reasons(notifications: Sequence[Notification]) -> dict[int, str]:
    """Notification pk -> the label of the rule the comment was hidden under, in one query.

    Taken from the latest hide decision made before the notice, so a later decision does not
    rewrite what the author was told.
    """
    hidden = [
        n for n in notifications if n.kind == NotificationKind.HIDDEN and n.feedback_id is not None
    ]
    if not hidden:
        return {}
    decisions: dict[int, list[ModerationDecision]] = defaultdict(list)
    for decision in ModerationDecision.objects.filter(
        feedback_id__in={n.feedback_id for n in hidden}, action=ModerationAction.HIDE
    ).order_by("created_at", "pk"):
        decisions[decision.feedback_id].append(decision)
    reasons = {}
    for notification in hidden:
        made = decisions[notification.feedback_id]  # type: ignore[index]
        before = [d for d in made if d.created_at <= notification.created_at]
        latest = (before or made)[-1] if made else None
        code = latest.reason if latest else getattr(notification.feedback, "moderation_reason", "")
        if code in ModerationReason.values:
            reasons[notification.pk] = str(ModerationReason(code).label)
    return reasons


# --- E-mail --------------------------------------------------------------------------------------


def email_frequency(*, user_id: int) -> str:
    """How the user wants notices e-mailed; users without a respondent profile get them at once."""
    frequency = (
        RespondentProfile.objects.filter(user_id=user_id)
        .values_list("email_frequency", flat=True)
        .first()
    )
    return frequency or EmailFrequency.IMMEDIATE


def _own_address(user: AbstractBaseUser) -> str:
    """The user's own address, once verified: a notice never goes to an unproven address."""
    email = getattr(user, "email", "")
    if not user.is_active or not email:
        return ""
    verified = EmailAddress.objects.filter(
        user_id=user.pk, email__iexact=email, verified=True
    ).exists()
    return email if verified else ""


def notification_email_send(*, notification_id: int) -> bool:
    """E-mail one notification to a user who wants notices as they happen; True when sent.

    Idempotent: the notification is claimed (emailed_at) before sending, so two runs of the
    same task send one e-mail; a failed send releases the claim and re-raises.
    """
    notification = (
        with_related(Notification.objects.select_related("user"))
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return False
    if email_frequency(user_id=notification.user_id) != EmailFrequency.IMMEDIATE:
        return False
    address = _own_address(notification.user)
    if not address:
        return False
    message = _notification_email(notification=notification, address=address)
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        message.send()
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True


def daily_digests_send(*, now: datetime | None = None) -> int:
    """E-mail each daily-digest user their notices of the last day not yet e-mailed; the count.

    The notices are marked e-mailed, so running it again sends nothing new. One user's failed
    send is logged and released, and does not stop the others' digests.
    """
    now = now or timezone.now()
    since = now - DIGEST_WINDOW
    user_ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__gt=since,
            created_at__lte=now,
            user__is_active=True,
            user__respondent_profile__email_frequency=EmailFrequency.DAILY,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in user_ids:
        try:
            sent += _digest_send(user_id=user_id, since=since, now=now)
        except Exception:
            logger.exception("Daily digest for user %s failed", user_id)
    return sent


def _digest_send(*, user_id: int, since: datetime, now: datetime) -> bool:
    user = get_user_model().objects.get(pk=user_id)
    address = _own_address(user)
    if not address:
        return False
    pending = Notification.objects.filter(
        user_id=user_id, emailed_at__isnull=True, created_at__gt=since, created_at__lte=now
    )
    with transaction.atomic():
        # Claimed before sending: a second digest run at the same time finds nothing to send.
        ids = list(pending.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=now)
        claimed = Notification.objects.filter(pk__in=ids, emailed_at=now)
        notifications = list(with_related(claimed).order_by("created_at", "pk"))
    if not notifications:
        return False
    try:
        digest_email(user=user, address=address, notifications=notifications).send()
    except Exception:
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=None)
        raise
    return True


def _portal_name() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    name = PortalSettings.for_site(site).portal_name if site else ""
    return name or _("Consultation portal")


def _common_context() -> dict[str, object]:
    return {
        "portal_name": _portal_name(),
        "notifications_url": absolute_url(reverse("feedback:notifications")),
    }


def _notification_email(*, notification: Notification, address: str) -> EmailMultiAlternatives:
    # The recipient's language: the site's (Vietnamese) until users can choose their own.
    with translation.override(settings.LANGUAGE_CODE):
        item = notification_items(notifications=[notification], absolute=True)[0]
        feedback = notification.feedback
        context: dict[str, object] = {
            **_common_context(),
            "item": item,
            "kind": notification.kind,
            "draft_title": notification.draft.title,
            "draft_url": absolute_url(notification.draft.get_url() or "/"),
        }
        if notification.kind == NotificationKind.ANSWER and feedback is not None:
            disposition = feedback.disposition
            if disposition is not None and disposition.is_published:
                context["answer_kind"] = disposition.get_kind_display()
                context["answer"] = Truncator(disposition.answer).chars(ANSWER_EXCERPT_CHARS)
        if (
            notification.kind in (NotificationKind.HIDDEN, NotificationKind.PUBLISHED)
            and feedback is not None
            and feedback.author_id == notification.user_id  # only ever their own words
        ):
            context["own_excerpt"] = Truncator(feedback.body).chars(OWN_COMMENT_EXCERPT_CHARS)
        return _email(template=notification.kind, context=context, address=address)


def digest_email(
    *, user: AbstractBaseUser, address: str, notifications: Sequence[Notification]
) -> EmailMultiAlternatives:
    """The daily digest of `notifications` (loaded `with_related`) for their one recipient."""
    if any(n.user_id != user.pk for n in notifications):
        raise ValueError("A digest lists only its recipient's own notifications.")
    with translation.override(settings.LANGUAGE_CODE):
        context: dict[str, object] = {
            **_common_context(),
            "items": notification_items(notifications=notifications, absolute=True),
            "count": len(notifications),
        }
        return _email(template="digest", context=context, address=address)


def _email(*, template: str, context: dict[str, object], address: str) -> EmailMultiAlternatives:
    base = f"feedback/email/{template}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}_body.txt", context),
        to=[address],
        headers=dict(EMAIL_HEADERS),
    )
    message.attach_alternative(render_to_string(f"{base}_body.html", context), "text/html")
    return message
