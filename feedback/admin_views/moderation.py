"""The moderation queue: comments to publish or hide under the published rules, one or many."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import BaseListingView

from ..access import can_see_contact, can_see_ip, is_moderator
from ..admin_forms import ModerationDecisionForm, selected_ids
from ..choices import HoldReason
from ..errors import FeedbackRefused
from ..models import Feedback, FeedbackAttachment
from ..services.moderation import moderation_decide
from .common import (
    LISTING_PAGE_SIZE,
    AdminRequest,
    SelectColumn,
    forbidden,
    is_feedback_staff,
    may_handle,
)
from .filters import ModerationQueueFilterSet


def hold_reasons_label(reasons: list[str]) -> str:
    labels = dict(HoldReason.choices)
    return ", ".join(str(labels.get(reason, reason)) for reason in reasons)


def hold_reasons_text(feedback: Feedback) -> str:
    return hold_reasons_label(feedback.hold_reasons)


def excerpt(feedback: Feedback) -> str:
    return Truncator(feedback.body).chars(140)


def comment_url(feedback: Feedback) -> str:
    return reverse("feedback_admin_comment", args=[feedback.pk])


def comment_columns() -> list[Column]:
    """The first columns of every list of comments in the admin: select, number, who, where."""
    return [
        SelectColumn(),
        TitleColumn("pk", label="#", get_url=comment_url),
        Column("draft", label=gettext_lazy("Draft")),
        Column("eid", label=gettext_lazy("Provision")),
        Column("author_name", label=gettext_lazy("Shown as")),
        Column(
            "respondent_type",
            label=gettext_lazy("Respondent type"),
            accessor="get_respondent_type_display",
        ),
    ]


class FeedbackListingView(BaseListingView):
    """A listing of comments whose rows can be ticked and sent to one form."""

    paginate_by = LISTING_PAGE_SIZE
    default_ordering = "-created_at"
    model = Feedback
    verbose_name = gettext_lazy("comment")
    verbose_name_plural = gettext_lazy("comments")

    def get_valid_orderings(self) -> list[str]:
        # Both directions of the (status, created_at) index; ties broken by the primary key.
        return ["-created_at", "created_at"]

    def order_queryset(self, queryset: QuerySet[Feedback]) -> QuerySet[Feedback]:
        return queryset.order_by(self.ordering, self.ordering.replace("created_at", "pk"))

    @cached_property
    def listing_url(self) -> str:
        """The full listing with the current filters, to come back to after a bulk action."""
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        return f"{self.index_url}?{query.urlencode()}" if query else self.index_url

    def get_context_data(self, *args: object, **kwargs: object) -> dict:
        context = super().get_context_data(*args, **kwargs)
        context["listing_url"] = self.listing_url
        return context


class ModerationQueueView(FeedbackListingView):
    page_title = gettext_lazy("Moderation queue")
    header_icon = "warning"
    index_url_name = "feedback_moderation_queue"
    index_results_url_name = "feedback_moderation_queue_results"
    results_template_name = "feedback/admin/moderation_queue_results.html"
    filterset_class = ModerationQueueFilterSet
    columns = [
        *comment_columns(),
        Column("excerpt", label=gettext_lazy("Comment"), accessor=excerpt),
        Column("hold_reasons", label=gettext_lazy("Held because"), accessor=hold_reasons_text),
        Column("flag_count", label=gettext_lazy("Flags")),
        DateColumn("created_at", label=gettext_lazy("Submitted"), sort_key="created_at"),
    ]

    def dispatch(self, request: AdminRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_moderator(request.user):
            return forbidden(request, _("Only moderators use the moderation queue."))
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self) -> QuerySet[Feedback]:
        # One query for the page: the draft's title comes with each comment.
        return Feedback.objects.select_related("draft")

    def get_context_data(self, *args: object, **kwargs: object) -> dict:
        context = super().get_context_data(*args, **kwargs)
        context["decision_form"] = ModerationDecisionForm(auto_id="bulk_%s")
        return context


@require_POST
def moderation_decide_view(request: AdminRequest) -> HttpResponse:
    """Publish or hide the ticked comments (or the one on its page), then go back."""
    if not is_moderator(request.user):
        return forbidden(request, _("Only moderators publish or hide comments."))
    back = get_valid_next_url_from_request(request) or reverse("feedback_moderation_queue")
    ids = selected_ids(request.POST.getlist("id"))
    form = ModerationDecisionForm(request.POST)
    if not ids:
        messages.error(request, _("Select at least one comment."))
        return redirect(back)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    try:
        changed = moderation_decide(
            moderator=request.user,
            feedback_ids=ids,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except FeedbackRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(back)
    if form.cleaned_data["action"] == "hide":
        message = ngettext("%(count)s comment hidden.", "%(count)s comments hidden.", changed)
    else:
        message = ngettext("%(count)s comment published.", "%(count)s comments published.", changed)
    messages.success(request, message % {"count": changed})
    return redirect(back)


def comment_detail(request: AdminRequest, pk: int) -> HttpResponse:
    """One comment in full for the staff who handle it: moderators, the draft's drafters.

    Moderators see the author's IP address and the moderation form; e-mail and phone are shown
    to both. A drafter of another body gets "not found", as if the comment did not exist.
    """
    if not is_feedback_staff(request.user):
        return forbidden(request)
    feedback = get_object_or_404(
        Feedback.objects.select_related(
            "draft", "version", "parent", "disposition", "author__respondent_profile"
        ),
        pk=pk,
    )
    if not may_handle(request.user, feedback):
        raise Http404
    moderator = is_moderator(request.user)
    show_contact = can_see_contact(request.user, feedback.draft)
    profile = getattr(feedback.author, "respondent_profile", None) if feedback.author else None
    return TemplateResponse(
        request,
        "feedback/admin/comment_detail.html",
        {
            "page_title": _("Comment #%(id)s") % {"id": feedback.pk},
            "feedback": feedback,
            "hold_reasons": hold_reasons_text(feedback),
            "attachments": feedback.attachments.all(),
            "flags": feedback.flags.select_related("user").order_by("-created_at"),
            "log": [
                (decision, hold_reasons_label(decision.hold_reasons))
                for decision in feedback.moderation_log.select_related("moderator")
            ],
            "email": feedback.author.email if show_contact and feedback.author else "",
            "phone": profile.phone if show_contact and profile else "",
            "show_ip": can_see_ip(request.user),
            "decision_form": ModerationDecisionForm() if moderator else None,
            "is_moderator": moderator,
        },
    )


def attachment_download(request: AdminRequest, pk: int) -> HttpResponseBase:
    """A comment's file, for the staff who handle the comment (scans included)."""
    if not is_feedback_staff(request.user):
        return forbidden(request)
    attachment = get_object_or_404(
        FeedbackAttachment.objects.select_related("feedback__draft"), pk=pk
    )
    if not may_handle(request.user, attachment.feedback):
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
