"""import_draft saves a text as a draft or its next version; bad input changes nothing."""

import pytest
from django.core.management import CommandError, call_command

from drafts.models import DraftPage, DraftVersion

pytestmark = pytest.mark.django_db

TEXT = "Điều 1. Phạm vi\nQuy định này áp dụng chung.\nĐiều 2. Hiệu lực\nCó hiệu lực từ ngày ký.\n"


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "du-thao.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_import_draft_creates_and_publishes_a_draft(demo_site, text_file):
    call_command(
        "import_draft",
        str(text_file),
        "--document-type=nghi-dinh",
        "--drafting-body=so-tai-nguyen-va-moi-truong",
        "--opens=2026-12-01",
        "--closes=2027-01-31",
        "--title=Nghị định thử nghiệm",
        "--publish",
    )

    draft = DraftPage.objects.get(title="Nghị định thử nghiệm")
    assert draft.live
    assert draft.versions.get().provisions.filter(kind="article").count() == 2
    assert draft.versions.get().is_published


def test_import_draft_adds_the_next_version(demo_site, text_file):
    call_command(
        "import_draft", str(text_file), "--draft=quy-dinh-chuyen-doi-so", "--change-note=Lần 3"
    )

    draft = DraftPage.objects.get(slug="quy-dinh-chuyen-doi-so")
    assert draft.versions.count() == 3
    assert not draft.versions.get(number=3).is_published


@pytest.mark.parametrize(
    "arguments",
    [
        ["--document-type=nghi-dinh"],
        [
            "--document-type=khong-co",
            "--drafting-body=so-tai-nguyen-va-moi-truong",
            "--opens=2026-12-01",
            "--closes=2027-01-31",
        ],
        [
            "--document-type=nghi-dinh",
            "--drafting-body=so-tai-nguyen-va-moi-truong",
            "--opens=2026-12-01",
            "--closes=2026-12-05",
        ],
        [
            "--document-type=nghi-dinh",
            "--drafting-body=so-tai-nguyen-va-moi-truong",
            "--opens=mai",
            "--closes=2027-01-31",
        ],
        ["--draft=khong-co"],
    ],
    ids=["missing-options", "unknown-type", "short-period", "bad-date", "unknown-draft"],
)
def test_import_draft_refuses_bad_options_and_saves_nothing(demo_site, text_file, arguments):
    before = (DraftPage.objects.count(), DraftVersion.objects.count())

    with pytest.raises(CommandError):
        call_command("import_draft", str(text_file), *arguments)

    assert (DraftPage.objects.count(), DraftVersion.objects.count()) == before


def test_parse_draft_refuses_a_file_without_provisions(tmp_path):
    path = tmp_path / "thu.txt"
    path.write_text("Kính gửi Quý cơ quan, đây không phải là dự thảo.", encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("parse_draft", str(path))


def test_abandoned_uploads_expire_with_their_files(demo_site):
    import datetime

    import time_machine
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from drafts.importers import parse_upload
    from drafts.models import DraftImport
    from drafts.services import draft_import_stage

    user = get_user_model().objects.get(email="drafter@example.com")
    staged = draft_import_stage(
        user=user,
        parsed=parse_upload("a.txt", TEXT.encode()),
        source_name="a.txt",
        source_data=TEXT.encode(),
    )
    storage, name = staged.source_file.storage, str(staged.source_file.name)
    call_command("expire_draft_imports")
    assert DraftImport.objects.filter(pk=staged.pk).exists()  # fresh: kept

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        call_command("expire_draft_imports")

    assert not DraftImport.objects.filter(pk=staged.pk).exists()
    assert not storage.exists(name)
