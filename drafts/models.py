"""Draft legal documents: the bodies that draft them, their pages, versions and provisions."""

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from .importers.structure import Kind
from .page_forms import DraftPageForm


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


class DocumentType(models.Model):
    """Loại văn bản, with the minimum consultation period the law sets for it."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    min_consultation_days = models.PositiveSmallIntegerField(
        _("minimum consultation period (days)"), default=30
    )

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PolicyArea(models.Model):
    """Lĩnh vực: the field a draft regulates, for filtering the list of drafts."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ConsultationStatus(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")  # sắp lấy ý kiến
    OPEN = "open", _("Open for comments")  # đang lấy ý kiến
    CLOSED = "closed", _("Closed")  # đã kết thúc
    REPORTED = "reported", _("Synthesis report published")  # đã có bản tổng hợp ý kiến


def consultation_period_errors(
    *, document_type: DocumentType, opens_at: datetime, closes_at: datetime, reason: str
) -> dict[str, str]:
    """What is wrong with a consultation period, by field (empty when it is fine)."""
    # The messages are rendered at once (str), in the language of the request that checks.
    if closes_at <= opens_at:
        return {"closes_at": str(_("The consultation must close after it opens."))}
    days = (closes_at - opens_at).days
    if days < document_type.min_consultation_days and not reason.strip():
        return {
            "short_period_reason": gettext(
                "The period is %(days)s days, shorter than the %(minimum)s days required for "
                "this document type: record the reason."
            )
            % {"days": days, "minimum": document_type.min_consultation_days}
        }
    return {}


class Moderation(models.TextChoices):
    POST = "post", _("Post-moderated: comments appear at once, moderators review them after")
    PRE = "pre", _("Pre-moderated: a moderator approves each comment before it appears")


class DraftIndexPage(Page):
    """The portal's "Lấy ý kiến dự thảo văn bản" section: every draft, with filters."""

    intro = models.TextField(_("introduction"), blank=True)
    page_size = 20

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["drafts.DraftPage"]

    class Meta:
        verbose_name = _("draft index page")

    def get_context(self, request: HttpRequest, *args: object, **kwargs: object) -> dict:
        from .selectors import draft_list_filter

        context = super().get_context(request, *args, **kwargs)
        context.update(draft_list_filter(index=self, params=request.GET))
        return context


class DraftPage(RoutablePageMixin, Page):
    """A draft legal document open (or to open) for public comment; its title is the trích yếu."""

    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="+"
    )
    intended_number = models.CharField(
        _("intended number"), max_length=100, blank=True, help_text=_("For example …/2026/NQ-HĐND")
    )
    drafting_body = models.ForeignKey(
        DraftingBody,
        verbose_name=_("drafting body"),
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    summary = RichTextField(
        _("summary"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    contact = models.TextField(_("contact"), blank=True)
    opens_at = models.DateTimeField(_("consultation opens at"))
    closes_at = models.DateTimeField(_("consultation closes at"))
    short_period_reason = models.TextField(
        _("reason for a shorter period"),
        blank=True,
        help_text=_("Required when the period is shorter than the document type's minimum."),
    )
    policy_areas = ParentalManyToManyField(PolicyArea, verbose_name=_("policy areas"), blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=4, choices=Moderation.choices, default=Moderation.POST
    )
    synthesis_report = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("published synthesis report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("document_type"),
                FieldPanel("intended_number"),
                FieldPanel("drafting_body"),
                FieldPanel("policy_areas"),
            ],
            heading=_("Document"),
        ),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldPanel("short_period_reason"),
                FieldPanel("moderation"),
            ],
            heading=_("Consultation period"),
        ),
        InlinePanel("accompanying_documents", label=_("Accompanying documents")),
        InlinePanel("targeted_questions", label=_("Targeted questions")),
        FieldPanel("contact"),
        FieldPanel("synthesis_report"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("intended_number"),
        index.FilterField("document_type"),
        index.FilterField("drafting_body"),
    ]
    parent_page_types = ["drafts.DraftIndexPage"]
    subpage_types: list[str] = []
    base_form_class = DraftPageForm

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def clean(self) -> None:
        super().clean()
        if self.opens_at and self.closes_at and self.document_type_id:
            errors = consultation_period_errors(
                document_type=self.document_type,
                opens_at=self.opens_at,
                closes_at=self.closes_at,
                reason=self.short_period_reason,
            )
            if errors:
                raise ValidationError(errors)

    # Routes: the reading view of any published version, the comparison, print view and exports.
    @path("")
    def read_latest(self, request: HttpRequest) -> HttpResponse:
        from .views import draft_read

        return draft_read(request, self, number=None)

    @path("phien-ban/<int:number>/", name="version")
    def read_version(self, request: HttpRequest, number: int) -> HttpResponse:
        from .views import draft_read

        return draft_read(request, self, number=number)

    @path("so-sanh/", name="compare")
    def compare(self, request: HttpRequest) -> HttpResponse:
        from .views import draft_compare

        return draft_compare(request, self)

    @path("ban-in/<int:number>/", name="print")
    def print_version(self, request: HttpRequest, number: int) -> HttpResponse:
        from .views import draft_print

        return draft_print(request, self, number=number)

    @path("tai-ve/<int:number>/<str:fmt>/", name="export")
    def export_version(self, request: HttpRequest, number: int, fmt: str) -> HttpResponse:
        from .views import draft_export

        return draft_export(request, self, number=number, fmt=fmt)

    @property
    def period_days(self) -> int:
        return (self.closes_at - self.opens_at).days

    def status_at(self, moment: datetime) -> ConsultationStatus:
        """Derived from the period, so nothing has to run to open or close a consultation."""
        if self.synthesis_report_id:
            return ConsultationStatus.REPORTED
        if moment < self.opens_at:
            return ConsultationStatus.UPCOMING
        if moment < self.closes_at:
            return ConsultationStatus.OPEN
        return ConsultationStatus.CLOSED

    @property
    def status(self) -> ConsultationStatus:
        return self.status_at(timezone.now())

    @property
    def days_left(self) -> int:
        """Whole days until the consultation closes (0 on the last day or after)."""
        return max((self.closes_at - timezone.now()).days, 0)


