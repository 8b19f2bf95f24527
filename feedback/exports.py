"""Open data: a draft's published comments and answers as CSV, XLSX and JSON, with nothing private.

One selector, ``open_data_rows``, streams one dict per published comment of the draft (every
version) in the order of their numbers; three writers turn it into files with the same columns
(``COLUMNS``, stable English snake_case names, documented in the JSON ``fields`` and the
workbook's second sheet). Values are the stored codes ("agree"); a ``*_label`` column beside a
code gives its Vietnamese label. The files are always in Vietnamese, like the synthesis report,
whatever the requesting user's language.

Nothing private, as on the public comment page: the author appears only as shown there
(``author_name``, with the respondent type and province); no e-mail, phone, IP address, account,
submission key or organisation field (an organisation's name is public only where the
respondent chose to show their comments under it, and then it is the ``author_name``). Hidden and
pending comments never appear; a disposition and its answer only once published; a reply to a
comment that is not published gives no ``parent_id``.

Spreadsheets: a CSV or XLSX cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe, so that a hostile comment is shown as text and never
run as a formula (OWASP "CSV injection"); control characters an XLSX file cannot hold are
removed, and an XLSX cell is cut at Excel's limit of 32,767 characters with "…". The JSON keeps
every text exactly (NFC), for programs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.db.models import Case, CharField, DateTimeField, F, IntegerField, Q, TextField, When
from django.db.models import Value as V
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drafts.models import DraftPage
from drafts.templatetags.drafts_tags import eid_label
from search.text import fold, nfc

from .choices import (
    Channel,
    DispositionKind,
    FeedbackKind,
    FeedbackStatus,
    Province,
    RespondentType,
    Stance,
    choice_labels,
)
from .duplicates import public_group_ids
from .models import Feedback

LANGUAGE = "vi"  # a formal record of the consultation: always Vietnamese, like the report
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
CHUNK_SIZE = 2000  # rows read from the database at a time
FLUSH_CHARS = 64 * 1024  # text gathered before a streamed chunk is sent
XLSX_CELL_LIMIT = 32_767  # characters Excel holds in a cell

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

Cell = str | int | None
Row = dict[str, Cell]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    description: Promise


COLUMNS: tuple[Column, ...] = (
    Column("id", gettext_lazy("Number of the comment, as on its public page.")),
    Column("version_number", gettext_lazy("Version of the draft commented on (1, 2, …).")),
    Column(
        "eid",
        gettext_lazy(
            "Identifier of the provision commented on (art_5__para_2 = Article 5, clause 2); "
            "empty for the whole draft."
        ),
    ),
    Column("provision_label", gettext_lazy("The provision commented on, in words.")),
    Column(
        "parent_id",
        gettext_lazy("For a reply: the number of the comment it replies to, when published."),
    ),
    Column("kind", gettext_lazy("comment, or critique (an official critique).")),
    Column("kind_label", gettext_lazy("The kind, in words.")),
    Column("channel", gettext_lazy("How it was received: online, paper or letter.")),
    Column("channel_label", gettext_lazy("How it was received, in words.")),
    Column(
        "stance",
        gettext_lazy("agree, disagree, amend (proposes a wording) or other; empty if not given."),
    ),
    Column("stance_label", gettext_lazy("The stance, in words.")),
    Column(
        "respondent_type",
        gettext_lazy("individual, organisation, business, press, expert or state_body."),
    ),
    Column("respondent_type_label", gettext_lazy("The respondent type, in words.")),
    Column(
        "author_name",
        gettext_lazy("The author as the comment is shown on the site (chosen by the respondent)."),
    ),
    Column("province", gettext_lazy("Code of the respondent's province or city; may be empty.")),
    Column("province_label", gettext_lazy("The province or city, in words.")),
    Column(
        "submitted_at",
        gettext_lazy("When the comment was submitted, ISO 8601 in Vietnam time (+07:00)."),
    ),
    Column("quote", gettext_lazy("The passage of the draft the comment quotes.")),
    Column("text", gettext_lazy("The comment.")),
    Column("suggested_text", gettext_lazy("The wording the comment proposes.")),
    Column("supports", gettext_lazy("How many readers support the comment.")),
    Column(
        "duplicate_group_id",
        gettext_lazy(
            "Near-identical comments (a form letter, a campaign) share this number; empty if none."
        ),
    ),
    Column(
        "disposition",
        gettext_lazy(
            "The drafting body's decision, once published: accepted, partly_accepted, "
            "explained, not_accepted or noted."
        ),
    ),
    Column("disposition_label", gettext_lazy("The decision, in words.")),
    Column("answer", gettext_lazy("The drafting body's published answer (tiếp thu, giải trình).")),
    Column("answered_at", gettext_lazy("When the answer was published, ISO 8601 (+07:00).")),
)
COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)


def _notes() -> list[str]:
    return [
        _("An empty value means none (null in JSON)."),
        _("Codes are stable; the *_label columns give them in words."),
        _(
            "CSV and XLSX: a text starting with =, +, -, @, a tab or a carriage return is "
            "preceded by an apostrophe (') so that spreadsheets never run it as a formula. "
            "The JSON file gives every text exactly."
        ),
        _(
            "XLSX: control characters are removed, and a text longer than 32,767 characters "
            "(the most a cell holds) is cut, ending with “…”; the CSV and JSON files give it whole."
        ),
    ]


# Reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Labels:
    """The Vietnamese labels of the stored codes, looked up once per export."""

    kind: dict[str, str]
    channel: dict[str, str]
    stance: dict[str, str]
    respondent_type: dict[str, str]
    province: dict[str, str]
    disposition: dict[str, str]

    @classmethod
    def vietnamese(cls) -> _Labels:
        with translation.override(LANGUAGE):
            return cls(
                kind=choice_labels(FeedbackKind.choices),
                channel=choice_labels(Channel.choices),
                stance=choice_labels(Stance.choices),
                respondent_type=choice_labels(RespondentType.choices),
                province=choice_labels(Province.choices),
                disposition=choice_labels(DispositionKind.choices),
            )


class _ProvisionLabels(dict[str, str]):
    """eid → "Điều 5, khoản 2", worked out once per provision (comments share few)."""

    def __missing__(self, eid: str) -> str:
        # Only here, never across a yield of the streaming generators, is the language switched.
        with translation.override(LANGUAGE):
            label = eid_label(eid) if eid else _("The whole draft")
        self[eid] = label
        return label


def _when(value: dt.datetime | None) -> str | None:
    return value.astimezone(ZONE).isoformat(timespec="seconds") if value else None


def open_data_rows(*, draft: DraftPage) -> Iterator[Row]:
    """One dict per published comment of the draft (all versions), by number: the ``COLUMNS``.

    Streamed from the database in chunks, without a query per comment. An unpublished answer,
    and the parent of a reply when that parent is not published, are left out by the query
    itself, so they never leave the database.
    """
    labels = _Labels.vietnamese()
    provisions = _ProvisionLabels()
    # The public counts of duplicate groups: a group with fewer than two published members is no
    # group to the public (feedback.duplicates.duplicate_groups).
    groups = public_group_ids(draft=draft)
    published = FeedbackStatus.PUBLISHED
    answered = Q(disposition__published_at__isnull=False)
    rows = (
        Feedback.objects.filter(draft=draft, status=published)
        .annotate(
            shown_parent=Case(
                When(parent__status=published, then=F("parent_id")),
                default=None,
                output_field=IntegerField(),
            ),
            shown_disposition=Case(
                When(answered, then=F("disposition__kind")), default=V(""), output_field=CharField()
            ),
            shown_answer=Case(
                When(answered, then=F("disposition__answer")),
                default=V(""),
                output_field=TextField(),
            ),
            shown_answered_at=Case(
                When(answered, then=F("disposition__published_at")),
                default=None,
                output_field=DateTimeField(),
            ),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "version__number",
            "eid",
            "shown_parent",
            "kind",
            "channel",
            "stance",
            "respondent_type",
            "author_name",
            "province",
            "created_at",
            "quote",
            "body",
            "suggested_text",
            "support_count",
            "duplicate_group_id",
            "shown_disposition",
            "shown_answer",
            "shown_answered_at",
        )
    )
    for (
        pk,
        version_number,
        eid,
        parent_id,
        kind,
        channel,
        stance,
        respondent_type,
        author_name,
        province,
        created_at,
        quote,
        body,
        suggested_text,
        supports,
        group_id,
        disposition,
        answer,
        answered_at,
    ) in rows.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": pk,
            "version_number": version_number,
            "eid": eid,
            "provision_label": provisions[eid],
            "parent_id": parent_id,
            "kind": kind,
            "kind_label": labels.kind.get(kind, ""),
            "channel": channel,
            "channel_label": labels.channel.get(channel, ""),
            "stance": stance,
            "stance_label": labels.stance.get(stance, ""),
            "respondent_type": respondent_type,
            "respondent_type_label": labels.respondent_type.get(respondent_type, ""),
            "author_name": nfc(author_name),
            "province": province,
            "province_label": labels.province.get(province, ""),
            "submitted_at": _when(created_at),
            "quote": nfc(quote),
            "text": nfc(body),
            "suggested_text": nfc(suggested_text),
            "supports": supports,
            "duplicate_group_id": group_id if group_id in groups else None,
            "disposition": disposition,
            "disposition_label": labels.disposition.get(disposition, ""),
            "answer": nfc(answer),
            "answered_at": _when(answered_at),
        }


def open_data_metadata(*, draft: DraftPage) -> dict[str, Any]:
    """What the file is: the draft, when it was made, its columns and how to read them."""
    with translation.override(LANGUAGE):
        return {
            "draft": {
                "id": draft.pk,
                "title": draft.title,
                "document_type": draft.document_type.name,
                "drafting_body": draft.drafting_body.name,
                "url": draft.full_url or "",
            },
            "generated_at": _when(timezone.now()),
            "fields": [
                {"name": column.name, "description": str(column.description)} for column in COLUMNS
            ],
            "notes": _notes(),
        }


def open_data_filename(*, draft: DraftPage, fmt: str) -> str:
    """'du-thao-phi-cho-y-kien-2026-05-01.csv': the draft, and the day the data was taken."""
    day = timezone.localdate(timezone=ZONE)
    # Wagtail slugs may be Vietnamese ("dự-thảo-phí"): folded first, "đ" included, so the name
    # stays readable in ASCII.
    return f"{slugify(fold(draft.slug)) or draft.pk}-y-kien-{day:%Y-%m-%d}.{fmt}"


# Writing ---------------------------------------------------------------------------------------

# Characters no spreadsheet cell should hold: C0/C1 controls (but tab and line breaks), lone
# surrogates, and the two XML non-characters; an XLSX file with them does not open.
_UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# What a spreadsheet reads as the start of a formula (or, for tab and CR, a cell split).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """The text as a spreadsheet cell may safely hold it: unfit characters removed, and an
    apostrophe before a text a spreadsheet would take for a formula."""
    if not value.isprintable():  # every unfit character is unprintable: most texts skip this
        value = _UNFIT.sub("", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _spreadsheet_row(row: Row) -> list[Cell]:
    return [
        spreadsheet_text(value) if isinstance(value, str) else value
        for value in (row[name] for name in COLUMN_NAMES)
    ]


def csv_chunks(rows: Iterable[Row]) -> Iterator[bytes]:
    """The rows as CSV: UTF-8 with a byte order mark (Excel then reads Vietnamese right), a
    header of the column names, RFC 4180 quoting and CRLF line ends; in chunks of ~64 KB."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)  # the "excel" dialect: RFC 4180 (quotes doubled, CRLF)
    writer.writerow(COLUMN_NAMES)
    for row in rows:
        writer.writerow(_spreadsheet_row(row))
        if buffer.tell() >= FLUSH_CHARS:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def json_chunks(rows: Iterable[Row], *, metadata: dict[str, Any]) -> Iterator[bytes]:
    """The rows as one JSON object: the metadata, then ``comments`` (an array, one object a
    row), then their ``count``; valid JSON even with no rows. UTF-8, text as is (NFC)."""
    head = json.dumps(metadata, ensure_ascii=False)
    parts = [head[:-1], ', "comments": [']  # the metadata object, left open
    size = 0
    count = 0
    for row in rows:
        part = ("\n" if count == 0 else ",\n") + json.dumps(row, ensure_ascii=False)
        parts.append(part)
        size += len(part)
        count += 1
        if size >= FLUSH_CHARS:
            yield "".join(parts).encode()
            parts, size = [], 0
    parts.append(f'\n], "count": {count}}}\n')
    yield "".join(parts).encode()


