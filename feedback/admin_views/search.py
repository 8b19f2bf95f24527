"""Feedback search in the admin: drafters find, filter and answer their drafts' comments."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from search.engines.base import EngineUnavailable
from search.query import Term

from ..admin_forms import DispositionForm
from ..choices import FeedbackStatus
from ..duplicates import duplicate_group_members
from ..errors import FeedbackRefused
from ..models import DuplicateGroup
from ..search_forms import PARAMETERS
from ..selectors_search import FeedbackSearchResults, feedback_themes
from ..services.dispositions import disposition_save
from ..views.search import search_context
from .common import AdminRequest, forbidden, is_drafter, is_feedback_staff
from .filters import reviewable_drafts

GROUP_PREVIEW = 20  # members listed under the answer form
GROUP_PARAMETER = PARAMETERS["duplicate_group"]


def _search_for(request: AdminRequest, text: str) -> str:
    """This search's URL with `text` as its words (a phrase in quotes), from the first page."""
    params = request.GET.copy()
    params["q"] = f'"{text}"' if " " in text else text
    params.pop("page", None)
    return "?" + params.urlencode()


def feedback_search_admin(request: AdminRequest) -> HttpResponse:
    """Every comment the viewer handles (all statuses of their bodies' drafts; everything for
    moderators), with facets, the themes of a draft's feedback, and tick boxes that send the
    chosen comments to the answer form."""
    if not is_feedback_staff(request.user):
        return forbidden(request, _("Only drafters and moderators search the feedback here."))
    context, found, status = search_context(request, audience="staff")
    themes: list[tuple[Term, str]] = []
    if found is not None and context.get("draft") is not None:
        try:
            terms = feedback_themes(query=context["query"])
        except EngineUnavailable:
            terms = ()  # the results came back: the page is still useful without themes
        themes = [(term, _search_for(request, term.text)) for term in terms]
    context.update(
        page_title=_("Search feedback"),
        header_icon="search",
        themes=themes,
        groups=_group_rows(request, found) if found is not None else [],
        can_answer=is_drafter(request.user),
    )
    return TemplateResponse(request, "feedback/search/admin_search.html", context, status=status)


@dataclass(frozen=True)
class GroupRow:
    """A duplicate group among the comments found: its shared text and how many were found."""

    pk: int
    text: str
    count: int
    filter_url: str


def _group_rows(request: AdminRequest, found: FeedbackSearchResults) -> list[GroupRow]:
    counts = {
        int(item.value): item.count
        for item in found.facets.get("duplicate_group", ())
        if item.value.isdigit()
    }
    groups = DuplicateGroup.objects.filter(pk__in=counts).select_related("representative")
    by_pk = {group.pk: group for group in groups}
    rows = []
    for pk, count in counts.items():  # the engine's order: most comments found first
        group = by_pk.get(pk)
        if group is None:
            continue  # regrouped since it was indexed; the reindex follows
        params = request.GET.copy()
        params.setlist(GROUP_PARAMETER, [str(pk)])
        params.pop("page", None)
        text = group.representative.body if group.representative else ""
        rows.append(GroupRow(pk=pk, text=text, count=count, filter_url=f"?{params.urlencode()}"))
    return rows


def duplicate_group_answer(request: AdminRequest, pk: int) -> HttpResponse:
    """One answer to every comment of a duplicate group (a form letter answered once).

    The group's hidden comments are left out (they are not answered); the answer is saved by
    the same service as any other (dispositions.disposition_save) and published from the
    draft's list of answers.
    """
    if not is_drafter(request.user):
        return forbidden(request, _("Only drafters answer the feedback on their drafts."))
    group = get_object_or_404(DuplicateGroup.objects.select_related("representative"), pk=pk)
    if not reviewable_drafts(request).filter(pk=group.draft_id).exists():
        raise Http404
    members = duplicate_group_members(group=group).exclude(status=FeedbackStatus.HIDDEN)
    member_ids = list(members.values_list("pk", flat=True))
    form = DispositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = disposition_save(
                drafter=request.user,
                feedback_ids=member_ids,
                kind=form.cleaned_data["kind"],
                answer=form.cleaned_data["answer"],
                changed_eid=form.cleaned_data["changed_eid"],
            )
        except FeedbackRefused as refusal:
            if refusal.status == 403:
                return forbidden(request, refusal.message)
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                ngettext(
                    "The answer to %(count)s comment was saved. Publish it when it is ready.",
                    "The answer to the %(count)s comments of the group was saved. Publish it "
                    "when it is ready.",
                    len(member_ids),
                )
                % {"count": len(member_ids)},
            )
            return redirect("feedback_dispositions", saved.draft_id)
    return TemplateResponse(
        request,
        "feedback/search/group_answer.html",
        {
            "page_title": _("Answer a group of near-identical comments"),
            "header_icon": "comment",
            "form": form,
            "group": group,
            "count": len(member_ids),
            "already_answered": members.filter(disposition__isnull=False).count(),
            "members": members[:GROUP_PREVIEW],
            "search_url": f"{reverse('feedback_search')}?{GROUP_PARAMETER}={group.pk}",
        },
        status=400 if request.method == "POST" else 200,
    )
