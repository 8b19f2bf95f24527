"""Writes on drafting bodies."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import DraftingBody


@transaction.atomic
def drafting_body_ensure(
    *, slug: str, name: str, short_name: str = "", email: str = ""
) -> DraftingBody:
    """Create the drafting body with its drafters group, or update it in place (idempotent)."""
    group, _ = Group.objects.get_or_create(name=f"Drafters: {short_name or name}")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    body, _ = DraftingBody.objects.update_or_create(
        slug=slug,
        defaults={"name": name, "short_name": short_name, "email": email, "drafters": group},
    )
    return body
