"""Who may see and do what with feedback: the one place these rules live."""

from django.contrib.auth.models import AnonymousUser, User

from drafts.models import DraftPage

from .choices import FeedbackStatus
from .models import Feedback

AnyUser = User | AnonymousUser


def is_moderator(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.has_perm("feedback.moderate_feedback"))


def drafter_body_ids(user: AnyUser) -> set[int]:
    """The drafting bodies whose drafters' group the user belongs to (cached on the user)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_drafter_body_ids", None)
    if cached is None:
        from drafts.models import DraftingBody

        cached = set(DraftingBody.objects.filter(drafters__user=user).values_list("pk", flat=True))
        user._drafter_body_ids = cached  # type: ignore[attr-defined]
    return cached


def is_drafter_of(user: AnyUser, draft: DraftPage) -> bool:
    """A drafter of the body that drafts this document (superusers count as every body's)."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or draft.drafting_body_id in drafter_body_ids(user))


def can_see_all_statuses(user: AnyUser, draft: DraftPage) -> bool:
    """Moderators and the draft's own drafters see pending and hidden comments too."""
    return is_moderator(user) or is_drafter_of(user, draft)


def can_make_report(user: AnyUser, draft: DraftPage) -> bool:
    """Drafters of the draft's body and moderators generate and download its synthesis reports
    (superusers are every body's drafters)."""
    return is_moderator(user) or is_drafter_of(user, draft)


def can_publish_report(user: AnyUser, draft: DraftPage) -> bool:
    """Only the drafting body files its report (Nghị định 78/2025/NĐ-CP): not the moderators."""
    return is_drafter_of(user, draft)


def can_view(user: AnyUser, feedback: Feedback) -> bool:
    if feedback.status == FeedbackStatus.PUBLISHED:
        return True
    if user.is_authenticated and feedback.author_id == user.pk:
        return True
    return can_see_all_statuses(user, feedback.draft)


def can_see_contact(user: AnyUser, draft: DraftPage) -> bool:
    """E-mail and phone: moderators and the drafters of the draft's own body, nobody else."""
    return is_moderator(user) or is_drafter_of(user, draft)


def can_see_ip(user: AnyUser) -> bool:
    return is_moderator(user)


def can_view_attachment(user: AnyUser, feedback: Feedback, *, is_scan: bool) -> bool:
    """Scanned letters carry signatures and addresses: only staff who handle the draft see them."""
    if is_scan:
        return can_see_all_statuses(user, feedback.draft)
    return can_view(user, feedback)
