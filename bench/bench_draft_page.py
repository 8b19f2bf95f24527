"""Latency of the public page of a 300-article draft with a warm cache, served as in production.

The demo portal (``portal.demo_site``) is served by gunicorn with one sync worker. A draft of
300 articles (``bench_parse_law.law_text``) is created and published in the site's database by
the drafts services, then one client requests its page sequentially, interleaved with the home
page (the baseline): the value is the p95 latency of the draft page, the baseline the p95 of the
home page by the same method.
"""

from __future__ import annotations

import json
from typing import Any

from bench_parse_law import law_text
from harness import Baseline, BenchmarkError, Context, Result
from loadgen import latency_summary, ok_200_containing, percentile
from portal import DemoSite, demo_site, run_in_site, timed_get

BUDGET_S = 150.0
QUICK_BUDGET_S = 60.0

ARTICLES = 300
SLUG = "bench-300"
# Given, not left to the parser's reading of the header: a blank title fails page validation.
TITLE = f"Luật Chuyển đổi số ({ARTICLES} điều, dự thảo cho đo hiệu năng)"
PAGE = f"/lay-y-kien-du-thao/{SLUG}/"
HOME = "/"
LAST_ARTICLE = f'id="art_{ARTICLES}"'
ARTICLE_MARK = b'class="provision provision--article"'
# consult/demo.py PORTAL_NAME: the home page shows it; an error page does not.
PORTAL_NAME = "Cổng lấy ý kiến dự thảo văn bản"

WORKERS = 1
TARGET_MS = 150.0
STOP_S = 4.0
TIMEOUT_S = 10.0

# Run in the project against the site's database (development settings, as seed_demo is run),
# while gunicorn serves it: creates and publishes the draft, then counts the SQL queries of its
# page in-process, cold and warm (a cache of this process's own, not the gunicorn worker's).
CREATE_DRAFT = r"""
import json, re, sys, time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import django

django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from drafts.importers.text import parse_text
from drafts.models import DocumentType, DraftIndexPage, DraftingBody
from drafts.services import draft_create

path, slug, title = sys.argv[1:4]
text = Path(path).read_text(encoding="utf-8")
started = time.perf_counter()
parsed = parse_text(text)
parsed_at = time.perf_counter()
now = timezone.now()
document_type = DocumentType.objects.filter(code="luat").first() or DocumentType.objects.first()
draft = draft_create(
    index=DraftIndexPage.objects.first(),
    parsed=parsed,
    document_type=document_type,
    drafting_body=DraftingBody.objects.first(),
    opens_at=now - timedelta(days=1),
    closes_at=now + timedelta(days=40),
    title=title,
    slug=slug,
)
created_at = time.perf_counter()
draft.save_revision().publish()
published_at = time.perf_counter()
draft.refresh_from_db()


def shape(sql):  # the query without its column list and literals, to spot repeated ones
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, flags=re.S)
    return re.sub(r"\b\d+\b", "?", re.sub(r"'(?:[^']|'')*'", "?", sql))[:240]


client = Client(HTTP_HOST="127.0.0.1")
requests = {}
for label, url in (("draft_cold", draft.url), ("draft_warm", draft.url), ("home_cold", "/"),
                   ("home_warm", "/")):
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - began
    shapes = Counter(shape(query["sql"]) for query in captured.captured_queries)
    requests[label] = {
        "status": response.status_code,
        "queries": len(captured.captured_queries),
        "ms": round(elapsed * 1000, 2),
        "repeated": [[count, sql] for sql, count in shapes.most_common(5) if count > 1],
        "shapes": list(shapes) if label == "draft_warm" else [],
    }
print(json.dumps({
    "url": draft.url,
    "articles": sum(1 for p in parsed.walk() if p.kind == "article"),
    "provisions": sum(1 for _ in parsed.walk()),
    "warnings": len(parsed.warnings),
    "live": draft.live,
    "parse_s": round(parsed_at - started, 3),
    "draft_create_s": round(created_at - parsed_at, 3),
    "publish_s": round(published_at - created_at, 3),
    "in_process": requests,
}))
"""

