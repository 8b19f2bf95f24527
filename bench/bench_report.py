"""The synthesis report: 100,000 comments in under 30 s and 1 GB; the appendix's time per page.

**Data.** On PostgreSQL (a database of its own, made afresh by ``manage.py migrate``), a
draft of a 40-article law (``bench_parse_law.law_text``) gets ``SIZE`` top-level comments and
5 % as many replies: the texts, campaigns and statuses of ``bench_duplicates`` (53 % unique
texts, 38 % in copy-paste campaigns and form letters, short agreements; 86 % published, 9 %
pending, 5 % hidden), written with COPY, spread here over the provisions (articles weighted
1/rank, a third on the article, the rest on its clauses and points, 5 % on the whole draft),
respondent types (80 % individuals; businesses, organisations, experts, state bodies, press
agencies, half of whose comments are official critiques), the 34 provinces, channels (3 % on
paper, 2 % by official letter) and stances. Then, as drafters would: ``duplicates_regroup``
(the campaigns become groups), two targeted questions answered by 5 % of the comments, and
published dispositions (tiếp thu / giải trình) answering 70 % of each article's published
comments, two or three answers per article. A second draft, made the same way with
``APPENDIX_SIZE`` comments, is for the appendix.

**Measured.** Each run is a fresh process (``consult.settings.production``) that calls
``feedback.report_pdf.synthesis_report_pdf(version=...)``, the path of the background task and
of ``manage.py feedback_report``: reading, counting, summarising, charts, HTML, WeasyPrint PDF.
Its wall-clock seconds and its peak resident memory (``ru_maxrss``: Django, WeasyPrint and
everything the report held) are reported; ``RUNS`` runs, the median is the value.

**Appendix.** ``APPENDIX_SIZE`` is the most comments an appendix may list
(``services.reports.APPENDIX_MAX_COMMENTS``). The ratio falls as the appendix grows, since the
report's own pages (tables, charts) cost more than the appendix's: 1.75 at 800 comments (190
pages), 1.39 at 5,000, 1.32 at 10,000 (1,656 pages), in the git history of bench/RESULTS.md.
The report lays the appendix out in parts of ``report_pdf.APPENDIX_PART`` comments and joins
them; the plain document is one WeasyPrint document, as anyone would write it. The second
draft's report with its appendix (every published comment) against WeasyPrint rendering a plain
document of the same page count (A4, Liberation Serif, headings and paragraphs of Vietnamese
text from the same corpus, calibrated once before the clock to within 2 % of the report's
pages) in the same process, alternating which goes first, ``RUNS`` pairs. Value: the median
ratio of seconds per page (report ÷ plain). Recorded beside it: the report without its
appendix, once per pair, and the appendix's own pages' ratio.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from harness import Baseline, Context, Result, median  # noqa: E402

BUDGET_S = 3000.0
QUICK_BUDGET_S = 240.0

SIZE = 100_000
QUICK_SIZE = 5_000
APPENDIX_SIZE = 20_000
QUICK_APPENDIX_SIZE = 300
RUNS = 3
TARGET_S = 30.0
TARGET_MB = 1024.0
TARGET_PAGE_RATIO = 1.3
DATABASE = "consult_bench_report"
STOP_S = 15.0
SEED = 2026

RESPONDENTS = (
    ("individual", 80),
    ("business", 7),
    ("organisation", 5),
    ("expert", 3),
    ("state_body", 3),
    ("press", 2),
)
ORGANISATION_NAMES = {
    "business": "Công ty cổ phần Công nghệ {n}",
    "organisation": "Hội Tin học {n}",
    "state_body": "Ủy ban nhân dân phường {n}",
    "press": "Báo Điện tử {n}",
}


def _log(message: str) -> None:
    print(f"[report] {message}", file=sys.stderr, flush=True)


# The data (set-up process) --------------------------------------------------------------------


class Shape:
    """Where each comment goes and who sent it: seeded, independent of the texts."""

    def __init__(self, version: Any, seed: int) -> None:
        from feedback.choices import Province

        self.rng = random.Random(f"{seed}-shape")
        provisions = list(
            version.provisions.order_by("order").values("eid", "kind", "parent_id", "id")
        )
        by_id = {p["id"]: p for p in provisions}
        self.articles: list[tuple[str, list[str]]] = []  # (article eid, its parts' eids)
        parts: dict[str, list[str]] = {}
        for provision in provisions:
            if provision["kind"] == "article":
                self.articles.append((provision["eid"], []))
                parts[provision["eid"]] = self.articles[-1][1]
            elif provision["kind"] in {"clause", "point"}:
                parent = by_id.get(provision["parent_id"])
                while parent is not None and parent["kind"] != "article":
                    parent = by_id.get(parent["parent_id"])
                if parent is not None:
                    parts[parent["eid"]].append(provision["eid"])
        weights = [1 / rank for rank in range(1, len(self.articles) + 1)]
        self.article_weights = weights
        self.provinces = [value for value, _label in Province.choices]

    def __call__(self, number: int) -> dict[str, str]:
        rng = self.rng
        eid = ""
        if rng.random() >= 0.05:
            article, parts = rng.choices(self.articles, weights=self.article_weights)[0]
            eid = article if not parts or rng.random() < 1 / 3 else rng.choice(parts)
        kind_of = rng.choices(
            [kind for kind, _w in RESPONDENTS], weights=[w for _k, w in RESPONDENTS]
        )[0]
        province = rng.choice(self.provinces)
        if kind_of in ORGANISATION_NAMES:
            name = ORGANISATION_NAMES[kind_of].format(n=rng.randint(1, 400))
        else:
            name = f"Công dân {rng.randint(1, 10**6)}"
        roll = rng.random()
        return {
            "eid": eid,
            "kind": "critique" if kind_of == "press" and rng.random() < 0.5 else "comment",
            "channel": "paper" if roll < 0.03 else "letter" if roll < 0.05 else "online",
            "stance": rng.choice(("agree", "disagree", "amend", "other", "")),
            "author_name": name,
            "respondent_type": kind_of,
            "province": province,
        }


def _answers(draft: Any, shape: Shape) -> dict[str, int]:
    """Targeted questions answered by 5 % of the comments; published dispositions answering
    70 % of each article's published top-level comments, in two or three answers."""
    from django.db import connection
    from django.utils import timezone

    from drafts.models import TargetedQuestion
    from feedback.models import Disposition, Feedback, QuestionAnswer

    rng = random.Random(f"{SEED}-answers")
    questions = [
        TargetedQuestion.objects.create(page=draft, text=text, sort_order=number)
        for number, text in enumerate(
            (
                "Quy định về thời hạn giải quyết thủ tục trực tuyến có phù hợp không?",
                "Doanh nghiệp cần lộ trình bao lâu để áp dụng chữ ký số?",
            )
        )
    ]
    ids = list(
        Feedback.objects.filter(draft=draft, parent__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    QuestionAnswer.objects.bulk_create(
        QuestionAnswer(
            feedback_id=pk,
            question=question,
            question_text=question.text,
            text=rng.choice(
                (
                    "Phù hợp, nhưng cần hướng dẫn cụ thể cho người cao tuổi.",
                    "Chưa phù hợp, thời hạn quá ngắn đối với cấp xã.",
                    "Cần ít nhất hai năm để chuẩn bị hạ tầng và đào tạo.",
                    "Đề nghị áp dụng ngay từ năm sau, có hỗ trợ chi phí.",
                )
            ),
        )
        for pk in ids
        if rng.random() < 0.05
        for question in (rng.choice(questions),)
    )
    now = timezone.now()
    kinds = ("accepted", "partly_accepted", "explained", "not_accepted")
    answered = 0
    table = Feedback._meta.db_table
    for number, (article, parts) in enumerate(shape.articles):
        made = [
            Disposition.objects.create(
                draft=draft,
                kind=kinds[(number + k) % len(kinds)],
                answer=(
                    f"Ban soạn thảo {'tiếp thu' if k % 2 == 0 else 'giải trình'} ý kiến về "
                    f"điều này: nội dung sẽ được rà soát, chỉnh lý tại Dự thảo 2 (ý {k + 1})."
                ),
                created_at=now,
                updated_at=now,
                published_at=now,
            )
            for k in range(2 + number % 2)
        ]
        with connection.cursor() as cursor:
            for k, disposition in enumerate(made):
                cursor.execute(
                    f"UPDATE {table} SET disposition_id = %s WHERE draft_id = %s "  # noqa: S608
                    "AND eid = ANY(%s) AND parent_id IS NULL AND status = 'published' "
                    "AND id %% 10 < 7 AND id %% %s = %s",
                    [disposition.pk, draft.pk, [article, *parts], len(made), k],
                )
                answered += cursor.rowcount
    return {"questions": len(questions), "answered": answered}


def setup(config: dict[str, Any]) -> dict[str, Any]:
    import django

    django.setup()
    from bench_duplicates import Corpus, _draft, _insert
    from bench_parse_law import law_text
    from django.db import connection

    from feedback.duplicates import duplicates_regroup

    passages = [
        line.strip() for line in law_text(40).splitlines() if 80 <= len(line.strip()) <= 400
    ][:60]
    out: dict[str, Any] = {}
    for name, size in (("main", config["size"]), ("appendix", config["appendix_size"])):
        began = time.perf_counter()
        draft = _draft(40, slug=f"bench-report-{name}")
        version = draft.versions.get()
        _log(f"{name}: inserting {size:,} comments")
        shape = Shape(version, SEED)
        _ids, _truth, laps = _insert(draft, Corpus(size, passages), shape=shape)
        regroup = duplicates_regroup(draft=draft)
        answers = _answers(draft, shape)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        out[name] = {
            "draft": draft.pk,
            "version": version.pk,
            "size": size,
            "groups": regroup.groups,
            **answers,
            **laps,
            "setup_s": round(time.perf_counter() - began, 1),
        }
        _log(f"{name}: {out[name]}")
    return out


# The measuring processes ----------------------------------------------------------------------


def _pages(pdf: bytes) -> int:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(
            ["pdfinfo", handle.name], capture_output=True, text=True, check=True
        ).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def report(config: dict[str, Any]) -> dict[str, Any]:
    """One report run in this fresh process: seconds and peak memory."""
    import django

    django.setup()
    from drafts.models import DraftVersion
    from feedback.report_pdf import synthesis_report_pdf

    version = DraftVersion.objects.get(pk=config["version"])
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    pdf = synthesis_report_pdf(version=version, appendix=bool(config.get("appendix")))
    seconds = time.perf_counter() - began
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": round(seconds, 3),
        "peak_mb": round(peak_kb / 1024, 1),
        "start_mb": round(rss_before / 1024, 1),
        "bytes": len(pdf),
        "pages": _pages(pdf),
    }


def _plain_html(paragraphs: int, texts: list[str]) -> str:
    from django.utils.html import escape

    blocks = []
    for number in range(paragraphs):
        if number % 12 == 0:
            blocks.append(f"<h2>Mục {number // 12 + 1}</h2>")
        blocks.append(f"<p>{escape(texts[number % len(texts)])}</p>")
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Văn bản</title>'
        "<style>@page { size: A4; margin: 20mm 20mm 20mm 30mm; "
        "@bottom-center { content: counter(page); } } "
        'body { font-family: "Liberation Serif", serif; font-size: 13pt; line-height: 1.4; } '
        "p { text-align: justify; }</style></head><body>" + "".join(blocks) + "</body></html>"
    )


