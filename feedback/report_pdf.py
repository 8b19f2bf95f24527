"""The synthesis report (bản tổng hợp, tiếp thu, giải trình ý kiến) as a PDF, from its data.

``report_data()`` decides what the report says; this module only lays it out, as a Vietnamese
administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I: A4, Times-compatible serif, the
national motto, number, place and date, signature block), in Vietnamese whatever the language of
whoever asked for it. WeasyPrint writes it as PDF/UA-1: tagged, so a screen reader can follow it,
with its fonts embedded.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .pdf_merge import merge_tagged
from .report_charts import (
    report_charts,
    stance_chart_lists_every_article,
    stance_names,
    stance_values,
)
from .report_data import (
    Campaign,
    Count,
    Progress,
    ProvisionRow,
    ReportData,
    StanceCounts,
    report_data,
)

if TYPE_CHECKING:
    from drafts.models import DraftVersion

TEMPLATE = "pdf/synthesis_report.html"
APPENDIX_TEMPLATE = "pdf/synthesis_report_appendix.html"
# Comments per part of the appendix: some 330 pages, 300 MB while laid out.
APPENDIX_PART = 2_000
PER_DAY_COLUMNS = 3  # the per-day table is printed in this many column pairs, to save pages
# Part I lists the largest campaigns; the others are counted in one last row. A ministry's
# consultation has thousands of groups, most of them two or three copies of a text: listed, they
# were a third of the report's pages, and every one is still quoted with its count in Part II.
CAMPAIGNS_LISTED = 50
GC_THRESHOLD = 100_000  # new objects between two young-generation collections (default 700)


def synthesis_report_pdf(
    *, version: DraftVersion, appendix: bool = False, progress: Progress | None = None
) -> bytes:
    """The synthesis report of ``version``: its data read from the database, then laid out."""
    # Reading dominates without the appendix; laying out 100,000 comments dominates with it.
    split = 20 if appendix else 60
    with _fewer_collections():
        data = report_data(
            version=version, appendix=appendix, progress=_scaled(progress, start=0, end=split)
        )
        return report_pdf(data=data, progress=_scaled(progress, start=split, end=100))


def report_pdf(*, data: ReportData, progress: Progress | None = None) -> bytes:
    """The report's PDF (A4, PDF/UA-1, fonts embedded), always in Vietnamese.

    The appendix is laid out in parts of ``APPENDIX_PART`` comments, each a document of its own
    numbered on from the pages before it, joined to the report at the end: WeasyPrint holds a
    document's every page in memory and slows down as it grows, a part's memory is freed once
    it is written.
    """
    entries = data.appendix or ()
    # An appendix asked for has at least its heading, even without a comment to list.
    starts = range(0, max(len(entries), 1), APPENDIX_PART) if data.appendix is not None else ()
    # Without an appendix the report is the whole run; with one, each part a share after it.
    report_end = 30 if starts else 100
    with translation.override("vi"):
        html = report_html(data=data, progress=_scaled(progress, start=0, end=report_end // 5))
        parts = [
            _layout(
                html,
                progress=_scaled(progress, start=report_end // 5, end=report_end),
                expected=_expected_pages(data),
            )
        ]
        pages = parts[0][1]
        for number, start in enumerate(starts):
            _report(
                progress,
                30 + 65 * number // len(starts),
                _("Laying out the appendix (part %(part)s of %(parts)s)")
                % {"part": number + 1, "parts": len(starts)},
            )
            part_html = render_to_string(
                APPENDIX_TEMPLATE,
                {
                    "data": data,
                    "entries": entries[start : start + APPENDIX_PART],
                    "first_part": start == 0,
                    "first_page": pages + 1,
                },
            )
            parts.append(_layout(part_html, progress=None, expected=0))
            pages += parts[-1][1]
        if len(parts) > 1:
            _report(progress, 95, _("Joining the report and its appendix"))
        pdf = merge_tagged([part for part, _pages in parts])
        _report(progress, 100, _("The report is ready"))
    return pdf


def _layout(html: str, *, progress: Progress | None, expected: int) -> tuple[bytes, int]:
    """One document laid out and written (PDF/UA-1), with its page count."""
    from weasyprint import HTML  # heavy (Pango, fonts): loaded only when a PDF is made

    _report(progress, 0, _("Laying out the pages"))
    with _page_progress(_scaled(progress, start=0, end=80), expected=expected):
        document = HTML(string=html).render()
    _report(progress, 80, _("Writing the PDF file"))
    _cache_page_references()
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    if pdf is None:  # only when given a target to write to, which we never give
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf, len(document.pages)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector run less often while a report is made (read and laid
    out: ``synthesis_report_pdf``, the one entry point of the task, the command and the bench).

    Reading and laying out a report make millions of small objects (rows, boxes, styles) that
    live until the PDF is written; with the default thresholds the collector walks them again
    and again. At 100,000 comments that was a tenth of the time (27 s → 24 s), for the same
    peak memory: those objects are alive anyway. The thresholds are the process's, restored
    after.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _cache_page_references() -> None:
    """Make pydyf's ``PDF.page_references`` cached (idempotent, for every PDF of the process).

    pydyf 0.13 rebuilds the tuple of every page's reference each time the property is read,
    and WeasyPrint's PDF/UA tagging reads it once per tagged box: quadratic, 18 of 23 seconds
    of writing a 364-page report. The pages only ever grow, so the tuple is kept until their
    number changes: the same values, read once. (To report upstream; drop when fixed.)
    """
    import pydyf

    if getattr(pydyf.PDF, "_consult_cached_references", False):
        return

    def page_references(pdf: Any) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_consult_page_references")
        if cached is None or cached[0] != len(kids):
            references = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
            cached = pdf.__dict__["_consult_page_references"] = (len(kids), references)
        return cached[1]

    pydyf.PDF.page_references = property(page_references)
    pydyf.PDF._consult_cached_references = True


def report_html(*, data: ReportData, progress: Progress | None = None) -> str:
    """The report as the HTML WeasyPrint lays out (charts inline as SVG), in Vietnamese."""
    with translation.override("vi"):
        _report(progress, 0, _("Drawing the charts"))
        charts = report_charts(overview=data.overview)
        _report(progress, 60, _("Writing the report"))
        overview = data.overview
        # The stance chart's own table lists every article when it charts them all.
        charted_all = stance_chart_lists_every_article(
            chapters=overview.stance_by_chapter, articles=overview.stance_by_article
        )
        context: dict[str, Any] = {
            "data": data,
            "overview": overview,
            "charts": charts,
            "stance_names": stance_names(),
            "article_table": bool(overview.stance_by_article)
            and not (charts.stances is not None and charted_all),
            "rows": [_with_stances(row) for row in data.rows],
            "whole_draft": _with_stances(data.whole_draft) if data.whole_draft else None,
            "date_line": date_line(place=data.place, date=data.date),
            "per_day_rows": _in_columns(data.overview.per_day, columns=PER_DAY_COLUMNS),
            "per_day_columns": range(PER_DAY_COLUMNS),
            "campaigns": overview.campaigns[:CAMPAIGNS_LISTED],
            "campaigns_rest": _campaigns_rest(overview.campaigns[CAMPAIGNS_LISTED:]),
        }
        html = render_to_string(TEMPLATE, context)
        _report(progress, 100, _("Writing the report"))
        return html


def date_line(*, place: str, date: dt.date) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2026": days below 10 and the months 1 and 2 take a leading
    zero (Nghị định 30/2020/NĐ-CP, Phụ lục I); a place not known is left as dots to fill in."""
    month = f"{date.month:02d}" if date.month < 3 else str(date.month)
    return f"{place or '……'}, ngày {date.day:02d} tháng {month} năm {date.year}"


