"""Reads of synthesis report runs: which drafts a user makes reports of, and a draft's runs."""

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from drafts.models import DraftPage, DraftVersion

from .access import AnyUser
from .choices import FeedbackStatus
from .models import Feedback, SynthesisReport
from .selectors import staff_drafts


def report_drafts(*, user: AnyUser) -> QuerySet[DraftPage]:
    """The drafts whose reports the user makes: their bodies' (every draft for moderators and
    superusers), each with the status of its latest run."""
    drafts = staff_drafts(user=user).select_related("drafting_body")
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


def published_report(*, draft: DraftPage) -> dict[str, Any]:
    """The synthesis report on the draft's page, and when it was published (the document's
    upload date if an editor chose it in the page editor rather than publishing a run)."""
    document = draft.synthesis_report if draft.synthesis_report_id else None
    if document is None:
        return {"synthesis_report": None}
    run = (
        SynthesisReport.objects.filter(document=document, published_at__isnull=False)
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    return {"synthesis_report": document, "synthesis_report_date": run or document.created_at}
