"""The header's link to a signed-in user's notifications, with their unread count."""

from django import template
from django.urls import reverse

from ..services.notifications import unread_count

register = template.Library()


@register.inclusion_tag("feedback/notifications/header_link.html", takes_context=True)
def notifications_link(context: template.Context) -> dict[str, object]:
    """Nothing for anonymous visitors; one COUNT on the (user, read_at) index otherwise."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    href = reverse("feedback:notifications")
    return {
        "show": True,
        "href": href,
        "current": request is not None and request.path == href,
        "unread": unread_count(user=user),
    }
