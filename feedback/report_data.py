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
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from drafts.importers.structure import CONTAINERS, Kind
from drafts.models import DraftPage, DraftVersion, TargetedQuestion
from drafts.selectors import ProvisionNode, provision_tree
from drafts.templatetags.drafts_tags import eid_label
from search.text import fold, nfc

from .choices import (
    Channel,
    DispositionKind,
    FeedbackKind,
    FeedbackStatus,
    ModerationReason,
    Province,
    RespondentType,
    Stance,
    choice_labels,
)
from .duplicates import duplicate_groups
from .models import Disposition, Feedback, QuestionAnswer
from .summaries import (
    THEMES_BACKGROUND,
    THEMES_FOREGROUND,
    Background,
    Comment,
    Pick,
    campaigns_once,
    cluster_limit,
    evenly,
    representative_quotes,
    shorten,
    text_terms,
    themes,
    to_cluster,
)

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


# Building the report ---------------------------------------------------------------------------

REPORT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # the dates of a Vietnamese administrative document
PROVISION_TEXT_CHARS = 400  # a provision's text in Part II's first column
CHUNK = 2_000  # rows per database round trip
# The place on the version's place-and-date line: "Hà Nội, ngày 29 tháng 6 năm 2006".
_PLACE = re.compile(r"^\s*([^,\d]+?)\s*,\s*ngày", re.IGNORECASE)
_LAST = (1 << 62, 0, "")  # sorts after every provision: comments on the whole draft
_ORGANISATIONAL = frozenset(RespondentType.organisational())
_FIELDS = (
    "pk",
    "eid",
    "stance",
    "kind",
    "channel",
    "author_id",
    "author_name",
    "respondent_type",
    "organisation",
    "province",
    "created_at",
    "duplicate_group_id",
    "support_count",
    "disposition_id",
    "body",
)


def report_data(
    *, version: DraftVersion, appendix: bool = False, progress: Progress | None = None
) -> ReportData:
    """Everything the synthesis report of ``version`` says (see the module docstring).

    In Vietnamese whoever asks: it is the document the drafting body files. The version's
    published comments are read once, one provision after another, in chunks; only the
    appendix keeps every text.
    """
    with translation.override("vi"), _snapshot():
        return _Report(version=version, appendix=appendix, progress=progress).build()


