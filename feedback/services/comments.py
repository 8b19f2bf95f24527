"""Writes on comments: submit, reply, support, flag, follow, and staff-entered paper submissions."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, F
from django.utils import timezone
from django.utils.translation import gettext as _

from drafts.models import ConsultationStatus, DraftPage, DraftVersion, Moderation, Provision

from .. import automod, ratelimit
from ..attachments import attachment_check, attachments_check_count
from ..choices import (
    Channel,
    DisplayName,
    FeedbackKind,
    FeedbackStatus,
    FlagReason,
    HoldReason,
    ModerationAction,
    Province,
    RespondentType,
    Stance,
)
from ..errors import FeedbackRefused, check_length
from ..models import (
    MAX_DEPTH,
    Consent,
    Feedback,
    FeedbackAttachment,
    Flag,
    ModerationDecision,
    QuestionAnswer,
    RespondentProfile,
    Subscription,
    Support,
)
from ..text import clean_text
from .common import enqueue_on_commit, feedback_counts_invalidate, feedback_search_enqueue

BODY_MAX = 10_000
QUOTE_MAX = 2_000
SUGGESTION_MAX = 10_000
ANSWER_MAX = 5_000
FLAG_HOLD_AT = 3  # distinct readers' flags that send a published comment back to moderators


@dataclass
class CommentInput:
    """What a respondent wrote, before it is checked."""

    body: str
    stance: str = ""
    quote: str = ""
    suggested_text: str = ""
    kind: str = FeedbackKind.COMMENT
    answers: dict[int, str] = field(default_factory=dict)  # TargetedQuestion pk -> answer
    attachments: list[UploadedFile] = field(default_factory=list)


def display_name(profile: RespondentProfile) -> str:
    """The name a comment is shown under, as the respondent chose."""
    if profile.display_name == DisplayName.ORGANISATION and profile.organisation:
        return profile.organisation
    if profile.display_name == DisplayName.PROVINCE:
        return province_resident_name(profile.province)
    return profile.full_name


def province_resident_name(province: str) -> str:
    if not province or province == Province.ABROAD:
        return _("A citizen")
    return _("Citizen of %(province)s") % {"province": Province(province).label}


def check_can_comment(*, user: User, draft: DraftPage) -> RespondentProfile:
    """The respondent's profile when they may comment on the draft now; FeedbackRefused if not."""
    if draft.status != ConsultationStatus.OPEN:
        raise FeedbackRefused(
            _("The consultation on this draft is closed: comments are no longer accepted.")
            if draft.status != ConsultationStatus.UPCOMING
            else _("The consultation on this draft has not opened yet."),
            status=409,
            code="closed",
        )
    if not draft.live:
        raise FeedbackRefused(_("This draft is not published."), status=404)
    # One query for the three things a respondent needs: a verified address, a profile, consent.
    profile = (
        RespondentProfile.objects.filter(user=user)
        .annotate(
            verified=Exists(EmailAddress.objects.filter(user=user, verified=True)),
            consented=Exists(
                Consent.objects.filter(user=user, version=settings.FEEDBACK_CONSENT_VERSION)
            ),
        )
        .first()
    )
    verified = (
        profile.verified
        if profile is not None
        else EmailAddress.objects.filter(user=user, verified=True).exists()
    )
    if not verified:
        raise FeedbackRefused(_("Verify your e-mail address before you comment."), status=403)
    if profile is None or not profile.consented:
        raise FeedbackRefused(
            _("Complete your respondent profile before you comment."), status=403, code="profile"
        )
    return profile


def _check_anchor(
    *, draft: DraftPage, version: DraftVersion, eid: str, known: Provision | None = None
) -> Provision | None:
    if version.draft_id != draft.pk or not version.is_published:
        raise FeedbackRefused(_("This version does not belong to this draft."), status=400)
    if not eid:
        return None
    if known is not None and known.version_id == version.pk and known.eid == eid:
        return known
    provision = Provision.objects.filter(version=version, eid=eid).first()
    if provision is None:
        raise FeedbackRefused(_("This provision is not part of this draft."), status=400)
    return provision


