"""Drafters' synthesis reports: ask for a run, follow its progress, download and publish it."""

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from drafts.models import DraftPage

from ..access import can_make_report, can_publish_report
from ..admin_forms import ReportRequestForm
from ..errors import FeedbackRefused
from ..models import ReportStatus, SynthesisReport
from ..selectors_reports import draft_reports, report_drafts
from ..services.reports import (
    STALE_AFTER,
    report_publish,
    report_request,
)
from .common import AdminRequest, forbidden, is_feedback_staff


def _report_draft(request: AdminRequest, draft_id: int) -> DraftPage:
    """The draft, if the user makes its reports; "not found" for anyone else."""
    draft = get_object_or_404(DraftPage.objects.select_related("drafting_body"), pk=draft_id)
    if not can_make_report(request.user, draft):
        raise Http404
    return draft


def _refused_unless_staff(request: AdminRequest) -> HttpResponse | None:
    if is_feedback_staff(request.user):
        return None
    return forbidden(request, _("Only drafters and moderators generate synthesis reports."))


def report_index(request: AdminRequest) -> HttpResponse:
    """The drafts the user makes reports of, with their latest run."""
    if refused := _refused_unless_staff(request):
        return refused
    title = _("Synthesis reports")
    return TemplateResponse(
        request,
        "feedback/admin/report_index.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "doc-full-inverse",
            "drafts": report_drafts(user=request.user),
            "statuses": ReportStatus.choices,
        },
    )


def _list_response(
    request: AdminRequest, draft: DraftPage, form: ReportRequestForm, *, status: int = 200
) -> HttpResponse:
    title = _("Synthesis reports of “%(title)s”") % {"title": draft.title}
    reports = draft_reports(draft=draft)
    return TemplateResponse(
        request,
        "feedback/admin/report_list.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "doc-full-inverse",
            "draft": draft,
            "form": form,
            "reports": reports,
            "may_publish": can_publish_report(request.user, draft),
            "stale_before": timezone.now() - STALE_AFTER,
        },
        status=status,
    )


@never_cache
def report_list(request: AdminRequest, draft_id: int) -> HttpResponse:
    """A draft's report runs, newest first, and the form that asks for a new one."""
    if refused := _refused_unless_staff(request):
        return refused
    draft = _report_draft(request, draft_id)
    return _list_response(request, draft, ReportRequestForm(draft=draft))


@require_POST
def report_request_view(request: AdminRequest, draft_id: int) -> HttpResponse:
    if refused := _refused_unless_staff(request):
        return refused
    draft = _report_draft(request, draft_id)
    form = ReportRequestForm(request.POST, draft=draft)
    if not form.is_valid():
        return _list_response(request, draft, form, status=400)
    try:
        report_request(
            version=form.cleaned_data["version"],
            user=request.user,
            appendix=form.cleaned_data["appendix"],
        )
    except FeedbackRefused as refusal:
        if refusal.status == 403:
            return forbidden(request, refusal.message)
        form.add_error(None, refusal.message)
        return _list_response(request, draft, form, status=refusal.status)
    messages.success(
        request, _("The report is being generated; this page shows how far it has got.")
    )
    return redirect("feedback_report_list", draft.pk)


@require_POST
def report_publish_view(request: AdminRequest, pk: int) -> HttpResponse:
    if refused := _refused_unless_staff(request):
        return refused
    report = get_object_or_404(SynthesisReport, pk=pk)
    draft = _report_draft(request, report.draft_id)
    try:
        report_publish(report=report, user=request.user)
    except FeedbackRefused as refusal:
        if refusal.status == 403:
            return forbidden(request, refusal.message)
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("The report is published: it can be downloaded from the draft's page.")
        )
    return redirect("feedback_report_list", draft.pk)


@never_cache
def report_status(request: AdminRequest, pk: int) -> JsonResponse:
    """A run's progress, for the page's script to follow it without reloading."""
    if not is_feedback_staff(request.user):
        raise Http404
    report = get_object_or_404(SynthesisReport.objects.select_related("draft"), pk=pk)
    if not can_make_report(request.user, report.draft):
        raise Http404
    return JsonResponse(
        {
            "status": report.status,
            "status_label": report.get_status_display(),
            "progress": report.progress,
            "step": report.step,
            "finished": report.status in (ReportStatus.DONE, ReportStatus.FAILED),
        }
    )
