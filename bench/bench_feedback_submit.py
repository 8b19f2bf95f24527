"""Comments submitted per second through the public comment form, on PostgreSQL, and their p99.

The demo portal (``portal.demo_site``) is served by gunicorn with the production settings on a
PostgreSQL database of its own (``portal.services_for``) and the Redis cache that its workers
share. A set-up process creates an open 60-article draft and 200 respondent accounts (verified
e-mail, profile, consent), signs each one in by writing a Django session for it, and gives each a
CSRF cookie and the masked token a form would carry. Closed-loop clients (``loadgen``) then POST
the comment form (``feedback:new``, multipart as a browser sends it) for rounds of a fixed
length, each comment under its own account, body and idempotency key, interleaved with rounds of
the baseline: the same clients posting the same form to Django's ``set_language`` view, a
CSRF-protected POST through the same middleware that does next to nothing. Values: the sustained
rate of acknowledged comments (302 to the comment) and the p99 latency. Afterwards every
acknowledged comment is looked up in the database: a missing one, or one with another author or
body, fails the run.

The feedback rate limits are raised for the run (``FEEDBACK_RATE_*``): the production defaults
hold an account's comments after 10 in 10 minutes and an address's after 60, and refuse them
after 30 and 300, so a load generator sending hundreds of comments a minute from 127.0.0.1 would
measure the refusal page, not the submission. The counters are still kept in Redis on every
comment, as in production; only the thresholds are out of reach.
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from typing import Any

from bench_parse_law import law_text
from harness import Baseline, BenchmarkError, Context, Result, median
from loadgen import Answer, Request, Round, percentile, run_script_round
from portal import DemoSite, demo_site, run_in_site, services_for

BUDGET_S = 240.0
QUICK_BUDGET_S = 160.0

ARTICLES = 60
ACCOUNTS = 200  # respondents signed in, each comment under the next one of its client's share
PROFILE_ACCOUNTS = 4  # more respondents, for the in-process profile only
SLUG = "bench-feedback-submit"
TITLE = f"Luật Chuyển đổi số ({ARTICLES} điều, dự thảo cho đo hiệu năng góp ý)"
DATABASE = "consult_bench_feedback_submit"

# gunicorn on this 2-core machine, which also runs PostgreSQL, Redis and the load generator:
# sync workers, as the portal is deployed; a request spends much of its time waiting on
# PostgreSQL and Redis, so twice as many workers as cores keep both cores busy, while more
# would only queue behind the same two cores (and each holds its own PostgreSQL connection).
WORKERS = 4
CLIENTS = 8  # two requests in flight per worker: one running, one queued
TARGET_RPS = 300.0
TARGET_P99_MS = 250.0
STOP_S = 6.0
TIMEOUT_S = 10.0
MAX_ERROR_SHARE = 0.01  # more bad answers than this voids the run (a broken set-up)

ROUND_NAMES = {
    "comment": "comment POST",
    "baseline": "set_language POST",
    "floor": "floor POST (sign-in + one insert)",
}

RATE_ENV = {
    "FEEDBACK_RATE_USER_HOLD": "1000000",
    "FEEDBACK_RATE_USER_REFUSE": "2000000",
    "FEEDBACK_RATE_IP_HOLD": "1000000",
    "FEEDBACK_RATE_IP_REFUSE": "2000000",
}

SENTENCES = [
    "Đề nghị làm rõ phạm vi áp dụng của quy định này đối với hộ kinh doanh cá thể.",
    "Quy định còn chung chung, cần hướng dẫn cụ thể để địa phương thực hiện thống nhất.",
    "Tôi tán thành nội dung này vì phù hợp với thực tiễn chuyển đổi số hiện nay.",
    "Cần bổ sung trách nhiệm của cơ quan quản lý khi dữ liệu cá nhân bị lộ lọt.",
    "Thời hạn thực hiện quá ngắn, đề nghị kéo dài để doanh nghiệp nhỏ kịp chuẩn bị.",
    "Đề nghị bỏ yêu cầu nộp bản giấy khi hồ sơ đã được nộp trên môi trường điện tử.",
]
STANCES = ["agree", "disagree", "amend", "other"]
ACK = re.compile(r"^(?:https?://[^/]+)?/y-kien/(\d+)/#y-kien-(\d+)$")

# Run in the project on the site's database while gunicorn serves it (development settings, as
# seed_demo is run, with the server's SECRET_KEY, so that the sessions it signs are valid there):
# the draft, the respondents, their sessions and CSRF pairs.
SEED_RESPONDENTS = r"""
import json, random, sys, time
from datetime import timedelta
from pathlib import Path

