"""Draft legal documents and the bodies that draft them."""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftingBody(models.Model):
    """Cơ quan chủ trì soạn thảo: the body that drafts a document and answers its feedback.

    Its drafters are the members of its group.
    """

    name = models.CharField(_("name"), max_length=255, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    drafters = models.OneToOneField(
        Group,
        verbose_name=_("drafters group"),
        on_delete=models.PROTECT,
        related_name="drafting_body",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("drafting body")
        verbose_name_plural = _("drafting bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
