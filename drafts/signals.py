"""Receivers that hand Wagtail's page events to the drafts services."""

from django.dispatch import receiver
from wagtail.signals import page_published

from .models import DraftPage
from .services import draft_versions_publish_pending


@receiver(page_published, sender=DraftPage)
def publish_pending_versions(
    sender: type[DraftPage], instance: DraftPage, **kwargs: object
) -> None:
    draft_versions_publish_pending(draft=instance)
