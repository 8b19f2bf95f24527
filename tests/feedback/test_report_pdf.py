"""The synthesis report's PDF: layout, fonts, tagging, charts and text, read back with poppler."""

import datetime as dt
import re
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext

from drafts.templatetags.drafts_tags import eid_label
from feedback.choices import FeedbackStatus, ModerationReason, RespondentType, Stance
from feedback.models import Disposition, Feedback
from feedback.report_charts import report_charts, top_with_other
from feedback.report_data import (
    Answer,
    AppendixRow,
    Campaign,
    Count,
    Overview,
    ProvisionRow,
    QuestionSummary,
    Quote,
    ReportData,
    StanceCounts,
    StanceRow,
)
from feedback.report_pdf import (
    CAMPAIGNS_LISTED,
    date_line,
    report_html,
    report_pdf,
    synthesis_report_pdf,
)
from feedback.services.dispositions import disposition_publish, disposition_save
from feedback.services.moderation import moderation_decide
from tests.conftest import require
from tests.feedback.conftest import comment_create, respondent_create

HANOI = dt.timezone(dt.timedelta(hours=7))


# --- A report's data, built by hand (report_data() reads the database; these tests do not) ---


def quote(**fields: Any) -> Quote:
    default = Quote(
        feedback_id=101,
        author_name="Nguyễn Thị Lan",
        respondent_type="Cá nhân",
        text="Đề nghị bổ sung quy định về bảo vệ dữ liệu cá nhân của người dân.",
        stance="Đề xuất sửa đổi",
    )
    return replace(default, **fields)


def provision_row(**fields: Any) -> ProvisionRow:
    values: dict[str, Any] = {
        "number": 1,
        "eid": "art_1",
        "label": "Điều 1",
        "heading": "Phạm vi điều chỉnh",
        "text": "Quy định này áp dụng cho cơ quan nhà nước trên địa bàn thành phố.",
        "comments": 7,
        "stances": StanceCounts(agree=3, disagree=1, amend=2, none=1),
        "themes": ("dữ liệu cá nhân", "thủ tục hành chính"),
        "quotes": (quote(),),
        "respondents": ("Hiệp hội Doanh nghiệp Đà Nẵng", "Báo Đà Nẵng"),
        "individuals": 5,
        "answers": (
            Answer(
                kind="accepted",
                label="Tiếp thu",
                text="Ban soạn thảo đã bổ sung khoản 3 về bảo vệ dữ liệu cá nhân.",
                count=4,
            ),
        ),
        "unanswered": 3,
    }
    return ProvisionRow(**(values | fields))


def overview(**fields: Any) -> Overview:
    days = [dt.date(2026, 5, 1) + dt.timedelta(days=offset) for offset in range(10)]
    per_day = tuple(
        Count(key=day.isoformat(), label=day.strftime("%d/%m"), count=(offset * 3) % 7)
        for offset, day in enumerate(days)
    )
    values: dict[str, Any] = {
        "opens_at": dt.datetime(2026, 5, 1, 8, 0, tzinfo=HANOI),
        "closes_at": dt.datetime(2026, 5, 10, 17, 0, tzinfo=HANOI),
        "channels": (
            Count(key="online", label="Trực tuyến", count=12),
            Count(key="paper", label="Văn bản giấy", count=2),
        ),
        "comments": 14,
        "replies": 3,
        "respondents": 11,
        "organisations": 2,
        "press_critiques": 1,
        "paper_submissions": 2,
        "pending": 4,
        "hidden": 2,
        "hidden_by_reason": (Count(key="off_topic", label="Không liên quan", count=2),),
        "by_respondent_type": (
            Count(key="individual", label="Cá nhân", count=9),
            Count(key="business", label="Doanh nghiệp", count=3),
            Count(key="press", label="Cơ quan báo chí", count=2),
        ),
        "by_province": (
            Count(key="da-nang", label="Thành phố Đà Nẵng", count=8),
            Count(key="ha-noi", label="Thành phố Hà Nội", count=4),
            Count(key="", label="Không rõ", count=2),
        ),
        "per_day": per_day,
        "stance_total": StanceCounts(agree=5, disagree=2, amend=5, other=1, none=1),
        "stance_by_chapter": (
            StanceRow(
                eid="chp_I",
                label="Chương I. Quy định chung",
                stances=StanceCounts(agree=5, disagree=2, amend=5, other=1, none=1),
            ),
        ),
        "stance_by_article": (
            StanceRow(
                eid="art_1",
                label="Điều 1. Phạm vi điều chỉnh",
                stances=StanceCounts(agree=3, disagree=1, amend=2, none=1),
            ),
            StanceRow(
                eid="art_2",
                label="Điều 2. Dữ liệu mở",
                stances=StanceCounts(agree=2, disagree=1, amend=3, other=1),
            ),
        ),
        "campaigns": (
            Campaign(
                group_id=1,
                count=4,
                text="Chúng tôi đề nghị giữ nguyên thời hạn công khai dữ liệu.",
                author_name="Trần Văn Minh",
                provision_label="Điều 2, khoản 2",
            ),
        ),
    }
    return Overview(**(values | fields))


