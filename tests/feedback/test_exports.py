"""Open data: a draft's published comments as CSV, XLSX and JSON, checked against the database."""

import csv
import html
import io
import json
import unicodedata
import uuid
import zipfile
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from wagtail.models import PageViewRestriction

from drafts.models import Moderation
from drafts.services import draft_version_create, draft_version_publish
from feedback.choices import Channel, FeedbackKind, FeedbackStatus, RespondentType, Stance
from feedback.duplicates import duplicates_regroup
from feedback.exports import COLUMN_NAMES, XLSX_CELL_LIMIT, open_data_filename, open_data_rows
from feedback.models import Feedback
from feedback.services.comments import CommentInput, feedback_create, paper_submission_create
from feedback.services.dispositions import disposition_publish, disposition_save
from feedback.services.moderation import moderation_decide
from tests.drafts.conftest import article, parsed_document

from .conftest import comment_create, reply_create, respondent_create

pytestmark = pytest.mark.django_db

# Distinctive private values: none may appear in any file, in any form.
PRIVATE_EMAIL = "rieng.tu.9x7@example.org"
PRIVATE_PHONE = "0912345678"
PRIVATE_IP = "198.51.100.203"
PRIVATE_KEY = uuid.UUID("3f1c9a2e-7b44-4d0e-9c1a-5e6f7a8b9c0d")
PRIVATE_ORGANISATION = "Công ty Riêng Tư Kín Đáo"  # of an individual who shows her own name
HIDDEN_BODY = "Ý kiến bị ẩn vì lạc đề QWERTY"
PENDING_BODY = "Ý kiến đang chờ kiểm duyệt ZXCVB"
UNPUBLISHED_ANSWER = "Giải trình chưa công bố ASDFG"
PRIVATE_VALUES = [
    PRIVATE_EMAIL,
    PRIVATE_PHONE,
    PRIVATE_IP,
    str(PRIVATE_KEY),
    PRIVATE_KEY.hex,
    PRIVATE_ORGANISATION,
    HIDDEN_BODY,
    PENDING_BODY,
    UNPUBLISHED_ANSWER,
]

PUBLISHED_ANSWER = (
    "Cơ quan soạn thảo tiếp thu một phần, bổ sung định nghĩa “dữ liệu mở” tại Điều 2."
)
VIETNAMESE = "Đề nghị làm rõ trách nhiệm của Ủy ban nhân dân cấp xã; điểm đ khoản 2 còn thiếu."
CAMPAIGN = (
    "Chúng tôi là các hộ kinh doanh tại chợ Hàn, kiến nghị Ban soạn thảo giữ nguyên mức phí "
    "chỗ ngồi như hiện nay, không tăng thêm trong năm 2026 vì sức mua của người dân còn yếu, "
    "nhiều hộ đang thua lỗ và có nguy cơ phải nghỉ bán. Đề nghị thành phố có chính sách hỗ trợ "
    "tiểu thương ổn định kinh doanh."
)
FORMULA_BODY = '=HYPERLINK("tep-doc-hai";"Bấm vào đây") đề nghị sửa'
FORMULA_SUGGESTION = "@SUM(A1:A9) thay cho cụm từ cũ"
FORMULA_AUTHOR = "-Trần Văn Âm"
PROVISION_LABELS = {
    "": "Toàn bộ dự thảo",
    "art_1": "Điều 1",
    "art_2__para_1": "Điều 2, khoản 1",
    "art_3": "Điều 3",
}
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FORMATS = ("csv", "xlsx", "json")


