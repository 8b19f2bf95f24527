"""Writes on feedback. Moderation, dispositions and the rest arrive with issue 4."""

from django.contrib.auth.models import Group, Permission

MODERATORS_GROUP = "Feedback moderators"


def moderators_group_ensure() -> Group:
    """Moderators work in the Wagtail admin; feedback permissions join the group with issue 4."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return group
