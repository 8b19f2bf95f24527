"""Feedback fixtures: an open draft, respondents with profiles, drafters, a moderator."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from wagtail.users.models import UserProfile

from drafts.models import DraftIndexPage
from feedback.choices import FeedbackStatus, Province, RespondentType, Stance
from feedback.models import Consent, Feedback, RespondentProfile
from feedback.services.comments import CommentInput, feedback_create
from feedback.services.moderation import moderators_group_ensure
from tests.conftest import restore_wagtail_roots
from tests.drafts.conftest import english, open_draft  # noqa: F401  (fixtures)
from tests.factories import DraftingBodyFactory, UserFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def draft_index(db):
    """Only what feedback needs of a portal (home, drafts index, document types, editors):
    much faster than the whole demo, and without its sample comments."""
    from cms.services import portal_editors_group_ensure, site_home_ensure
    from drafts.services import document_types_ensure

    restore_wagtail_roots()  # after a transactional test's flush
    document_types_ensure()
    home = site_home_ensure(title="Cổng lấy ý kiến")
    portal_editors_group_ensure(home=home)
    index = DraftIndexPage(title="Lấy ý kiến dự thảo văn bản", slug="lay-y-kien-du-thao")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def respondent_create(
    *,
    email: str | None = None,
    respondent_type: str = RespondentType.INDIVIDUAL,
    organisation: str = "",
    province: str = Province.DA_NANG,
    full_name: str = "Nguyễn Thị Lan",
    phone: str = "0905123456",
):
    """A verified user with a complete respondent profile and current consent."""
    user = UserFactory.create(**({"email": email} if email else {}))
    RespondentProfile.objects.create(
        user=user,
        full_name=full_name,
        respondent_type=respondent_type,
        organisation=organisation,
        province=province,
        phone=phone,
    )
    Consent.objects.create(user=user, version=settings.FEEDBACK_CONSENT_VERSION)
    return user


@pytest.fixture
def respondent(db):
    return respondent_create(email="lan@example.com")


@pytest.fixture
def other_respondent(db):
    return respondent_create(email="minh@example.com", full_name="Trần Văn Minh")


@pytest.fixture
def press_respondent(db):
    return respondent_create(
        email="toasoan@example.com",
        respondent_type=RespondentType.PRESS,
        organisation="Báo Đà Nẵng",
        full_name="Lê Văn Báo",
    )


def _with_admin_access(group):
    """Drafters work in the Wagtail admin, as drafting_body_ensure sets their group up."""
    from django.contrib.auth.models import Permission

    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return group


@pytest.fixture
def drafter(open_draft):  # noqa: F811
    """A drafter of the body that drafts `open_draft`."""
    user = UserFactory.create(email="drafter.body@example.com")
    user.groups.add(_with_admin_access(open_draft.drafting_body.drafters))
    return user


@pytest.fixture
def other_drafter(db):
    """A drafter of another drafting body."""
    user = UserFactory.create(email="drafter.other@example.com")
    user.groups.add(_with_admin_access(DraftingBodyFactory.create().drafters))
    return user


@pytest.fixture
def moderator(db):
    user = UserFactory.create(email="moderator.test@example.com")
    user.groups.add(moderators_group_ensure())
    return user


def comment_create(draft, author, *, eid: str = "art_1", body: str = "Đề nghị làm rõ.", **fields):
    """A comment on the draft's latest version, through the service (published unless held)."""
    data = CommentInput(body=body, stance=fields.pop("stance", Stance.AMEND), **fields)
    version = draft.versions.order_by("number").last()
    return feedback_create(author=author, draft=draft, version=version, data=data, eid=eid)


def reply_create(parent, author, *, body: str = "Tôi đồng ý với ý kiến này.", **fields):
    """A reply to ``parent``, through the service (``fields``: e.g. its ``ip_address``)."""
    return feedback_create(
        author=author,
        draft=parent.draft,
        version=parent.version,
        parent=parent,
        data=CommentInput(body=body),
        **fields,
    )


def comment_stored(draft, body: str = "Đề nghị làm rõ.", *, eid: str = "art_1", **fields):
    """A comment inserted as the services store it, on the draft's latest version, with no
    service or task run: for tests of what is read, counted or grouped afterwards."""
    parent = fields.pop("parent", None)
    fields.setdefault("status", FeedbackStatus.PUBLISHED)
    fields.setdefault("stance", "" if parent else Stance.AMEND)
    fields.setdefault("author_name", "Người góp ý")
    fields.setdefault("respondent_type", RespondentType.INDIVIDUAL)
    fields.setdefault("created_at", timezone.now())
    version = draft.versions.order_by("number").last()
    return Feedback.objects.create(
        draft=draft,
        version=version,
        provision=version.provisions.filter(eid=eid).first(),
        eid=eid,
        parent=parent,
        thread=parent,
        depth=2 if parent else 1,
        body=body,
        **fields,
    )


# --- who may see what: one user per role, and what a request gave them ---

ROLES = ["anonymous", "citizen", "author", "drafter", "other_drafter", "editor", "moderator"]


def admin_in_english(user) -> None:
    """The admin speaks the user's preferred language (Vietnamese by default): messages are
    asserted by their English msgids."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()


def client_for(user, *, in_english: bool = False) -> Client:
    """Signed in as the user (None or anonymous: not signed in); with `in_english`, their admin
    speaks English."""
    client = Client()
    if user is not None and user.is_authenticated:
        if in_english:
            admin_in_english(user)
        client.force_login(user)
    return client


def outcome(response) -> str:
    """'ok' (200), 'login' (sent to sign in), 'denied' (403), 'missing' (404), or the code."""
    if response.status_code == 200:
        return "ok"
    if response.status_code == 302 and "/login/" in response["Location"]:
        return "login"
    return {403: "denied", 404: "missing"}.get(response.status_code, str(response.status_code))
