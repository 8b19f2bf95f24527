"""Respondents: profile and consent, the personal-data download, account deletion."""

import json
import uuid

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone, translation

from feedback import consent
from feedback.choices import DisplayName, EmailFrequency, FeedbackStatus, Province, RespondentType
from feedback.errors import FeedbackRefused
from feedback.models import Consent, Feedback, RespondentProfile, Subscription, Support
from feedback.selectors import visible_feedback
from feedback.selectors_respondents import consent_is_current
from feedback.services.comments import province_resident_name
from feedback.services.respondents import (
    ProfileRefused,
    respondent_data_export,
    respondent_delete,
    respondent_profile_save,
)
from tests.drafts.conftest import english  # noqa: F401  (fixture)
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.feedback.conftest import comment_create, respondent_create

pytestmark = pytest.mark.django_db

PROFILE_URL = "/tai-khoan/ho-so/"
EXPORT_URL = "/tai-khoan/du-lieu/"
DELETE_URL = "/tai-khoan/xoa/"


def profile_data(**overrides):
    data = {
        "full_name": "Phạm Văn Hùng",
        "respondent_type": RespondentType.INDIVIDUAL,
        "organisation": "",
        "province": Province.HUE,
        "phone": "",
        "display_name": DisplayName.FULL_NAME,
        "email_frequency": EmailFrequency.DAILY,
    }
    return {**data, **overrides}


def profile_save(user, *, consent=True, **overrides):
    return respondent_profile_save(user=user, consent=consent, **profile_data(**overrides))


def test_the_urls_are_the_vietnamese_slugs():
    assert reverse("feedback:profile") == PROFILE_URL
    assert reverse("feedback:data_export") == EXPORT_URL
    assert reverse("feedback:account_delete") == DELETE_URL


def test_the_notice_text_is_written_for_the_consent_version_in_force():
    # Raise both together: a new text must be consented to again.
    assert consent.TEXT_VERSION == settings.FEEDBACK_CONSENT_VERSION
    assert consent.consent_notice().version == settings.FEEDBACK_CONSENT_VERSION


# Profile and consent -----------------------------------------------------------------------


def test_a_new_respondent_sees_the_notice_and_saves_a_profile_with_consent(client):
    user = UserFactory.create()
    client.force_login(user)

    page = client.get(PROFILE_URL)
    assert page.status_code == 200
    assert 'name="consent"' in page.content.decode()
    assert 'id="consent-notice"' in page.content.decode()

    before = timezone.now()
    response = client.post(PROFILE_URL, {**profile_data(phone="0905 123 456"), "consent": "on"})

    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    profile = RespondentProfile.objects.get(user=user)
    assert (profile.full_name, profile.province, profile.phone) == (
        "Phạm Văn Hùng",
        Province.HUE,
        "0905123456",
    )
    assert profile.email_frequency == EmailFrequency.DAILY
    given = Consent.objects.get(user=user)
    assert given.version == settings.FEEDBACK_CONSENT_VERSION
    assert before <= given.given_at <= timezone.now()


def test_the_form_is_prefilled_with_the_name_family_name_first(client):
    user = UserFactory.create(first_name="Lan", last_name="Nguyễn Thị")
    client.force_login(user)

    assert 'value="Nguyễn Thị Lan"' in client.get(PROFILE_URL).content.decode()


def test_without_consent_nothing_is_saved(client):
    user = UserFactory.create()
    client.force_login(user)

    response = client.post(PROFILE_URL, profile_data())

    assert response.status_code == 400
    assert 'id="id_consent-error"' in response.content.decode()
    assert not RespondentProfile.objects.filter(user=user).exists()
    assert not Consent.objects.filter(user=user).exists()
    with pytest.raises(FeedbackRefused):
        profile_save(user, consent=False)
    assert not RespondentProfile.objects.filter(user=user).exists()


def test_an_update_keeps_the_one_consent_already_given(client, respondent):
    client.force_login(respondent)

    page = client.get(PROFILE_URL).content.decode()
    assert 'name="consent"' not in page  # already consented to this version
    assert 'value="Nguyễn Thị Lan"' in page

    response = client.post(
        PROFILE_URL, profile_data(full_name="Nguyễn Thị Lan Anh", province=Province.HA_NOI)
    )

    assert response.status_code == 302
    profile = RespondentProfile.objects.get(user=respondent)
    assert (profile.full_name, profile.province) == ("Nguyễn Thị Lan Anh", Province.HA_NOI)
    assert Consent.objects.filter(user=respondent).count() == 1