def stance_summary(stances: StanceCounts) -> str:
    """ "Tán thành: 3; Đề xuất sửa đổi: 1": the stances taken, in a fixed order."""
    return "; ".join(
        f"{name}: {number_format(value, force_grouping=True)}"
        for name, value in zip(stance_names(), stance_values(stances), strict=True)
        if value
    )


def _with_stances(row: ProvisionRow) -> tuple[ProvisionRow, str]:
    return row, stance_summary(row.stances)


@dataclass(frozen=True, slots=True)
class _CampaignsRest:
    """The campaigns Part I does not list, counted."""

    groups: int
    comments: int
    largest: int


def _campaigns_rest(campaigns: Sequence[Campaign]) -> _CampaignsRest | None:
    if not campaigns:
        return None
    return _CampaignsRest(
        groups=len(campaigns),
        comments=sum(campaign.count for campaign in campaigns),
        largest=max(campaign.count for campaign in campaigns),
    )


def _in_columns(counts: Sequence[Count], *, columns: int) -> list[list[Count | None]]:
    """Counts as table rows of ``columns`` cells, read down each column first, like a list."""
    height = -(-len(counts) // columns)
    return [
        [
            counts[index] if index < len(counts) else None
            for index in range(row, row + columns * height, height)
        ]
        for row in range(height)
    ]


def _expected_pages(data: ReportData) -> int:
    """A rough page count, for progress only: Part I, rows of Part II, Part III."""
    return 6 + len(data.rows) // 3


class _PageProgress(logging.Handler):
    """Turns WeasyPrint's "Creating layout - Page N" log lines into progress, for one thread."""

    def __init__(self, progress: Progress, expected: int) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.expected = max(expected, 1)
        self.thread = threading.get_ident()  # the logger is shared by every render in the process
        self.percent = -1

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread or not str(record.msg).startswith(_LAYOUT_PAGE):
            return
        page = record.args[0] if isinstance(record.args, tuple) and record.args else 0
        if not isinstance(page, int):
            return
        # Never 100 before it is done, however wrong the estimate was.
        percent = 100 * page // max(self.expected, page + 1)
        if percent > self.percent:  # the callback may write to the database: not every page
            self.percent = percent
            self.progress(percent, _("Laying out page %(page)s") % {"page": page})


_LAYOUT_PAGE = "Step 5 - Creating layout - Page"


@contextmanager
def _page_progress(progress: Progress | None, *, expected: int) -> Iterator[None]:
    if progress is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler = _PageProgress(progress, expected)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def _report(progress: Progress | None, percent: int, message: str) -> None:
    if progress is not None:
        progress(percent, message)


def _scaled(progress: Progress | None, *, start: int, end: int) -> Progress | None:
    """A callback that maps a step's own 0-100 onto ``start``-``end`` of the whole run."""
    if progress is None:
        return None
    span = end - start

    def scaled(percent: int, message: str) -> None:
        progress(start + span * max(0, min(percent, 100)) // 100, message)

    return scaled
