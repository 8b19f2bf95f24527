"""The synthesis report's charts: vector SVG drawn by matplotlib, with their numbers beside them.

Each chart is a ``Chart``: the SVG (text kept as text, so the PDF can be searched and read
aloud), its alternative text, and the rows of the table printed next to it, which carry the same
numbers for readers who cannot see the picture. The output is deterministic: the same counts give
the same bytes (fixed ids, no dates, no random colours).

matplotlib is imported only when a chart is drawn (it takes a second to load), and only through
``matplotlib.figure.Figure``: pyplot keeps global figures that threads would share.
"""

from __future__ import annotations

import base64
import io
import textwrap
import threading
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.translation import gettext as _

from .report_data import Count, Overview, StanceCounts, StanceRow

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# The report's typeface; DejaVu Serif measures the characters Liberation Serif lacks (scripts
# other than Latin, symbols) the way the PDF will draw them, from a fallback font.
FONT_FAMILY = ["Liberation Serif", "DejaVu Serif"]
PROVINCES_SHOWN = 10  # the largest provinces; the rest are summed as "Khác"
ROWS_CHARTED = 20  # bars of the stance chart when it falls back to articles
LABEL_WIDTH = 38  # characters per line of a bar's label before it wraps
WIDTH_INCHES = 6.3  # the text block of a portrait A4 page (160 mm)

# Colour-blind-safe (Okabe-Ito) colours for the stances, in the order of StanceCounts' fields.
STANCE_COLOURS = ("#009E73", "#D55E00", "#0072B2", "#CC79A7", "#999999")
BAR_COLOUR = "#0072B2"

# rcParams are process-wide: a chart is drawn under this lock so that two threads rendering
# reports never see each other's settings half-applied.
_LOCK = threading.Lock()
_RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, extractable, drawn in the PDF's font
    "svg.hashsalt": "synthesis-report",  # fixed element ids: the same chart gives the same bytes
    "font.family": FONT_FAMILY,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
}
# The SVG's own metadata would carry the date and matplotlib's version; None leaves it out.
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart of the report and the table of its numbers."""

    title: str
    alt: str  # alternative text: what the chart shows, in a sentence
    svg: str  # an SVG document
    # The table's column headings and rows, the label first; empty where the template lays the
    # numbers out itself (the days, in columns).
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str | int, ...], ...] = ()

    @property
    def data_uri(self) -> str:
        """The SVG as an <img> source: WeasyPrint draws it as vectors, its text as text."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


@dataclass(frozen=True, slots=True)
class ReportCharts:
    """The charts of Part I; a chart is None when it would have nothing to show."""

    respondent_types: Chart | None
    provinces: Chart | None
    stances: Chart | None
    per_day: Chart | None

    def __iter__(self) -> Iterator[Chart]:
        charts = (self.respondent_types, self.provinces, self.stances, self.per_day)
        return iter(chart for chart in charts if chart is not None)


def report_charts(*, overview: Overview) -> ReportCharts:
    """Every chart of Part I of the report, from its overview."""
    return ReportCharts(
        respondent_types=respondent_type_chart(counts=overview.by_respondent_type),
        provinces=province_chart(counts=overview.by_province),
        stances=stance_chart(
            chapters=overview.stance_by_chapter, articles=overview.stance_by_article
        ),
        per_day=per_day_chart(counts=overview.per_day),
    )


def top_with_other(counts: Sequence[Count], *, shown: int) -> tuple[Count, ...]:
    """The ``shown`` largest counts, and the others summed into one "Khác" (Other) bar."""
    ordered = sorted(counts, key=lambda count: -count.count)  # stable: ties keep their order
    if len(ordered) <= shown + 1:  # an "Other" bar of a single item would hide its name
        return tuple(ordered)
    rest = sum(count.count for count in ordered[shown:])
    return (*ordered[:shown], Count(key="other", label=_("Other"), count=rest))


def respondent_type_chart(*, counts: Sequence[Count]) -> Chart | None:
    """Comments by respondent type, as horizontal bars."""
    if not any(count.count for count in counts):
        return None
    return _bar_chart(_("Comments by respondent type"), _("Respondent type"), counts)


def province_chart(*, counts: Sequence[Count]) -> Chart | None:
    """Comments by province: the largest, then the rest together."""
    if not any(count.count for count in counts):
        return None
    shown = top_with_other(counts, shown=PROVINCES_SHOWN)
    return _bar_chart(_("Comments by province"), _("Province"), shown)


def _bar_chart(title: str, heading: str, counts: Sequence[Count]) -> Chart:
    """Horizontal bars, and a table of two columns: ``heading`` and the comments."""
    return Chart(
        title=title,
        alt=_alt(title, counts),
        svg=_bar_svg(counts),
        headers=(heading, _("Comments")),
        rows=tuple((count.label, count.count) for count in counts),
    )


def stance_chart_lists_every_article(
    *, chapters: Sequence[StanceRow], articles: Sequence[StanceRow]
) -> bool:
    """Whether the stance chart (and its table) is per article and has every article."""
    return not chapters and len(articles) <= ROWS_CHARTED


