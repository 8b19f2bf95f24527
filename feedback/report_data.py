"""What the synthesis report (bản tổng hợp, tiếp thu, giải trình ý kiến) says, as plain data.

``report_data()`` reads the database once and returns a ``ReportData``: everything the PDF
template, the command and the tests need, already counted, ordered and summarised, in
Vietnamese. It is deterministic: the same rows give the same report, to the byte of every
text (ties are broken by primary key, never by dict or set order).

Only published comments are quoted, summarised or listed; hidden comments are only counted,
by moderation reason. Nothing private is ever put in: no e-mail, phone, IP address, account,
or organisation of an individual; a respondent appears as their comment is shown publicly
(``Feedback.author_name``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from drafts.models import DraftVersion

# Progress callback of a long run: (percent done 0-100, what is being done, in Vietnamese).
Progress = Callable[[int, str], None]


@dataclass(frozen=True, slots=True)
class Count:
    """One bar of a breakdown: a label as shown (Vietnamese) and its count."""

    key: str  # the stored value ("individual", "ha-noi", "2026-05-01", "off_topic")
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class StanceCounts:
    """Published top-level comments by stance; ``none`` counts those without a stance."""

    agree: int = 0
    disagree: int = 0
    amend: int = 0
    other: int = 0
    none: int = 0

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.amend + self.other + self.none


@dataclass(frozen=True, slots=True)
class StanceRow:
    """Stance counts of one chapter or article (its clauses and points included)."""

    eid: str
    label: str  # "Chương II. Quy hoạch", "Điều 5. Phạm vi điều chỉnh"
    stances: StanceCounts


@dataclass(frozen=True, slots=True)
class Campaign:
    """A duplicate group (form letter, copy-paste campaign): counted once, quoted once."""

    group_id: int
    count: int  # its published members
    text: str  # the representative text, whole
    author_name: str  # the representative's author as shown
    provision_label: str  # where it was sent ("Điều 5, khoản 2"; "Toàn bộ dự thảo")


@dataclass(frozen=True, slots=True)
class Quote:
    """A representative comment, quoted with who sent it as shown publicly."""

    feedback_id: int
    author_name: str
    respondent_type: str  # label: "Cá nhân", "Doanh nghiệp", ...
    text: str  # may be shortened, with "…" where cut
    stance: str  # label, "" if none
    count: int = 1  # > 1: a campaign, sent this many times
    similar: int = 0  # other comments making the same point (its cluster, less itself)


@dataclass(frozen=True, slots=True)
class Answer:
    """A published disposition of some of the row's comments."""

    kind: str  # stored value ("accepted", ...)
    label: str  # "Tiếp thu", "Giải trình", ...
    text: str  # the drafting body's answer, whole
    count: int  # the row's published comments it answers


@dataclass(frozen=True, slots=True)
class ProvisionRow:
    """Part II: one provision commented on, in document order (TT is its position)."""

    number: int  # TT, 1-based
    eid: str
    label: str  # "Điều 5, khoản 2, điểm a"
    heading: str  # the article's heading, "" for a clause or point
    text: str  # the provision's own text, shortened for the table
    comments: int  # published top-level comments on it (a campaign counts all its members)
    stances: StanceCounts
    themes: tuple[str, ...]  # main themes, as written by the commenters
    quotes: tuple[Quote, ...]  # chosen to cover the distinct points (clustering)
    respondents: tuple[str, ...]  # organisations, businesses, press, bodies by name ...
    individuals: int  # ... and how many individuals
    answers: tuple[Answer, ...]
    unanswered: int  # published comments without a published disposition


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    """A targeted question (câu hỏi lấy ý kiến) and its answers, summarised."""

    text: str
    group: str  # the respondents it was asked of (label), "" if everyone
    answers: int
    themes: tuple[str, ...]
    quotes: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class AppendixRow:
    """The optional appendix: one published comment."""

    feedback_id: int
    author_name: str
    date: dt.date  # submitted, in Asia/Ho_Chi_Minh
    provision_label: str
    stance: str  # label, "" if none
    text: str  # whole
    disposition: str  # label, "" if not answered (published)
    answer: str  # the published answer, "" if none


@dataclass(frozen=True, slots=True)
class Overview:
    """Part I."""

    opens_at: dt.datetime  # aware, Asia/Ho_Chi_Minh
    closes_at: dt.datetime
    channels: tuple[Count, ...]  # online, on paper, official letter (published comments)
    comments: int  # published top-level comments
    replies: int  # published replies
    respondents: int  # distinct (an account, or name + type + organisation when entered)
    organisations: int  # distinct organisational respondents (RespondentType.organisational)
    press_critiques: int  # official critiques by press agencies
    paper_submissions: int  # received on paper or as an official letter
    pending: int  # still awaiting moderation when the report was made
    hidden: int
    hidden_by_reason: tuple[Count, ...]
    by_respondent_type: tuple[Count, ...]
    by_province: tuple[Count, ...]  # largest first; "" = not given
    per_day: tuple[Count, ...]  # every day of the period, key = ISO date, zeros included
    stance_total: StanceCounts
    stance_by_chapter: tuple[StanceRow, ...]
    stance_by_article: tuple[StanceRow, ...]
    campaigns: tuple[Campaign, ...]  # largest first


@dataclass(frozen=True, slots=True)
class ReportData:
    draft_title: str  # the trích yếu
    document_type: str  # "Nghị quyết", "Quyết định", ...
    version_number: int
    version_label: str  # "Dự thảo 2"
    drafting_body: str
    report_number: str  # "Số: …/BC-<short name>", blanks left for the registry
    place: str  # "Hà Nội", as on the version's place-and-date line, else ""
    date: dt.date  # the report's date (generation, Asia/Ho_Chi_Minh)
    overview: Overview
    rows: tuple[ProvisionRow, ...]  # Part II
    uncommented: tuple[tuple[str, str], ...]  # Part III: (eid, label) of articles no one commented
    whole_draft: ProvisionRow | None  # Part III: comments on the draft as a whole
    questions: tuple[QuestionSummary, ...]  # Part III
    appendix: tuple[AppendixRow, ...] | None = None  # None: not asked for
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


def report_data(
    *, version: DraftVersion, appendix: bool = False, progress: Progress | None = None
) -> ReportData:
    """Everything the synthesis report of ``version`` says (see the module docstring)."""
    raise NotImplementedError("feedback.report_data.report_data: being written (issue 6)")