@pytest.fixture
def consultation(open_draft, other_respondent, press_respondent, drafter, moderator):
    """A draft with every case the export must handle; returns the draft."""
    person = respondent_create(
        email=PRIVATE_EMAIL,
        phone=PRIVATE_PHONE,
        full_name="Phạm Thị Hồng Nhung",
        organisation=PRIVATE_ORGANISATION,
    )
    version_1 = open_draft.versions.get()
    amended = feedback_create(
        author=person,
        draft=open_draft,
        version=version_1,
        eid="art_2__para_1",
        data=CommentInput(
            body=VIETNAMESE,
            stance=Stance.AMEND,
            quote="quản lý tập trung",
            suggested_text="Dữ liệu được quản lý tập trung, thống nhất.",
        ),
        ip_address=PRIVATE_IP,
        idempotency_key=PRIVATE_KEY,
    )
    # An individual's organisation kept on the row (older data): never part of the export.
    Feedback.objects.filter(pk=amended.pk).update(organisation=PRIVATE_ORGANISATION)
    critique = comment_create(
        open_draft,
        press_respondent,
        eid="",
        body="Báo Đà Nẵng phản biện: dự thảo chưa đánh giá tác động.",
        stance=Stance.DISAGREE,
        kind=FeedbackKind.CRITIQUE,
    )
    reply_create(amended, other_respondent, body="Trả lời: tôi đồng ý.")
    hidden = comment_create(open_draft, other_respondent, body=HIDDEN_BODY)
    reply_create(hidden, person, body="Trả lời ý kiến sau bị ẩn.")
    moderation_decide(
        moderator=moderator, feedback_ids=[hidden.pk], action="hide", reason="off_topic"
    )
    open_draft.moderation = Moderation.PRE  # held for a moderator
    comment_create(open_draft, other_respondent, body=PENDING_BODY)
    open_draft.moderation = Moderation.POST
    hostile = respondent_create(email="am@example.com", full_name=FORMULA_AUTHOR)
    comment_create(
        open_draft,
        hostile,
        body=FORMULA_BODY,
        stance=Stance.AMEND,
        suggested_text=FORMULA_SUGGESTION,
    )
    for number in range(3):
        comment_create(
            open_draft,
            respondent_create(email=f"tieu.thuong{number}@example.com"),
            eid="art_2__para_1",
            body=CAMPAIGN,
            stance=Stance.DISAGREE,
        )
    letter = paper_submission_create(
        entered_by=drafter,
        draft=open_draft,
        version=version_1,
        data=CommentInput(body="Công văn góp ý về phí chỗ ngồi.", stance=Stance.OTHER),
        organisation="Hiệp hội Du lịch Đà Nẵng",
        respondent_type=RespondentType.BUSINESS,
        province="da-nang",
        channel=Channel.LETTER,
    )
    published = disposition_save(
        drafter=drafter,
        feedback_ids=[amended.pk, letter.pk],
        kind="partly_accepted",
        answer=PUBLISHED_ANSWER,
    )
    disposition_publish(drafter=drafter, disposition=published)
    disposition_save(
        drafter=drafter, feedback_ids=[critique.pk], kind="explained", answer=UNPUBLISHED_ANSWER
    )
    version_2 = draft_version_create(
        draft=open_draft,
        parsed=parsed_document(
            article("1", "Phạm vi điều chỉnh", "Quy định này áp dụng cho cơ quan nhà nước."),
            article("3", "Giải thích từ ngữ", "Trong Quy định này, các từ ngữ được hiểu như sau."),
        ),
    )
    draft_version_publish(version=version_2)
    comment_create(open_draft, other_respondent, eid="art_3", body="Góp ý cho dự thảo lần 2.")
    duplicates_regroup(draft=open_draft)
    return open_draft