def stance_chart(*, chapters: Sequence[StanceRow], articles: Sequence[StanceRow]) -> Chart | None:
    """Stances per chapter as stacked bars; per article (the most commented) without chapters."""
    if chapters:
        rows, title = list(chapters), _("Stance per chapter")
    else:
        most = sorted(articles, key=lambda row: -row.stances.total)[:ROWS_CHARTED]
        # Back in document order, which the reader knows the articles by.
        order = {row.eid: index for index, row in enumerate(articles)}
        rows = sorted(most, key=lambda row: order[row.eid])
        title = (
            _("Stance per article")
            if stance_chart_lists_every_article(chapters=chapters, articles=articles)
            else _("Stance on the %(count)s most commented articles") % {"count": ROWS_CHARTED}
        )
    if not any(row.stances.total for row in rows):
        return None
    names = stance_names()
    table: tuple[tuple[str | int, ...], ...] = tuple(
        (row.label, *stance_values(row.stances), row.stances.total) for row in rows
    )
    described = "; ".join(
        f"{row.label}: "
        + ", ".join(
            f"{name} {value}"
            for name, value in zip(names, stance_values(row.stances), strict=True)
            if value
        )
        for row in rows
        if row.stances.total
    )
    return Chart(
        title=title,
        alt=f"{title}. {described}.",
        svg=_stacked_svg(rows, names),
        headers=(_("Provision"), *names, _("Total")),
        rows=table,
    )


def per_day_chart(*, counts: Sequence[Count]) -> Chart | None:
    """Comments per day of the consultation period, as columns."""
    if not any(count.count for count in counts):
        return None
    title = _("Comments per day")
    busiest = max(counts, key=lambda count: count.count)
    alt = _(
        "%(title)s, from %(first)s to %(last)s: %(total)s comments over %(days)s days, "
        "the most (%(most)s) on %(busiest)s."
    ) % {
        "title": title,
        "first": counts[0].label,
        "last": counts[-1].label,
        "total": sum(count.count for count in counts),
        "days": len(counts),
        "most": busiest.count,
        "busiest": busiest.label,
    }
    return Chart(
        title=title,
        alt=alt,
        svg=_columns_svg(counts),
    )


def stance_names() -> tuple[str, ...]:
    """The stance columns, in the order of ``StanceCounts``' fields."""
    from .choices import Stance

    return (
        str(Stance.AGREE.label),
        str(Stance.DISAGREE.label),
        str(Stance.AMEND.label),
        str(Stance.OTHER.label),
        _("No stance"),
    )


def stance_values(stances: StanceCounts) -> tuple[int, ...]:
    return (stances.agree, stances.disagree, stances.amend, stances.other, stances.none)


def _alt(title: str, counts: Sequence[Count]) -> str:
    return f"{title}: " + "; ".join(f"{count.label} {count.count}" for count in counts) + "."


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, LABEL_WIDTH, max_lines=2, placeholder=" …")) or "–"


@contextmanager
def _figure(*, height: float) -> Iterator[Figure]:
    """A figure drawn under the report's settings (see _LOCK)."""
    import matplotlib
    from matplotlib.figure import Figure

    with _LOCK, matplotlib.rc_context(_RC), warnings.catch_warnings():  # type: ignore[arg-type]
        # A label in a script neither font covers (emoji, Khmer ...) draws as a box in the
        # chart; the table beside it prints it in full, so the warning tells nobody anything.
        warnings.filterwarnings(
            "ignore", message="Glyph .* missing from font", category=UserWarning
        )
        yield Figure(figsize=(WIDTH_INCHES, height), layout="constrained")


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_NO_METADATA)
    return buffer.getvalue()


def _bar_svg(counts: Sequence[Count]) -> str:
    labels = [_wrap(count.label) for count in counts]
    values = [count.count for count in counts]
    with _figure(height=0.8 + 0.32 * len(counts)) as figure:
        axes = figure.add_subplot()
        positions = range(len(counts))
        bars = axes.barh(positions, values, color=BAR_COLOUR)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()  # the first (largest) on top, as in the table
        axes.bar_label(bars, padding=3)
        _integer_axis(axes, "x")
        return _svg(figure)


def _stacked_svg(rows: Sequence[StanceRow], names: Sequence[str]) -> str:
    labels = [_wrap(row.label) for row in rows]
    with _figure(height=1.3 + 0.36 * len(rows)) as figure:
        axes = figure.add_subplot()
        positions = range(len(rows))
        left = [0] * len(rows)
        for index, (name, colour) in enumerate(zip(names, STANCE_COLOURS, strict=True)):
            values = [stance_values(row.stances)[index] for row in rows]
            if not any(values):
                continue  # a stance nobody took would only crowd the legend
            axes.barh(positions, values, left=left, color=colour, label=name)
            left = [before + value for before, value in zip(left, values, strict=True)]
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()  # document order, top to bottom
        _integer_axis(axes, "x")
        figure.legend(loc="outside lower center", ncols=3, frameon=False)
        return _svg(figure)


def _columns_svg(counts: Sequence[Count]) -> str:
    values = [count.count for count in counts]
    step = max(1, -(-len(counts) // 12))  # about a dozen date labels, whatever the period
    with _figure(height=2.4) as figure:
        axes = figure.add_subplot()
        positions = range(len(counts))
        axes.bar(positions, values, color=BAR_COLOUR, width=0.8)
        ticks = list(positions)[::step]
        axes.set_xticks(ticks, [counts[tick].label for tick in ticks], rotation=45, ha="right")
        axes.set_xlim(-0.6, len(counts) - 0.4)
        _integer_axis(axes, "y")
        return _svg(figure)


def _integer_axis(axes: Axes, which: Literal["x", "y"]) -> None:
    """Counts are whole numbers: no 2.5 comments on the scale."""
    from matplotlib.ticker import MaxNLocator

    axis = axes.xaxis if which == "x" else axes.yaxis
    axis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis=which, color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)