def report(**fields: Any) -> ReportData:
    values: dict[str, Any] = {
        "draft_title": "Ban hành Quy định về chuyển đổi số trên địa bàn thành phố Đà Nẵng",
        "document_type": "Quyết định",
        "version_number": 2,
        "version_label": "Dự thảo 2",
        "drafting_body": "Sở Khoa học và Công nghệ",
        "report_number": "Số: …/BC-SKHCN",
        "place": "Đà Nẵng",
        "date": dt.date(2026, 2, 5),
        "overview": overview(),
        "rows": (
            provision_row(),
            provision_row(
                number=2,
                eid="art_2__para_2",
                label="Điều 2, khoản 2",
                heading="",
                text="Các loại dữ liệu mở gồm dữ liệu thủ tục hành chính và quy hoạch.",
                comments=7,
                stances=StanceCounts(agree=2, disagree=1, amend=3, other=1),
                themes=("thời hạn công khai",),
                quotes=(
                    quote(
                        feedback_id=202,
                        author_name="Trần Văn Minh",
                        text="Chúng tôi đề nghị giữ nguyên thời hạn công khai dữ liệu.",
                        count=4,
                    ),
                    quote(feedback_id=203, author_name="Phạm Thị Hương", similar=2),
                ),
                respondents=(),
                individuals=7,
                answers=(
                    Answer(
                        kind="explained",
                        label="Giải trình",
                        text="Thời hạn đã được quy định tại Luật Dữ liệu, không thể thay đổi.",
                        count=7,
                    ),
                ),
                unanswered=0,
            ),
        ),
        "uncommented": (
            ("art_3", "Điều 3. Hiệu lực thi hành"),
            ("art_4", "Điều 4. Tổ chức thực hiện"),
        ),
        "whole_draft": provision_row(
            number=0,
            eid="",
            label="Toàn bộ dự thảo",
            heading="",
            text="",
            comments=2,
            stances=StanceCounts(agree=2),
            themes=(),
            quotes=(
                quote(feedback_id=301, author_name="Lê Văn Báo", text="Dự thảo rất cần thiết."),
            ),
            respondents=("Báo Đà Nẵng",),
            individuals=1,
            answers=(),
            unanswered=2,
        ),
        "questions": (
            QuestionSummary(
                text="Thời hạn công khai dữ liệu 30 ngày có phù hợp không?",
                group="Doanh nghiệp",
                answers=3,
                themes=("quá ngắn",),
                quotes=(quote(feedback_id=401, text="Nên kéo dài thời hạn lên 60 ngày."),),
            ),
        ),
        "generated_at": dt.datetime(2026, 2, 5, 3, 0, tzinfo=dt.UTC),
    }
    return ReportData(**(values | fields))


# --- Reading a PDF back with poppler-utils ---