def test_a_new_notice_version_asks_for_consent_again(client, respondent, settings):
    settings.FEEDBACK_CONSENT_VERSION = "2027-01"
    client.force_login(respondent)
    assert not consent_is_current(user=respondent)
    assert 'name="consent"' in client.get(PROFILE_URL).content.decode()

    refused = client.post(PROFILE_URL, profile_data(full_name="Tên mới"))
    assert refused.status_code == 400
    assert RespondentProfile.objects.get(user=respondent).full_name == "Nguyễn Thị Lan"

    client.post(PROFILE_URL, {**profile_data(full_name="Tên mới"), "consent": "on"})

    assert RespondentProfile.objects.get(user=respondent).full_name == "Tên mới"
    assert sorted(Consent.objects.filter(user=respondent).values_list("version", flat=True)) == [
        "2026-01",
        "2027-01",
    ]
    assert consent_is_current(user=respondent)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("respondent_type", "Choose one of the respondent types offered."),
        ("province", "Choose one of the provinces offered."),
        ("display_name", "Choose one of the ways to show your name offered."),
        ("email_frequency", "Choose one of the notification options offered."),
    ],
)
@pytest.mark.usefixtures("english")
def test_a_forged_choice_is_refused_and_changes_nothing(respondent, field, message):
    with pytest.raises(FeedbackRefused) as refused:
        profile_save(respondent, **{field: "<script>"})

    assert refused.value.message == message
    profile = RespondentProfile.objects.get(user=respondent)
    assert (profile.respondent_type, profile.province, profile.display_name) == (
        RespondentType.INDIVIDUAL,
        Province.DA_NANG,
        DisplayName.FULL_NAME,
    )
    assert profile.email_frequency == EmailFrequency.IMMEDIATE


def test_a_forged_choice_in_the_form_changes_nothing(client, respondent):
    client.force_login(respondent)

    response = client.post(PROFILE_URL, profile_data(full_name="Khác", province="atlantis"))

    assert response.status_code == 400
    assert 'href="#id_province"' in response.content.decode()  # the error summary links to it
    assert RespondentProfile.objects.get(user=respondent).full_name == "Nguyễn Thị Lan"


@pytest.mark.parametrize(
    "overrides",
    [
        {"respondent_type": RespondentType.ORGANISATION},
        {"respondent_type": RespondentType.BUSINESS},
        {"respondent_type": RespondentType.PRESS},
        {"respondent_type": RespondentType.STATE_BODY},
        {"display_name": DisplayName.ORGANISATION},
    ],
)
def test_an_organisation_is_required_for_organisational_respondents(respondent, overrides):
    with pytest.raises(ProfileRefused) as refused:
        profile_save(respondent, organisation="  \u200b ", **overrides)

    assert refused.value.field == "organisation"
    assert RespondentProfile.objects.get(user=respondent).respondent_type == "individual"


@pytest.mark.usefixtures("english")
def test_the_organisation_error_is_shown_at_its_field(client, respondent):
    client.force_login(respondent)

    response = client.post(
        reverse("feedback:profile"), profile_data(respondent_type=RespondentType.BUSINESS)
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_organisation-error"' in html
    assert "Enter the name of the organisation you comment for." in html


@pytest.mark.usefixtures("english")
def test_every_problem_is_reported_at_once(client):
    client.force_login(UserFactory.create())

    response = client.post(
        PROFILE_URL, profile_data(respondent_type=RespondentType.PRESS, phone="123")
    )

    html = response.content.decode()
    for field in ("organisation", "phone", "consent"):
        assert f'href="#id_{field}"' in html
        assert f'id="id_{field}-error"' in html
    assert not RespondentProfile.objects.exists()


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("0905 123 456", "0905123456"),
        ("+84 905.123.456", "0905123456"),
        ("(0236) 3821-234", "02363821234"),
        ("", ""),
    ],
)
def test_the_phone_is_normalised(respondent, given, stored):
    assert profile_save(respondent, phone=given).phone == stored


@pytest.mark.parametrize("given", ["12345", "0123456789", "09051234567", "số điện thoại"])
def test_an_invalid_phone_is_refused(respondent, given):
    with pytest.raises(ProfileRefused) as refused:
        profile_save(respondent, phone=given)

    assert refused.value.field == "phone"
    assert RespondentProfile.objects.get(user=respondent).phone == "0905123456"


def test_names_are_cleaned_and_limited(respondent):
    decomposed = "Nguye\u0302\u0303n\u200b  Va\u0306n\nA"  # NFD, a zero-width space, a line break

    profile = profile_save(respondent, full_name=decomposed, organisation="  Hội\tLuật gia ")

    assert profile.full_name == "Nguyễn Văn A"
    assert profile.organisation == "Hội Luật gia"
    with pytest.raises(FeedbackRefused):
        profile_save(respondent, full_name="x" * 151)
    with pytest.raises(FeedbackRefused):
        profile_save(respondent, full_name=" \u200b ")