def _xlsx_cell(value: Cell) -> Cell:
    if not isinstance(value, str):
        return value
    if not value:
        return None  # an empty cell costs openpyxl nothing; an empty string, a cell to write
    value = spreadsheet_text(value)
    return value if len(value) <= XLSX_CELL_LIMIT else value[: XLSX_CELL_LIMIT - 1] + "…"


def xlsx_write(rows: Iterable[Row], *, metadata: dict[str, Any], file: IO[bytes]) -> None:
    """The rows as an XLSX workbook written to `file`: a sheet of comments (a header row of
    the column names, then a row each), and a sheet describing the file and its columns.

    openpyxl's write-only mode keeps only the current row in memory (it spools the sheet to a
    temporary file), so a draft with 100,000 comments costs no more memory than one with ten.
    """
    from openpyxl import Workbook  # loaded only when a workbook is asked for

    workbook = Workbook(write_only=True)
    with translation.override(LANGUAGE):
        data_title, about_title = _("Comments")[:31], _("About this file")[:31]
        about_rows = [
            [_("Draft"), metadata["draft"]["title"]],
            [_("Drafting body"), metadata["draft"]["drafting_body"]],
            [_("Address"), metadata["draft"]["url"]],
            [_("Generated at"), metadata["generated_at"]],
        ]
    sheet = workbook.create_sheet(data_title)
    sheet.freeze_panes = "A2"
    sheet.append(COLUMN_NAMES)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(row[name]) for name in COLUMN_NAMES])
        count += 1
    about = workbook.create_sheet(about_title)
    with translation.override(LANGUAGE):
        about_rows.append([_("Comments"), count])
        about_rows.append([])
        about_rows.extend([note] for note in metadata["notes"])
        about_rows.append([])
        about_rows.append([_("Column"), _("Description")])
    about_rows.extend([field["name"], field["description"]] for field in metadata["fields"])
    for about_row in about_rows:
        about.append([_xlsx_cell(value) for value in about_row])
    workbook.save(file)


# What the views call ---------------------------------------------------------------------------


def open_data_stream(*, draft: DraftPage, fmt: str) -> Iterator[bytes]:
    """The CSV or JSON file of the draft's open data, as chunks to stream."""
    rows = open_data_rows(draft=draft)
    if fmt == "csv":
        return csv_chunks(rows)
    if fmt == "json":
        return json_chunks(rows, metadata=open_data_metadata(draft=draft))
    raise ValueError(f"Not a streamed open-data format: {fmt!r}")


def open_data_xlsx(*, draft: DraftPage) -> IO[bytes]:
    """The XLSX file of the draft's open data, in an anonymous temporary file at its start
    (deleted when closed: a FileResponse closes it once sent)."""
    file = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115  (the response closes it)
    try:
        xlsx_write(open_data_rows(draft=draft), metadata=open_data_metadata(draft=draft), file=file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file