def poppler(tool: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a poppler tool; skips on a laptop without poppler-utils, fails in CI."""
    import shutil

    require(tool, shutil.which(tool) is not None, "install poppler-utils")
    return subprocess.run(
        [tool, *arguments], capture_output=True, text=True, check=False, timeout=120
    )


@pytest.fixture
def write_pdf(tmp_path):
    def write(content: bytes, name: str = "report.pdf") -> Path:
        path = tmp_path / name
        path.write_bytes(content)
        return path

    return write


def pdf_text(path: Path, *, mode: str = "-raw") -> str:
    """The PDF's text, NFC: ``-raw`` in the order it was written (a table cell's text stays
    together), ``-layout`` as it is placed on the page (columns side by side)."""
    result = poppler("pdftotext", mode, "-enc", "UTF-8", str(path), "-")
    assert result.returncode == 0 and not result.stderr, result.stderr
    return unicodedata.normalize("NFC", result.stdout)


PART_TWO_HEADER = (
    "TT Nội dung dự thảo (điều, khoản) Nội dung góp ý Đơn vị, cá nhân góp ý "
    "Ý kiến tiếp thu, giải trình"
)


def comments_count(count: int) -> str:
    """ "7 ý kiến": how the report counts comments (the template's blocktranslate count)."""
    return ngettext("%(counter)s comment", "%(counter)s comments", count) % {"counter": count}


def flat(text: str) -> str:
    """The text with its layout undone: one space between words, across lines and columns."""
    return " ".join(text.split())


# --- Tests ---


@dataclass
class Rendered:
    path: Path
    text: str  # pdftotext -raw, NFC
    progress: list[tuple[int, str]]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Rendered:
    """One report rendered once for the module's tests (layout takes seconds)."""
    path = tmp_path_factory.mktemp("report") / "report.pdf"
    steps: list[tuple[int, str]] = []
    path.write_bytes(report_pdf(data=report(), progress=lambda *step: steps.append(step)))
    return Rendered(path=path, text=pdf_text(path), progress=steps)


def test_the_header_is_laid_out_in_two_columns_with_the_date_at_the_right(rendered):
    path = rendered.path
    lines = pdf_text(path, mode="-layout").splitlines()
    first = next(line for line in lines if line.strip())
    # The drafting body at the left, the country's name at the right, on the same line.
    assert first.index("SỞ KHOA HỌC") < first.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    date = next(line for line in lines if "ngày 05 tháng 02 năm 2026" in line)
    assert date.index("Đà Nẵng") > len(date) // 3


def test_the_header_title_and_signature_block_are_those_of_an_administrative_document(rendered):
    text = rendered.text
    words = flat(text)
    for expected in (
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Số: …/BC-SKHCN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đà Nẵng, ngày 05 tháng 02 năm 2026",
        "BẢN TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý",
        "đối với dự thảo Quyết định Ban hành Quy định về chuyển đổi số",
        "(Dự thảo 2)",
        "ĐẠI DIỆN CƠ QUAN CHỦ TRÌ SOẠN THẢO",
    ):
        assert expected in words, expected
    # The signature closes the body: it comes after Part III.
    assert words.index("ĐẠI DIỆN CƠ QUAN CHỦ TRÌ SOẠN THẢO") > words.index("Nên kéo dài")


def test_vietnamese_comes_out_of_the_pdf_as_it_went_in(rendered):
    """pdftotext gives back the same characters (NFC), diacritics and đ included."""
    text = rendered.text
    words = flat(text)
    data = report()
    for expected in (
        data.rows[0].answers[0].text,
        data.rows[1].answers[0].text,
        data.overview.campaigns[0].text,
        data.questions[0].text,
        "Hiệp hội Doanh nghiệp Đà Nẵng",
    ):
        assert unicodedata.normalize("NFC", expected) in words, expected


def test_part_two_has_the_columns_drafting_bodies_use_and_one_row_per_provision(rendered):
    text = rendered.text
    words = flat(text)
    # The columns, exactly and in order; then the rows in document order.
    part_two = words[words.index(PART_TWO_HEADER) :]
    assert part_two.index("Điều 1") < part_two.index("Điều 2, khoản 2")


def test_counts_and_dispositions_in_the_text_match_the_data(rendered):
    text = rendered.text
    words = flat(text)
    data = report()
    ov = data.overview
    with translation.override("vi"):
        for label, number in (
            ("Published comments", ov.comments),
            ("Distinct respondents", ov.respondents),
            ("Hidden by moderation", ov.hidden),
            ("Awaiting moderation when the report was made", ov.pending),
        ):
            assert re.search(rf"{re.escape(gettext(label))} {number}\b", words), label
        starts = [words.index(f" {row.number} {row.label}") for row in data.rows]
        ends = [*starts[1:], words.index(gettext("III. Other matters").upper())]
        for row, start, end in zip(data.rows, starts, ends, strict=True):  # Part II's rows
            cells = words[start:end]
            assert f"{row.text} {comments_count(row.comments)} (" in cells
            for answer in row.answers:
                assert f"{answer.label} ({comments_count(answer.count)}): {answer.text}" in cells
    for article in ov.stance_by_article:  # Part I: stance per article, every column
        stances = article.stances
        numbers = (stances.agree, stances.disagree, stances.amend, stances.other, stances.none)
        cells = f"{article.label} {' '.join(map(str, numbers))} {stances.total}"
        assert cells in words, cells


def embedded_fonts(path: Path) -> list[str]:
    """pdffonts' rows, after checking that it read the file cleanly and every font is embedded."""
    result = poppler("pdffonts", str(path))
    assert result.returncode == 0 and not result.stderr, result.stderr
    fonts = result.stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        embedded = line.split()[-5]  # name type encoding emb sub uni object ID
        assert embedded == "yes", line
    return fonts


def test_every_font_is_embedded_and_vietnamese_needs_no_fallback_font(rendered):
    fonts = embedded_fonts(rendered.path)
    # Liberation Serif 1.x lacks ơ, ư and most stacked diacritics: their glyphs would come from
    # another typeface, letter by letter. Version 2 (Debian's fonts-liberation2) has them all.
    assert all("Liberation-Serif" in line for line in fonts), (
        "a Vietnamese letter was drawn from a fallback font: install fonts-liberation2"
    )


def test_the_pdf_is_tagged_a4_and_read_without_errors(rendered):
    path = rendered.path
    result = poppler("pdfinfo", "-f", "1", "-l", "999", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert re.search(r"^Tagged:\s+yes$", result.stdout, re.MULTILINE)
    sizes = re.findall(r"^Page\s+\d+ size:\s+(.*)$", result.stdout, re.MULTILINE)
    assert sizes and all(size.endswith("(A4)") for size in sizes), sizes
    assert sizes[0].startswith("595.276 x 841.89")  # portrait first page
    assert any(size.startswith("841.89 x 595.276") for size in sizes)  # Part II in landscape


def test_pages_are_numbered_from_the_second(rendered):
    path = rendered.path
    second = poppler("pdftotext", "-layout", "-f", "2", "-l", "2", str(path), "-").stdout
    first = poppler("pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-").stdout
    assert second.split()[0] == "2"
    assert first.split()[0] != "1"


def test_charts_are_svg_with_their_labels_as_text(rendered):
    data = report()
    html = report_html(data=data)
    assert html.count("data:image/svg+xml;base64,") == 4
    charts = report_charts(overview=data.overview)
    for chart in charts:
        assert chart.svg.lstrip().startswith("<?xml") and "<svg" in chart.svg
        assert "<text" in chart.svg  # svg.fonttype none: the labels are text, not paths
        assert "<dc:date>" not in chart.svg  # no creation date: the same data, the same bytes
    text = rendered.text
    # Chart labels come out as text twice: drawn in the chart and printed in its table.
    assert flat(text).count("Cơ quan báo chí") >= 2
    assert flat(text).count("Thành phố Hà Nội") >= 2


def test_charts_are_the_same_bytes_for_the_same_data():
    first = [chart.svg for chart in report_charts(overview=overview())]
    second = [chart.svg for chart in report_charts(overview=overview())]
    assert first == second


def test_provinces_beyond_the_largest_are_summed_as_other():
    counts = [Count(key=str(n), label=f"Tỉnh {n}", count=n) for n in range(1, 15)]
    with translation.override("vi"):
        shown = top_with_other(counts, shown=10)
    assert [count.count for count in shown[:10]] == list(range(14, 4, -1))
    assert shown[-1].count == 1 + 2 + 3 + 4
    assert len(shown) == 11


def test_part_one_lists_the_largest_campaigns_and_counts_the_others_in_one_row(write_pdf):
    """A ministry's consultation has thousands of groups, most of two or three copies."""
    campaigns = tuple(
        Campaign(
            group_id=number,
            count=count,
            text=f"Chiến dịch số {number}: đề nghị giữ nguyên mức thu phí.",
            author_name=f"Người gửi {number}",
            provision_label="Điều 2",
        )
        for number, count in enumerate([900, *([40] * (CAMPAIGNS_LISTED - 1)), 3, 2, 2], 1)
    )
    path = write_pdf(report_pdf(data=report(overview=overview(campaigns=campaigns))))
    words = flat(pdf_text(path))

    listed = [c for c in campaigns if f"“{c.text}”" in words]
    assert listed == list(campaigns[:CAMPAIGNS_LISTED])
    # The last row: the 3 groups not listed, their 7 comments, "at most 3" copies each.
    assert "7 3 nhóm khác, mỗi nhóm không quá 3 ý kiến giống nhau." in words


def test_a_draft_without_feedback_gives_a_report_without_charts():
    empty = report(
        overview=overview(
            channels=(),
            comments=0,
            replies=0,
            respondents=0,
            organisations=0,
            press_critiques=0,
            paper_submissions=0,
            pending=0,
            hidden=0,
            hidden_by_reason=(),
            by_respondent_type=(),
            by_province=(),
            per_day=tuple(
                Count(key=f"2026-05-0{day}", label=f"0{day}/05", count=0) for day in range(1, 4)
            ),
            stance_total=StanceCounts(),
            stance_by_chapter=(),
            stance_by_article=(),
            campaigns=(),
        ),
        rows=(),
        whole_draft=None,
        questions=(),
    )
    html = report_html(data=empty)
    assert "data:image/svg+xml" not in html
    pdf = report_pdf(data=empty)
    assert pdf.startswith(b"%PDF-")


def test_a_very_long_comment_and_mixed_scripts_render_with_the_text_around_intact(write_pdf):
    # Numbered words: each must come out once, in order, whatever page breaks fall between.
    long_text = " ".join(f"ý{number:05d}" for number in range(15_000))[:100_000]
    unbroken = "x" * 3000  # no space to break at: must wrap inside its cell, not overflow
    mixed = "Chữ Việt, 中文, العربية, русский, ไทย 👍🇻🇳 – đúng"
    data = report(
        rows=(
            provision_row(
                quotes=(
                    quote(text=long_text),
                    quote(feedback_id=102, text=unbroken),
                    quote(feedback_id=103, author_name=mixed, text=mixed),
                ),
            ),
            provision_row(number=2, eid="art_2", label="Điều 2", heading="Dữ liệu mở"),
        )
    )
    path = write_pdf(report_pdf(data=data))
    text = flat(pdf_text(path))
    assert "Chữ Việt," in text and "– đúng" in text
    assert "русский" in text
    assert re.findall(r"ý\d{5}", text) == re.findall(r"ý\d{5}", long_text)
    assert sum(len(run) for run in re.findall(r"\bx+\b", text)) == len(unbroken)
    assert "Điều 2. Dữ liệu mở" in text
    assert "ĐẠI DIỆN CƠ QUAN CHỦ TRÌ SOẠN THẢO" in text
    embedded_fonts(path)  # the fallback fonts of the other scripts are embedded too
    # Nothing runs off the page: every word's box ends inside the page it is on.
    boxes = poppler("pdftotext", "-bbox", str(path), "-").stdout
    widths = [float(width) for width in re.findall(r'<page width="([\d.]+)"', boxes)]
    pages = boxes.split("<page ")[1:]
    assert len(pages) == len(widths)
    for width, page in zip(widths, pages, strict=True):
        ends = [float(end) for end in re.findall(r'xMax="([\d.]+)"', page)]
        assert max(ends, default=0) <= width - 40, "a word runs into the right margin (15 mm)"


def test_the_appendix_lists_every_comment_after_the_signature(write_pdf):
    rows = tuple(
        AppendixRow(
            feedback_id=9000 + n,
            author_name=f"Người góp ý {n}",
            date=dt.date(2026, 5, 2),
            provision_label="Điều 1",
            stance="Tán thành",
            text=f"Nội dung ý kiến số {n}.",
            disposition="Tiếp thu" if n % 2 else "",
            answer="Đã chỉnh sửa." if n % 2 else "",
        )
        for n in range(30)
    )
    text = flat(pdf_text(write_pdf(report_pdf(data=report(appendix=rows)))))
    for row in rows:
        entry = (
            f"#{row.feedback_id} – {row.author_name} – 02/05/2026 – Điều 1 – Tán thành {row.text}"
        )
        assert entry + (f" {row.disposition}: {row.answer}" if row.disposition else "") in text
    assert text.index("ĐẠI DIỆN CƠ QUAN CHỦ TRÌ SOẠN THẢO") < text.index("#9000 –")


def plain_appendix(count: int, *, first_id: int) -> tuple[AppendixRow, ...]:
    """``count`` comments of a dozen lines each, numbered from ``first_id``, without answers."""
    return tuple(
        AppendixRow(
            feedback_id=first_id + n,
            author_name=f"Người góp ý {n}",
            date=dt.date(2026, 5, 2),
            provision_label="Điều 1",
            stance="",
            text=f"Ý kiến số {n}. " + "Đề nghị làm rõ trách nhiệm của cơ quan quản lý. " * 12,
            disposition="",
            answer="",
        )
        for n in range(count)
    )


def test_an_appendix_laid_out_in_parts_is_one_tagged_pdf_numbered_throughout(
    write_pdf, monkeypatch
):
    """Parts of 10 comments, joined: one structure tree, page numbers that run on, every
    comment once, the appendix's heading once and in the bookmarks."""
    import pikepdf

    from feedback import report_pdf as module

    monkeypatch.setattr(module, "APPENDIX_PART", 10)
    rows = plain_appendix(25, first_id=7000)
    steps: list[tuple[int, str]] = []
    path = write_pdf(report_pdf(data=report(appendix=rows), progress=lambda *s: steps.append(s)))

    info = poppler("pdfinfo", str(path))
    assert info.returncode == 0 and not info.stderr, info.stderr
    assert "Tagged:          yes" in info.stdout
    found = re.search(r"Pages:\s+(\d+)", info.stdout)
    assert found is not None
    pages = int(found[1])
    # Every page but the first carries its number, the appendix's parts' first pages included.
    for number in range(2, pages + 1):
        page = pdf_text(path, mode="-layout").split("\f")[number - 1]
        assert page.split()[0] == str(number), (number, page[:80])
    text = flat(pdf_text(path))
    for row in rows:
        assert text.count(f"#{row.feedback_id} – ") == 1
    assert text.count("PHỤ LỤC") == 1
    with translation.override("vi"):
        assert [s for _p, s in steps].count(gettext("Joining the report and its appendix")) == 1

    with pikepdf.open(path) as pdf:
        root = pdf.Root.StructTreeRoot
        page_ids = {page.obj.objgen for page in pdf.pages}
        nums = root.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert keys == sorted(set(keys))  # unique, in order
        assert {int(page.obj.StructParents) for page in pdf.pages} <= set(keys)
        assert int(root.ParentTreeNextKey) == keys[-1] + 1
        document = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
        assert pikepdf.Name.Document == document.S
        seen, stack = 0, list(document.K)
        while stack:
            element = stack.pop()
            if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
                continue
            seen += 1
            if "/Pg" in element:
                assert element.Pg.objgen in page_ids
            kids = element.get("/K", pikepdf.Array())
            stack.extend(kids if isinstance(kids, pikepdf.Array) else [kids])
        assert seen > len(rows)
        outline = [item.title for item in pdf.open_outline().root]
        assert outline[-1].upper().startswith("PHỤ LỤC")


def verapdf(*paths: Path) -> subprocess.CompletedProcess[str]:
    """veraPDF's PDF/UA-1 validation of ``paths`` (scripts/services.sh installs it)."""
    import os
    import shutil

    jar, java = os.environ.get("VERAPDF_JAR", ""), shutil.which("java")
    require(
        "veraPDF",
        bool(jar) and Path(jar).is_file() and java is not None,
        "set VERAPDF_JAR (scripts/services.sh install, make test-services)",
    )
    return subprocess.run(
        [str(java), "-jar", jar, "--flavour", "ua1", "--format", "text", "-v", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.mark.services
def test_the_report_and_one_joined_from_parts_pass_verapdfs_pdf_ua_1_checks(
    rendered, write_pdf, monkeypatch
):
    """The machine-checkable rules of PDF/UA-1: WeasyPrint's tagging, and pdf_merge's join."""
    from feedback import report_pdf as module

    monkeypatch.setattr(module, "APPENDIX_PART", 4)
    rows = plain_appendix(10, first_id=8000)
    steps: list[tuple[int, str]] = []
    joined = write_pdf(
        report_pdf(data=report(appendix=rows), progress=lambda *s: steps.append(s)), "joined.pdf"
    )
    with translation.override("vi"):
        last_part = gettext("Laying out the appendix (part %(part)s of %(parts)s)") % {
            "part": 3,
            "parts": 3,
        }
    assert last_part in [message for _percent, message in steps]  # the report and 3 parts

    result = verapdf(rendered.path, joined)

    assert result.returncode == 0, result.stdout + result.stderr
    verdicts = [line.split()[0] for line in result.stdout.splitlines() if line.endswith(" ua1")]
    assert verdicts == ["PASS", "PASS"], result.stdout


def test_progress_goes_from_zero_to_done_page_by_page(rendered):
    percents = [percent for percent, _ in rendered.progress]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100
    with translation.override("vi"):
        pages = gettext("Laying out page %(page)s") % {"page": 2}
    assert pages in [message for _, message in rendered.progress]


def test_page_progress_is_heard_whatever_the_log_level():
    """LOG_LEVEL=WARNING must not silence the layout's page records the progress listens to."""
    import logging

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    try:
        assert logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
    finally:
        root.setLevel(level)


def test_the_report_is_in_vietnamese_whatever_the_language_of_who_asks():
    with translation.override("en"):
        html = report_html(data=report())
        assert translation.get_language() == "en"  # the caller's language is left as it was
    with translation.override("vi"):
        assert html == report_html(data=report())


def test_the_date_line_follows_the_administrative_format():
    assert (
        date_line(place="Hà Nội", date=dt.date(2026, 2, 5)) == "Hà Nội, ngày 05 tháng 02 năm 2026"
    )
    assert date_line(place="Huế", date=dt.date(2026, 11, 23)) == "Huế, ngày 23 tháng 11 năm 2026"
    assert date_line(place="", date=dt.date(2026, 3, 1)) == "……, ngày 01 tháng 3 năm 2026"


# --- From the database to the PDF ---


@pytest.fixture
def answered_draft(open_draft, drafter, moderator):
    """Comments through the services on two articles, one hidden, one published answer and one
    answer still private: what a drafting body has when it makes its report."""
    people = [
        respondent_create(email="lan.e2e@example.com", full_name="Nguyễn Thị Lan"),
        respondent_create(email="duc.e2e@example.com", full_name="Đặng Văn Đức"),
        respondent_create(
            email="hiephoi.e2e@example.com",
            full_name="Võ Thị Hằng",
            respondent_type=RespondentType.BUSINESS,
            organisation="Hiệp hội Doanh nghiệp Đà Nẵng",
        ),
    ]
    on_article_1 = [
        comment_create(
            open_draft,
            people[0],
            eid="art_1",
            stance=Stance.AGREE,
            body="Tán thành phạm vi điều chỉnh của dự thảo.",
        ),
        comment_create(
            open_draft,
            people[1],
            eid="art_1",
            stance=Stance.DISAGREE,
            body="Phạm vi quá hẹp, đề nghị mở rộng sang đơn vị sự nghiệp công lập.",
        ),
    ]
    on_article_2 = [
        comment_create(
            open_draft,
            people[2],
            eid="art_2__para_2__point_a",
            stance=Stance.AMEND,
            body="Đề nghị bổ sung dữ liệu về đất đai vào điểm a khoản 2.",
        ),
        comment_create(
            open_draft,
            people[0],
            eid="art_2__para_1",
            stance=Stance.AMEND,
            body="Cần quy định rõ ai chịu trách nhiệm quản lý tập trung dữ liệu.",
        ),
    ]
    hidden = comment_create(open_draft, people[1], eid="art_1", body="Nội dung quảng cáo xyz.")
    moderation_decide(
        moderator=moderator, feedback_ids=[hidden.pk], action="hide", reason=ModerationReason.SPAM
    )
    published = disposition_save(
        drafter=drafter,
        feedback_ids=[c.pk for c in on_article_1],
        kind="explained",
        answer="Phạm vi đã được xác định theo Luật Dữ liệu; đơn vị sự nghiệp áp dụng theo Điều 3.",
    )
    disposition_publish(drafter=drafter, disposition=published)
    disposition_save(
        drafter=drafter,
        feedback_ids=[on_article_2[0].pk],
        kind="accepted",
        answer="Bản nháp nội bộ: chưa công bố.",
    )
    return open_draft


def document_order(version):
    """A sort key putting eids in the order of the version's provisions."""
    order = {
        eid: index for index, eid in enumerate(version.provisions.values_list("eid", flat=True))
    }
    return order.__getitem__


@pytest.mark.django_db
def test_the_pdf_says_what_the_database_holds(answered_draft, write_pdf):

    version = answered_draft.versions.get()
    text = flat(pdf_text(write_pdf(synthesis_report_pdf(version=version))))
    comments = Feedback.objects.filter(draft=answered_draft, parent=None)
    published = comments.filter(status=FeedbackStatus.PUBLISHED)
    with translation.override("vi"):
        total = gettext("Published comments")
        assert f"{total} {published.count()} " in text
        assert (
            f"{gettext('Hidden by moderation')} {comments.filter(status='hidden').count()} " in text
        )
    # Stance per article counts the article's clauses and points: checked against the rows.
    for number in ("1", "2"):
        eid = f"art_{number}"
        on_article = [c for c in published if c.eid == eid or c.eid.startswith(f"{eid}__")]
        assert re.search(rf"Điều {number}\. [^0-9]+( \d+){{5}} {len(on_article)}\b", text), eid
    # Part II: one row per provision commented on, with its count of published comments.
    part_two = text[text.index(PART_TWO_HEADER) : text.index("III. ")]
    per_eid = Counter(feedback.eid for feedback in published)
    eids = sorted(per_eid, key=document_order(version))
    with translation.override("vi"):
        labels = [eid_label(eid) for eid in eids]
    starts = [part_two.index(f"{number} {label}") for number, label in enumerate(labels, 1)]
    for eid, start, end in zip(eids, starts, [*starts[1:], None], strict=True):
        assert comments_count(per_eid[eid]) + " (" in part_two[start:end], eid
    # Every published comment's words and author, diacritics and all, as the database has them.
    for feedback in published:
        assert unicodedata.normalize("NFC", feedback.author_name) in text
        assert unicodedata.normalize("NFC", feedback.body) in text
    for feedback in comments.filter(status=FeedbackStatus.HIDDEN):
        assert feedback.body not in text  # counted by reason, never quoted
    for disposition in Disposition.objects.filter(draft=answered_draft):
        if disposition.published_at:
            assert disposition.answer in text
        else:
            assert disposition.answer not in text  # a private draft answer stays private
    assert "lan.e2e@example.com" not in text and "0905123456" not in text