@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        (
            "/du-thao/du-thao-thu-nghiem/?tab=gop-y#art_1",
            "/du-thao/du-thao-thu-nghiem/?tab=gop-y#art_1",
        ),
        ("https://evil.example/phish", PROFILE_URL),
        ("//evil.example/phish", PROFILE_URL),
        ("javascript:alert(1)", PROFILE_URL),
    ],
)
def test_only_a_safe_next_is_followed(client, respondent, next_url, location):
    client.force_login(respondent)
    page = client.get(PROFILE_URL, {"next": next_url}).content.decode()
    assert ('name="next"' in page) == (location != PROFILE_URL)

    response = client.post(f"{PROFILE_URL}?next={next_url.replace('#', '%23')}", profile_data())

    assert response.status_code == 302
    assert response["Location"] == location


# The personal-data download -----------------------------------------------------------------


def test_the_download_page_explains_and_posts(client, respondent):
    client.force_login(respondent)

    response = client.get(EXPORT_URL)

    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert "attachment" not in response.get("Content-Disposition", "")


def test_the_download_holds_the_users_data_and_no_one_elses(
    client, open_draft, respondent, other_respondent
):
    own = comment_create(open_draft, respondent, body="Đề nghị bổ sung quy định về dữ liệu mở.")
    other = comment_create(open_draft, other_respondent, body="Ý kiến của người khác.")
    Support.objects.create(feedback=other, user=respondent)
    Subscription.objects.create(user=respondent, draft=open_draft)
    client.force_login(respondent)

    response = client.post(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="du-lieu-ca-nhan-')
    text = response.content.decode("utf-8")
    assert "Đề nghị bổ sung" in text  # not \u-escaped
    data = json.loads(text)
    assert data["account"]["email"] == "lan@example.com"
    assert data["email_addresses"] == [
        {"email": "lan@example.com", "verified": True, "primary": True}
    ]
    assert data["profile"]["phone"] == "0905123456"
    assert data["consents"][0]["version"] == settings.FEEDBACK_CONSENT_VERSION
    [comment] = data["comments"]
    assert comment["id"] == own.pk
    assert comment["body"] == "Đề nghị bổ sung quy định về dữ liệu mở."
    assert (comment["eid"], comment["version_number"]) == ("art_1", 1)
    assert comment["draft"] == open_draft.title
    assert comment["status"] == FeedbackStatus.PUBLISHED
    assert data["supports"] == [
        {"comment_id": other.pk, "created_at": data["supports"][0]["created_at"]}
    ]
    assert data["subscriptions"][0]["draft"] == open_draft.title
    assert "minh@example.com" not in text
    assert "Ý kiến của người khác." not in text
    assert respondent.password not in text  # the hash stays on the server


# Deleting the account -----------------------------------------------------------------------


def test_deleting_an_individual_de_identifies_their_comments(
    client, open_draft, respondent, other_respondent
):
    comment = comment_create(open_draft, respondent, body="Đề nghị làm rõ khái niệm dữ liệu.")
    Feedback.objects.filter(pk=comment.pk).update(
        ip_address="203.0.113.7", idempotency_key=uuid.uuid4()
    )
    theirs = comment_create(open_draft, other_respondent)
    Support.objects.create(feedback=theirs, user=respondent)
    Feedback.objects.filter(pk=theirs.pk).update(support_count=1)
    Support.objects.create(feedback=comment, user=other_respondent)
    Feedback.objects.filter(pk=comment.pk).update(support_count=1)
    user_pk = respondent.pk
    client.force_login(respondent)

    response = client.post(DELETE_URL, {"password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not get_user_model().objects.filter(pk=user_pk).exists()
    assert not RespondentProfile.objects.filter(user_id=user_pk).exists()
    assert not Consent.objects.filter(user_id=user_pk).exists()
    comment.refresh_from_db()
    with translation.override("vi"):
        assert comment.author_name == province_resident_name(Province.DA_NANG)
    assert "Đà Nẵng" in comment.author_name
    assert comment.author_id is None
    assert comment.ip_address is None and comment.idempotency_key is None
    assert comment.body == "Đề nghị làm rõ khái niệm dữ liệu."
    assert (comment.status, comment.province, comment.respondent_type) == (
        FeedbackStatus.PUBLISHED,
        Province.DA_NANG,
        RespondentType.INDIVIDUAL,
    )
    row = " ".join(
        str(value) for value in Feedback.objects.filter(pk=comment.pk).values().get().values()
    )
    for personal in ("lan@example.com", "0905123456", "Nguyễn Thị Lan", "203.0.113.7"):
        assert personal not in row
    assert comment in visible_feedback(draft=open_draft, viewer=AnonymousUser())
    theirs.refresh_from_db()
    assert theirs.support_count == 1  # the count stays; the support row is gone
    assert not Support.objects.filter(feedback=theirs).exists()
    assert comment.support_count == 1
    assert client.get(PROFILE_URL).status_code == 302  # signed out


def test_deleting_an_organisation_keeps_its_name_on_its_comments(open_draft, press_respondent):
    comment = comment_create(open_draft, press_respondent)
    assert comment.author_name == "Lê Văn Báo"

    respondent_delete(user=press_respondent)

    comment.refresh_from_db()
    assert (comment.author_name, comment.organisation) == ("Báo Đà Nẵng", "Báo Đà Nẵng")
    assert comment.author_id is None


def test_deletion_is_not_translated_into_the_readers_language(open_draft):
    user = respondent_create(province=Province.HUE)
    comment = comment_create(open_draft, user)

    with translation.override("en"):
        respondent_delete(user=user)

    comment.refresh_from_db()
    with translation.override("vi"):
        assert comment.author_name == province_resident_name(Province.HUE)


def test_an_individual_shown_under_their_organisation_loses_it(open_draft):
    user = respondent_create(organisation="Công ty ABC")
    RespondentProfile.objects.filter(user=user).update(display_name=DisplayName.ORGANISATION)
    comment = comment_create(open_draft, user)
    assert comment.author_name == "Công ty ABC"

    respondent_delete(user=user)

    comment.refresh_from_db()
    assert comment.organisation == ""
    assert "Công ty ABC" not in comment.author_name


def test_the_delete_page_explains_and_asks_for_the_password(client, respondent):
    client.force_login(respondent)

    html = client.get(DELETE_URL).content.decode()

    assert 'name="password"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="email"' not in html


@pytest.mark.usefixtures("english")
def test_deletion_needs_the_right_password(client, respondent):
    client.force_login(respondent)

    response = client.post(DELETE_URL, {"password": "wrong password"})

    assert response.status_code == 400
    with translation.override("vi"):  # the page speaks the request's language
        assert translation.gettext("The password is not correct.") in response.content.decode()
    assert get_user_model().objects.filter(pk=respondent.pk).exists()
    assert client.post(DELETE_URL, {}).status_code == 400
    assert get_user_model().objects.filter(pk=respondent.pk).exists()


def test_an_account_without_a_password_confirms_with_its_email(client, respondent):
    respondent.set_unusable_password()
    respondent.save()
    client.force_login(respondent)
    assert 'name="email"' in client.get(DELETE_URL).content.decode()

    assert client.post(DELETE_URL, {"email": "minh@example.com"}).status_code == 400
    assert get_user_model().objects.filter(pk=respondent.pk).exists()

    assert client.post(DELETE_URL, {"email": " LAN@example.com "}).status_code == 302
    assert not get_user_model().objects.filter(pk=respondent.pk).exists()


def test_staff_accounts_are_not_deleted_here(client, drafter):
    client.force_login(drafter)

    assert 'name="password"' not in client.get(DELETE_URL).content.decode()
    assert client.post(DELETE_URL, {"password": DEFAULT_PASSWORD}).status_code == 403
    assert get_user_model().objects.filter(pk=drafter.pk).exists()
    with pytest.raises(FeedbackRefused):
        respondent_delete(user=drafter)


def test_the_export_of_a_deleted_account_is_empty_of_its_comments(open_draft, respondent):
    # The comments no longer point at anyone: a new account never inherits them.
    comment_create(open_draft, respondent)
    respondent_delete(user=respondent)
    newcomer = UserFactory.create(email="lan@example.com")

    assert respondent_data_export(user=newcomer)["comments"] == []


# Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PROFILE_URL, EXPORT_URL, DELETE_URL])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url, method):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('account_login')}?next=")


def test_the_account_pages_link_to_each_other(client, respondent):
    client.force_login(respondent)

    html = client.get(reverse("account_email")).content.decode()

    for url in (PROFILE_URL, EXPORT_URL, DELETE_URL):
        assert f'href="{url}"' in html


def test_the_pages_work_in_english(client, respondent):
    client.force_login(respondent)

    for url in (PROFILE_URL, EXPORT_URL, DELETE_URL):
        response = client.get(f"/en{url}")
        assert response.status_code == 200
        assert 'lang="en"' in response.content.decode()
