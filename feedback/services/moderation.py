"""Writes on moderation: the moderators' group; decisions arrive with the moderation queue."""

from django.contrib.auth.models import Group, Permission

MODERATORS_GROUP = "Feedback moderators"


def moderators_group_ensure() -> Group:
    """Moderators work in the Wagtail admin's queue: admin access and the moderation permission."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="feedback", codename="moderate_feedback"),
    )
    return group
