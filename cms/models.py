"""Portal page types and the per-site settings of a government portal."""

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .blocks import BaseStreamBlock


class HomePage(Page):
    """The portal's front page: an introduction and the latest news."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    # Any section may sit below the home page (apps such as drafts add their own index pages).

    class Meta:
        verbose_name = _("home page")

    def get_latest_news(self, limit: int = 3) -> models.QuerySet["NewsPage"]:
        return NewsPage.objects.live().public().descendant_of(self).order_by("-date", "-pk")[:limit]

    def get_context(self, request: HttpRequest, *args: object, **kwargs: object) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = self.get_latest_news()
        return context


class StandardPage(Page):
    """A plain content page: about, contact, guidance, legal notices."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class NewsIndexPage(Page):
    """The "Tin tức – Thông báo" section: news and announcements, newest first."""

    intro = models.TextField(_("introduction"), blank=True)
    page_size = 10

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("news index page")

    def get_news(self) -> models.QuerySet["NewsPage"]:
        return NewsPage.objects.live().public().child_of(self).order_by("-date", "-pk")

    def paginate_news(self, page_number: str | None) -> PaginatorPage:
        return Paginator(self.get_news(), self.page_size).get_page(page_number)

    def get_context(self, request: HttpRequest, *args: object, **kwargs: object) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["news_page"] = self.paginate_news(request.GET.get("page"))
        return context


class NewsPage(Page):
    """A news item or an official announcement (thông báo)."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        ANNOUNCEMENT = "announcement", _("Announcement")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("summary"), blank=True)
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel([FieldPanel("kind"), FieldPanel("date")], heading=_("Publication")),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news page")


@register_setting(icon="site")
class PortalSettings(ClusterableModel, BaseSiteSetting):
    """Who runs the portal and how to reach them; shown in the header and footer."""

    portal_name = models.CharField(_("portal name"), max_length=200)
    agency_name = models.CharField(_("agency"), max_length=200)
    parent_agency_name = models.CharField(_("parent agency"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    footer_note = models.TextField(
        _("footer note"), blank=True, help_text=_("For example the licence number of the portal.")
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("portal_name"),
                FieldPanel("agency_name"),
                FieldPanel("parent_agency_name"),
                FieldPanel("logo"),
            ],
            heading=_("Identity"),
        ),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("phone"), FieldPanel("email")], heading=_("Contact")
        ),
        FieldPanel("footer_note"),
        InlinePanel("footer_links", label=_("Footer links")),
    ]

    class Meta:
        verbose_name = _("portal settings")


class FooterLink(Orderable):
    settings = ParentalKey(PortalSettings, on_delete=models.CASCADE, related_name="footer_links")
    title = models.CharField(_("title"), max_length=100)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.URLField(_("external address"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("page"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        verbose_name = _("footer link")

    def __str__(self) -> str:
        return self.title

    @property
    def href(self) -> str:
        return self.page.url if self.page else self.url
