"""Writes on dispositions: the drafting body's answers (tiếp thu / giải trình) and their log."""

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from drafts.models import DraftPage, DraftVersion, Provision

from ..access import is_drafter_of
from ..choices import DispositionKind, FeedbackStatus
from ..errors import FeedbackRefused, check_length
from ..models import Disposition, DispositionEvent, Feedback
from ..text import clean_text
from .common import enqueue_on_commit, feedback_search_enqueue

ANSWER_MAX = 10_000


def _check_drafter(*, drafter: User, draft_ids: set[int]) -> DraftPage:
    """The one draft the comments are on, when the user drafts for its body."""
    drafts = list(DraftPage.objects.filter(pk__in=draft_ids).only("pk", "drafting_body_id"))
    if len(drafts) != len(draft_ids) or not all(is_drafter_of(drafter, d) for d in drafts):
        raise FeedbackRefused(
            _("Only the drafting body of a draft answers the comments on it."), status=403
        )
    if len(drafts) != 1:
        raise FeedbackRefused(_("Comments answered together must all be on the same draft."))
    return drafts[0]


def check_answer(*, kind: str, answer: str) -> tuple[str, str]:
    """(kind, answer) as stored; FeedbackRefused with a message for the drafter if not valid."""
    if kind not in DispositionKind.values:
        raise FeedbackRefused(_("Choose one of the dispositions offered."))
    answer = clean_text(answer)
    if not answer:
        raise FeedbackRefused(_("Write the answer to the comments."))
    check_length(
        answer,
        limit=ANSWER_MAX,
        message=_("An answer can be at most %(max)s characters; yours has %(count)s."),
    )
    return kind, answer