METHOD = f"""\
The demo portal (`migrate` + `seed_demo` on a fresh SQLite database, `--quick` copies the
database an earlier run made from the same code; `collectstatic` with the production manifest
storage) is served by gunicorn, `consult.settings.production`, **{WORKERS} sync worker** (the
production settings use a LocMemCache when REDIS_URL is not set, one per worker: with one worker
"warm" means warm for every request, and one sequential client needs no more), on 127.0.0.1.
A {ARTICLES}-article law (`law_text({ARTICLES})` of `bench/bench_parse_law.py`: 20 chapters,
sections, 2-6 clauses per article, points) is parsed with `parse_text` and saved, in the site's
database, by `drafts.services.draft_create` (first draft index, the "Luật" document type, first
drafting body, open since a day, closing in 40 days, slug `{SLUG}`, a fixed title), then
`save_revision().publish()`. One client, sequential, a new connection per request (as a
browser without keep-alive; gunicorn's sync workers close each one anyway), no
Accept-Encoding: first one cold request to `{PAGE}` (the worker's first request for it since
start, its fragment cache empty) and one to `/`, then warm-up requests, then the measured ones,
alternating draft and home (A B A B ...). Every draft answer must be 200 and contain
`{LAST_ARTICLE}` (the cold one must hold all {ARTICLES} articles), every home answer 200 with the
portal name, or the run fails. Latency: from opening the connection to the last byte read.
Value: nearest-rank p95 over the measured draft requests (`samples` holds each request's ms,
so results.json's `median` is the median latency).

Baseline: the p95 of the home page `/` by the same method, interleaved, so `ratio` = draft p95 /
home p95 is what a {ARTICLES}-article draft costs over a simple page of the same site. In
details: the cold latencies, and the SQL queries of the draft page counted in-process with
`CaptureQueriesContext` (development settings, the set-up process's own cache: cold, then
warm)."""


def _create_draft(ctx: Context, site: DemoSite, reserve_s: float) -> dict[str, Any]:
    text = law_text(ARTICLES)
    source = site.workdir / f"{SLUG}.txt"
    source.write_text(text, encoding="utf-8")
    out = run_in_site(
        ctx, site, "create_draft", CREATE_DRAFT, str(source), SLUG, TITLE, reserve_s=reserve_s
    )
    try:
        info: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise BenchmarkError(f"create_draft printed no result: {out[-500:]!r}") from None
    if info["articles"] != ARTICLES or info["url"] != PAGE or not info["live"]:
        raise BenchmarkError(
            f"the draft is not as expected: {info['articles']} articles, url {info['url']}, "
            f"live {info['live']}"
        )
    if info["in_process"]["draft_warm"]["status"] != 200:
        raise BenchmarkError(f"in-process draft page: {info['in_process']['draft_warm']}")
    info["source_bytes"] = len(text.encode())
    return info


