"""Latency of a 300-article draft's page carrying 50,000 published comments, on PostgreSQL.

The demo portal (``portal.demo_site``) is served by gunicorn with the production settings on a
PostgreSQL database of its own (``portal.services_for``: made afresh on every run) and the Redis
cache, which its two sync workers share. A draft of 300 articles (``bench_parse_law.law_text``)
is created and published, then 50,000 published comments on it (top-level comments spread over
its provisions, replies two and three levels deep, supports) are inserted with ``bulk_create``
in a set-up process. One client then requests, sequentially and interleaved, the draft's page,
the comment list of its most commented provision and the home page (the baseline): the value is
the p95 latency of the draft page with its per-provision comment counts, a second figure the p95
of the comment list, each against the home page's p95 by the same method.
"""

from __future__ import annotations

import json
from typing import Any

from bench_parse_law import law_text
from harness import Baseline, BenchmarkError, Context, Result
from loadgen import Check, latency_summary, ok_200_containing, percentile
from portal import DemoSite, demo_site, run_in_site, services_for, timed_get

BUDGET_S = 260.0
QUICK_BUDGET_S = 170.0

ARTICLES = 300
COMMENTS = 50_000  # published: top-level comments and replies together
REPLY_SHARE = 0.2  # of COMMENTS, a fifth of them three levels deep
AUTHORS = 400  # respondent accounts the comments are spread over
SEED = 11
SLUG = "bench-feedback-300"
TITLE = f"Luật Chuyển đổi số ({ARTICLES} điều, {COMMENTS:,} ý kiến, dự thảo cho đo hiệu năng)"
PAGE = f"/lay-y-kien-du-thao/{SLUG}/"
HOME = "/"
DATABASE = "consult_bench_feedback_page"
LAST_ARTICLE = f'id="art_{ARTICLES}"'
ARTICLE_MARK = b'class="provision provision--article"'
# consult/demo.py PORTAL_NAME: the home page shows it; an error page does not.
PORTAL_NAME = "Cổng lấy ý kiến dự thảo văn bản"

WORKERS = 2
TARGET_MS = 150.0
# No target of its own was set for the comment list: a public page's, the draft page's.
LIST_TARGET_MS = 150.0
STOP_S = 6.0  # stopping gunicorn, dropping the database, with a margin
TIMEOUT_S = 10.0

