"""Views: the signed-in user's notifications, and marking them read."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_POST

from ..models import Notification
from ..services import notifications as service
from . import safe_next

PAGE_SIZE = 20


def _user(request: HttpRequest) -> AbstractBaseUser:
    return cast(AbstractBaseUser, request.user)  # signed in: login_required let it through


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    mine = service.with_related(Notification.objects.filter(user_id=user.pk))
    page = Paginator(mine.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "feedback/notifications/notification_list.html",
        {
            "page_obj": page,
            "items": service.notification_items(notifications=list(page), request=request),
            "unread": service.unread_count(user=user),
        },
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id`) or all of them read, then go back to where the user was."""
    notification_id = request.POST.get("id", "")
    if notification_id.isdigit():
        service.notification_mark_read(user=_user(request), notification_id=int(notification_id))
    elif not notification_id:
        service.notifications_mark_all_read(user=_user(request))
    return HttpResponseRedirect(safe_next(request) or reverse("feedback:notifications"))


urlpatterns: list[URLPattern] = [
    path("tai-khoan/thong-bao/", notification_list, name="notifications"),
    path("tai-khoan/thong-bao/da-doc/", notifications_read, name="notifications_read"),
]