def _clean_input(data: CommentInput, *, provision: Provision | None, reply: bool) -> CommentInput:
    body = clean_text(data.body)
    if not body:
        raise FeedbackRefused(_("Write your comment."))
    check_length(
        body,
        limit=BODY_MAX,
        message=_("A comment can be at most %(max)s characters; yours has %(count)s."),
    )
    if data.stance and data.stance not in Stance.values:
        raise FeedbackRefused(_("Choose one of the stances offered."))
    if not reply and not data.stance:
        raise FeedbackRefused(_("Choose your stance on the draft."))
    if data.kind not in FeedbackKind.values:
        raise FeedbackRefused(_("Choose one of the kinds of comment offered."))
    quote = clean_text(data.quote, multiline=False)
    if len(quote) > QUOTE_MAX:
        raise FeedbackRefused(_("The quoted passage is too long."))
    if quote and (provision is None or quote not in clean_text(provision.text, multiline=False)):
        # Only the provision's own words may be quoted, so a quote cannot put words in its mouth.
        raise FeedbackRefused(_("The quoted passage is not in the text of this provision."))
    suggestion = clean_text(data.suggested_text)
    if len(suggestion) > SUGGESTION_MAX:
        raise FeedbackRefused(_("The suggested wording is too long."))
    if suggestion and provision is None:
        raise FeedbackRefused(_("A suggested wording needs a provision to replace."))
    answers = {pk: clean_text(text) for pk, text in data.answers.items() if clean_text(text)}
    if any(len(text) > ANSWER_MAX for text in answers.values()):
        raise FeedbackRefused(_("An answer to a question is too long."))
    return CommentInput(
        body=body,
        stance=data.stance,
        quote=quote,
        suggested_text=suggestion,
        kind=data.kind,
        answers=answers,
        attachments=data.attachments,
    )


def _rate_hold(*, user: User, ip_address: str | None) -> bool:
    """Count this submission; True to hold it for a moderator, FeedbackRefused when far over."""
    hold = False
    for scope, key in (("user", str(user.pk)), ("ip", ip_address or "")):
        if not key:
            continue
        limit = ratelimit.limits()[scope]
        count = ratelimit.hits(scope=scope, key=key, window_s=limit["window"])
        if count > limit["refuse"]:
            raise FeedbackRefused(
                _("You have sent many comments in a short time. Please wait a few minutes."),
                status=429,
            )
        hold = hold or count > limit["hold"]
    return hold


def _existing(*, user: User, key: uuid.UUID | None) -> Feedback | None:
    if key is None:
        return None
    return Feedback.objects.filter(author=user, idempotency_key=key).first()


def feedback_create(
    *,
    author: User,
    draft: DraftPage,
    version: DraftVersion,
    data: CommentInput,
    eid: str = "",
    parent: Feedback | None = None,
    idempotency_key: uuid.UUID | None = None,
    ip_address: str | None = None,
    profile: RespondentProfile | None = None,
    provision: Provision | None = None,
) -> Feedback:
    """Submit a comment (or, with `parent`, a reply) and return it.

    Preconditions, each refused with FeedbackRefused: the consultation is open, the author's
    e-mail is verified and their profile complete, the version is a published one of this draft,
    the eid one of its provisions, the parent a visible comment of the same draft not yet at
    the deepest level. The same `idempotency_key` from the same author returns the first
    comment instead of creating a second one.

    A view that has just called `check_can_comment` for this author and draft, and loaded the
    provision, passes `profile` and `provision` so they are not loaded twice.
    """
    existing = _existing(user=author, key=idempotency_key)
    if existing is not None:
        return existing
    if profile is None or profile.user_id != author.pk:
        profile = check_can_comment(user=author, draft=draft)
    if parent is not None:
        if parent.draft_id != draft.pk:
            raise FeedbackRefused(_("You can only reply to comments on this draft."))
        if parent.status != FeedbackStatus.PUBLISHED:
            raise FeedbackRefused(_("This comment is not published: it cannot be replied to."))
        if parent.depth >= MAX_DEPTH:
            raise FeedbackRefused(_("Replies go at most three levels deep."))
        version, eid = parent.version, parent.eid
    provision = _check_anchor(draft=draft, version=version, eid=eid, known=provision)
    clean = _clean_input(data, provision=provision, reply=parent is not None)
    if clean.kind == FeedbackKind.CRITIQUE and (
        parent is not None or profile.respondent_type not in RespondentType.organisational()
    ):
        raise FeedbackRefused(
            _("Only press agencies and organisations submit official critiques."), status=403
        )
    attachments_check_count(clean.attachments)
    checked_files = [attachment_check(upload) for upload in clean.attachments]

    reasons = automod.hold_reasons(clean.body, clean.quote, clean.suggested_text)
    if _rate_hold(user=author, ip_address=ip_address):
        reasons.append(HoldReason.RATE_LIMIT)
    if draft.moderation == Moderation.PRE:
        reasons.insert(0, HoldReason.PRE_MODERATION)
    try:
        with transaction.atomic():
            feedback = _feedback_insert(
                draft=draft,
                version=version,
                provision=provision,
                eid=eid,
                parent=parent,
                data=clean,
                author=author,
                identity=_identity(profile),
                reasons=[str(reason) for reason in reasons],
                idempotency_key=idempotency_key,
                ip_address=ip_address,
            )
            for upload, content_type in checked_files:
                _attachment_save(feedback=feedback, upload=upload, content_type=content_type)
    except IntegrityError:
        # Two copies of one submission raced (a double click): the first one won.
        existing = _existing(user=author, key=idempotency_key)
        if existing is None:
            raise
        return existing
    return feedback