@contextmanager
def _snapshot() -> Iterator[None]:
    """On PostgreSQL, one repeatable-read view of the data for the whole report: comments
    arriving meanwhile cannot make its totals and rows disagree. Inside a caller's transaction
    its view is kept as it is."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class _Labels:
    """Labels of stored values in the active language, looked up once per report."""

    def __init__(self) -> None:
        self.stances = choice_labels(Stance.choices)
        self.types = choice_labels(RespondentType.choices)
        self.provinces = choice_labels(Province.choices)
        self.channels = choice_labels(Channel.choices)
        self.reasons = choice_labels(ModerationReason.choices)
        self.dispositions = choice_labels(DispositionKind.choices)
        self.groups = choice_labels(TargetedQuestion.RespondentGroup.choices)

    @staticmethod
    def of(labels: dict[str, str], value: str) -> str:
        return labels.get(value, value)


@dataclass(frozen=True, slots=True)
class _Place:
    """A provision of the version: its order, labels, and the article and chapter it is in."""

    order: int
    label: str  # "Điều 5, khoản 2"
    titled: str  # the label with the heading, if any: "Điều 5. Phạm vi điều chỉnh"
    heading: str
    article: str  # the eid of the article it is or is in, "" if none
    chapter: str  # likewise, of the chapter


class _Outline:
    """The version's provisions by eid (``provision_tree``: one query)."""

    def __init__(self, version: DraftVersion) -> None:
        self.places: dict[str, _Place] = {}
        self.nodes: dict[str, ProvisionNode] = {}
        self.articles: list[str] = []  # in document order
        self.chapters: list[str] = []
        self._walk(provision_tree(version=version), article="", chapter="")

    def _walk(self, nodes: list[ProvisionNode], *, article: str, chapter: str) -> None:
        for node in nodes:
            provision = node.provision
            if provision.kind == Kind.ARTICLE:
                article = provision.eid
                self.articles.append(article)
            elif provision.kind == Kind.CHAPTER:
                chapter = provision.eid
                self.chapters.append(chapter)
            heading = " ".join(provision.heading.split())
            label = eid_label(provision.eid)
            self.nodes[provision.eid] = node
            self.places[provision.eid] = _Place(
                order=provision.order,
                label=label,
                titled=f"{label}. {heading}" if heading else label,
                heading=heading,
                article="" if provision.kind in CONTAINERS else article,
                chapter=chapter,
            )
            self._walk(node.children, article=article, chapter=chapter)

    def place(self, eid: str) -> _Place | None:
        """The provision ``eid``, else the nearest one above it (a provision this version
        lacks: "art_5__para_9" when article 5 has two clauses)."""
        parts = eid.split("__")
        while parts:
            found = self.places.get("__".join(parts))
            if found is not None:
                return found
            parts.pop()
        return None

    def sort_key(self, eid: str) -> tuple[int, int, str]:
        """Document order; an eid this version lacks follows the provision above it."""
        if not eid:
            return _LAST
        if eid in self.places:
            return (self.places[eid].order, 0, "")
        near = self.place(eid)
        return (near.order if near else _LAST[0] - 1, 1, eid)

    def label(self, eid: str) -> str:
        if not eid:
            return gettext("The whole draft")
        return self.places[eid].label if eid in self.places else eid_label(eid)

    def text(self, eid: str) -> str:
        """The provision's text, shortened; its parts' text when it has none of its own."""
        node = self.nodes.get(eid)
        texts: list[str] = []
        length = 0
        pending = [node] if node else []
        while pending and length <= PROVISION_TEXT_CHARS:
            current = pending.pop(0)
            if current.provision.text:
                texts.append(current.provision.text)
                length += len(current.provision.text)
            pending[:0] = current.children
        return shorten(" ".join(" ".join(texts).split()), limit=PROVISION_TEXT_CHARS)


