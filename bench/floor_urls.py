"""The site's URLs plus the submission floor: the least a signed-in comment POST can cost.

``/bench-floor/<draft>/`` takes the same multipart form as the comment form, through the same
middleware (session, CSRF, authentication), and does only what any stored comment must: load
the signed-in user and insert one ``Feedback`` row in a transaction, then answer 302. No form,
no checks of the draft, version, provision or respondent, no text cleaning, no automatic
moderation, no rate limit, no follow. bench_feedback_submit measures it in the same run as the
comment form, so the comment's rate can be read against what the framework itself allows on
the same machine.
"""

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.urls import path
from django.views.decorators.http import require_POST

from consult.urls import urlpatterns as site_urlpatterns
from drafts.models import DraftVersion
from feedback.choices import FeedbackStatus
from feedback.models import Feedback

_versions: dict[tuple[int, int], int] = {}  # (draft, number) -> version pk, looked up once


@require_POST
def floor(request: HttpRequest, draft_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    number = int(request.POST["phien-ban"])
    if (draft_id, number) not in _versions:
        _versions[draft_id, number] = DraftVersion.objects.get(draft_id=draft_id, number=number).pk
    with transaction.atomic():
        Feedback.objects.create(
            draft_id=draft_id,
            version_id=_versions[draft_id, number],
            eid=request.POST["dieu"],
            stance=request.POST["stance"],
            body=request.POST["body"],
            entered_by=request.user,  # not author: the floor's rows stay apart from the comments
            status=FeedbackStatus.PUBLISHED,
        )
    return HttpResponseRedirect("/")


urlpatterns = [path("bench-floor/<int:draft_id>/", floor), *site_urlpatterns]
