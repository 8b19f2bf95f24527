"""Drafters' review: the comments on their own body's drafts, grouped and answered."""

from django.contrib import messages
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column, DateColumn

from drafts.models import DraftPage

from ..access import is_drafter_of
from ..admin_forms import DispositionForm, selected_ids
from ..errors import FeedbackRefused
from ..models import Disposition, Feedback
from ..services.dispositions import disposition_publish, disposition_save
from .common import AdminRequest, forbidden, is_drafter
from .filters import ReviewFilterSet, reviewable_drafts
from .moderation import FeedbackListingView, comment_columns, excerpt


def disposition_state(feedback: Feedback) -> str:
    disposition = feedback.disposition
    if disposition is None:
        return ""
    if disposition.is_published:
        return _("%(kind)s (published)") % {"kind": disposition.get_kind_display()}
    return _("%(kind)s (saved)") % {"kind": disposition.get_kind_display()}


def contact(feedback: Feedback) -> str:
    """E-mail and phone: this listing only shows comments on the viewer's own body's drafts."""
    if feedback.author is None:
        return ""
    profile = getattr(feedback.author, "respondent_profile", None)
    return " · ".join(
        value for value in (feedback.author.email, profile and profile.phone) if value
    )


class ReviewView(FeedbackListingView):
    page_title = gettext_lazy("Feedback on our drafts")
    header_icon = "comment"
    index_url_name = "feedback_review"
    index_results_url_name = "feedback_review_results"
    results_template_name = "feedback/admin/review_results.html"
    filterset_class = ReviewFilterSet
    columns = [
        *comment_columns(),
        Column("stance", label=gettext_lazy("Stance"), accessor="get_stance_display"),
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        Column("excerpt", label=gettext_lazy("Comment"), accessor=excerpt),
        Column("disposition", label=gettext_lazy("Answer"), accessor=disposition_state),
        Column("contact", label=gettext_lazy("E-mail and phone"), accessor=contact),
        DateColumn("created_at", label=gettext_lazy("Submitted"), sort_key="created_at"),
    ]

    def dispatch(self, request: AdminRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_drafter(request.user):
            return forbidden(request, _("Only drafters review the feedback on their drafts."))
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[Feedback]:
        return Feedback.objects.filter(draft__in=reviewable_drafts(self.request)).select_related(
            "draft", "disposition", "author__respondent_profile"
        )

    def get_context_data(self, *args: object, **kwargs: object) -> dict:
        context = super().get_context_data(*args, **kwargs)
        filters = self.filters
        draft = filters.form.cleaned_data.get("draft") if filters and filters.is_valid() else None
        context["draft"] = draft
        context["drafts"] = reviewable_drafts(self.request)
        return context


def _reviewable_draft(request: AdminRequest, draft_id: int) -> DraftPage:
    """The draft, if the user drafts for its body; "not found" for anyone else."""
    draft = get_object_or_404(DraftPage, pk=draft_id)
    if not is_drafter_of(request.user, draft):
        raise Http404
    return draft


def disposition_edit(request: AdminRequest, pk: int | None = None) -> HttpResponse:
    """The answer to the ticked comments (`?id=`), new or (with `pk`) an existing one edited.

    Editing shows the disposition's comments ticked; unticking one takes it out of the group.
    """
    if not is_drafter(request.user):
        return forbidden(request, _("Only drafters answer the feedback on their drafts."))
    disposition = None
    if pk is not None:
        disposition = get_object_or_404(Disposition, pk=pk)
        _reviewable_draft(request, disposition.draft_id)
    source = request.POST if request.method == "POST" else request.GET
    ids = set(selected_ids(source.getlist("id")))
    if disposition is not None and request.method != "POST":
        ids |= set(disposition.feedback.values_list("pk", flat=True))
    comments = list(
        Feedback.objects.filter(pk__in=ids, draft__in=reviewable_drafts(request))
        .select_related("draft", "disposition")
        .order_by("eid", "pk")
    )
    if len(comments) != len(ids):
        raise Http404  # ids of another body's comments, or of none
    if disposition is not None:
        initial = {
            "kind": disposition.kind,
            "answer": disposition.answer,
            "changed_eid": getattr(disposition.changed_provision, "eid", ""),
        }
    else:
        initial = {}
    form = DispositionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = disposition_save(
                drafter=request.user,
                feedback_ids=sorted(ids),
                kind=form.cleaned_data["kind"],
                answer=form.cleaned_data["answer"],
                changed_eid=form.cleaned_data["changed_eid"],
                disposition=disposition,
            )
        except FeedbackRefused as refusal:
            if refusal.status == 403:
                return forbidden(request, refusal.message)
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The answer was saved. Publish it when it is ready."))
            return redirect("feedback_dispositions", saved.draft_id)
    if not comments and request.method != "POST":
        messages.error(request, _("Select the comments to answer first."))
        return redirect("feedback_review")
    return TemplateResponse(
        request,
        "feedback/admin/disposition_form.html",
        {
            "page_title": _("Edit the answer") if disposition else _("Answer the comments"),
            "form": form,
            "comments": comments,
            "disposition": disposition,
        },
    )


def dispositions(request: AdminRequest, draft_id: int) -> HttpResponse:
    """The answers on one draft, saved and published, with a button to publish each."""
    if not is_drafter(request.user):
        return forbidden(request, _("Only drafters answer the feedback on their drafts."))
    draft = _reviewable_draft(request, draft_id)
    answers = (
        Disposition.objects.filter(draft=draft)
        .select_related("changed_provision__version", "updated_by", "published_by")
        .annotate(comment_count=Count("feedback"))
        .order_by("published_at", "-updated_at")
    )
    return TemplateResponse(
        request,
        "feedback/admin/dispositions.html",
        {
            "page_title": _("Answers on “%(title)s”") % {"title": draft.title},
            "draft": draft,
            "dispositions": answers,
            "review_url": f"{reverse('feedback_review')}?draft={draft.pk}",
        },
    )


@require_POST
def disposition_publish_view(request: AdminRequest, pk: int) -> HttpResponse:
    if not is_drafter(request.user):
        return forbidden(request, _("Only drafters answer the feedback on their drafts."))
    disposition = get_object_or_404(Disposition, pk=pk)
    _reviewable_draft(request, disposition.draft_id)
    try:
        disposition_publish(drafter=request.user, disposition=disposition)
    except FeedbackRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The answer is published; the commenters will be told."))
    return redirect("feedback_dispositions", disposition.draft_id)