# Run in the project against the site's database (development settings, as seed_demo is run),
# while gunicorn serves it: creates and publishes the draft, inserts the comments, then counts
# the SQL queries of the pages in-process, cold and warm. REDIS_URL is emptied before Django
# starts: this process caches in its own memory, so the server's shared cache stays cold.
SEED_COMMENTS = r"""
import cProfile, json, os, pstats, random, re, sys, time
from collections import Counter
from datetime import timedelta
from pathlib import Path

os.environ["REDIS_URL"] = ""
import django

django.setup()
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from drafts.importers.text import parse_text
from drafts.models import DocumentType, DraftIndexPage, DraftingBody, Provision
from drafts.services import draft_create
from feedback.choices import FeedbackStatus, Province, RespondentType, Stance
from feedback.models import Consent, Feedback, RespondentProfile, Support

path, slug, title, total, reply_share, authors, seed = sys.argv[1:8]
total, reply_share, authors, seed = int(total), float(reply_share), int(authors), int(seed)
rng = random.Random(seed)
timings = {}
began = time.perf_counter()


def lap(label):
    global began
    now = time.perf_counter()
    timings[label] = round(now - began, 3)
    began = now


text = Path(path).read_text(encoding="utf-8")
parsed = parse_text(text)
now = timezone.now()
document_type = DocumentType.objects.filter(code="luat").first() or DocumentType.objects.first()
draft = draft_create(
    index=DraftIndexPage.objects.first(),
    parsed=parsed,
    document_type=document_type,
    drafting_body=DraftingBody.objects.first(),
    opens_at=now - timedelta(days=25),
    closes_at=now + timedelta(days=35),
    title=title,
    slug=slug,
)
draft.save_revision().publish()
draft.refresh_from_db()
version = draft.versions.order_by("number").last()
lap("draft_s")

# Respondents: verified e-mail, profile, consent (tests/feedback/conftest.py respondent_create).
User = get_user_model()
password = "!" + "bench-no-password"  # an unusable password: nobody signs in as these
users = User.objects.bulk_create(
    User(username=f"nguoi.gop.y{i}@example.com", email=f"nguoi.gop.y{i}@example.com",
         first_name="Lan", last_name="Nguyễn Thị", password=password)
    for i in range(authors)
)
EmailAddress.objects.bulk_create(
    EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
)
provinces = [p for p in Province.values if p != Province.ABROAD]
types = [t for t in RespondentType.values]
family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
given = ["Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Ngọc Lan", "Hải Nam"]
profiles = RespondentProfile.objects.bulk_create(
    RespondentProfile(
        user=u,
        full_name=f"{rng.choice(family)} {rng.choice(given)}",
        respondent_type=rng.choices(types, weights=[80, 5, 6, 2, 5, 2])[0],
        organisation="",
        province=rng.choice(provinces),
    )
    for u in users
)
Consent.objects.bulk_create(
    Consent(user=u, version=settings.FEEDBACK_CONSENT_VERSION) for u in users
)
lap("respondents_s")

# The comments. Provisions are ranked at random and drawn with Zipf-like weights, so a few
# carry hundreds of comments and most a handful; 5 % are on the whole draft.
provisions = list(Provision.objects.filter(version=version).only("pk", "eid"))
rng.shuffle(provisions)
weights = [1 / (rank + 1) ** 0.9 for rank in range(len(provisions))]
sentences = [
    "Đề nghị làm rõ phạm vi áp dụng của quy định này đối với hộ kinh doanh cá thể.",
    "Quy định còn chung chung, cần hướng dẫn cụ thể để địa phương thực hiện thống nhất.",
    "Tôi tán thành nội dung này vì phù hợp với thực tiễn chuyển đổi số hiện nay.",
    "Cần bổ sung trách nhiệm của cơ quan quản lý khi dữ liệu cá nhân bị lộ lọt.",
    "Thời hạn thực hiện quá ngắn, đề nghị kéo dài để doanh nghiệp nhỏ kịp chuẩn bị.",
    "Nên thống nhất thuật ngữ với Luật Giao dịch điện tử năm 2023.",
    "Đề nghị quy định rõ chi phí do ai chi trả khi người dân sử dụng dịch vụ công trực tuyến.",
    "Cần có cơ chế hỗ trợ người cao tuổi và người khuyết tật tiếp cận dịch vụ số.",
    "Khoản này chồng chéo với quy định tại nghị định hiện hành, đề nghị rà soát lại.",
    "Đề nghị bỏ yêu cầu nộp bản giấy khi hồ sơ đã được nộp trên môi trường điện tử.",
]
stances = Stance.values
span_s = 24 * 24 * 3600  # comments arrived over 24 days


def body():
    return " ".join(rng.sample(sentences, rng.randint(1, 4)))


def identity(i):
    profile = profiles[i]
    return dict(author=users[i], author_name=profile.full_name,
                respondent_type=profile.respondent_type, province=profile.province)


replies = int(total * reply_share)
roots_n = total - replies
level3 = replies // 5
level2 = replies - level3
root_provisions = [
    None if rng.random() < 0.05 else p for p in rng.choices(provisions, weights, k=roots_n)
]
# Replies go to the livelier threads: parents drawn with weights of their own.
root_pull = [rng.paretovariate(1.2) for _ in range(roots_n)]
parents2 = rng.choices(range(roots_n), root_pull, k=level2)
parents3 = [rng.randrange(level2) for _ in range(level3)]
reply_counts2 = Counter(parents2)
reply_counts3 = Counter(parents3)
supports = [min(int(rng.paretovariate(1.6)) - 1, 60) for _ in range(roots_n)]
start = now - timedelta(seconds=span_s)
roots = []
for i, provision in enumerate(root_provisions):
    at = start + timedelta(seconds=rng.uniform(0, span_s - 3600))
    roots.append(Feedback(
        draft=draft, version=version, provision=provision, eid=provision.eid if provision else "",
        depth=1, stance=rng.choice(stances), body=body(), status=FeedbackStatus.PUBLISHED,
        created_at=at, published_at=at, support_count=supports[i],
        reply_count=reply_counts2.get(i, 0), **identity(rng.randrange(authors)),
    ))
Feedback.objects.bulk_create(roots, batch_size=2000)


def reply(parent, thread, count):
    at = parent.created_at + timedelta(seconds=rng.uniform(60, 3000))
    return Feedback(
        draft=draft, version=version, provision_id=parent.provision_id, eid=parent.eid,
        parent=parent, thread=thread, depth=parent.depth + 1, body=body(),
        status=FeedbackStatus.PUBLISHED, created_at=at, published_at=at, reply_count=count,
        **identity(rng.randrange(authors)),
    )


second = [reply(roots[p], roots[p], reply_counts3.get(j, 0)) for j, p in enumerate(parents2)]
Feedback.objects.bulk_create(second, batch_size=2000)
third = [reply(second[p], second[p].thread, 0) for p in parents3]
Feedback.objects.bulk_create(third, batch_size=2000)
lap("comments_s")
support_rows = []
for root, count in zip(roots, supports):
    for u in rng.sample(users, count) if count else ():
        support_rows.append(Support(feedback=root, user=u, created_at=root.created_at))
Support.objects.bulk_create(support_rows, batch_size=5000)
lap("supports_s")
with connection.cursor() as cursor:  # as autovacuum would have, on a site that grew to this
    cursor.execute("ANALYZE")
lap("analyze_s")

published = Feedback.objects.filter(draft=draft, status=FeedbackStatus.PUBLISHED)
counts = Counter(published.filter(depth=1).values_list("eid", flat=True))
top_eid, top_count = max(((e, n) for e, n in counts.items() if e), key=lambda item: item[1])
newest = published.filter(depth=1, eid=top_eid).order_by("-created_at", "-pk").first()
list_url = reverse("feedback:list", args=[draft.pk]) + f"?dieu={top_eid}"
commented = sum(1 for e in counts if e)


def shape(sql):  # the query without its column list and literals, to spot repeated ones
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, flags=re.S)
    return re.sub(r"\b\d+\b", "?", re.sub(r"'(?:[^']|'')*'", "?", sql))[:240]


client = Client(HTTP_HOST="127.0.0.1")
requests = {}
for label, url in (("draft_cold", draft.url), ("draft_warm", draft.url), ("list_cold", list_url),
                   ("list_warm", list_url), ("home_warm", "/")):
    with CaptureQueriesContext(connection) as captured:
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t0
    shapes = Counter(shape(query["sql"]) for query in captured.captured_queries)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
    requests[label] = {
        "status": response.status_code,
        "queries": len(captured.captured_queries),
        "ms": round(elapsed * 1000, 2),
        "slowest_query_ms": [round(float(slowest["time"]) * 1000), shape(slowest["sql"])]
        if slowest else None,
        "repeated": [[count, sql] for sql, count in shapes.most_common(5) if count > 1],
    }


def profile(url, n=5):  # per request: [cumulative ms, own ms, calls, function]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(url)
    profiler.disable()
    rows = []
    for (file, line, func), (cc, nc, tt, ct, callers) in pstats.Stats(profiler).stats.items():
        where = f"{file.split('site-packages/')[-1].replace(os.getcwd() + '/', '')}:{line}({func})"
        rows.append([round(ct / n * 1000, 2), round(tt / n * 1000, 2), round(nc / n), where])
    rows.sort(reverse=True)
    by_cumulative = rows[:30]
    rows.sort(key=lambda row: row[1], reverse=True)
    return {"by_cumulative": by_cumulative, "by_own_time": rows[:15]}


profiles = {"draft_warm": profile(draft.url), "list_warm": profile(list_url)}
lap("in_process_s")
print(json.dumps({
    "url": draft.url,
    "draft_pk": draft.pk,
    "articles": sum(1 for p in parsed.walk() if p.kind == "article"),
    "provisions": len(provisions),
    "live": draft.live,
    "comments": published.count(),
    "by_depth": dict(Counter(published.values_list("depth", flat=True))),
    "supports": len(support_rows),
    "on_whole_draft": counts.get("", 0),
    "provisions_commented": commented,
    "top_eid": top_eid,
    "top_count": top_count,
    "top_newest_pk": newest.pk,
    "list_url": list_url,
    "setup_s": timings,
    "in_process": requests,
    "profiles": profiles,
}))
"""