def expected_rows(draft) -> list[dict]:
    """What the export must say, worked out from the model instances, one comment at a time."""
    published = Feedback.objects.filter(draft=draft, status=FeedbackStatus.PUBLISHED)
    group_sizes = Counter(published.values_list("duplicate_group_id", flat=True))
    rows = []
    with translation.override("vi"):
        for comment in published.select_related("version", "parent", "disposition").order_by("pk"):
            answer = (
                comment.disposition
                if comment.disposition and comment.disposition.is_published
                else None
            )
            parent = comment.parent
            group = comment.duplicate_group_id
            rows.append(
                {
                    "id": comment.pk,
                    "version_number": comment.version.number,
                    "eid": comment.eid,
                    "provision_label": PROVISION_LABELS[comment.eid],
                    "parent_id": parent.pk if parent and parent.is_published else None,
                    "kind": comment.kind,
                    "kind_label": comment.get_kind_display(),
                    "channel": comment.channel,
                    "channel_label": comment.get_channel_display(),
                    "stance": comment.stance,
                    "stance_label": comment.get_stance_display() if comment.stance else "",
                    "respondent_type": comment.respondent_type,
                    "respondent_type_label": comment.get_respondent_type_display(),
                    "author_name": comment.author_name,
                    "province": comment.province,
                    "province_label": comment.get_province_display() if comment.province else "",
                    "submitted_at": comment.created_at.astimezone(ZONE).isoformat(
                        timespec="seconds"
                    ),
                    "quote": comment.quote,
                    "text": comment.body,
                    "suggested_text": comment.suggested_text,
                    "supports": comment.support_count,
                    "duplicate_group_id": group if group and group_sizes[group] >= 2 else None,
                    "disposition": answer.kind if answer else "",
                    "disposition_label": answer.get_kind_display() if answer else "",
                    "answer": answer.answer if answer else "",
                    "answered_at": answer.published_at.astimezone(ZONE).isoformat(
                        timespec="seconds"
                    )
                    if answer and answer.published_at
                    else None,
                }
            )
    return rows


def download(client, draft, fmt: str, *, language: str = "vi"):
    with translation.override(language):
        url = reverse("feedback:open_data", args=[draft.pk, fmt])
    return client.get(url)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def as_spreadsheet_text(value):
    """A value as a CSV or XLSX cell must show it: text that a spreadsheet would run as a
    formula starts with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs
    reader = csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline=""))
    assert tuple(reader.fieldnames or ()) == COLUMN_NAMES
    return list(reader)


def read_xlsx(data: bytes) -> list[list]:
    # Not read-only: that mode drops a row's trailing empty cells (the file has no dimension).
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_every_published_comment_appears_once_with_its_values(consultation):
    expected = expected_rows(consultation)

    rows = list(open_data_rows(draft=consultation))

    assert rows == expected
    assert len(rows) == 10  # 12 comments, less the hidden and the pending one
    assert {row["version_number"] for row in rows} == {1, 2}
    by_text = {row["text"]: row for row in rows}
    reply_to_hidden = by_text["Trả lời ý kiến sau bị ẩn."]
    assert reply_to_hidden["parent_id"] is None  # the comment it answers is hidden
    assert by_text["Trả lời: tôi đồng ý."]["parent_id"] == by_text[VIETNAMESE]["id"]
    assert by_text[VIETNAMESE]["answer"] == PUBLISHED_ANSWER
    assert by_text[VIETNAMESE]["disposition_label"] == "Tiếp thu một phần"
    assert by_text[VIETNAMESE]["stance_label"] == "Đề xuất sửa đổi"
    assert by_text[VIETNAMESE]["provision_label"] == "Điều 2, khoản 1"
    assert str(by_text[VIETNAMESE]["submitted_at"]).endswith("+07:00")
    critique = next(row for row in rows if row["kind"] == "critique")
    assert (critique["answer"], critique["disposition"]) == ("", "")  # answer not published
    assert critique["provision_label"] == "Toàn bộ dự thảo"
    campaign = [row for row in rows if row["text"] == CAMPAIGN]
    assert len(campaign) == 3
    assert len({row["duplicate_group_id"] for row in campaign}) == 1
    assert campaign[0]["duplicate_group_id"] is not None
    letter = next(row for row in rows if row["channel"] == "letter")
    assert (letter["author_name"], letter["respondent_type_label"]) == (
        "Hiệp hội Du lịch Đà Nẵng",
        "Doanh nghiệp",
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_three_files_hold_the_same_rows_in_vietnamese(client, consultation, language):
    """Whatever the reader's language, the files are the Vietnamese record."""
    expected = expected_rows(consultation)

    from_csv = read_csv(body(download(client, consultation, "csv", language=language)))
    from_xlsx = read_xlsx(body(download(client, consultation, "xlsx", language=language)))
    from_json = json.loads(body(download(client, consultation, "json", language=language)))

    assert from_csv == [
        {
            name: "" if value is None else str(as_spreadsheet_text(value))
            for name, value in row.items()
        }
        for row in expected
    ]
    assert tuple(from_xlsx[0]) == COLUMN_NAMES
    assert from_xlsx[1:] == [
        [
            None if row[name] in ("", None) else as_spreadsheet_text(row[name])
            for name in COLUMN_NAMES
        ]
        for row in expected
    ]
    assert from_json["comments"] == expected
    assert from_json["count"] == len(expected)
    assert [field["name"] for field in from_json["fields"]] == list(COLUMN_NAMES)
    assert from_json["draft"]["id"] == consultation.pk
    assert from_json["draft"]["title"] == consultation.title


