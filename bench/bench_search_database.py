"""Faceted feedback search with the database engine, 100,000 comments, on PostgreSQL and SQLite.

For each database in turn (PostgreSQL first: a database of its own on the local server made
afresh by ``portal.services_for``; then SQLite in a temporary file), ``manage.py migrate``
makes the schema and the measuring process (``bench/search_workload.py``, production settings)
loads the corpus of ``bench/feedback_corpus.py`` into ``search.engines.database.DatabaseEngine``
with ``rebuild``, checks its answers, and times ``engine.search()`` on the query mix. Values:
the p95 latency of the faceted queries on each database, against the p95 of the same queries
without their text and facets.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from feedback_corpus import DRAFTER_FACETS, GENERATOR_VERSION, PUBLIC_FACETS, QUERY_KINDS
from harness import Baseline, Context, Result
from portal import services_for
from search_runner import (
    by_kind,
    latencies,
    migrate,
    run_workload,
    totals_summary,
    workload_env,
)

BUDGET_S = 1500.0
QUICK_BUDGET_S = 420.0  # two migrates take 60-80 s of it on a busy machine

SIZE = 100_000
QUICK_SIZE = 10_000
TARGET_MS = 300.0
DATABASE = "consult_bench_search"
STOP_S = 10.0  # dropping the PostgreSQL database, removing the SQLite file, with a margin

_KINDS = ", ".join(f"{kind} ×{weight}" for kind, weight in QUERY_KINDS)

METHOD = f"""\
**Data.** {SIZE:,} feedback documents from `bench/feedback_corpus.py` (generator version
{GENERATOR_VERSION}, seeded: the same documents on every run and machine), shaped by the
registered "feedback" index (`feedback/documents.py`; the run fails if the corpus and the
mapping disagree): 8 drafts of the structure of Luật Công nghệ thông tin 67/2006/QH11 (one
draft gets about half the comments, articles weighted 1/rank, a third of an article's comments
on the article and the rest on its clauses and points, 5 % on the whole draft; `provision`
holds the eid and its ancestors), 20 % of the comments in 40 form-letter campaigns
(near-identical texts, a `duplicate_group` each), stances, respondent types, the 34 provinces
weighted by population, statuses, dispositions, 60 days of dates, Pareto-like supports,
Vietnamese bodies of 1-5 sentences (critiques longer) composed over the provision's heading,
quotes of the real provision text, suggested wording, 6 % typed without diacritics. The
documents go straight into the engine with `DatabaseEngine.rebuild()`: no Feedback rows are
made (building 100,000 comments through the ORM would take far longer than what is measured,
and the engine only ever reads its own tables), then `ANALYZE`.

**Set-up.** PostgreSQL: a database of its own on the local server (dropped and made again on
every run), SQLite: a new file in a temporary directory; each made by `manage.py migrate`. The
measuring process runs `consult.settings.production` (DEBUG off, so Django does not record
every SQL statement; the connection kept between queries as in a web process), no Redis, no
Elasticsearch.