METHOD = f"""\
The demo portal runs on **PostgreSQL** (a database of its own on the local server of
`scripts/services.sh`, dropped and made again on every run: `migrate` + `seed_demo`;
`collectstatic` with the production manifest storage) and the **Redis** cache (a key prefix of
its own), served by gunicorn, `consult.settings.production`, **{WORKERS} sync workers** sharing
that cache, on 127.0.0.1; `ELASTICSEARCH_URL` is emptied (no page here searches). A
{ARTICLES}-article law (`law_text({ARTICLES})` of `bench/bench_parse_law.py`) is parsed and saved
by `drafts.services.draft_create`, published, then {COMMENTS:,} **published** comments are
inserted with `bulk_create` in a set-up process: {AUTHORS} respondent accounts (verified e-mail,
profile, consent) as authors; {1 - REPLY_SHARE:.0%} top-level comments on provisions drawn with
Zipf-like weights (provisions ranked at random, weight 1/rank^0.9; 5 % on the whole draft), the
rest replies (four fifths two levels deep, one fifth three), their parents drawn from Pareto
weights; Pareto-distributed supports (`Support` rows and `support_count`); `reply_count` set;
then `ANALYZE`. One client, sequential, a new connection per request, no Accept-Encoding: one
cold request to each path, warm-up requests, then the measured ones, interleaved draft, list,
home (A B C A B C ...). The draft page must be 200, contain `{LAST_ARTICLE}` and the link and
count of the most commented provision (`?dieu=<eid>">N …`, N counted in the database; the cold
answer must hold all {ARTICLES} articles); the list `/y-kien/du-thao/<pk>/?dieu=<eid>` of that
provision must be 200 and show its newest comment (`id="y-kien-<pk>"`); the home page 200 with the
portal name; or the run fails. Latency: from opening the connection to the last byte read.
Values: nearest-rank p95 of the draft page (`feedback_page_p95_ms`) and of the list
(`feedback_list_p95_ms`); `samples` holds each request's ms.

Baseline: the p95 of the home page `/` by the same method, interleaved, so `ratio` = page p95 /
home p95. In details: cold latencies (the first request fills the cached text and the cached
counts: a `GROUP BY` over the comments), and the SQL queries of each page counted in-process
with `CaptureQueriesContext` (development settings, the set-up process's own memory cache: cold,
then warm). PostgreSQL here is a test server (`fsync` and `synchronous_commit` off, recorded in
details): reads, which is all this measures, are as on a durable one."""