def test_vietnamese_text_survives_each_format_as_nfc(client, consultation):
    decomposed = unicodedata.normalize("NFD", VIETNAMESE)
    assert decomposed != VIETNAMESE
    texts = {
        "csv": [row["text"] for row in read_csv(body(download(client, consultation, "csv")))],
        "xlsx": [
            row[COLUMN_NAMES.index("text")]
            for row in read_xlsx(body(download(client, consultation, "xlsx")))[1:]
        ],
        "json": [
            row["text"]
            for row in json.loads(body(download(client, consultation, "json")))["comments"]
        ],
    }
    for fmt, found in texts.items():
        assert VIETNAMESE in found, fmt
        assert all(unicodedata.is_normalized("NFC", text) for text in found if text), fmt


def _all_bytes(fmt: str, data: bytes) -> bytes:
    """The file's bytes; for XLSX (a zip of XML) every part uncompressed, its character
    references ("&#7841;") resolved, as a reader would see it."""
    if fmt != "xlsx":
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = b"\n".join(archive.read(name) for name in archive.namelist())
    return html.unescape(xml.decode()).encode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_nothing_private_is_in_any_file(client, consultation, fmt):
    data = _all_bytes(fmt, body(download(client, consultation, fmt)))

    assert "Phạm Thị Hồng Nhung".encode() in data  # the name she shows (sanity check)
    for value in PRIVATE_VALUES:
        for form in {value, unicodedata.normalize("NFD", value), json.dumps(value)[1:-1]}:
            assert form.encode() not in data, value


def test_formulas_are_neutralised_in_spreadsheets_and_exact_in_json(client, consultation):
    csv_row = next(
        row
        for row in read_csv(body(download(client, consultation, "csv")))
        if "HYPERLINK" in row["text"]
    )
    assert csv_row["text"] == "'" + FORMULA_BODY
    assert csv_row["suggested_text"] == "'" + FORMULA_SUGGESTION
    assert csv_row["author_name"] == "'" + FORMULA_AUTHOR

    workbook = load_workbook(io.BytesIO(body(download(client, consultation, "xlsx"))))
    sheet = workbook.worksheets[0]
    cells = [row for row in sheet.iter_rows(min_row=2) if "HYPERLINK" in str(row[18].value)]
    assert len(cells) == 1
    text_cell = cells[0][COLUMN_NAMES.index("text")]
    assert (text_cell.value, text_cell.data_type) == ("'" + FORMULA_BODY, "s")  # not "f"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)

    json_row = next(
        row
        for row in json.loads(body(download(client, consultation, "json")))["comments"]
        if "HYPERLINK" in row["text"]
    )
    assert (json_row["text"], json_row["author_name"]) == (FORMULA_BODY, FORMULA_AUTHOR)


