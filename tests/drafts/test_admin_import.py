"""The admin import: bad files get a clear message and save nothing; drafters stay in their body."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from drafts.models import DocumentType, DraftImport, DraftingBody, DraftPage, DraftVersion

pytestmark = pytest.mark.django_db

TEXT = (
    "Điều 1. Phạm vi\nNghị quyết này quy định mức hỗ trợ.\n"
    "Điều 2. Hiệu lực\nCó hiệu lực từ ngày ký.\n"
)


@pytest.fixture
def drafter_client(client, demo_site):
    client.login(username="drafter@example.com", password="demo-drafter-2026")
    return client


def form_data(source: SimpleUploadedFile, **overrides) -> dict:
    now = timezone.localtime()
    data = {
        "kind": "draft",
        "source": source,
        "document_type": DocumentType.objects.get(code="nghi-quyet-hdnd-tinh").pk,
        "drafting_body": DraftingBody.objects.get(slug="so-thong-tin-va-truyen-thong").pk,
        "opens_at": (now - datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "closes_at": (now + datetime.timedelta(days=40)).strftime("%Y-%m-%d %H:%M"),
        "short_period_reason": "",
    }
    data.update(overrides)
    return data


def nothing_saved() -> bool:
    return not DraftImport.objects.exists() and DraftPage.objects.count() == 1


def test_a_good_text_is_staged_for_review_then_saved(drafter_client):
    source = SimpleUploadedFile("nghi-quyet.txt", TEXT.encode())

    response = drafter_client.post(reverse("drafts_import"), form_data(source))

    staged = DraftImport.objects.get()
    assert response["Location"] == reverse("drafts_import_preview", args=[staged.pk])
    assert DraftPage.objects.count() == 1  # nothing created before the review
    preview = drafter_client.get(response["Location"]).content.decode()
    assert 'data-count="article">2<' in preview

    drafter_client.post(response["Location"])

    draft = DraftPage.objects.exclude(slug="quy-dinh-chuyen-doi-so").get()
    assert not draft.live
    assert DraftVersion.objects.get(draft=draft).provisions.filter(kind="article").count() == 2
    assert not DraftImport.objects.exists()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(120):
                member.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bao-cao.pdf", b"%PDF-1.7 not a draft", ".docx"),
        ("du-thao.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "mật khẩu"),
        ("du-thao.docx", b"PK\x03\x04 truncated", ""),
        ("du-thao.docx", zip_bomb(), "MB"),
        ("du-thao.txt", "Lời nói đầu, không có điều nào.".encode(), "Điều"),
        ("du-thao.xml", b"<akomaNtoso><bill><body>", "XML"),
        (
            "du-thao.xml",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">'
            b'<!ENTITY b "&a;&a;&a;">]><x>&b;</x>',
            "",
        ),
        ("du-thao.txt", bytes(range(256)) * 4, ""),
        ("du-thao.txt", b"", ""),
    ],
    ids=[
        "pdf",
        "encrypted",
        "corrupt-zip",
        "zip-bomb",
        "no-provisions",
        "bad-xml",
        "xml-entities",
        "binary",
        "empty",
    ],
)
def test_bad_files_are_refused_with_a_message_and_nothing_is_saved(
    drafter_client, name, content, message
):
    response = drafter_client.post(
        reverse("drafts_import"), form_data(SimpleUploadedFile(name, content))
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["source"]
    assert errors and message.lower() in " ".join(errors).lower()
    assert nothing_saved()


class UnreadableUpload(SimpleUploadedFile):
    """A 200 MB upload as Django hands it over (streamed to disk); reading it fails the test."""

    def read(self, *args, **kwargs):
        raise AssertionError("the file was read before its size was checked")


def test_a_200_mb_upload_is_refused_before_it_is_read(demo_site):
    from django.contrib.auth import get_user_model

    from drafts.forms import DraftImportForm

    big = UnreadableUpload("du-thao.txt", b"x")
    big.size = 200 * 1024 * 1024
    data = form_data(big)
    files = {"source": data.pop("source")}
    user = get_user_model().objects.get(email="drafter@example.com")

    form = DraftImportForm(data, files, user=user)

    assert not form.is_valid()
    assert "20 MB" in str(form.errors["source"])
    assert nothing_saved()


def test_an_oversized_upload_is_refused(drafter_client):
    big = SimpleUploadedFile("du-thao.txt", b"x" * (21 * 1024 * 1024))

    response = drafter_client.post(reverse("drafts_import"), form_data(big))

    assert "20 MB" in " ".join(response.context["form"].errors["source"])
    assert nothing_saved()


def test_a_short_period_without_a_reason_is_refused(drafter_client):
    now = timezone.localtime()
    data = form_data(
        SimpleUploadedFile("du-thao.txt", TEXT.encode()),
        closes_at=(now + datetime.timedelta(days=5)).strftime("%Y-%m-%d %H:%M"),
    )

    response = drafter_client.post(reverse("drafts_import"), data)

    assert "short_period_reason" in response.context["form"].errors
    assert nothing_saved()


def test_a_drafter_cannot_import_for_another_body(drafter_client):
    other = DraftingBody.objects.get(slug="so-tai-nguyen-va-moi-truong")

    response = drafter_client.post(
        reverse("drafts_import"),
        form_data(SimpleUploadedFile("du-thao.txt", TEXT.encode()), drafting_body=other.pk),
    )

    assert "drafting_body" in response.context["form"].errors
    assert nothing_saved()


def test_a_drafter_of_another_body_cannot_edit_or_see_the_draft(client, demo_site):
    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")
    client.login(username="drafter2@example.com", password="demo-drafter2-2026")

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk]))
    listing = client.get(reverse("wagtailadmin_explore", args=[draft.get_parent().pk]))

    assert edit.status_code in (302, 403)
    assert draft.title not in listing.content.decode()


def test_the_own_body_drafter_can_edit_but_not_publish(client, demo_site):
    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")
    client.login(username="drafter@example.com", password="demo-drafter-2026")

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk]))

    assert edit.status_code == 200
    assert 'name="action-publish"' not in edit.content.decode()
    assert 'name="action-submit"' in edit.content.decode()


def test_someone_elses_staged_import_is_not_shown(client, drafter_client):
    drafter_client.post(
        reverse("drafts_import"), form_data(SimpleUploadedFile("du-thao.txt", TEXT.encode()))
    )
    staged = DraftImport.objects.get()
    client.logout()
    client.login(username="editor@example.com", password="demo-editor-2026")

    response = client.get(reverse("drafts_import_preview", args=[staged.pk]))

    assert response.status_code in (302, 403)
    assert response.get("Location", "") != reverse("drafts_import_preview", args=[staged.pk])
    assert DraftImport.objects.filter(pk=staged.pk).exists()


def test_drafters_submit_and_editors_approve_through_the_workflow(demo_site):
    from django.contrib.auth import get_user_model

    from drafts.services import draft_version_create
    from tests.drafts.conftest import parsed_document

    users = get_user_model().objects
    drafter, editor = users.get(email="drafter@example.com"), users.get(email="editor@example.com")
    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")
    draft_version_create(draft=draft, parsed=parsed_document(), user=drafter)
    workflow = draft.get_workflow()
    assert workflow is not None and workflow.name == "Duyệt dự thảo văn bản"

    draft.save_revision(user=drafter)
    state = workflow.start(draft, drafter)
    task = state.current_task_state.task.specific
    assert [group.name for group in task.groups.all()] == ["Portal editors"]
    assert not draft.versions.get(number=3).is_published

    task.on_action(state.current_task_state, editor, "approve")

    draft.refresh_from_db()
    assert draft.versions.get(number=3).is_published


def test_the_page_form_offers_a_drafter_only_their_own_body(demo_site):
    from django.contrib.auth import get_user_model

    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")
    form_class = DraftPage.get_edit_handler().get_form_class()
    drafter = get_user_model().objects.get(email="drafter@example.com")
    editor = get_user_model().objects.get(email="editor@example.com")

    for_drafter = form_class(instance=draft, for_user=drafter)
    for_editor = form_class(instance=draft, for_user=editor)

    assert [b.slug for b in for_drafter.fields["drafting_body"].queryset] == [
        "so-thong-tin-va-truyen-thong"
    ]
    assert for_editor.fields["drafting_body"].queryset.count() == 2