def _all_of(*checks: Check) -> Check:
    def check(status: int, body: bytes) -> str | None:
        for one in checks:
            problem = one(status, body)
            if problem is not None:
                return problem
        return None

    return check


def _seed(ctx: Context, site: DemoSite, reserve_s: float) -> dict[str, Any]:
    text = law_text(ARTICLES)
    source = site.workdir / f"{SLUG}.txt"
    source.write_text(text, encoding="utf-8")
    args = [str(source), SLUG, TITLE, str(COMMENTS), str(REPLY_SHARE), str(AUTHORS), str(SEED)]
    out = run_in_site(ctx, site, "seed_comments", SEED_COMMENTS, *args, reserve_s=reserve_s)
    try:
        info: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise BenchmarkError(f"seed_comments printed no result: {out[-500:]!r}") from None
    if info["articles"] != ARTICLES or info["url"] != PAGE or not info["live"]:
        raise BenchmarkError(
            f"the draft is not as expected: {info['articles']} articles, url {info['url']}, "
            f"live {info['live']}"
        )
    if info["comments"] != COMMENTS:
        raise BenchmarkError(f"{info['comments']} published comments, not {COMMENTS}")
    for label in ("draft_warm", "list_warm"):
        if info["in_process"][label]["status"] != 200:
            raise BenchmarkError(f"in-process {label}: {info['in_process'][label]}")
    info["source_bytes"] = len(text.encode())
    return info