**Checks (the run fails on any wrong answer).** Before timing: a query over everything must
count all documents and give, for each single-valued keyword field, exactly the corpus's
counts; an article filter must count its comments and its clauses' and points'; 8 searches for
planted words found nowhere else ("Quỳnh Lưu", with and without diacritics, as a phrase, with
an excluded word, in the public and two drafters' scopes) must return exactly the planted
documents (the exact spelling's rank beside the unaccented one's is in details). On every
timed answer: the page holds min(per page, total − offset) hits; each facet's counts are
positive and descending; a complete facet of a single-valued field not filtered on sums to the
total, and one filtered on counts the total for its chosen values (facets exclude their own
filter); hits belong to the filtered draft, are published in the public scope, and are in the
requested order.

**Queries.** A seeded mix ({_KINDS}): drafters search their own draft (drafts drawn by
their share of comments) within their scope (published, or any status in their body's drafts)
with 8 facets ({", ".join(DRAFTER_FACETS)}), the public the published comments with 6
({", ".join(PUBLIC_FACETS)}); Vietnamese text with and without diacritics, phrases, prefixes,
exclusions; an article filter (its clauses and points too) with stances; provinces and
respondent types; the last week's dates; a duplicate group; page 3; sorts by relevance, newest
and supports. 20 per page, highlights on. A warm-up pass of another sample of the mix
(at most a sixth of the time left for queries), then rounds of 80 queries (40 in
`--quick`); after each query, in turn, the trivial query and the query's baseline
(A B C A B C ...). Latency: Python's wall clock around `engine.search()` in the measuring
process. Rounds stop early rather than overrun the time budget (a round cut
short by it is kept only if it is the first or holds 20 queries; the rounds run are in
`samples`). Value: the median over rounds of each round's nearest-rank p95; overall
p50/p95/p99, p95 by kind of query and the engine's own `took_ms` are in details.

**Baseline.** The same query stripped of its text and facets (same filters, scope, dates,
sort, page; relevance becomes newest): what filtering and paging cost on this database, so
`ratio` is what full text, ranking, highlights and 6-8 facet counts add. The trivial query
(no filters, 20 newest) is in details as the engine's floor."""


def _result(name: str, label: str, out: dict[str, Any], size: int, quick: bool) -> Result:
    queries = out["queries"]
    value = latencies(queries, "query_ms")
    stripped = latencies(queries, "stripped_ms")
    floor = latencies(queries, "baseline_ms")
    took = latencies(queries, "took_ms")
    index = out["index"]
    return Result(
        name=name,
        value=value["median_round_p95"],
        unit="ms",
        target=TARGET_MS,
        better="lower",
        baseline=Baseline(
            name="the same query without text and facets, p95",
            value=stripped["median_round_p95"],
            unit="ms",
        ),
        samples=value["round_p95"],
        details={
            "documents": size,
            "quick": quick,
            "database": index,
            "query_ms": value,
            "stripped_ms": stripped,
            "trivial_query_ms": floor,
            "engine_took_ms": took,
            "by_kind": by_kind(queries),
            "totals": totals_summary(queries),
            "checks": out["checks"],
            "warmup_queries": queries["warmup"],
            "settings_module": out.get("settings_module"),
            "workload_s": out.get("seconds"),
        },
        method=METHOD,
        note=(
            f"{label} {index.get('server_version')}, {size:,} documents"
            f"{' (quick)' if quick else ''}: p50 {value['all']['p50']:.0f} ms, p95 "
            f"{value['all']['p95']:.0f} ms, p99 {value['all']['p99']:.0f} ms over "
            f"{value['count']} queries; without text and facets p95 {stripped['all']['p95']:.0f}"
            f" ms; trivial query p95 {floor['all']['p95']:.1f} ms; indexed at "
            f"{index['docs_per_s']:,.0f} docs/s ({index['build_seconds']:.0f} s)."
        ),
    )


def run(ctx: Context) -> list[Result]:
    size = QUICK_SIZE if ctx.quick else SIZE
    config = {
        "mode": "database",
        "size": size,
        "warmup": 20 if ctx.quick else 60,
        "rounds": 3 if ctx.quick else 6,
        "per_round": 40 if ctx.quick else 80,
    }
    # PostgreSQL may use half of the budget left, SQLite the rest.
    postgres_until = ctx.elapsed() + (ctx.remaining() - STOP_S) / 2
    with services_for(ctx, DATABASE) as services:
        env = workload_env(DATABASE_URL=services.database_url)
        reserve = ctx.budget_s - postgres_until
        migrate(ctx, env, "migrate (PostgreSQL)", reserve_s=reserve + 60)
        postgres = run_workload(ctx, "search (PostgreSQL)", config, env, reserve_s=reserve)
        postgres["index"]["server"] = services.server
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-search-"))
    try:
        env = workload_env(DATABASE_URL=f"sqlite:///{workdir / 'search.sqlite3'}")
        migrate(ctx, env, "migrate (SQLite)", reserve_s=STOP_S + 30)
        sqlite = run_workload(ctx, "search (SQLite)", config, env, reserve_s=STOP_S)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return [
        _result("search_pg_faceted_p95_ms", "PostgreSQL", postgres, size, ctx.quick),
        _result("search_sqlite_faceted_p95_ms", "SQLite", sqlite, size, ctx.quick),
    ]