def appendix(config: dict[str, Any]) -> dict[str, Any]:
    """Pairs of (report with appendix, plain document of the same page count)."""
    import django

    django.setup()
    from weasyprint import HTML

    from drafts.models import DraftVersion
    from feedback.models import Feedback
    from feedback.report_pdf import synthesis_report_pdf

    version = DraftVersion.objects.get(pk=config["version"])
    texts = list(
        Feedback.objects.filter(version=version, status="published")
        .order_by("pk")
        .values_list("body", flat=True)[:500]
    )

    def plain(paragraphs: int) -> tuple[float, int]:
        began = time.perf_counter()
        pdf = HTML(string=_plain_html(paragraphs, texts)).write_pdf(pdf_variant="pdf/ua-1")
        return time.perf_counter() - began, _pages(pdf)

    def ours(appendix: bool = True) -> tuple[float, int]:
        began = time.perf_counter()
        pdf = synthesis_report_pdf(version=version, appendix=appendix)
        return time.perf_counter() - began, _pages(pdf)

    _seconds, pages = ours()  # warm-up, and the page count to match
    paragraphs = pages * 4
    for _ in range(6):  # calibrate the plain document (not timed)
        _s, got = plain(paragraphs)
        if abs(got - pages) <= max(1, pages // 50):
            break
        paragraphs = max(1, round(paragraphs * pages / got))
    pairs = []
    for number in range(config["runs"]):
        if number % 2 == 0:  # alternating which goes first
            report_run = ours()
            plain_run = plain(paragraphs)
        else:
            plain_run = plain(paragraphs)
            report_run = ours()
        # For the record, not the figure: what the appendix's own pages cost (the report with
        # it less the report without it), against the same plain pages.
        without = ours(appendix=False)
        appendix_pages = report_run[1] - without[1]
        pairs.append(
            {
                "without_s": round(without[0], 3),
                "without_pages": without[1],
                "appendix_only_ratio": round(
                    ((report_run[0] - without[0]) / appendix_pages) / (plain_run[0] / plain_run[1]),
                    4,
                )
                if appendix_pages > 0
                else None,
                "report_s": round(report_run[0], 3),
                "report_pages": report_run[1],
                "plain_s": round(plain_run[0], 3),
                "plain_pages": plain_run[1],
                "ratio": round((report_run[0] / report_run[1]) / (plain_run[0] / plain_run[1]), 4),
            }
        )
        _log(f"appendix pair {number + 1}: {pairs[-1]}")
    return {"pairs": pairs, "paragraphs": paragraphs}


# The benchmark --------------------------------------------------------------------------------


def run(ctx: Context) -> list[Result]:
    from portal import services_for
    from search_runner import migrate, run_json, workload_env

    size = QUICK_SIZE if ctx.quick else SIZE
    config = {
        "size": size,
        "appendix_size": QUICK_APPENDIX_SIZE if ctx.quick else APPENDIX_SIZE,
        "runs": RUNS,
    }
    script = str(Path(__file__).relative_to(ctx.root))

    def process(label: str, step: str, arguments: dict[str, Any], env: dict[str, str]) -> Any:
        return run_json(ctx, label, [script, step, json.dumps(arguments)], env, reserve_s=STOP_S)

    with services_for(ctx, DATABASE) as services:
        env = workload_env(DATABASE_URL=services.database_url)
        migrate(ctx, env, "migrate", reserve_s=STOP_S + 60)
        data = process("set-up", "setup", config, env)
        runs = [
            process(f"report {n + 1}", "report", {"version": data["main"]["version"]}, env)
            for n in range(RUNS)
        ]
        pages = process(
            "appendix", "appendix", {"version": data["appendix"]["version"], "runs": RUNS}, env
        )
    seconds = [run["seconds"] for run in runs]
    memory = [run["peak_mb"] for run in runs]
    ratios = [pair["ratio"] for pair in pages["pairs"]]
    details = {"data": data, "runs": runs, "quick": ctx.quick}
    note = (
        f"{size:,} comments{' (quick)' if ctx.quick else ''}, {runs[0]['pages']} pages without "
        f"appendix: {', '.join(f'{s:.1f}' for s in seconds)} s, peak "
        f"{', '.join(f'{m:.0f}' for m in memory)} MB."
    )
    return [
        Result(
            name="report_seconds",
            value=median(seconds),
            unit="s",
            target=TARGET_S,
            better="lower",
            samples=seconds,
            details=details,
            method=__doc__ or "",
            note=note,
        ),
        Result(
            name="report_peak_memory_mb",
            value=median(memory),
            unit="MB",
            target=TARGET_MB,
            better="lower",
            baseline=Baseline(
                "the process before the report (Django loaded)",
                median([r["start_mb"] for r in runs]),
                "MB",
            ),
            samples=memory,
            details=details,
            method="Peak resident memory (`ru_maxrss`) of the processes of `report_seconds`.",
            note=note,
        ),
        Result(
            name="report_appendix_page_ratio",
            value=median(ratios),
            unit="",
            target=TARGET_PAGE_RATIO,
            better="lower",
            samples=ratios,
            details={
                "pairs": pages["pairs"],
                "paragraphs": pages["paragraphs"],
                "data": data["appendix"],
            },
            method="See `report_seconds` (Appendix).",
            note=(
                f"{data['appendix']['size']:,} comments, {pages['pairs'][0]['report_pages']} "
                f"pages with the appendix: seconds per page report ÷ plain "
                f"{', '.join(f'{r:.2f}' for r in ratios)}. The appendix's own pages (the "
                f"report with it less the report without it, which has "
                f"{pages['pairs'][0]['without_pages']} pages): "
                f"{', '.join(str(p['appendix_only_ratio']) for p in pages['pairs'])}."
            ),
        ),
    ]


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consult.settings.production")
    sys.path.insert(0, str(BENCH_DIR.parent))
    step, arguments = sys.argv[1], json.loads(sys.argv[2])
    steps = {"setup": setup, "report": report, "appendix": appendix}
    print(json.dumps(steps[step](arguments), default=str))