import django

django.setup()
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.urls import reverse
from django.utils import timezone

from drafts.importers.text import parse_text
from drafts.models import DocumentType, DraftIndexPage, DraftingBody, Provision
from drafts.services import draft_create
from feedback.choices import Province, RespondentType
from feedback.models import Consent, RespondentProfile
from feedback.text import clean_text

path, slug, title, accounts = sys.argv[1:5]
accounts = int(accounts)
rng = random.Random(5)
started = time.perf_counter()
text = Path(path).read_text(encoding="utf-8")
parsed = parse_text(text)
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
draft.save_revision().publish()
draft.refresh_from_db()
version = draft.versions.order_by("number").last()
draft_s = time.perf_counter() - started

# Respondents as tests/feedback/conftest.py respondent_create makes them.
User = get_user_model()
users = User.objects.bulk_create(
    User(username=f"tai.thu{i}@example.com", email=f"tai.thu{i}@example.com", first_name="Lan",
         last_name="Nguyễn Thị", password="!bench-no-password")
    for i in range(accounts)
)
EmailAddress.objects.bulk_create(
    EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
)
provinces = [p for p in Province.values if p != Province.ABROAD]
RespondentProfile.objects.bulk_create(
    RespondentProfile(
        user=u, full_name=f"Người góp ý {i}", respondent_type=RespondentType.INDIVIDUAL,
        province=rng.choice(provinces),
    )
    for i, u in enumerate(users)
)
Consent.objects.bulk_create(
    Consent(user=u, version=settings.FEEDBACK_CONSENT_VERSION) for u in users
)
clients = []
for u in users:
    session = SessionStore()
    session[SESSION_KEY] = str(u.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = u.get_session_auth_hash()
    session.create()
    secret = _get_new_csrf_string()
    clients.append({
        "user_id": u.pk,
        "session": session.session_key,
        "csrf_cookie": secret,
        "csrf_token": _mask_cipher_secret(secret),
    })
articles = []
for p in Provision.objects.filter(version=version, kind="article").order_by("order"):
    words = clean_text(p.text, multiline=False).split(" ")
    quote = " ".join(words[2:9]) if len(words) > 10 else ""
    articles.append({"eid": p.eid, "quote": quote})
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(json.dumps({
    "draft_pk": draft.pk,
    "version": version.number,
    "live": draft.live,
    "status": draft.status,
    "moderation": draft.moderation,
    "form_url": reverse("feedback:new", args=[draft.pk]),
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
    "clients": clients,
    "articles": articles,
    "setup_s": {"draft_s": round(draft_s, 3), "total_s": round(time.perf_counter() - started, 3)},
}))
"""

# Run in the project with the production settings and the server's services, before the load:
# where a comment's time goes. The Django test client posts the same form as the load generator
# (CSRF checks on) for PROFILE_ACCOUNTS fresh respondents: SQL queries and Redis calls counted
# on one submission, then the mean time of a submission with the database connection closed
# after each request (CONN_MAX_AGE=0, as the server runs) and kept open, then cProfile.
PROFILE = r"""
import cProfile, json, os, pstats, re, sys, time, uuid
from collections import Counter

os.environ["DJANGO_SETTINGS_MODULE"] = "consult.settings.production"
os.environ["SECURE_SSL_REDIRECT"] = "false"
import django

django.setup()
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client

from feedback.choices import Province, RespondentType
from feedback.models import Consent, RespondentProfile

form_url, version, eid, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
root = os.getcwd() + "/"
User = get_user_model()
clients = []
for i in range(count):
    u = User.objects.create(username=f"ho.so{i}@example.com", email=f"ho.so{i}@example.com")
    EmailAddress.objects.create(user=u, email=u.email, verified=True, primary=True)
    RespondentProfile.objects.create(
        user=u, full_name=f"Hồ sơ {i}", respondent_type=RespondentType.INDIVIDUAL,
        province=Province.DA_NANG,
    )
    Consent.objects.create(user=u, version=settings.FEEDBACK_CONSENT_VERSION)
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    client.force_login(u)
    client.cookies[settings.CSRF_COOKIE_NAME] = "a" * 32
    clients.append(client)
sequence = [0]


def post(url=form_url, extra=None):
    sequence[0] += 1
    n = sequence[0]
    data = {
        "csrfmiddlewaretoken": "a" * 32, "phien-ban": version, "dieu": eid,
        "idempotency_key": str(uuid.uuid4()), "stance": "amend",
        "body": f"Ý kiến hồ sơ số {n}: đề nghị làm rõ phạm vi áp dụng của quy định này.",
    }
    data.update(extra or {})
    return clients[n % len(clients)].post(url, data)


def shape(sql):
    sql = re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", sql, flags=re.S)
    return re.sub(r"\b\d+\b", "?", re.sub(r"'(?:[^']|'')*'", "?", sql))[:200]


# Redis calls, counted by wrapping the cache client's methods; SQL timed by a wrapper.
redis_calls = Counter()
client_methods = ("add", "get", "set", "delete", "incr", "get_many", "set_many", "delete_many")
backend = getattr(cache, "_cache", None)
for name in client_methods if backend is not None else ():
    original = getattr(backend, name, None)
    if original is not None:
        def counted(*args, _name=name, _original=original, **kwargs):
            redis_calls[_name] += 1
            return _original(*args, **kwargs)
        setattr(backend, name, counted)


class Timed:
    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append({"ms": round((time.perf_counter() - t0) * 1000, 3),
                                 "sql": shape(sql)})


def traced(url=form_url, extra=None):
    redis_calls.clear()
    timer = Timed()
    with connection.execute_wrapper(timer):
        response = post(url, extra)
    return response, timer.queries


post()  # warm: imports, templates, the first connection
response, queries = traced()
one = {"status": response.status_code, "location": response.get("Location", ""),
       "queries": len(queries), "query_ms": round(sum(q["ms"] for q in queries), 2),
       "redis_calls": dict(redis_calls), "sql": queries}
response, queries = traced("/i18n/setlang/", {"language": "vi", "next": "/"})
baseline = {"status": response.status_code, "queries": len(queries),
            "redis_calls": dict(redis_calls)}


def timed(n, close):
    t0 = time.perf_counter()
    for _ in range(n):
        response = post()
        if response.status_code != 302:
            raise SystemExit(f"profile: status {response.status_code}")
        if close:  # as the server does at the end of each request with CONN_MAX_AGE=0
            connection.close()
    return round((time.perf_counter() - t0) / n * 1000, 2)


mean_ms = {"close_ms": [], "keep_ms": []}
for _ in range(3):
    mean_ms["close_ms"].append(timed(20, True))
    mean_ms["keep_ms"].append(timed(20, False))
connection.close()
profiler = cProfile.Profile()
n = 60
profiler.enable()
for _ in range(n):
    post()
    connection.close()
profiler.disable()
rows = []
for (file, line, func), (cc, nc, tt, ct, callers) in pstats.Stats(profiler).stats.items():
    where = f"{file.split('site-packages/')[-1].replace(root, '')}:{line}({func})"
    own = file.startswith(root) and "/.venv/" not in file and "<" not in file
    rows.append((ct / n * 1000, tt / n * 1000, nc / n, where, own))


def table(selected, limit):
    return [
        {"cum_ms": round(ct, 2), "own_ms": round(tt, 3), "calls": round(nc, 1), "function": where}
        for ct, tt, nc, where, own in selected[:limit]
    ]


rows.sort(reverse=True)
by_cumulative = table(rows, 40)
project = table([row for row in rows if row[4]], 30)
rows.sort(key=lambda row: row[1], reverse=True)
by_own_time = table(rows, 20)
print(json.dumps({"one": one, "baseline": baseline, "mean_ms": mean_ms, "profiled": n,
                  "by_cumulative": by_cumulative, "project_functions": project,
                  "by_own_time": by_own_time}))
"""

# Run after the load: is every acknowledged comment in the database, under the right author,
# with the body that was sent? And how many rows did the load leave beyond those?
VERIFY = r"""
import json, sys

import django

django.setup()
from django.db.models import Count

from feedback.models import Feedback, Subscription
from feedback.text import clean_text

acknowledged = json.load(open(sys.argv[1], encoding="utf-8"))
draft_pk, user_ids = int(sys.argv[2]), json.load(open(sys.argv[3], encoding="utf-8"))
rows = {
    row["pk"]: row
    for row in Feedback.objects.filter(pk__in=[a["pk"] for a in acknowledged]).values(
        "pk", "author_id", "body", "eid", "idempotency_key", "draft_id", "status"
    )
}
missing, wrong = [], []
for a in acknowledged:
    row = rows.get(a["pk"])
    if row is None:
        missing.append(a["pk"])
        continue
    expected = {"author_id": a["user_id"], "body": clean_text(a["body"]), "eid": a["eid"],
                "idempotency_key": a["key"], "draft_id": draft_pk}
    got = {**row, "idempotency_key": str(row["idempotency_key"])}
    differs = {k: [v, got[k]] for k, v in expected.items() if got[k] != v}
    if differs:
        wrong.append({"pk": a["pk"], "differs": differs})
load = Feedback.objects.filter(draft_id=draft_pk, author_id__in=user_ids)
print(json.dumps({
    "acknowledged": len(acknowledged),
    "distinct_pks": len({a["pk"] for a in acknowledged}),
    "found": len(rows),
    "missing": len(missing),
    "missing_first": missing[:10],
    "wrong": len(wrong),
    "wrong_first": wrong[:5],
    "status": dict(load.values_list("status").annotate(n=Count("pk")).order_by()),
    "rows_of_load_accounts": load.count(),
    "subscriptions": Subscription.objects.filter(thread__in=load).count(),
}))
"""

METHOD = f"""\
The demo portal runs on **PostgreSQL** (a database of its own on the local server of
`scripts/services.sh`, dropped and made again on every run: `migrate` + `seed_demo`) and the
**Redis** cache (a key prefix of its own), served by gunicorn, `consult.settings.production`,
**{WORKERS} sync workers** on 127.0.0.1 (twice the 2 cores: a submission waits on PostgreSQL and
Redis for part of its time; more workers would queue behind the same cores), `CONN_MAX_AGE`
at the production default (60 s: each worker keeps its PostgreSQL connection, checked at the start
of each request), `ELASTICSEARCH_URL` emptied
(submitting does not search). The feedback rate limits are raised through `FEEDBACK_RATE_*`
(the defaults hold an account's comments after 10 in 10 minutes and an address's after 60, and
refuse them after 30 and 300: a generator sending hundreds a minute from one address would
measure the refusal); the counters are still kept in Redis on every comment. A set-up process
creates an open, post-moderated {ARTICLES}-article draft (`law_text({ARTICLES})`), {ACCOUNTS}
respondent accounts (verified e-mail, profile, consent), a Django session for each (written as
a sign-in does) and a CSRF cookie and masked form token for each. The load generator
(`bench/loadgen.py` `run_script_round`: {CLIENTS} closed-loop threads, a new connection per
request) runs **on the same 2-core machine and competes with the server for the CPU**. Each
client POSTs the comment form `/y-kien/du-thao/<pk>/gop-y/` as a browser does
(multipart/form-data: CSRF token, version, provision `art_N` rotating over the articles, stance,
a unique body, a fresh `idempotency_key`, an empty file field; a quote of the article's own
words in every fourth) under the next of its own {ACCOUNTS // CLIENTS} accounts, with that
account's session and CSRF cookies. A comment is **acknowledged** when the answer is the 302 to
`/y-kien/<pk>/#y-kien-<pk>`; anything else counts as an error (more than
{MAX_ERROR_SHARE:.0%} voids the run). After warm-up, rounds of submissions and of the baseline
alternate (A B A B ...). Values: `feedback_submit_rps`, the median over the submission rounds
of acknowledged comments per second (`samples`: each round's rate); `feedback_submit_p99_ms`,
the nearest-rank p99 latency (connection opened to last byte read) over every acknowledged
submission of every round (`samples`: each round's p99). Then every acknowledged comment is
read back from the database: it must exist with the account, body (as cleaned), provision and
idempotency key that were sent, or the run fails.

Baseline: the same clients, cookies and multipart form (plus `language=vi`, `next=/`) POSTed to
Django's `set_language` view `/i18n/setlang/` in the same gunicorn workers, interleaved: a
CSRF-checked POST through every middleware of the stack, answered by a 302 too, that neither
loads the session and the user nor touches the database (so no PostgreSQL connection is opened).
It pays what any form post costs on this stack (connection, gunicorn, WSGI, middleware, parsing
the multipart body, the generator's own work), so `ratio` is the share of that throughput a
comment keeps (and, for p99, how many times longer a comment takes).

Floor, measured in the same rounds (comment, baseline, floor, ...) and reported in details and
the note: the same clients and form POSTed to `/bench-floor/<draft>/`, a view that exists only in
the benchmark's server (`bench/floor_settings.py`, `bench/floor_urls.py`: the site's URLs plus
that one) and does the least any stored comment costs: session, CSRF, the signed-in user, one
`Feedback` row inserted in a transaction, a 302. Its rate is what this machine and framework
allow a signed-in POST that writes one row, before any of a comment's checks; the comment's
rate over the floor's (`comment_to_floor_ratio`) is the share the comment's own work leaves.
Details hold an
in-process profile (Django test client, production settings, same services, before the load):
the SQL queries and Redis calls of one submission, the mean time of a submission with the
connection closed after each request and kept, and cProfile's top functions. PostgreSQL here is
a test server (`fsync` and `synchronous_commit` off, recorded in details): each commit costs
less than on a durable one."""


def _multipart(fields: list[tuple[str, str]], boundary: str) -> bytes:
    parts = []
    for name, value in fields:
        if name == "attachments":  # a file input left empty, as a browser sends it
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n\r\n"
            )
        else:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode()


class Submissions:
    """The requests of the load, and what their answers acknowledged."""

    def __init__(self, info: dict[str, Any], cookies: tuple[str, str]) -> None:
        self.form_url: str = info["form_url"]
        self.floor_url = f"/bench-floor/{info['draft_pk']}/"
        self.version = str(info["version"])
        self.accounts: list[dict[str, Any]] = info["clients"]
        self.articles: list[dict[str, str]] = info["articles"]
        self.session_cookie, self.csrf_cookie = cookies
        self.share = len(self.accounts) // CLIENTS
        self.sent = [0] * CLIENTS  # per client, across rounds: every body is unique
        # Per client (each list written by one thread only): acknowledged comments and errors.
        self.acknowledged: list[list[dict[str, Any]]] = [[] for _ in range(CLIENTS)]
        self.errors: list[list[str]] = [[] for _ in range(CLIENTS)]

    def _form(self, client: int, kind: str) -> tuple[dict[str, Any], Request]:
        """One POST of the form: kind "comment", "baseline" (set_language) or "floor"."""
        n = self.sent[client]
        self.sent[client] += 1
        account = self.accounts[client * self.share + n % self.share]
        article = self.articles[(client * 7 + n) % len(self.articles)]
        body = f"Ý kiến thử tải {client}-{n}. {SENTENCES[n % len(SENTENCES)]}"
        quote = article["quote"] if n % 4 == 3 else ""
        key = str(uuid.uuid4())
        fields = [
            ("csrfmiddlewaretoken", account["csrf_token"]),
            ("phien-ban", self.version),
            ("dieu", article["eid"]),
            ("idempotency_key", key),
            ("stance", STANCES[n % len(STANCES)]),
            ("quote", quote),
            ("body", body),
            ("suggested_text", ""),
            ("attachments", ""),
        ]
        if kind == "baseline":
            fields += [("language", "vi"), ("next", "/")]
        boundary = f"----consult-bench-{secrets.token_hex(8)}"
        cookie = (
            f"{self.session_cookie}={account['session']}; "
            f"{self.csrf_cookie}={account['csrf_cookie']}"
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": cookie,
            "Accept": "text/html",
        }
        tag = {"user_id": account["user_id"], "body": body, "eid": article["eid"], "key": key}
        path = {"comment": self.form_url, "baseline": "/i18n/setlang/", "floor": self.floor_url}
        return tag, Request("POST", path[kind], headers, _multipart(fields, boundary), tag)

    def comment(self, client: int, seq: int) -> Request:
        return self._form(client, "comment")[1]

    def trivial(self, client: int, seq: int) -> Request:
        return self._form(client, "baseline")[1]

    def floor(self, client: int, seq: int) -> Request:
        return self._form(client, "floor")[1]

    @staticmethod
    def check_comment(request: Request, answer: Answer) -> str | None:
        if answer.status != 302:
            return f"status {answer.status}: {answer.body[:200]!r}"
        match = ACK.match(answer.headers.get("location", ""))
        if match is None or match[1] != match[2]:
            return f"302 to {answer.headers.get('location')!r}, not to a comment"
        return None

    @staticmethod
    def check_trivial(request: Request, answer: Answer) -> str | None:
        if answer.status != 302 or answer.headers.get("location") != "/":
            return f"status {answer.status} to {answer.headers.get('location')!r}"
        return None

    def log(
        self,
        client: int,
        request: Request,
        answer: Answer | None,
        latency_ms: float,
        problem: str | None,
    ) -> None:
        if problem is not None:
            self.errors[client].append(problem)
            return
        if request.path != self.form_url or answer is None:
            return
        match = ACK.match(answer.headers["location"])
        if match is not None:
            self.acknowledged[client].append({"pk": int(match[1]), **request.tag})

    def all_acknowledged(self) -> list[dict[str, Any]]:
        return [a for per_client in self.acknowledged for a in per_client]


def _json_out(out: str, label: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise BenchmarkError(f"{label} printed no result: {out[-500:]!r}") from None
    return data


def _seed(ctx: Context, site: DemoSite) -> dict[str, Any]:
    source = site.workdir / f"{SLUG}.txt"
    source.write_text(law_text(ARTICLES), encoding="utf-8")
    out = run_in_site(
        ctx,
        site,
        "seed_respondents",
        SEED_RESPONDENTS,
        str(source),
        SLUG,
        TITLE,
        str(ACCOUNTS),
        reserve_s=60.0,
    )
    info = _json_out(out, "seed_respondents")
    if not info["live"] or info["status"] != "open" or info["moderation"] != "post":
        raise BenchmarkError(
            f"the draft is not open and post-moderated: live {info['live']}, status "
            f"{info['status']}, moderation {info['moderation']}"
        )
    if len(info["clients"]) != ACCOUNTS or len(info["articles"]) != ARTICLES:
        raise BenchmarkError(f"{len(info['clients'])} accounts, {len(info['articles'])} articles")
    return info


def _profile(ctx: Context, site: DemoSite, info: dict[str, Any]) -> dict[str, Any]:
    out = run_in_site(
        ctx,
        site,
        "profile",
        PROFILE,
        info["form_url"],
        str(info["version"]),
        info["articles"][4]["eid"],
        str(PROFILE_ACCOUNTS),
        reserve_s=50.0,
    )
    profile = _json_out(out, "profile")
    if profile["one"]["status"] != 302 or not ACK.match(profile["one"]["location"]):
        raise BenchmarkError(f"in-process submission: {profile['one']}")
    return profile


def _verify(ctx: Context, site: DemoSite, info: dict[str, Any], acks: list[dict]) -> dict:
    acks_file = site.workdir / "acknowledged.json"
    acks_file.write_text(json.dumps(acks, ensure_ascii=False), encoding="utf-8")
    users_file = site.workdir / "users.json"
    users_file.write_text(json.dumps([c["user_id"] for c in info["clients"]]), encoding="utf-8")
    out = run_in_site(
        ctx,
        site,
        "verify",
        VERIFY,
        str(acks_file),
        str(info["draft_pk"]),
        str(users_file),
        reserve_s=STOP_S,
    )
    return _json_out(out, "verify")


def _rounds_plan(quick: bool) -> tuple[int, float, float]:
    """(rounds, seconds per round, warm-up seconds per path)."""
    return (2, 2.0, 1.0) if quick else (4, 5.0, 2.0)


def _list(values: list[float], digits: int = 1) -> str:
    return "[" + ", ".join(f"{x:.{digits}f}" for x in values) + "]"


def run(ctx: Context) -> list[Result]:
    rounds, duration, warmup = _rounds_plan(ctx.quick)
    triple_s = 3 * duration + TIMEOUT_S
    # Kept back while setting up: seeding and profiling (~30 s here), a warm-up, at least one
    # pair of rounds, verifying, stopping gunicorn.
    reserve = 45.0 + 3 * warmup + triple_s + 15.0 + STOP_S
    with services_for(ctx, DATABASE) as services:
        env = (
            services.env
            | RATE_ENV
            | {
                "ELASTICSEARCH_URL": "",
                # Shared with the set-up process, which signs the sessions the server must accept.
                "SECRET_KEY": secrets.token_urlsafe(48),
            }
        )
        with demo_site(
            ctx, workers=WORKERS, reserve_s=reserve, env=env, serve_settings="floor_settings"
        ) as site:
            info = _seed(ctx, site)
            ctx.log(f"{ACCOUNTS} respondents signed in; draft {info['draft_pk']}")
            profile = _profile(ctx, site, info)
            one = profile["one"]
            ctx.log(
                f"in-process: {one['queries']} queries ({one['query_ms']} ms), Redis "
                f"{one['redis_calls']}; a comment {median(profile['mean_ms']['close_ms'])} ms "
                f"with a new connection, {median(profile['mean_ms']['keep_ms'])} ms without"
            )
            load = Submissions(info, (info["session_cookie"], info["csrf_cookie"]))

            def measure(kind: str, seconds: float) -> Round:
                return run_script_round(
                    site.host,
                    site.port,
                    ROUND_NAMES[kind],
                    next_request={
                        "comment": load.comment,
                        "baseline": load.trivial,
                        "floor": load.floor,
                    }[kind],
                    check=load.check_comment if kind == "comment" else load.check_trivial,
                    clients=CLIENTS,
                    duration_s=seconds,
                    timeout_s=TIMEOUT_S,
                    log=load.log,
                )

            ctx.log("warm-up")
            warm = [measure(kind, warmup) for kind in ROUND_NAMES]
            comments: list[Round] = []
            base: list[Round] = []
            floor: list[Round] = []
            for index in range(rounds):
                if index > 0 and ctx.remaining() < triple_s + 15.0 + STOP_S:
                    ctx.log(f"time budget: stopping after {index} of {rounds} rounds")
                    break
                comments.append(measure("comment", duration))
                base.append(measure("baseline", duration))
                floor.append(measure("floor", duration))
                ctx.log(
                    f"round {index + 1}/{rounds}: {comments[-1].rps:6.1f} comments/s (p99 "
                    f"{comments[-1].percentile_ms(0.99):.0f} ms, {comments[-1].failures} errors)"
                    f", baseline {base[-1].rps:6.1f} posts/s (p99 "
                    f"{base[-1].percentile_ms(0.99):.0f} ms), floor {floor[-1].rps:6.1f} "
                    f"inserts/s (p99 {floor[-1].percentile_ms(0.99):.0f} ms)"
                )
            acks = load.all_acknowledged()
            verified = _verify(ctx, site, info, acks)
            stack = site.stack | {"postgresql": services.server}

    if verified["missing"] or verified["wrong"] or verified["found"] != len(acks):
        raise BenchmarkError(
            f"acknowledged comments not in the database as sent: {verified['missing']} missing "
            f"(first {verified['missing_first']}), {verified['wrong']} different (first "
            f"{verified['wrong_first']}) of {len(acks)}"
        )
    sent = sum(r.requests + r.failures for r in [*warm, *comments, *base, *floor])
    errors = sum(r.failures for r in [*warm, *comments, *base, *floor])
    first_errors = [e for per_client in load.errors for e in per_client][:5]
    if errors > MAX_ERROR_SHARE * sent:
        raise BenchmarkError(f"{errors} bad answers of {sent} (first: {first_errors})")
    ctx.log(f"verified: all {len(acks)} acknowledged comments are in the database as sent")

    rates = [r.rps for r in comments]
    base_rates = [r.rps for r in base]
    floor_rates = [r.rps for r in floor]
    latencies = [x for r in comments for x in r.latencies_ms]
    base_latencies = [x for r in base for x in r.latencies_ms]
    p99 = percentile(latencies, 0.99)
    base_p99 = percentile(base_latencies, 0.99)
    submitted_s = sum(r.elapsed_s for r in comments)
    overall = sum(r.requests for r in comments) / submitted_s
    quantiles = (0.5, 0.95, 0.99)
    details = {
        "gunicorn_workers": WORKERS,
        "worker_class": "sync",
        "clients": CLIENTS,
        "accounts": ACCOUNTS,
        "rounds_planned": rounds,
        "rounds": len(comments),
        "round_s": duration,
        "warmup_s": warmup,
        "comments_per_s_rounds": [round(x, 2) for x in rates],
        "baseline_posts_per_s_rounds": [round(x, 2) for x in base_rates],
        "floor_inserts_per_s_rounds": [round(x, 2) for x in floor_rates],
        "floor_latency_ms": {
            f"p{int(q * 100)}": round(percentile([x for r in floor for x in r.latencies_ms], q), 2)
            for q in (0.5, 0.95, 0.99)
        },
        "comment_to_floor_ratio": round(median(rates) / median(floor_rates), 3),
        "comments_per_s_overall": round(overall, 2),
        "comment_latency_ms": {
            f"p{int(q * 100)}": round(percentile(latencies, q), 2) for q in quantiles
        },
        "baseline_latency_ms": {
            f"p{int(q * 100)}": round(percentile(base_latencies, q), 2) for q in quantiles
        },
        "requests_sent": sent,
        "errors": errors,
        "first_errors": first_errors,
        "verified": verified,
        "rate_limits_env": RATE_ENV,
        "profile": profile,
        "rounds_detail": [
            r.summary() for three in zip(comments, base, floor, strict=True) for r in three
        ],
        "stack": stack,
    }
    note_tail = (
        f"{len(acks)} comments acknowledged, all found in the database as sent; {errors} errors "
        f"of {sent} requests; in-process: {one['queries']} SQL queries per comment, "
        f"{median(profile['mean_ms']['close_ms']):.1f} ms per comment with a new connection, "
        f"{median(profile['mean_ms']['keep_ms']):.1f} ms with a kept one."
    )
    return [
        Result(
            name="feedback_submit_rps",
            value=round(median(rates), 2),
            unit="comments/s",
            target=TARGET_RPS,
            better="higher",
            baseline=Baseline(
                name="the same POST to set_language (/i18n/setlang/)",
                value=round(median(base_rates), 2),
                unit="posts/s",
            ),
            samples=[round(x, 2) for x in rates],
            details=details,
            method=METHOD,
            note=(
                f"comments {_list(rates)} /s, baseline {_list(base_rates)} /s, floor "
                f"{_list(floor_rates)} inserts/s (comment/floor "
                f"{median(rates) / median(floor_rates):.2f}; {CLIENTS} clients, {WORKERS} "
                f"workers); " + note_tail
            ),
        ),
        Result(
            name="feedback_submit_p99_ms",
            value=round(p99, 2),
            unit="ms",
            target=TARGET_P99_MS,
            better="lower",
            baseline=Baseline(
                name="the same POST to set_language, p99", value=round(base_p99, 2), unit="ms"
            ),
            samples=[round(r.percentile_ms(0.99), 2) for r in comments],
            details={
                key: details[key]
                for key in ("clients", "gunicorn_workers", "comment_latency_ms", "rounds")
            }
            | {"baseline_latency_ms": details["baseline_latency_ms"]},
            method=(
                "The p99 latency of the comment submissions of `feedback_submit_rps` (same run, "
                "same rounds; see its method), against the p99 of its baseline's posts."
            ),
            note=(
                f"comment latency p50 {percentile(latencies, 0.5):.0f} ms, p95 "
                f"{percentile(latencies, 0.95):.0f} ms, p99 {p99:.0f} ms; baseline p99 "
                f"{base_p99:.0f} ms; under {CLIENTS} closed-loop clients at "
                f"{median(rates):.0f} comments/s."
            ),
        ),
    ]