class AccompanyingDocument(Orderable):
    """Tờ trình, báo cáo đánh giá tác động, bảng so sánh: documents published with the draft."""

    class Kind(models.TextChoices):
        COVER_MEMO = "cover_memo", _("Cover memo (tờ trình)")
        IMPACT_REPORT = "impact_report", _("Impact assessment report")
        COMPARISON_TABLE = "comparison_table", _("Comparison table")
        OTHER = "other", _("Other")

    page = ParentalKey(DraftPage, on_delete=models.CASCADE, related_name="accompanying_documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255, blank=True)

    panels = [FieldPanel("kind"), FieldPanel("document"), FieldPanel("title")]

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


class TargetedQuestion(Orderable):
    """A question the drafting body asks a group of respondents in particular."""

    class RespondentGroup(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        CITIZENS = "citizens", _("Citizens")
        ORGANISATIONS = "organisations", _("Organisations")
        BUSINESSES = "businesses", _("Businesses")
        EXPERTS = "experts", _("Experts")
        PRESS = "press", _("Press agencies")
        STATE_BODIES = "state_bodies", _("State bodies")

    page = ParentalKey(DraftPage, on_delete=models.CASCADE, related_name="targeted_questions")
    respondent_group = models.CharField(
        _("respondent group"),
        max_length=30,
        choices=RespondentGroup.choices,
        default=RespondentGroup.EVERYONE,
    )
    text = models.TextField(_("question"))

    panels = [FieldPanel("respondent_group"), FieldPanel("text")]


class DraftVersion(models.Model):
    """Dự thảo lần N: one imported text of a draft. Published versions stay readable for good."""

    draft = models.ForeignKey(
        DraftPage, verbose_name=_("draft"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version number"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    change_note = models.TextField(_("change note"), blank=True)
    source_file = models.FileField(_("source file"), upload_to="drafts/sources/%Y/", blank=True)
    # The header block as printed in the text (DESIGN.md "Structure of a Vietnamese legal text").
    document_type_label = models.CharField(
        _("document type as printed"), max_length=120, blank=True
    )
    number_label = models.CharField(_("number as printed"), max_length=100, blank=True)
    title_label = models.TextField(_("title as printed"), blank=True)
    issuer = models.CharField(_("issuing body"), max_length=255, blank=True)
    place_and_date = models.CharField(_("place and date"), max_length=255, blank=True)
    draft_label = models.CharField(_("draft label"), max_length=100, blank=True)
    legal_bases = models.JSONField(_("legal bases"), default=list, blank=True)
    preamble = models.TextField(_("preamble"), blank=True)
    closing = models.TextField(_("closing and signature block"), blank=True)
    annexes = models.JSONField(_("annexes"), default=list, blank=True)
    # Regulations the text issues, parsed into its provisions (eIds "att_1__..."): each one's
    # {"eid_prefix": "att_1", "heading": "QUY ĐỊNH\nVề ...", "note": "(Ban hành kèm theo ...)"}.
    attachments = models.JSONField(_("attached regulations"), default=list, blank=True)
    import_warnings = models.JSONField(_("import warnings"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # ParsedDocument field → DraftVersion field: how a parse is saved and read back.
    PARSED_FIELDS = {
        "document_type": "document_type_label",
        "number": "number_label",
        "title": "title_label",
        "issuer": "issuer",
        "place_and_date": "place_and_date",
        "draft_label": "draft_label",
        "legal_bases": "legal_bases",
        "preamble": "preamble",
        "closing": "closing",
        "annexes": "annexes",
        "warnings": "import_warnings",
        "attachments": "attachments",
    }

    class Meta:
        verbose_name = _("draft version")
        verbose_name_plural = _("draft versions")
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="draft_version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.draft.title} – {self.label}"

    @property
    def label(self) -> str:
        return _("Draft %(number)s") % {"number": self.number}

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()


class Provision(models.Model):
    """One part, chapter, section, article (điều), clause (khoản) or point (điểm) of a version.

    Stored flat in document order with a parent link; `eid` is stable across versions so comments
    anchored to it follow the provision.
    """

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="provisions")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=[(k.value, k.value) for k in Kind])
    num = models.CharField(_("number as printed"), max_length=20)
    eid = models.CharField(_("identifier"), max_length=200)
    heading = models.TextField(_("heading"), blank=True)
    text = models.TextField(_("text"), blank=True)
    order = models.PositiveIntegerField(_("order"))
    depth = models.PositiveSmallIntegerField(_("depth"))

    class Meta:
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "eid"], name="provision_eid_unique"),
            models.UniqueConstraint(fields=["version", "order"], name="provision_order_unique"),
        ]

    def __str__(self) -> str:
        return self.eid


class DraftImport(models.Model):
    """An uploaded text, parsed and waiting for its uploader to review the tree and confirm.

    Kept in the database and the file storage, not in a process's memory, so any web process can
    show the preview and save the draft.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    draft = models.ForeignKey(
        DraftPage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    source_file = models.FileField(upload_to="drafts/imports/%Y/")
    source_name = models.CharField(max_length=255)
    parsed = models.JSONField()
    options = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("draft import")
        verbose_name_plural = _("draft imports")

    def __str__(self) -> str:
        return self.source_name