def test_hostile_characters_and_huge_comments_cannot_break_a_spreadsheet(
    client, open_draft, respondent
):
    comment = comment_create(open_draft, respondent, body="x")
    # Older or imported data the input cleaning never saw: control characters (not NUL, which
    # PostgreSQL refuses itself), an XML non-character, and a text longer than a cell holds.
    hostile = "Đầu\x01giữa\x0b\x1b[31m\ufffecuối " + "ý" * 40_000
    Feedback.objects.filter(pk=comment.pk).update(body=hostile)

    cell = read_xlsx(body(download(client, open_draft, "xlsx")))[1][COLUMN_NAMES.index("text")]
    assert cell.startswith("Đầugiữa[31mcuối ý")
    assert len(cell) == XLSX_CELL_LIMIT
    assert cell.endswith("…")
    (csv_row,) = read_csv(body(download(client, open_draft, "csv")))
    assert csv_row["text"] == "Đầugiữa[31mcuối " + "ý" * 40_000  # whole
    (json_row,) = json.loads(body(download(client, open_draft, "json")))["comments"]
    assert json_row["text"] == hostile  # exactly, escaped by JSON


def test_a_draft_without_feedback_gives_empty_but_valid_files(client, open_draft):
    csv_data = body(download(client, open_draft, "csv"))
    assert csv_data == ("\ufeff" + ",".join(COLUMN_NAMES) + "\r\n").encode()
    assert read_xlsx(body(download(client, open_draft, "xlsx"))) == [list(COLUMN_NAMES)]
    empty = json.loads(body(download(client, open_draft, "json")))
    assert (empty["comments"], empty["count"]) == ([], 0)


def test_a_vietnamese_slug_gives_an_ascii_file_name(open_draft):
    open_draft.slug = "dự-thảo-đường-phố"
    assert open_data_filename(draft=open_draft, fmt="csv").startswith("du-thao-duong-pho-y-kien-")


def test_downloads_are_streamed_attachments_that_caches_may_keep_briefly(client, open_draft):
    for fmt, content_type in (
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("json", "application/json"),
    ):
        response = download(client, open_draft, fmt)
        assert response.status_code == 200
        assert response.streaming, fmt  # never built whole in memory
        assert response["Content-Type"] == content_type
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="du-thao-thu-nghiem-y-kien-')
        assert disposition.endswith(f'.{fmt}"')
        assert "public" in response["Cache-Control"]
        assert "max-age=300" in response["Cache-Control"]
        body(response)


def test_only_live_public_drafts_and_known_formats_are_served(client, open_draft):
    assert download(client, open_draft, "xml").status_code == 404
    assert download(client, open_draft, "csv.exe").status_code == 404
    with translation.override("vi"):
        missing = reverse("feedback:open_data", args=[open_draft.pk + 1000, "csv"])
    assert client.get(missing).status_code == 404

    PageViewRestriction.objects.create(page=open_draft, restriction_type="login")
    for fmt in FORMATS:
        assert download(client, open_draft, fmt).status_code == 404  # not public
    PageViewRestriction.objects.all().delete()
    assert download(client, open_draft, "csv").status_code == 200  # public again

    open_draft.unpublish()

    for fmt in FORMATS:
        assert download(client, open_draft, fmt).status_code == 404


def test_the_rows_are_read_without_a_query_per_comment(open_draft, respondent, other_respondent):
    comment_create(open_draft, respondent, body="Ý kiến thứ nhất.")
    with CaptureQueriesContext(connection) as few:
        assert len(list(open_data_rows(draft=open_draft))) == 1
    for number in range(8):
        parent = comment_create(open_draft, respondent, body=f"Ý kiến số {number}.", eid="art_2")
        reply_create(parent, other_respondent, body="Trả lời.")

    with CaptureQueriesContext(connection) as many:
        assert len(list(open_data_rows(draft=open_draft))) == 17

    assert len(many) == len(few)


def test_the_links_offer_the_three_files(client, open_draft):
    html = client.get(open_draft.url).content.decode()  # on the draft's page, in its panel

    for fmt in FORMATS:
        with translation.override("vi"):
            url = reverse("feedback:open_data", args=[open_draft.pk, fmt])
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
    assert "<code>respondent_type</code>" in html  # the columns are described