def changed_provision_find(
    *, draft: DraftPage, after_version_ids: set[int], eid: str
) -> Provision | None:
    """The provision `eid` of a version of the draft newer than all of the given versions.

    When several later versions have it, the latest one: the answer points at the text as it
    now reads. Refused with a clear message when no later version has that provision.
    """
    eid = eid.strip()
    if not eid:
        return None
    newest = (
        DraftVersion.objects.filter(pk__in=after_version_ids).aggregate(n=Max("number"))["n"] or 0
    )
    later = DraftVersion.objects.filter(draft=draft, number__gt=newest)
    provision = (
        Provision.objects.filter(version__in=later, eid=eid)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    if provision is not None:
        return provision
    if not later.exists():
        raise FeedbackRefused(
            _(
                "This draft has no version later than the one commented on: save the answer "
                "without a changed provision and add it once the next version is imported."
            )
        )
    raise FeedbackRefused(
        _("“%(eid)s” is not a provision of a later version of this draft.") % {"eid": eid}
    )


def _event(*, disposition: Disposition, actor: User, action: str) -> None:
    DispositionEvent.objects.create(
        disposition=disposition,
        actor=actor,
        action=action,
        kind=disposition.kind,
        answer=disposition.answer,
        feedback_ids=sorted(disposition.feedback.values_list("pk", flat=True)),
        created_at=timezone.now(),
    )


@transaction.atomic
def disposition_save(
    *,
    drafter: User,
    feedback_ids: list[int],
    kind: str,
    answer: str,
    changed_eid: str = "",
    disposition: Disposition | None = None,
) -> Disposition:
    """Answer a group of comments with one disposition (new, or `disposition` edited).

    Preconditions, each refused with FeedbackRefused and nothing changed: every comment exists
    and none is hidden; they are all on one draft (that of `disposition` too) whose drafting
    body the user drafts for (403 otherwise); `kind` is a DispositionKind; the answer is not
    empty and at most 10,000 characters; `changed_eid`, when given, is a provision of a later
    version of the draft than the comments'.

    The disposition's group becomes exactly these comments: a comment that belonged to another
    disposition leaves it, a comment left out of an edited one leaves it too. A disposition
    left with no comments is deleted unless it was published (a published answer is never
    removed silently). Every disposition whose answer or group changed gets a "saved" event.

    Editing a published disposition keeps it published (its `published_at` stays the first
    publication) and, when the answer, the disposition or the group's comments changed, tells
    the authors again after commit: the public answer to their comment is not what they read.
    """
    wanted = set(feedback_ids)
    if not wanted:
        raise FeedbackRefused(_("Select at least one comment."))
    comments = list(Feedback.objects.select_for_update().filter(pk__in=wanted))
    if len(comments) != len(wanted):
        raise FeedbackRefused(_("Some of the selected comments no longer exist."), status=404)
    draft_ids = {comment.draft_id for comment in comments}
    if disposition is not None:
        draft_ids.add(disposition.draft_id)
    draft = _check_drafter(drafter=drafter, draft_ids=draft_ids)
    if any(comment.status == FeedbackStatus.HIDDEN for comment in comments):
        raise FeedbackRefused(_("Comments hidden by a moderator are not answered."))
    kind, answer = check_answer(kind=kind, answer=answer)
    changed = changed_provision_find(
        draft=draft,
        after_version_ids={comment.version_id for comment in comments},
        eid=changed_eid,
    )

    now = timezone.now()
    notify = False
    if disposition is None:
        disposition = Disposition.objects.create(
            draft=draft,
            kind=kind,
            answer=answer,
            changed_provision=changed,
            created_by=drafter,
            created_at=now,
            updated_by=drafter,
            updated_at=now,
        )
        reindex = wanted
    else:
        disposition = Disposition.objects.select_for_update().get(pk=disposition.pk)
        # Search holds each comment's disposition kind: reindex those whose kind changes.
        reindex = (
            wanted
            if disposition.kind != kind
            else wanted - {c.pk for c in comments if c.disposition_id == disposition.pk}
        )
        before = set(disposition.feedback.values_list("pk", flat=True))
        notify = disposition.is_published and (
            (disposition.kind, disposition.answer) != (kind, answer) or bool(wanted - before)
        )
        disposition.kind, disposition.answer, disposition.changed_provision = kind, answer, changed
        disposition.updated_by, disposition.updated_at = drafter, now
        disposition.save()
        left_group = Feedback.objects.filter(disposition=disposition).exclude(pk__in=wanted)
        feedback_search_enqueue(feedback_ids=left_group.values_list("pk", flat=True))
        left_group.update(disposition=None)

    left = {c.disposition_id for c in comments if c.disposition_id not in (None, disposition.pk)}
    Feedback.objects.filter(pk__in=wanted).update(disposition=disposition)
    feedback_search_enqueue(feedback_ids=reindex)
    for old in Disposition.objects.select_for_update().filter(pk__in=left):
        if not old.is_published and not old.feedback.exists():
            old.delete()
        else:
            _event(disposition=old, actor=drafter, action="saved")
    _event(disposition=disposition, actor=drafter, action="saved")
    if notify:
        enqueue_on_commit("feedback.tasks.notify_answer", disposition.pk)
    return disposition


@transaction.atomic
def disposition_publish(*, drafter: User, disposition: Disposition) -> Disposition:
    """Make the answer public and tell the authors of its comments (after commit).

    Refused with FeedbackRefused: a user who does not draft for the draft's body (403), a
    disposition with no comments, one whose changed provision is in a version not yet public
    (the answer would point at text the public cannot read). Publishing a published
    disposition changes nothing and tells nobody again.
    """
    disposition = Disposition.objects.select_for_update().get(pk=disposition.pk)
    _check_drafter(drafter=drafter, draft_ids={disposition.draft_id})
    if disposition.is_published:
        return disposition
    if not disposition.feedback.exists():
        raise FeedbackRefused(_("This answer has no comments left: there is nothing to publish."))
    changed = disposition.changed_provision
    if changed is not None and not changed.version.is_published:
        raise FeedbackRefused(
            _(
                "The changed provision is in %(version)s, which is not published yet: publish "
                "that version first, or remove the changed provision from the answer."
            )
            % {"version": changed.version.label},
            status=409,
        )
    disposition.published_at = timezone.now()
    disposition.published_by = drafter
    disposition.save(update_fields=["published_at", "published_by"])
    _event(disposition=disposition, actor=drafter, action="published")
    feedback_search_enqueue(feedback_ids=disposition.feedback.values_list("pk", flat=True))
    enqueue_on_commit("feedback.tasks.notify_answer", disposition.pk)
    return disposition