def run(ctx: Context) -> list[Result]:
    # (warm-up requests, measured requests, the fewest a slow run may stop at) per path.
    warmup, count, least = (10, 60, 20) if ctx.quick else (20, 200, 100)
    block = 20  # requests per path between two checks of the budget
    # Kept back while setting up: the comments (15-40 s here), a block of each path, stopping.
    reserve = 60.0 + STOP_S
    with services_for(ctx, DATABASE) as services:
        env = services.env | {"ELASTICSEARCH_URL": ""}
        with demo_site(ctx, workers=WORKERS, reserve_s=reserve, env=env) as site:
            info = _seed(ctx, site, reserve_s=15.0 + STOP_S)
            ctx.log(
                f"{info['comments']} comments on {info['provisions_commented']} of "
                f"{info['provisions']} provisions in {info['setup_s']['comments_s']} s; most "
                f"commented {info['top_eid']} ({info['top_count']} comments)"
            )
            count_link = f'?dieu={info["top_eid"]}">{info["top_count"]} '
            draft_check = _all_of(ok_200_containing(LAST_ARTICLE), ok_200_containing(count_link))
            list_path = info["list_url"]
            list_check = ok_200_containing(f'id="y-kien-{info["top_newest_pk"]}"')
            home_check = ok_200_containing(PORTAL_NAME)

            cold_draft_ms, body = timed_get(site, PAGE, draft_check)
            articles_shown = body.count(ARTICLE_MARK)
            if articles_shown != ARTICLES:
                raise BenchmarkError(f"the page shows {articles_shown} articles, not {ARTICLES}")
            page_bytes = len(body)
            count_links = body.count(f'href="/y-kien/du-thao/{info["draft_pk"]}/?dieu='.encode())
            cold_list_ms, list_body = timed_get(site, list_path, list_check)
            cold_home_ms, _ = timed_get(site, HOME, home_check)
            second_draft_ms, _ = timed_get(site, PAGE, draft_check)
            ctx.log(
                f"cold: draft {cold_draft_ms:.0f} ms ({page_bytes / 1024:.0f} kB, {count_links} "
                f"count links), list {cold_list_ms:.0f} ms, home {cold_home_ms:.0f} ms; second "
                f"draft request {second_draft_ms:.0f} ms"
            )
            for _ in range(warmup):
                timed_get(site, PAGE, draft_check)
                timed_get(site, list_path, list_check)
                timed_get(site, HOME, home_check)

            draft_ms: list[float] = []
            list_ms: list[float] = []
            home_ms: list[float] = []
            while len(draft_ms) < count:
                if draft_ms:
                    spent = sum(draft_ms) + sum(list_ms) + sum(home_ms)
                    needed = block * spent / len(draft_ms) / 1000 + STOP_S
                    if ctx.remaining() < needed and len(draft_ms) >= least:
                        ctx.log(f"time budget: stopping after {len(draft_ms)} of {count}")
                        break
                    ctx.require(needed, "the next block of requests")
                for _ in range(min(block, count - len(draft_ms))):
                    draft_ms.append(timed_get(site, PAGE, draft_check)[0])
                    list_ms.append(timed_get(site, list_path, list_check)[0])
                    home_ms.append(timed_get(site, HOME, home_check)[0])
                ctx.log(
                    f"{len(draft_ms)}/{count}: draft p95 {percentile(draft_ms, 0.95):.1f} ms, "
                    f"list p95 {percentile(list_ms, 0.95):.1f} ms, "
                    f"home p95 {percentile(home_ms, 0.95):.1f} ms"
                )
            stack = site.stack | {"postgresql": services.server}

    draft_p95 = percentile(draft_ms, 0.95)
    list_p95 = percentile(list_ms, 0.95)
    home_p95 = percentile(home_ms, 0.95)
    in_process = info["in_process"]
    queries = {label: data["queries"] for label, data in in_process.items()}
    baseline = Baseline(name="home page / p95, same method", value=round(home_p95, 2), unit="ms")
    data = {
        key: info[key]
        for key in (
            "comments",
            "by_depth",
            "supports",
            "on_whole_draft",
            "provisions",
            "provisions_commented",
            "top_eid",
            "top_count",
        )
    }
    common = {
        "articles": ARTICLES,
        "authors": AUTHORS,
        "data": data,
        "requests": len(draft_ms),
        "requests_planned": count,
        "warmup_requests": warmup,
        "gunicorn_workers": WORKERS,
        "draft_latency_ms": latency_summary(draft_ms),
        "list_latency_ms": latency_summary(list_ms),
        "home_latency_ms": latency_summary(home_ms),
        "cold_ms": {
            "draft_first": round(cold_draft_ms, 2),
            "draft_second": round(second_draft_ms, 2),
            "list_first": round(cold_list_ms, 2),
            "home_first": round(cold_home_ms, 2),
        },
        "blocks": [
            {
                "draft_p95": round(percentile(draft_ms[i : i + block], 0.95), 2),
                "list_p95": round(percentile(list_ms[i : i + block], 0.95), 2),
                "home_p95": round(percentile(home_ms[i : i + block], 0.95), 2),
            }
            for i in range(0, len(draft_ms), block)
        ],
        "setup_s": info["setup_s"],
        "sql_queries": queries,
        "stack": stack,
    }
    # cProfile of 5 warm requests in-process, per request: [cumulative ms, own ms, calls, function]
    profiles = info["profiles"]
    note_tail = (
        f"{info['comments']:,} comments ({info['top_count']} on {info['top_eid']}, the most "
        f"commented); SQL queries (in-process, warm) draft {queries['draft_warm']}, list "
        f"{queries['list_warm']}, home {queries['home_warm']}."
    )
    return [
        Result(
            name="feedback_page_p95_ms",
            value=round(draft_p95, 2),
            unit="ms",
            target=TARGET_MS,
            better="lower",
            baseline=baseline,
            samples=[round(x, 2) for x in draft_ms],
            details=common
            | {
                "page": PAGE,
                "page_bytes": page_bytes,
                "count_links": count_links,
                "source_bytes": info["source_bytes"],
                "in_process": {k: v for k, v in in_process.items() if not k.startswith("list")},
                "profile": profiles["draft_warm"],
            },
            method=METHOD,
            note=(
                f"draft p50 {percentile(draft_ms, 0.5):.1f} ms, p95 {draft_p95:.1f} ms; home p50 "
                f"{percentile(home_ms, 0.5):.1f} ms, p95 {home_p95:.1f} ms ({len(draft_ms)} "
                f"requests each); cold: draft {cold_draft_ms:.0f} ms, home {cold_home_ms:.0f} "
                f"ms; page {page_bytes / 1024:.0f} kB with {count_links} count links; " + note_tail
            ),
        ),
        Result(
            name="feedback_list_p95_ms",
            value=round(list_p95, 2),
            unit="ms",
            target=LIST_TARGET_MS,
            better="lower",
            baseline=baseline,
            samples=[round(x, 2) for x in list_ms],
            details=common
            | {
                "page": list_path,
                "page_bytes": len(list_body),
                "in_process": {k: v for k, v in in_process.items() if k.startswith("list")},
                "profile": profiles["list_warm"],
            },
            method=(
                "The comment list of the most commented provision, `/y-kien/du-thao/<pk>/?dieu="
                "<eid>` (its first page: 20 threads, newest first, with their replies), measured "
                "as `feedback_page_p95_ms` is, in the same run on the same data, interleaved with "
                "it and with the baseline (see its method). No target of its own was set: the "
                "draft page's."
            ),
            note=(
                f"list p50 {percentile(list_ms, 0.5):.1f} ms, p95 {list_p95:.1f} ms; home p95 "
                f"{home_p95:.1f} ms ({len(list_ms)} requests each); cold {cold_list_ms:.0f} ms; "
                f"page {len(list_body) / 1024:.0f} kB; " + note_tail
            ),
        ),
    ]
