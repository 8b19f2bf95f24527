"""Views: read a draft's comments and threads; comment, reply, support, flag, follow."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from drafts.models import DraftPage, DraftVersion, Provision
from drafts.selectors import published_versions

from ..access import can_see_all_statuses, can_view, can_view_attachment
from ..choices import FeedbackStatus, FlagReason, HoldReason, ModerationReason, RespondentType
from ..errors import FeedbackRefused
from ..forms import CommentForm, FlagForm, ReplyForm
from ..models import MAX_DEPTH, Feedback, FeedbackAttachment
from ..selectors import (
    feedback_listing,
    feedback_thread,
    follows_draft,
)
from ..services import comments as services
from . import safe_next


def public_draft(draft_id: int) -> DraftPage:
    """A live, public draft (the public pages' rule), or 404."""
    return get_object_or_404(DraftPage.objects.live().public(), pk=draft_id)


def _feedback(request: HttpRequest, pk: int) -> Feedback:
    feedback = get_object_or_404(Feedback.objects.select_related("draft", "version"), pk=pk)
    if not feedback.draft.live or not can_view(request.user, feedback):
        raise Http404(_("This comment does not exist or is not published."))
    return feedback


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back where the form was (a safe `next`), or to the fallback."""
    return HttpResponseRedirect(safe_next(request) or fallback)


def _detail_url(feedback: Feedback) -> str:
    return reverse("feedback:detail", args=[feedback.pk]) + f"#y-kien-{feedback.pk}"


def _profile_first(next_url: str) -> HttpResponseRedirect:
    """To the respondent profile form, coming back to `next_url` once it is saved."""
    return HttpResponseRedirect(reverse("feedback:profile") + "?" + urlencode({"next": next_url}))


def _client_ip(request: HttpRequest) -> str | None:
    try:
        return get_adapter().get_client_ip(request)
    except PermissionDenied:
        return None


@require_GET
def feedback_list(request: HttpRequest, draft_id: int) -> HttpResponse:
    """A draft's comment threads, by provision, kind and sort: every list has its own URL."""
    draft = public_draft(draft_id)
    eid = request.GET.get("dieu")
    listing = feedback_listing(
        draft=draft,
        viewer=request.user,
        eid=eid[:200] if eid is not None else None,
        sort=request.GET.get("sort", ""),
        page_number=request.GET.get("page", 1),
        critiques_only=request.GET.get("kind") == "critique",
    )
    return TemplateResponse(
        request,
        "feedback/feedback_list.html",
        {
            **_draft_context(request, draft),
            "listing": listing,
            "page_obj": listing.page,
            "sorts": [
                ("newest", _("Newest")),
                ("supported", _("Most supported")),
                ("oldest", _("Oldest")),
            ],
        },
    )


def _draft_context(request: HttpRequest, draft: DraftPage) -> dict:
    return {
        "draft": draft,
        "staff_view": can_see_all_statuses(request.user, draft),
        "follows_draft": follows_draft(viewer=request.user, draft=draft),
        "max_depth": MAX_DEPTH,
    }


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _version(draft: DraftPage, number: str | None) -> DraftVersion:
    versions = published_versions(draft=draft)
    try:
        version = versions.filter(number=int(number)).first() if number else versions.last()
    except ValueError:
        version = None
    if version is None:
        raise Http404(_("This version of the draft is not published."))
    return version


@require_http_methods(["GET", "POST"])
def feedback_new(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The comment form for the whole draft or one provision (`dieu`), with an optional quote."""
    draft = public_draft(draft_id)
    params = request.POST if request.method == "POST" else request.GET
    version = _version(draft, params.get("phien-ban"))
    eid = params.get("dieu", "")[:200]
    provision = Provision.objects.filter(version=version, eid=eid).first() if eid else None
    if eid and provision is None:
        raise Http404(_("This provision is not part of this draft."))
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())

    def page(status: int, **extra: object) -> TemplateResponse:
        # Built only when a page is shown: an accepted comment is answered with a redirect.
        context = {**_draft_context(request, draft), "version": version, "provision": provision}
        return TemplateResponse(
            request, "feedback/feedback_form.html", {**context, **extra}, status=status
        )

    try:
        profile = services.check_can_comment(user=request.user, draft=draft)
    except FeedbackRefused as refusal:
        if refusal.code == "profile":
            return _profile_first(request.get_full_path())
        return page(refusal.status if request.method == "POST" else 200, refusal=refusal.message)
    form = CommentForm(
        request.POST or None,
        request.FILES or None,
        draft=draft,
        on_provision=provision is not None,
        may_critique=profile.respondent_type in RespondentType.organisational(),
        initial={"quote": request.GET.get("trich", "")[:2000]},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feedback = services.feedback_create(
                    author=request.user,
                    draft=draft,
                    version=version,
                    eid=eid,
                    data=form.comment_input(),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    ip_address=_client_ip(request),
                    profile=profile,
                    provision=provision,
                )
            except FeedbackRefused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                services.subscription_ensure(user=request.user, thread=feedback)
                _acknowledge(request, feedback)
                return HttpResponseRedirect(_detail_url(feedback))
        else:
            status = 400
    return page(status, form=form, profile=profile)


def _acknowledge(request: HttpRequest, feedback: Feedback) -> None:
    if feedback.status == FeedbackStatus.PUBLISHED:
        messages.success(
            request, _("Thank you. Your comment is published (number %s).") % feedback.pk
        )
    else:
        messages.info(
            request,
            _(
                "Thank you. Your comment (number %s) is received and will appear once a "
                "moderator has reviewed it."
            )
            % feedback.pk,
        )


@require_GET
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _feedback(request, pk)
    return _detail_response(request, feedback)


def _detail_response(
    request: HttpRequest,
    feedback: Feedback,
    *,
    reply_form: ReplyForm | None = None,
    reply_to: int | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = feedback.draft
    shown = feedback_thread(feedback=feedback, viewer=request.user)
    return TemplateResponse(
        request,
        "feedback/feedback_detail.html",
        {
            **_draft_context(request, draft),
            "feedback": feedback,
            "thread": shown.thread,
            "supported": shown.supported,
            "following": shown.following,
            "reply_form": reply_form or ReplyForm(),
            "reply_to": reply_to or _int(request.GET.get("tra-loi")),
            "is_open": draft.status == "open",
        },
        status=status,
    )


@require_POST
def feedback_reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _feedback(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_detail_url(parent))
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _detail_response(request, parent, reply_form=form, reply_to=pk, status=400)
    try:
        reply = services.feedback_create(
            author=request.user,
            draft=parent.draft,
            version=parent.version,
            parent=parent,
            data=form.comment_input(),
            idempotency_key=form.cleaned_data["idempotency_key"],
            ip_address=_client_ip(request),
        )
    except FeedbackRefused as refusal:
        if refusal.code == "profile":
            return _profile_first(_detail_url(parent))
        form.add_error(None, refusal.message)
        return _detail_response(
            request, parent, reply_form=form, reply_to=pk, status=refusal.status
        )
    services.subscription_ensure(user=request.user, thread=reply)
    _acknowledge(request, reply)
    return HttpResponseRedirect(_detail_url(reply))


@require_POST
def feedback_support(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _feedback(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_detail_url(feedback))
    try:
        added = services.support_add(user=request.user, feedback=feedback)
    except FeedbackRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if added:
            messages.success(request, _("You support comment number %s.") % feedback.pk)
        else:
            messages.info(request, _("You already support this comment."))
    return _back(request, _detail_url(feedback))


@require_http_methods(["GET", "POST"])
def feedback_flag(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _feedback(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                added = services.flag_add(
                    user=request.user,
                    feedback=feedback,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except FeedbackRefused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                messages.success(
                    request,
                    _("Thank you. A moderator will look at this comment.")
                    if added
                    else _("You have already reported this comment."),
                )
                return HttpResponseRedirect(_detail_url(feedback))
        else:
            status = 400
    return TemplateResponse(
        request,
        "feedback/flag_form.html",
        {**_draft_context(request, feedback.draft), "feedback": feedback, "form": form},
        status=status,
    )


@require_POST
def follow_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = public_draft(draft_id)
    if not request.user.is_authenticated:
        return redirect_to_login(draft.url or "/")
    following = services.subscription_toggle(user=request.user, draft=draft)
    messages.success(
        request,
        _("You follow this draft: we will tell you when it opens, closes and is answered.")
        if following
        else _("You no longer follow this draft."),
    )
    return _back(request, draft.url or "/")


@require_POST
def follow_thread(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _feedback(request, pk)
    if not request.user.is_authenticated:
        return redirect_to_login(_detail_url(feedback))
    try:
        following = services.subscription_toggle(user=request.user, thread=feedback)
    except FeedbackRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("You follow this discussion: we will tell you about new replies.")
            if following
            else _("You no longer follow this discussion."),
        )
    return _back(request, _detail_url(feedback))


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        FeedbackAttachment.objects.select_related("feedback__draft"), pk=pk
    )
    feedback = attachment.feedback
    if not feedback.draft.live or not can_view_attachment(
        request.user, feedback, is_scan=attachment.is_scan
    ):
        raise Http404(_("This file does not exist or is not public."))
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def moderation_rules(request: HttpRequest) -> HttpResponse:
    """The published rules: why a comment may be held or hidden."""
    return TemplateResponse(
        request,
        "feedback/moderation_rules.html",
        {
            "reasons": ModerationReason.choices,
            "holds": [choice for choice in HoldReason.choices if choice[0] != "flagged"],
            "flag_reasons": FlagReason.choices,
        },
    )


urlpatterns: list[URLPattern] = [
    path("y-kien/du-thao/<int:draft_id>/", feedback_list, name="list"),
    path("y-kien/du-thao/<int:draft_id>/gop-y/", feedback_new, name="new"),
    path("y-kien/du-thao/<int:draft_id>/theo-doi/", follow_draft, name="follow_draft"),
    path("y-kien/<int:pk>/", feedback_detail, name="detail"),
    path("y-kien/<int:pk>/tra-loi/", feedback_reply, name="reply"),
    path("y-kien/<int:pk>/ung-ho/", feedback_support, name="support"),
    path("y-kien/<int:pk>/bao-cao/", feedback_flag, name="flag"),
    path("y-kien/<int:pk>/theo-doi/", follow_thread, name="follow_thread"),
    path("y-kien/tep/<int:pk>/", attachment_download, name="attachment"),
    path("y-kien/quy-tac/", moderation_rules, name="rules"),
]