def _identity(profile: RespondentProfile) -> dict[str, str]:
    organisation = (
        profile.organisation
        if profile.respondent_type != RespondentType.INDIVIDUAL
        or profile.display_name == DisplayName.ORGANISATION
        else ""
    )
    return {
        "author_name": display_name(profile),
        "respondent_type": profile.respondent_type,
        "organisation": organisation,
        "province": profile.province,
    }


def _feedback_insert(
    *,
    draft: DraftPage,
    version: DraftVersion,
    provision: Provision | None,
    eid: str,
    parent: Feedback | None,
    data: CommentInput,
    author: User | None,
    identity: dict[str, str],
    reasons: list[str],
    idempotency_key: uuid.UUID | None = None,
    ip_address: str | None = None,
    channel: str = Channel.ONLINE,
    entered_by: User | None = None,
    received_at: datetime | None = None,
) -> Feedback:
    now = timezone.now()
    status = FeedbackStatus.PENDING if reasons else FeedbackStatus.PUBLISHED
    feedback = Feedback.objects.create(
        draft=draft,
        version=version,
        provision=provision,
        eid=eid,
        parent=parent,
        thread=(parent.thread or parent) if parent else None,
        depth=parent.depth + 1 if parent else 1,
        kind=data.kind,
        channel=channel,
        stance=data.stance,
        quote=data.quote,
        body=data.body,
        suggested_text=data.suggested_text,
        author=author,
        entered_by=entered_by,
        ip_address=ip_address,
        idempotency_key=idempotency_key,
        status=status,
        hold_reasons=reasons,
        created_at=received_at or now,
        published_at=None if reasons else now,
        **identity,
    )
    feedback_search_enqueue(feedback_ids=[feedback.pk])
    enqueue_on_commit("feedback.tasks.duplicate_group_assign", feedback.pk)
    if data.answers:
        questions = {q.pk: q.text for q in draft.targeted_questions.filter(pk__in=data.answers)}
        QuestionAnswer.objects.bulk_create(
            QuestionAnswer(
                feedback=feedback, question_id=pk, question_text=questions[pk], text=text
            )
            for pk, text in data.answers.items()
            if pk in questions
        )
    if reasons:
        ModerationDecision.objects.create(
            feedback=feedback, action=ModerationAction.HOLD, hold_reasons=reasons, created_at=now
        )
    else:
        feedback_published(feedback=feedback)
    return feedback


def feedback_published(*, feedback: Feedback) -> None:
    """What follows a comment becoming public: counters, cached counts, notices (after commit)."""
    if feedback.parent_id:
        Feedback.objects.filter(pk=feedback.parent_id).update(reply_count=F("reply_count") + 1)
        enqueue_on_commit("feedback.tasks.notify_reply", feedback.pk)
    feedback_counts_invalidate(version_id=feedback.version_id)


def feedback_unpublished(*, feedback: Feedback) -> None:
    """The reverse of `feedback_published`, when a moderator hides a published comment."""
    if feedback.parent_id:
        Feedback.objects.filter(pk=feedback.parent_id, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )
    feedback_counts_invalidate(version_id=feedback.version_id)


def _attachment_save(
    *, feedback: Feedback, upload: UploadedFile, content_type: str, is_scan: bool = False
) -> None:
    FeedbackAttachment.objects.create(
        feedback=feedback,
        file=upload,
        name=clean_text(upload.name or "", multiline=False)[:255] or "file",
        content_type=content_type,
        size=upload.size or 0,
        is_scan=is_scan,
    )