def run(ctx: Context) -> list[Result]:
    warmup, count = (10, 60) if ctx.quick else (20, 200)
    block = 20  # requests per path between two checks of the budget
    draft_check = ok_200_containing(LAST_ARTICLE)
    home_check = ok_200_containing(PORTAL_NAME)
    # Kept back while setting up: creating the draft, a block of each path, stopping gunicorn.
    reserve = 25.0 + STOP_S
    with demo_site(ctx, workers=WORKERS, reserve_s=reserve) as site:
        info = _create_draft(ctx, site, reserve_s=10.0 + STOP_S)
        ctx.log(
            f"draft: {info['provisions']} provisions, created in {info['draft_create_s']} s, "
            f"{info['in_process']['draft_warm']['queries']} queries warm in-process"
        )
        cold_draft_ms, body = timed_get(site, PAGE, draft_check)
        articles_shown = body.count(ARTICLE_MARK)
        if articles_shown != ARTICLES:
            raise BenchmarkError(f"the draft page shows {articles_shown} articles, not {ARTICLES}")
        page_bytes = len(body)
        cold_home_ms, _ = timed_get(site, HOME, home_check)
        second_draft_ms, _ = timed_get(site, PAGE, draft_check)
        ctx.log(
            f"cold: draft {cold_draft_ms:.0f} ms ({page_bytes / 1024:.0f} kB), home "
            f"{cold_home_ms:.0f} ms; second draft request {second_draft_ms:.0f} ms"
        )
        for _ in range(warmup):
            timed_get(site, PAGE, draft_check)
            timed_get(site, HOME, home_check)

        draft_ms: list[float] = []
        home_ms: list[float] = []
        while len(draft_ms) < count:
            if draft_ms:
                per_pair = (sum(draft_ms) + sum(home_ms)) / len(draft_ms) / 1000
                ctx.require(block * per_pair + STOP_S, "the next block of requests")
            for _ in range(min(block, count - len(draft_ms))):
                draft_ms.append(timed_get(site, PAGE, draft_check)[0])
                home_ms.append(timed_get(site, HOME, home_check)[0])
            ctx.log(
                f"{len(draft_ms)}/{count}: draft p95 {percentile(draft_ms, 0.95):.1f} ms, "
                f"home p95 {percentile(home_ms, 0.95):.1f} ms"
            )
        stack = site.stack

    draft_p95 = percentile(draft_ms, 0.95)
    home_p95 = percentile(home_ms, 0.95)
    in_process = info["in_process"]
    queries = {label: data["queries"] for label, data in in_process.items()}
    blocks = [
        {
            "draft_p95": round(percentile(draft_ms[i : i + block], 0.95), 2),
            "home_p95": round(percentile(home_ms[i : i + block], 0.95), 2),
        }
        for i in range(0, len(draft_ms), block)
    ]
    return [
        Result(
            name="draft_page_p95_ms",
            value=round(draft_p95, 2),
            unit="ms",
            target=TARGET_MS,
            better="lower",
            baseline=Baseline(
                name="home page / p95, same method", value=round(home_p95, 2), unit="ms"
            ),
            samples=[round(x, 2) for x in draft_ms],
            details={
                "page": PAGE,
                "articles": ARTICLES,
                "provisions": info["provisions"],
                "source_bytes": info["source_bytes"],
                "page_bytes": page_bytes,
                "requests": len(draft_ms),
                "warmup_requests": warmup,
                "gunicorn_workers": WORKERS,
                "draft_latency_ms": latency_summary(draft_ms),
                "home_latency_ms": latency_summary(home_ms),
                "cold_ms": {
                    "draft_first": round(cold_draft_ms, 2),
                    "draft_second": round(second_draft_ms, 2),
                    "home_first": round(cold_home_ms, 2),
                },
                "blocks": blocks,
                "setup_s": {key: info[key] for key in ("parse_s", "draft_create_s", "publish_s")},
                "sql_queries": queries,
                "in_process": in_process,
                "draft_warm_query_shapes": in_process["draft_warm"].pop("shapes"),
                "stack": stack,
            },
            method=METHOD,
            note=(
                f"draft p50 {percentile(draft_ms, 0.5):.1f} ms, p95 {draft_p95:.1f} ms; home p50 "
                f"{percentile(home_ms, 0.5):.1f} ms, p95 {home_p95:.1f} ms "
                f"({len(draft_ms)} requests each); cold: draft {cold_draft_ms:.0f} ms, home "
                f"{cold_home_ms:.0f} ms; page {page_bytes / 1024:.0f} kB; SQL queries "
                f"(in-process) draft cold {queries['draft_cold']}, warm {queries['draft_warm']}, "
                f"home {queries['home_warm']}."
            ),
        )
    ]
