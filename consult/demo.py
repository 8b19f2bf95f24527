"""Demo content for local use: a city Department of Information and Communications' portal.

Idempotent: running it again updates what it made and creates nothing twice.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, User
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import FooterLink, HomePage, NewsIndexPage, NewsPage, PortalSettings, StandardPage
from cms.services import portal_editors_group_ensure, portal_settings_update, site_home_ensure
from drafts.importers import parse_upload
from drafts.models import (
    DocumentType,
    DraftIndexPage,
    DraftingBody,
    DraftPage,
    PolicyArea,
    Provision,
)
from drafts.services import (
    document_types_ensure,
    draft_create,
    draft_publication_workflow_ensure,
    draft_version_create,
    drafting_body_ensure,
)
from feedback.choices import DisplayName, EmailFrequency, Province, RespondentType, Stance
from feedback.models import Consent, Feedback, RespondentProfile
from feedback.services.comments import CommentInput, feedback_create
from feedback.services.moderation import moderators_group_ensure

PORTAL_NAME = "Cổng lấy ý kiến dự thảo văn bản"
AGENCY = "Sở Thông tin và Truyền thông"
PARENT_AGENCY = "Ủy ban nhân dân thành phố Đà Nẵng"


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str
    first_name: str
    last_name: str
    role: str


# Local use only: README lists these. seed_demo refuses to run with DEBUG off.
DEMO_USERS = [
    DemoUser("citizen@example.com", "demo-citizen-2026", "An", "Nguyễn Văn", "citizen"),
    DemoUser("drafter@example.com", "demo-drafter-2026", "Bình", "Trần Thị", "drafter"),
    DemoUser("drafter2@example.com", "demo-drafter2-2026", "Cường", "Lê Minh", "drafter2"),
    DemoUser("editor@example.com", "demo-editor-2026", "Dung", "Phạm Thu", "editor"),
    DemoUser("moderator@example.com", "demo-moderator-2026", "Giang", "Hoàng Văn", "moderator"),
    DemoUser("admin@example.com", "demo-admin-2026", "Quản trị", "", "admin"),
]

NEWS = [
    (
        "lay-y-kien-du-thao-quy-dinh-chuyen-doi-so",
        NewsPage.Kind.ANNOUNCEMENT,
        datetime.date(2026, 11, 20),
        "Thông báo lấy ý kiến dự thảo Quy định về chuyển đổi số trên địa bàn thành phố",
        "Sở Thông tin và Truyền thông đề nghị các cơ quan, tổ chức, doanh nghiệp và người dân góp ý "
        "đối với dự thảo trong thời hạn 30 ngày.",
    ),
    (
        "ra-mat-cong-lay-y-kien",
        NewsPage.Kind.NEWS,
        datetime.date(2026, 11, 10),
        "Ra mắt Cổng lấy ý kiến dự thảo văn bản quy phạm pháp luật",
        "Người dân có thể góp ý trực tiếp vào từng điều, khoản của dự thảo và theo dõi việc tiếp thu, "
        "giải trình của cơ quan chủ trì soạn thảo.",
    ),
]


def _child(parent: Page, model: type[Page], slug: str, **fields: object) -> Page:
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    elif all(getattr(page, name) == value for name, value in fields.items()):
        return page
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision().publish()
    return page


def _seed_pages() -> HomePage:
    home = site_home_ensure(title=PORTAL_NAME)
    intro = (
        "<p>Nơi cơ quan nhà nước công khai dự thảo văn bản quy phạm pháp luật để người dân, tổ chức, "
        "doanh nghiệp góp ý theo từng điều, khoản, và công bố việc tiếp thu, giải trình.</p>"
    )
    if home.intro != intro:
        home.intro = intro
        home.save_revision().publish()
    _child(
        home,
        StandardPage,
        "gioi-thieu",
        title="Giới thiệu",
        show_in_menus=True,
        intro="Cổng lấy ý kiến thực hiện Điều 6 Luật Ban hành văn bản quy phạm pháp luật số 64/2025/QH15.",
    )
    news_index = _child(
        home,
        NewsIndexPage,
        "tin-tuc",
        title="Tin tức – Thông báo",
        show_in_menus=True,
        intro="Tin tức và thông báo về các đợt lấy ý kiến.",
    )
    for slug, kind, date, title, intro in NEWS:
        _child(news_index, NewsPage, slug, title=title, kind=kind, date=date, intro=intro)
    _child(
        home,
        StandardPage,
        "lien-he",
        title="Liên hệ",
        show_in_menus=True,
        intro="Mọi thắc mắc về việc góp ý dự thảo xin gửi về Văn phòng Sở.",
    )
    return home


def _seed_settings(home: HomePage) -> PortalSettings:
    site = Site.objects.get(root_page=home)
    portal = portal_settings_update(
        site=site,
        portal_name=PORTAL_NAME,
        agency_name=AGENCY,
        parent_agency_name=PARENT_AGENCY,
        address="Tầng 5, Trung tâm Hành chính, 24 Trần Phú, Hải Châu, Đà Nẵng",
        phone="0236 3 822 111",
        email="stttt@example.com",
        footer_note="Dữ liệu minh hoạ dùng cho môi trường phát triển.",
    )
    contact = StandardPage.objects.get(slug="lien-he")
    FooterLink.objects.get_or_create(settings=portal, page=contact, defaults={"title": "Liên hệ"})
    return portal


DEMO_TEXTS = Path(__file__).resolve().parent.parent / "drafts" / "demo"
DEMO_DRAFT_SLUG = "quy-dinh-chuyen-doi-so"


def _seed_drafts(home: HomePage, body: DraftingBody) -> DraftIndexPage:
    document_types_ensure()
    index = _child(
        home,
        DraftIndexPage,
        "lay-y-kien-du-thao",
        title="Lấy ý kiến dự thảo văn bản",
        show_in_menus=True,
        intro="Các dự thảo văn bản quy phạm pháp luật đang và đã lấy ý kiến nhân dân.",
    )
    area, _ = PolicyArea.objects.get_or_create(
        slug="chuyen-doi-so", defaults={"name": "Chuyển đổi số"}
    )
    if DraftPage.objects.filter(slug=DEMO_DRAFT_SLUG).exists():
        return index
    first, second = (DEMO_TEXTS / f"{DEMO_DRAFT_SLUG}-lan-{number}.txt" for number in (1, 2))
    now = timezone.now()
    draft = draft_create(
        index=index,
        parsed=parse_upload(first.name, first.read_bytes()),
        document_type=DocumentType.objects.get(code="quyet-dinh-ubnd-tinh"),
        drafting_body=body,
        opens_at=now - datetime.timedelta(days=10),
        closes_at=now + datetime.timedelta(days=20),
        slug=DEMO_DRAFT_SLUG,
        summary="<p>Dự thảo quy định việc chuyển đổi số trong cơ quan nhà nước của thành phố: hạ tầng, dữ liệu, dịch vụ công trực tuyến.</p>",
        source_name=first.name,
        source_data=first.read_bytes(),
    )
    draft.policy_areas.add(area)
    draft.save_revision().publish()
    draft_version_create(
        draft=draft,
        parsed=parse_upload(second.name, second.read_bytes()),
        change_note="Tiếp thu ý kiến góp ý đợt 1: bổ sung điều về chữ ký số, dữ liệu mở.",
        source_name=second.name,
        source_data=second.read_bytes(),
    )
    draft.save_revision().publish()
    return index


def _seed_user(demo: DemoUser, groups: list[Group]) -> AbstractUser:
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=demo.email, defaults={"email": demo.email})
    user.email = demo.email
    user.first_name, user.last_name = demo.first_name, demo.last_name
    user.is_superuser = user.is_staff = demo.role == "admin"
    user.set_password(demo.password)
    user.save()
    user.groups.set(groups)
    EmailAddress.objects.update_or_create(
        user=user, email=demo.email, defaults={"verified": True, "primary": True}
    )
    return user


# Respondents of the demo: (e-mail, full name, type, organisation, province, shown as).
DEMO_RESPONDENTS = [
    (
        "citizen@example.com",
        "Nguyễn Văn An",
        RespondentType.INDIVIDUAL,
        "",
        Province.DA_NANG,
        DisplayName.FULL_NAME,
    ),
    (
        "hiephoi@example.com",
        "Võ Thị Hạnh",
        RespondentType.ORGANISATION,
        "Hiệp hội Phần mềm và Dịch vụ CNTT Đà Nẵng",
        Province.DA_NANG,
        DisplayName.ORGANISATION,
    ),
    (
        "bao@example.com",
        "Lê Quang Vinh",
        RespondentType.PRESS,
        "Báo Đà Nẵng",
        Province.DA_NANG,
        DisplayName.ORGANISATION,
    ),
]
DEMO_COMMENTS = [
    # (respondent index, article index in the text, stance, body, critique)
    (0, 0, Stance.AGREE, "Tôi tán thành phạm vi điều chỉnh của dự thảo.", False),
    (
        1,
        1,
        Stance.AMEND,
        "Đề nghị bổ sung doanh nghiệp cung cấp dịch vụ công nghệ thông tin vào "
        "đối tượng áp dụng,\nvì các doanh nghiệp này tham gia trực tiếp vào hạ tầng số.",
        True,
    ),
    (2, 2, Stance.OTHER, "Đề nghị làm rõ cơ quan chịu trách nhiệm công bố dữ liệu mở.", True),
]


def _respondent(
    email: str, full_name: str, kind: str, organisation: str, province: str, shown_as: str
) -> User:
    user, created = User.objects.get_or_create(username=email, defaults={"email": email})
    if created:
        user.set_unusable_password()  # sample respondents: nobody signs in as them
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    RespondentProfile.objects.update_or_create(
        user=user,
        defaults={
            "full_name": full_name,
            "respondent_type": kind,
            "organisation": organisation,
            "province": province,
            "display_name": shown_as,
            # The sample organisations are fictional: never e-mail their example.com addresses.
            "email_frequency": EmailFrequency.IMMEDIATE
            if user.has_usable_password()
            else EmailFrequency.NEVER,
        },
    )
    Consent.objects.get_or_create(user=user, version=settings.FEEDBACK_CONSENT_VERSION)
    return user


def _seed_feedback() -> None:
    """A few published comments on the demo draft, once; the demo citizen may comment at once."""
    respondents = [_respondent(*row) for row in DEMO_RESPONDENTS]
    draft = DraftPage.objects.get(slug=DEMO_DRAFT_SLUG)
    if Feedback.objects.filter(draft=draft).exists():
        return
    version = draft.versions.order_by("number").last()
    articles = list(
        Provision.objects.filter(version=version, kind="article").values_list("eid", flat=True)
    )
    comments = [
        feedback_create(
            author=respondents[who],
            draft=draft,
            version=version,
            eid=articles[article],
            data=CommentInput(body=body, stance=stance, kind="critique" if critique else "comment"),
        )
        for who, article, stance, body, critique in DEMO_COMMENTS
    ]
    feedback_create(
        author=respondents[0],
        draft=draft,
        version=version,
        parent=comments[1],
        data=CommentInput(body="Tôi ủng hộ đề xuất này của Hiệp hội."),
    )


@transaction.atomic
def seed_demo() -> dict[str, int]:
    home = _seed_pages()
    _seed_settings(home)
    bodies = [
        drafting_body_ensure(
            slug="so-thong-tin-va-truyen-thong",
            name="Sở Thông tin và Truyền thông",
            short_name="Sở TTTT",
            email="stttt@example.com",
        ),
        drafting_body_ensure(
            slug="so-tai-nguyen-va-moi-truong",
            name="Sở Tài nguyên và Môi trường",
            short_name="Sở TNMT",
            email="stnmt@example.com",
        ),
    ]
    draft_index = _seed_drafts(home, bodies[0])
    editors = portal_editors_group_ensure(home=home)
    draft_publication_workflow_ensure(index=draft_index, approvers=editors)
    role_groups = {
        "citizen": [],
        "drafter": [bodies[0].drafters],
        "drafter2": [bodies[1].drafters],
        "editor": [editors],
        "moderator": [moderators_group_ensure()],
        "admin": [],
    }
    for demo in DEMO_USERS:
        _seed_user(demo, role_groups[demo.role])
    _seed_feedback()
    return {
        "pages": Page.objects.filter(depth__gt=1).count(),
        "drafting_bodies": DraftingBody.objects.count(),
        "users": len(DEMO_USERS),
    }
