"""Paper and official-letter submissions (công văn góp ý), typed in by the staff who got them."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from ..access import is_drafter_of, is_moderator
from ..admin_forms import PaperSubmissionForm
from ..errors import FeedbackRefused
from ..services.comments import CommentInput, paper_submission_create
from .common import AdminRequest, forbidden, is_feedback_staff


def paper_submission_new(request: AdminRequest) -> HttpResponse:
    """Drafters enter submissions on their own body's drafts; moderators on any draft."""
    if not is_feedback_staff(request.user):
        return forbidden(request, _("Only drafters and moderators enter paper submissions."))
    form = PaperSubmissionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = data["draft"]
        if not (is_moderator(request.user) or is_drafter_of(request.user, draft)):
            return forbidden(request)
        try:
            feedback = paper_submission_create(
                entered_by=request.user,
                draft=draft,
                version=data["version"],
                data=CommentInput(
                    body=data["body"],
                    stance=data["stance"],
                    suggested_text=data["suggested_text"],
                    kind=data["kind"],
                ),
                organisation=data["organisation"],
                respondent_type=data["respondent_type"],
                province=data["province"],
                channel=data["channel"],
                received_at=form.received_at,
                eid=data["eid"].strip(),
                scan=data["scan"],
            )
        except FeedbackRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("The submission from %(name)s was entered and published.")
                % {"name": feedback.author_name},
            )
            return redirect("feedback_admin_comment", feedback.pk)
    return TemplateResponse(
        request,
        "feedback/admin/paper_form.html",
        {"page_title": _("Enter a paper submission"), "form": form},
    )