@transaction.atomic
def paper_submission_create(
    *,
    entered_by: User,
    draft: DraftPage,
    version: DraftVersion,
    data: CommentInput,
    organisation: str,
    respondent_type: str,
    province: str = "",
    channel: str = Channel.LETTER,
    received_at: datetime | None = None,
    eid: str = "",
    scan: UploadedFile | None = None,
) -> Feedback:
    """A submission received on paper or by official letter, entered by staff for its sender.

    Staff enter it after reading it, so it is published at once, credited to the organisation
    (no account), with the scanned letter kept for staff only. It may arrive after the period
    closed (a letter posted in time), so the period is not checked.
    """
    if respondent_type not in RespondentType.values:
        raise FeedbackRefused(_("Choose one of the respondent types offered."))
    if (
        data.kind == FeedbackKind.CRITIQUE
        and respondent_type not in RespondentType.organisational()
    ):
        raise FeedbackRefused(_("Only press agencies and organisations submit official critiques."))
    if channel not in (Channel.PAPER, Channel.LETTER):
        raise FeedbackRefused(_("Choose how the submission was received."))
    provision = _check_anchor(draft=draft, version=version, eid=eid)
    clean = _clean_input(data, provision=provision, reply=False)
    name = clean_text(organisation, multiline=False)
    if not name:
        raise FeedbackRefused(_("Enter the organisation or person the submission is from."))
    checked_scan = attachment_check(scan) if scan else None
    feedback = _feedback_insert(
        draft=draft,
        version=version,
        provision=provision,
        eid=eid,
        parent=None,
        data=clean,
        author=None,
        entered_by=entered_by,
        channel=channel,
        identity={
            "author_name": name,
            "respondent_type": respondent_type,
            "organisation": name,
            "province": province if province in Province.values else "",
        },
        reasons=[],
        received_at=received_at,
    )
    if checked_scan is not None:
        _attachment_save(
            feedback=feedback, upload=checked_scan[0], content_type=checked_scan[1], is_scan=True
        )
    return feedback


def support_add(*, user: User, feedback: Feedback) -> bool:
    """Support a published comment once; False when the user had already supported it."""
    if feedback.status != FeedbackStatus.PUBLISHED:
        raise FeedbackRefused(_("This comment is not published."), status=404)
    if feedback.draft.status != ConsultationStatus.OPEN:
        raise FeedbackRefused(_("The consultation on this draft is closed."), status=409)
    if feedback.author_id == user.pk:
        raise FeedbackRefused(_("You cannot support your own comment."), status=403)
    try:
        with transaction.atomic():
            Support.objects.create(feedback=feedback, user=user)
            Feedback.objects.filter(pk=feedback.pk).update(support_count=F("support_count") + 1)
            feedback_search_enqueue(feedback_ids=[feedback.pk])
    except IntegrityError:
        return False
    return True


def flag_add(*, user: User, feedback: Feedback, reason: str, note: str = "") -> bool:
    """Report a comment to the moderators once; False when the user had already flagged it.

    Enough distinct flags send a published comment back to the moderators' queue.
    """
    if feedback.status != FeedbackStatus.PUBLISHED:
        raise FeedbackRefused(_("This comment is not published."), status=404)
    if reason not in FlagReason.values:
        raise FeedbackRefused(_("Choose one of the reasons offered."))
    note = clean_text(note)[:2000]
    try:
        with transaction.atomic():
            Flag.objects.create(feedback=feedback, user=user, reason=reason, note=note)
            Feedback.objects.filter(pk=feedback.pk).update(flag_count=F("flag_count") + 1)
    except IntegrityError:
        return False
    feedback.refresh_from_db(fields=["flag_count"])
    if feedback.flag_count >= FLAG_HOLD_AT and HoldReason.FLAGGED not in feedback.hold_reasons:
        Feedback.objects.filter(pk=feedback.pk).update(
            hold_reasons=[*feedback.hold_reasons, HoldReason.FLAGGED]
        )
    return True


def subscription_toggle(
    *, user: User, draft: DraftPage | None = None, thread: Feedback | None = None
) -> bool:
    """Follow the draft or thread, or stop following it; True when now following."""
    if thread is not None:
        thread = thread.thread or thread
        if thread.status != FeedbackStatus.PUBLISHED and thread.author_id != user.pk:
            raise FeedbackRefused(_("This comment is not published."), status=404)
    deleted, _rows = Subscription.objects.filter(user=user, draft=draft, thread=thread).delete()
    if deleted:
        return False
    Subscription.objects.get_or_create(user=user, draft=draft, thread=thread)
    return True


def subscription_ensure(*, user: User, thread: Feedback) -> None:
    """Authors follow their own thread, so they hear of replies (one INSERT, no read first)."""
    Subscription.objects.bulk_create(
        [Subscription(user=user, thread=thread.thread or thread)], ignore_conflicts=True
    )