class _Stances:
    """A stance tally that freezes into ``StanceCounts``."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, stance: str) -> None:
        self.counts[stance if stance in _STANCES else ("none" if not stance else "other")] += 1

    def merge(self, other: _Stances) -> None:
        self.counts.update(other.counts)

    def frozen(self) -> StanceCounts:
        return StanceCounts(**{key: self.counts[key] for key in (*_STANCES, "none")})


_STANCES = ("agree", "disagree", "amend", "other")


@dataclass
class _Block:
    """The published comments on one provision (or on the whole draft), as they are read."""

    eid: str
    comments: list[Comment] = field(default_factory=list)
    stances: _Stances = field(default_factory=_Stances)
    organisations: set[str] = field(default_factory=set)
    individuals: set[tuple[object, ...]] = field(default_factory=set)
    answered: Counter[int] = field(default_factory=Counter)  # disposition id → its comments here
    unanswered: int = 0


@dataclass
class _Tallies:
    """Part I's counts of the version's published comments, as they are read."""

    comments: int = 0
    channels: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    provinces: Counter[str] = field(default_factory=Counter)
    days: Counter[dt.date] = field(default_factory=Counter)
    stances: _Stances = field(default_factory=_Stances)
    respondents: set[tuple[object, ...]] = field(default_factory=set)
    organisations: set[str] = field(default_factory=set)
    press_critiques: int = 0
    paper_submissions: int = 0
    group_members: Counter[int] = field(default_factory=Counter)
    # The first recorded member of each duplicate group: (id, text, author as shown, eid).
    group_first: dict[int, tuple[int, str, str, str]] = field(default_factory=dict)


class _Report:
    """One build of the report's data (``report_data``)."""

    def __init__(self, *, version: DraftVersion, appendix: bool, progress: Progress | None) -> None:
        self.version = version
        self.draft = DraftPage.objects.select_related("document_type", "drafting_body").get(
            pk=version.draft_id
        )
        self.with_appendix = appendix
        self.progress = progress
        self.generated_at = timezone.now()
        self.labels = _Labels()
        self.tallies = _Tallies()
        self.blocks: dict[str, ProvisionRow] = {}
        self.article_stances: dict[str, _Stances] = {}
        self.chapter_stances: dict[str, _Stances] = {}
        self.appendix_rows: list[tuple[tuple[int, int, str], dt.datetime, int, AppendixRow]] = []
        self._folded: dict[str, str] = {}
        self._told = -1

    def _tell(self, percent: int, message: str) -> None:
        if self.progress is not None and percent != self._told:
            self._told = percent
            self.progress(percent, message)

    def build(self) -> ReportData:
        self._tell(0, gettext("Reading the draft, its answers and duplicate groups"))
        self.outline = _Outline(self.version)
        self.dispositions = {
            pk: (kind, nfc(answer))
            for pk, kind, answer in Disposition.objects.filter(
                draft=self.draft, published_at__isnull=False
            ).values_list("pk", "kind", "answer")
        }
        self.groups = duplicate_groups(draft=self.draft, published_only=True)
        self.representatives = {
            summary.group.pk: summary.representative.pk
            for summary in self.groups
            if summary.representative is not None
        }
        published = Feedback.objects.filter(
            version=self.version, status=FeedbackStatus.PUBLISHED, depth=1
        )
        self._background(published)
        self._read(published)
        whole_draft = self.blocks.pop("", None)
        ordered = sorted(self.blocks.values(), key=lambda row: self.outline.sort_key(row.eid))
        self._tell(90, gettext("Summarising the answers to the targeted questions"))
        questions = self._questions()
        appendix = None
        if self.with_appendix:
            self._tell(95, gettext("Listing every comment for the appendix"))
            self.appendix_rows.sort(key=lambda item: item[:3])
            appendix = tuple(item[3] for item in self.appendix_rows)
        overview = self._overview()
        self._tell(100, gettext("The report's data is ready"))
        version, body = self.version, self.draft.drafting_body
        return ReportData(
            draft_title=self.draft.title,
            document_type=version.document_type_label or self.draft.document_type.name,
            version_number=version.number,
            version_label=str(version.label),
            drafting_body=body.name,
            report_number=gettext("No. …/BC-%(body)s") % {"body": body.short_name},
            place=_place(version.place_and_date),
            date=self.generated_at.astimezone(REPORT_ZONE).date(),
            overview=overview,
            rows=tuple(replace(row, number=n) for n, row in enumerate(ordered, start=1)),
            uncommented=tuple(
                (eid, self.outline.places[eid].titled)
                for eid in self.outline.articles
                if eid not in self.article_stances
            ),
            whole_draft=whole_draft,
            questions=questions,
            appendix=appendix,
            generated_at=self.generated_at,
        )

    # Reading -----------------------------------------------------------------------------

    def _background(self, published: QuerySet[Feedback]) -> None:
        """The terms of an even sample of the version's comments: what themes stand out of."""
        ids = list(published.order_by("pk").values_list("pk", flat=True))
        self.total = len(ids)
        sample = evenly(ids, THEMES_BACKGROUND)
        texts: dict[int, str] = {}
        for start in range(0, len(sample), CHUNK):
            chunk = sample[start : start + CHUNK]
            texts.update(published.filter(pk__in=chunk).values_list("pk", "body"))
        self.background = Background.of(
            (text_terms(texts[pk]) for pk in sample if pk in texts), total=self.total
        )

    def _read(self, published: QuerySet[Feedback]) -> None:
        """One pass over the published comments, a provision's after another's."""
        rows = published.order_by("eid", "pk").values_list(*_FIELDS, named=True)
        step = max(1, self.total // 16)
        block: _Block | None = None
        for done, row in enumerate(rows.iterator(chunk_size=CHUNK), start=1):
            if block is None or row.eid != block.eid:
                if block is not None:
                    self._finish(block)
                block = _Block(eid=row.eid)
            self._add(block, row)
            if done % step == 0:
                percent = 100 * done // max(self.total, done)
                self._tell(
                    5 + 80 * percent // 100,
                    gettext("Summarising the comments (%(percent)s%%)") % {"percent": percent},
                )
        if block is not None:
            self._finish(block)

    def _add(self, block: _Block, row: Any) -> None:
        tallies = self.tallies
        local = row.created_at.astimezone(REPORT_ZONE)
        tallies.comments += 1
        tallies.channels[row.channel] += 1
        tallies.types[row.respondent_type] += 1
        tallies.provinces[row.province] += 1
        tallies.days[local.date()] += 1
        tallies.stances.add(row.stance)
        block.stances.add(row.stance)
        # A respondent is an account; without one (a paper submission), the name, type and
        # organisation entered. Only counted: the organisation of an individual is private.
        who = (
            (row.author_id,)
            if row.author_id
            else (row.author_name, row.respondent_type, row.organisation)
        )
        tallies.respondents.add(who)
        if row.respondent_type in _ORGANISATIONAL:
            block.organisations.add(" ".join(row.author_name.split()))
            tallies.organisations.add(self._fold(row.organisation or row.author_name))
        else:
            block.individuals.add(who)
        if row.kind == FeedbackKind.CRITIQUE and row.respondent_type == RespondentType.PRESS:
            tallies.press_critiques += 1
        if row.channel in (Channel.PAPER, Channel.LETTER):
            tallies.paper_submissions += 1
        if row.disposition_id in self.dispositions:
            block.answered[row.disposition_id] += 1
        else:
            block.unanswered += 1
        if row.duplicate_group_id is not None:
            group = row.duplicate_group_id
            tallies.group_members[group] += 1
            if group not in tallies.group_first or tallies.group_first[group][0] > row.pk:
                tallies.group_first[group] = (row.pk, row.body, row.author_name, row.eid)
        stance = _Labels.of(self.labels.stances, row.stance)
        block.comments.append(
            Comment(
                feedback_id=row.pk,
                text=row.body,
                author_name=row.author_name,
                respondent_type=_Labels.of(self.labels.types, row.respondent_type),
                stance=stance,
                group=row.duplicate_group_id,
                supports=row.support_count,
            )
        )
        if self.with_appendix:
            kind, answer = self.dispositions.get(row.disposition_id, ("", ""))
            entry = AppendixRow(
                feedback_id=row.pk,
                author_name=row.author_name,
                date=local.date(),
                provision_label=self.outline.label(row.eid),
                stance=stance,
                text=nfc(row.body),
                disposition=_Labels.of(self.labels.dispositions, kind),
                answer=answer,
            )
            self.appendix_rows.append(
                (self.outline.sort_key(row.eid), row.created_at, row.pk, entry)
            )

    def _fold(self, name: str) -> str:
        """An organisation's name as compared: "Báo  Đà Nẵng" and "báo đà nẵng" are one."""
        if name not in self._folded:
            self._folded[name] = " ".join(fold(name).split())
        return self._folded[name]

    def _finish(self, block: _Block) -> None:
        """Summarise one provision's comments: its row is kept, their texts are not."""
        place = self.outline.place(block.eid) if block.eid else None
        if place is not None:
            for eid, tallies in (
                (place.article, self.article_stances),
                (place.chapter, self.chapter_stances),
            ):
                if eid:
                    tallies.setdefault(eid, _Stances()).merge(block.stances)
        found_themes, quotes = self._summary(block.comments)
        exact = self.outline.places.get(block.eid)
        self.blocks[block.eid] = ProvisionRow(
            number=0,  # numbered once every row is read, in document order
            eid=block.eid,
            label=self.outline.label(block.eid),
            heading=exact.heading if exact else "",
            text=self.outline.text(block.eid),
            comments=len(block.comments),
            stances=block.stances.frozen(),
            themes=found_themes,
            quotes=quotes,
            respondents=tuple(sorted(block.organisations, key=_collation)),
            individuals=len(block.individuals),
            answers=self._answers(block.answered),
            unanswered=block.unanswered,
        )

    def _summary(self, comments: list[Comment]) -> tuple[tuple[str, ...], tuple[Quote, ...]]:
        """Themes and representative quotes (``feedback.summaries``), a campaign once."""
        items = campaigns_once(comments, representatives=self.representatives)
        chosen = to_cluster(items, limit=cluster_limit(items=len(items), total=self.total))
        terms = [text_terms(item.text) for item in chosen]
        picks = representative_quotes(chosen, terms=terms)
        found = themes(
            terms=evenly(terms, THEMES_FOREGROUND), total=len(items), background=self.background
        )
        return found, tuple(_quote(pick) for pick in picks)

    def _answers(self, answered: Counter[int]) -> tuple[Answer, ...]:
        """The published answers to a row's comments, one per (disposition, text), most
        comments first."""
        grouped: Counter[tuple[str, str]] = Counter()
        for pk, count in answered.items():
            grouped[self.dispositions[pk]] += count
        kinds = list(DispositionKind.values)
        ranked = sorted(
            grouped.items(),
            key=lambda item: (-item[1], _index(kinds, item[0][0]), item[0][1]),
        )
        return tuple(
            Answer(
                kind=kind,
                label=_Labels.of(self.labels.dispositions, kind),
                text=text,
                count=count,
            )
            for (kind, text), count in ranked
        )

    # Part I ------------------------------------------------------------------------------

    def _overview(self) -> Overview:
        tallies, labels, outline = self.tallies, self.labels, self.outline
        pending, hidden, reasons = self._moderated()
        return Overview(
            opens_at=self.draft.opens_at.astimezone(REPORT_ZONE),
            closes_at=self.draft.closes_at.astimezone(REPORT_ZONE),
            channels=_breakdown(tallies.channels, labels.channels),
            comments=tallies.comments,
            replies=Feedback.objects.filter(
                version=self.version, status=FeedbackStatus.PUBLISHED, depth__gt=1
            ).count(),
            respondents=len(tallies.respondents),
            organisations=len(tallies.organisations),
            press_critiques=tallies.press_critiques,
            paper_submissions=tallies.paper_submissions,
            pending=pending,
            hidden=hidden,
            hidden_by_reason=_breakdown(
                reasons, labels.reasons, blank=gettext("No reason recorded")
            ),
            by_respondent_type=_breakdown(tallies.types, labels.types),
            by_province=tuple(
                Count(
                    key=key,
                    label=_Labels.of(labels.provinces, key) if key else gettext("Not given"),
                    count=count,
                )
                for key, count in sorted(tallies.provinces.items(), key=lambda i: (-i[1], i[0]))
            ),
            per_day=self._per_day(),
            stance_total=tallies.stances.frozen(),
            # Every chapter (a text has a handful), the articles commented on (Part III lists
            # the others).
            stance_by_chapter=tuple(
                StanceRow(
                    eid=eid,
                    label=outline.places[eid].titled,
                    stances=self.chapter_stances.get(eid, _Stances()).frozen(),
                )
                for eid in outline.chapters
            ),
            stance_by_article=tuple(
                StanceRow(
                    eid=eid,
                    label=outline.places[eid].titled,
                    stances=self.article_stances[eid].frozen(),
                )
                for eid in outline.articles
                if eid in self.article_stances
            ),
            campaigns=self._campaigns(),
        )

    def _moderated(self) -> tuple[int, int, Counter[str]]:
        """Comments and replies awaiting moderation, and hidden ones by reason (only counted)."""
        rows = (
            Feedback.objects.filter(version=self.version)
            .exclude(status=FeedbackStatus.PUBLISHED)
            .values_list("status", "moderation_reason")
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        pending = hidden = 0
        reasons: Counter[str] = Counter()
        for status, reason, count in rows:
            if status == FeedbackStatus.PENDING:
                pending += count
            elif status == FeedbackStatus.HIDDEN:
                hidden += count
                reasons[reason] += count
        return pending, hidden, reasons

    def _per_day(self) -> tuple[Count, ...]:
        """Every day of the period (and any day a comment came in outside it, a letter posted
        in time), zeros included."""
        days = self.tallies.days
        first = self.draft.opens_at.astimezone(REPORT_ZONE).date()
        # A period closing at midnight ends the day before.
        closing = self.draft.closes_at - dt.timedelta(microseconds=1)
        last = max(first, closing.astimezone(REPORT_ZONE).date())
        if days:
            first, last = min(first, min(days)), max(last, max(days))
        count = (last - first).days + 1
        dates = (first + dt.timedelta(days=offset) for offset in range(count))
        return tuple(
            Count(key=day.isoformat(), label=f"{day:%d/%m/%Y}", count=days[day]) for day in dates
        )

    def _campaigns(self) -> tuple[Campaign, ...]:
        """The duplicate groups with at least two published comments on this version."""
        campaigns = []
        for summary in self.groups:
            count = self.tallies.group_members[summary.group.pk]
            if count < 2:
                continue
            shown = summary.representative
            if shown is not None and shown.version_id == self.version.pk:
                text, author_name, eid = shown.body, shown.author_name, shown.eid
            else:  # the group's text most sent is on another version: this one's first copy
                _pk, text, author_name, eid = self.tallies.group_first[summary.group.pk]
            campaigns.append(
                Campaign(
                    group_id=summary.group.pk,
                    count=count,
                    text=nfc(text),
                    author_name=author_name,
                    provision_label=self.outline.label(eid),
                )
            )
        return tuple(sorted(campaigns, key=lambda campaign: (-campaign.count, campaign.group_id)))

    # Part III ----------------------------------------------------------------------------

    def _questions(self) -> tuple[QuestionSummary, ...]:
        """Each targeted question with the published answers given to it, summarised; answers
        to a question since removed follow, under the question as it was asked."""
        questions = list(self.draft.targeted_questions.all())
        known = {question.pk for question in questions}
        answers: dict[int, list[Comment]] = {pk: [] for pk in known}
        removed: dict[str, list[Comment]] = {}
        rows = (
            QuestionAnswer.objects.filter(
                feedback__version=self.version,
                feedback__status=FeedbackStatus.PUBLISHED,
                feedback__depth=1,
            )
            .order_by("pk")
            .values_list(
                "question_id",
                "question_text",
                "text",
                "feedback_id",
                "feedback__author_name",
                "feedback__respondent_type",
                "feedback__stance",
            )
        )
        for question_id, asked, text, feedback_id, author, kind, stance in rows.iterator(
            chunk_size=CHUNK
        ):
            answer = Comment(
                feedback_id=feedback_id,
                text=text,
                author_name=author,
                respondent_type=_Labels.of(self.labels.types, kind),
                stance=_Labels.of(self.labels.stances, stance),
            )
            if question_id in known:
                answers[question_id].append(answer)
            else:
                removed.setdefault(nfc(asked), []).append(answer)
        everyone = TargetedQuestion.RespondentGroup.EVERYONE
        asked_now = [
            (
                nfc(question.text),
                ""
                if question.respondent_group == everyone
                else _Labels.of(self.labels.groups, question.respondent_group),
                answers[question.pk],
            )
            for question in questions
        ]
        asked_before = [(text, "", removed[text]) for text in sorted(removed)]
        summaries = []
        for text, group, given in asked_now + asked_before:
            found_themes, quotes = self._summary(given)
            summaries.append(
                QuestionSummary(
                    text=text, group=group, answers=len(given), themes=found_themes, quotes=quotes
                )
            )
        return tuple(summaries)


def _quote(pick: Pick) -> Quote:
    comment = pick.comment
    return Quote(
        feedback_id=comment.feedback_id,
        author_name=comment.author_name,
        respondent_type=comment.respondent_type,
        text=shorten(comment.text),
        stance=comment.stance,
        count=comment.count,
        similar=pick.similar,
    )


def _breakdown(
    counts: Counter[str], labels: dict[str, str], *, blank: str = ""
) -> tuple[Count, ...]:
    """Every choice in its order, zeros included, then any other value counted (``blank``
    labels the empty one)."""
    others = sorted(key for key in counts if key not in labels and counts[key])
    return tuple(
        Count(key=key, label=labels.get(key) or (key or blank), count=counts[key])
        for key in [*labels, *others]
    )


def _place(place_and_date: str) -> str:
    found = _PLACE.match(place_and_date)
    return found[1] if found else ""


def _collation(name: str) -> tuple[str, str]:
    """Vietnamese names in a stable order: by their folded letters, then as written."""
    return (fold(name), name)


def _index(values: list[str], value: str) -> int:
    return values.index(value) if value in values else len(values)
