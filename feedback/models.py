"""Feedback on drafts: respondents, comments and threads, moderation, dispositions, notices."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model_string

from drafts.models import DraftPage, DraftVersion, Provision, TargetedQuestion

from .choices import (
    Channel,
    DisplayName,
    DispositionKind,
    EmailFrequency,
    FeedbackKind,
    FeedbackStatus,
    FlagReason,
    ModerationAction,
    ModerationReason,
    NotificationKind,
    Province,
    RespondentType,
    Stance,
)
from .storage import private_storage

MAX_DEPTH = 3  # a comment, a reply, a reply to the reply


class RespondentProfile(models.Model):
    """Who a commenter is, as the synthesis report counts them; the phone is never public."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="respondent_profile"
    )
    full_name = models.CharField(_("full name"), max_length=150)
    respondent_type = models.CharField(
        _("you comment as"), max_length=20, choices=RespondentType.choices
    )
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    province = models.CharField(_("province or city"), max_length=20, choices=Province.choices)
    phone = models.CharField(_("telephone (optional, never public)"), max_length=20, blank=True)
    display_name = models.CharField(
        _("show my comments under"),
        max_length=20,
        choices=DisplayName.choices,
        default=DisplayName.FULL_NAME,
    )
    email_frequency = models.CharField(
        _("e-mail me notifications"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("respondent profile")
        verbose_name_plural = _("respondent profiles")

    def __str__(self) -> str:
        return self.full_name


class Consent(models.Model):
    """Consent to personal-data processing (Nghị định 13/2023/NĐ-CP): which text, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    version = models.CharField(_("text version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.version} @ {self.given_at:%Y-%m-%d}"


class Disposition(models.Model):
    """Tiếp thu / giải trình: the drafting body's answer to one comment or a group of them."""

    draft = models.ForeignKey(DraftPage, on_delete=models.CASCADE, related_name="dispositions")
    kind = models.CharField(_("disposition"), max_length=20, choices=DispositionKind.choices)
    answer = models.TextField(_("answer"))
    # The provision of a later version that changed because of the comments (optional).
    changed_provision = models.ForeignKey(
        Provision,
        verbose_name=_("provision changed in a later version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("disposition")
        verbose_name_plural = _("dispositions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.answer[:60]}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class DispositionEvent(models.Model):
    """Who wrote or published which answer, and when: dispositions are never edited silently."""

    disposition = models.ForeignKey(Disposition, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20)  # "saved" or "published"
    kind = models.CharField(max_length=20, choices=DispositionKind.choices)
    answer = models.TextField()
    feedback_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"


class Feedback(models.Model):
    """Ý kiến góp ý: a comment on a whole draft or one provision (eid) of one of its versions.

    The author's name, type, organisation and province are copied at submission: the public
    record shows who spoke then, and survives the account being deleted (de-identified).
    """

    draft = models.ForeignKey(DraftPage, on_delete=models.PROTECT, related_name="feedback")
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="feedback")
    provision = models.ForeignKey(
        Provision, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback"
    )
    eid = models.CharField(_("provision"), max_length=200, blank=True)  # "" = the whole draft
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    thread = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="thread_replies"
    )
    depth = models.PositiveSmallIntegerField(default=1)

    kind = models.CharField(
        _("kind"), max_length=10, choices=FeedbackKind.choices, default=FeedbackKind.COMMENT
    )
    channel = models.CharField(
        _("received"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices, blank=True)
    quote = models.TextField(_("quoted passage"), blank=True)
    body = models.TextField(_("comment"))
    suggested_text = models.TextField(_("suggested wording"), blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("shown as"), max_length=255)
    respondent_type = models.CharField(
        _("respondent type"), max_length=20, choices=RespondentType.choices
    )
    organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    province = models.CharField(
        _("province or city"), max_length=20, choices=Province.choices, blank=True
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    idempotency_key = models.UUIDField(null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.PENDING
    )
    hold_reasons = models.JSONField(_("held because"), default=list, blank=True)
    moderation_reason = models.CharField(
        _("hidden because"), max_length=20, choices=ModerationReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    support_count = models.PositiveIntegerField(_("supports"), default=0)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    flag_count = models.PositiveIntegerField(_("flags"), default=0)
    disposition = models.ForeignKey(
        Disposition, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    # Near-identical comments on the draft (form letter, copy-paste campaign): duplicates.py.
    duplicate_group = models.ForeignKey(
        "DuplicateGroup",
        verbose_name=_("duplicate group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_feedback", "Can moderate feedback")]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                name="feedback_idempotency_unique",
                condition=Q(idempotency_key__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(depth__gte=1) & Q(depth__lte=MAX_DEPTH), name="feedback_depth_range"
            ),
        ]
        indexes = [
            models.Index(fields=["version", "status", "eid"], name="feedback_version_eid"),
            # One provision's threads, newest first, and their count for the pagination.
            models.Index(
                fields=["draft", "status", "depth", "eid", "created_at"], name="feedback_eid_new"
            ),
            models.Index(
                fields=["draft", "status", "depth", "created_at"], name="feedback_draft_new"
            ),
            models.Index(
                fields=["draft", "status", "depth", "support_count"], name="feedback_draft_support"
            ),
            models.Index(fields=["status", "created_at"], name="feedback_status_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.author_name}"

    @property
    def is_published(self) -> bool:
        return self.status == FeedbackStatus.PUBLISHED

    @property
    def is_critique(self) -> bool:
        return self.kind == FeedbackKind.CRITIQUE


class QuestionAnswer(models.Model):
    """An answer to one of the draft's targeted questions, given with a comment."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        TargetedQuestion, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    question_text = models.TextField()  # kept if the editor later removes the question
    text = models.TextField(_("answer"))

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:60]


class FeedbackAttachment(models.Model):
    """A file sent with a comment, kept outside the public media folder and served by a view."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="feedback/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # A scanned paper submission or letter: staff only, it carries signatures and addresses.
    is_scan = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Support(models.Model):
    """One "support" per user per comment."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "user"], name="support_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.feedback_id}"


class Flag(models.Model):
    """A reader's report that a comment breaks the rules, for moderators."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.TextField(_("details"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "user"], name="flag_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.reason} → {self.feedback_id}"


class ModerationDecision(models.Model):
    """The log of every moderation decision: who (None = the automatic rules), when, why."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="moderation_log")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("decision"), max_length=10, choices=ModerationAction.choices)
    reason = models.CharField(
        _("reason"), max_length=20, choices=ModerationReason.choices, blank=True
    )
    hold_reasons = models.JSONField(default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")

    def __str__(self) -> str:
        return f"{self.action} #{self.feedback_id}"


class Subscription(models.Model):
    """Following a draft (opens, closes, answers) or a thread (replies)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    draft = models.ForeignKey(
        DraftPage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(
        Feedback, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(draft__isnull=True) ^ Q(thread__isnull=True),
                name="subscription_one_target",
            ),
            models.UniqueConstraint(fields=["user", "draft"], name="subscription_draft_unique"),
            models.UniqueConstraint(fields=["user", "thread"], name="subscription_thread_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.draft_id or self.thread_id}"


class Notification(models.Model):
    """A notice on the site, e-mailed at once or in the daily digest by a task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    draft = models.ForeignKey(DraftPage, on_delete=models.CASCADE, related_name="+")
    feedback = models.ForeignKey(
        Feedback, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"


class ConsultationEvent(models.Model):
    """A draft opening or closing, recorded once so its followers are told exactly once."""

    draft = models.ForeignKey(DraftPage, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "kind"], name="consultation_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.draft_id}"


class DuplicateGroup(models.Model):
    """Near-identical comments on one draft (a form letter, a copy-paste campaign), answered once.

    Kept by ``feedback.duplicates``: `size` counts every member, whatever its status (the
    published count is the selectors'); `representative` is the text most members sent.
    """

    draft = models.ForeignKey(DraftPage, on_delete=models.CASCADE, related_name="duplicate_groups")
    size = models.PositiveIntegerField(_("comments"), default=0)
    representative = models.ForeignKey(
        Feedback,
        verbose_name=_("representative comment"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("duplicate group")
        verbose_name_plural = _("duplicate groups")
        indexes = [models.Index(fields=["draft", "-size"], name="duplicate_group_draft_size")]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.size})"


class DuplicateFingerprint(models.Model):
    """A top-level comment duplicate detection has examined, and the hash of its normalised text.

    `text_hash` is None for a text too short to group. The row's presence makes examining a
    comment twice (a retried task) a no-op.
    """

    # No database constraint: checked at commit, it would cost a lookup per row (a million at
    # the end of regrouping a million comments), for rows written only for comments just read.
    # Deleting a comment still deletes its fingerprint (the ORM cascades).
    feedback = models.OneToOneField(
        Feedback,
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="duplicate_fingerprint",
    )
    text_hash = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.text_hash}"


class DuplicateBand(models.Model):
    """A locality-sensitive key of a draft's comments and the first comment that had it.

    A new comment looks its keys up here (one indexed query) to find the earlier comments that
    may be near-identical to it. Only the first holder of a key is kept (millions of comments
    share few keys), so there is no index on `feedback`: the leader is a plain id, without a
    database constraint, and a deleted comment's keys simply find nothing.
    """

    pk = models.CompositePrimaryKey("draft", "key")
    # The primary key's index leads with the draft: a second index would only cost. No database
    # constraint either (as DuplicateFingerprint.feedback): millions of lookups at commit.
    draft = models.ForeignKey(
        DraftPage, on_delete=models.CASCADE, db_index=False, db_constraint=False, related_name="+"
    )
    key = models.BigIntegerField()
    feedback = models.ForeignKey(
        Feedback,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"{self.draft_id}:{self.key} → {self.feedback_id}"


class DuplicateScan(models.Model):
    """A draft's duplicate detection: when it last ran, and the row that serialises it.

    Examining a comment or regrouping the draft first updates this row, which holds it until
    commit (a row lock on PostgreSQL, the write lock on SQLite): two comments of one draft are
    examined one after the other, without locking the draft's page (editors keep saving it
    while a regroup of a million comments runs).
    """

    draft = models.OneToOneField(
        DraftPage, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    examined_at = models.DateTimeField(default=timezone.now)
    regrouped_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.draft_id}: {self.examined_at:%Y-%m-%d %H:%M}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


ACTIVE_REPORT_STATUSES = (ReportStatus.QUEUED, ReportStatus.RUNNING)


class SynthesisReport(models.Model):
    """One run of the synthesis report (bản tổng hợp, tiếp thu, giải trình) of a draft version.

    Written by ``feedback.services.reports``: a background task renders the PDF and stores it as
    a new Wagtail document in a staff-only collection; the drafter then publishes it. `step` is
    the report's own progress message, in Vietnamese like the report; `heartbeat_at` tells a
    running report from one whose worker was killed.
    """

    draft = models.ForeignKey(DraftPage, on_delete=models.CASCADE, related_name="synthesis_reports")
    version = models.ForeignKey(
        DraftVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="synthesis_reports",
    )
    appendix = models.BooleanField(_("with the appendix of every comment"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    document = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("synthesis report")
        verbose_name_plural = _("synthesis reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Two requests at once end with one run: the second insert fails here.
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(status__in=ACTIVE_REPORT_STATUSES),
                name="synthesis_report_one_active_per_version",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="synthesis_report_progress_range"
            ),
        ]
        indexes = [
            models.Index(fields=["draft", "-requested_at"], name="synthesis_report_draft_new")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status} ({self.version_id})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_REPORT_STATUSES
