"""Reads of synthesis report runs: which drafts a user makes reports of, and a draft's runs."""

from django.db.models import OuterRef, QuerySet, Subquery

from drafts.models import DraftPage, DraftVersion

from .access import AnyUser, drafter_body_ids, is_moderator
from .choices import FeedbackStatus
from .models import Feedback, SynthesisReport


def report_drafts(*, user: AnyUser) -> QuerySet[DraftPage]:
    """The drafts whose reports the user makes: their bodies' (every draft for moderators and
    superusers), each with the status of its latest run."""
    drafts = DraftPage.objects.select_related("drafting_body").order_by("-pk")
    if not (is_moderator(user) or user.is_superuser):
        drafts = drafts.filter(drafting_body_id__in=drafter_body_ids(user))
    latest = SynthesisReport.objects.filter(draft=OuterRef("pk")).order_by("-requested_at", "-pk")
    return drafts.annotate(
        last_status=Subquery(latest.values("status")[:1]),
        last_requested_at=Subquery(latest.values("requested_at")[:1]),
    )


def draft_reports(*, draft: DraftPage) -> QuerySet[SynthesisReport]:
    """A draft's report runs, newest first."""
    return (
        SynthesisReport.objects.filter(draft=draft)
        .select_related("version", "document", "requested_by", "published_by")
        .order_by("-requested_at", "-pk")
    )


def published_comments_count(*, version: DraftVersion) -> int:
    """The published comments and replies on a version: the entries of its report's appendix."""
    return Feedback.objects.filter(version=version, status=FeedbackStatus.PUBLISHED).count()
