"""Requests per second of the portal's home page, served as in production.

The demo portal (``portal.demo_site``) runs under gunicorn with the production settings, two
sync workers, on 127.0.0.1. After a warm-up, rounds of the home page (``/``) alternate with
rounds of the baseline, a static file served by WhiteNoise, from the same closed-loop
generator (``loadgen``). The value is the median of the home page's rounds; the baseline is the
median of the static file's rounds, so ``ratio`` = home / static is a figure that a slower or
busier machine changes far less than either.
"""

from __future__ import annotations

from pathlib import Path

from harness import Baseline, BenchmarkError, Context, Result, median
from loadgen import Round, ok_200_containing, ok_200_equal, percentile, run_round
from portal import demo_site

BUDGET_S = 115.0
QUICK_BUDGET_S = 29.0

# consult/demo.py PORTAL_NAME: the demo's home page shows it; an error page does not.
PORTAL_NAME = "Cổng lấy ý kiến dự thảo văn bản"
HOME = "/"
# A small file of a pinned dependency (Django's admin): its size and content move with the
# Django version only, never with the project's own code or CSS build.
BASELINE_STATIC = "admin/img/icon-yes.svg"

CLIENTS = 4
WORKERS = 2
STOP_S = 4.0  # stopping gunicorn and cleaning up, with a margin
TARGET_RPS = 100.0

METHOD = f"""\
The demo portal (`migrate` + `seed_demo` on a fresh SQLite database in a temporary directory,
or on `DATABASE_URL` when set; `--quick` copies the database an earlier run made from the
same code; `collectstatic` with the production manifest storage, without WhiteNoise's .gz/.br
copies, which a client that sends no Accept-Encoding is never served) is served by gunicorn,
`consult.settings.production`, {WORKERS} sync workers, on 127.0.0.1. A closed-loop generator
in Python (`bench/loadgen.py`: {CLIENTS} threads, a new connection per request, the next
request sent when the previous answer is read) runs on the same 2-core machine as the server.
After a warm-up, rounds of the home page and of the baseline alternate (A B A B ...); every
home answer must be 200 and contain the portal name, every baseline answer 200 and identical
to the file, or the run fails. Value: median requests/s over the home rounds.

Baseline: `/static/{BASELINE_STATIC}` (a 0.4 kB SVG of Django's admin) served by WhiteNoise
in the same gunicorn workers. It pays what any request costs on this stack (connection,
gunicorn, WSGI, the first middleware, the generator's own work) and none of Django's views,
templates or database, so home/baseline is the share of the throughput that the page itself
costs. Not `/healthz`: it queries the database, the search engine and the task queue, and
changes whenever the checks do, so it would drift with the code and the services. Not
`cms/build/main.css`: its size (140 kB now) follows the project's CSS build, so the baseline
would move with the design, and serving it measures copying bytes as much as requests."""


def _rounds_plan(quick: bool) -> tuple[int, float, float]:
    """(rounds, seconds per round, warm-up seconds per path)."""
    return (2, 1.0, 0.5) if quick else (5, 5.0, 1.5)


def _list(values: list[float], digits: int = 1) -> str:
    return "[" + ", ".join(f"{x:.{digits}f}" for x in values) + "]"


def run(ctx: Context) -> list[Result]:
    rounds, duration, warmup = _rounds_plan(ctx.quick)
    pair_s = 2 * duration + 1.0
    # Kept back while setting up: the warm-up, at least one pair of rounds, stopping gunicorn.
    reserve = 2 * warmup + pair_s + STOP_S
    with demo_site(ctx, workers=WORKERS, reserve_s=reserve) as site:
        expected = (site.static_root / BASELINE_STATIC).read_bytes()
        static_path = f"/static/{BASELINE_STATIC}"
        checks = {HOME: ok_200_containing(PORTAL_NAME), static_path: ok_200_equal(expected)}

        def measure(path: str, seconds: float) -> Round:
            result = run_round(
                site.host, site.port, path, check=checks[path], clients=CLIENTS, duration_s=seconds
            )
            if result.failures or result.requests == 0:
                raise BenchmarkError(
                    f"{path}: {result.failures} bad answers of {result.requests + result.failures}"
                    f" (first: {result.first_failure})"
                )
            return result

        ctx.log("warm-up")
        measure(HOME, warmup)
        measure(static_path, warmup)

        home: list[Round] = []
        base: list[Round] = []
        for index in range(rounds):
            if index > 0 and ctx.remaining() < pair_s + STOP_S:
                ctx.log(f"time budget: stopping after {index} of {rounds} rounds")
                break
            home.append(measure(HOME, duration))
            base.append(measure(static_path, duration))
            ctx.log(
                f"round {index + 1}/{rounds}: home {home[-1].rps:7.1f} req/s, "
                f"baseline {base[-1].rps:7.1f} req/s"
            )
        stack = site.stack

    home_rps = [r.rps for r in home]
    base_rps = [r.rps for r in base]
    ratios = [h / b for h, b in zip(home_rps, base_rps, strict=True)]
    latencies = [x for r in home for x in r.latencies_ms]

    return [
        Result(
            name="home_page_rps",
            value=round(median(home_rps), 2),
            unit="req/s",
            target=TARGET_RPS,
            better="higher",
            baseline=Baseline(
                name=f"static file via WhiteNoise ({static_path})",
                value=round(median(base_rps), 2),
                unit="req/s",
            ),
            samples=[round(x, 2) for x in home_rps],
            details={
                "baseline_samples": [round(x, 2) for x in base_rps],
                "ratio_per_round": [round(x, 4) for x in ratios],
                "ratio_median_of_rounds": round(median(ratios), 4),
                "rounds_planned": rounds,
                "rounds": len(home),
                "round_s": duration,
                "warmup_s": warmup,
                "clients": CLIENTS,
                "gunicorn_workers": WORKERS,
                "home_requests": sum(r.requests for r in home),
                "home_latency_ms": {
                    f"p{int(q * 100)}": round(percentile(latencies, q), 2)
                    for q in (0.5, 0.95, 0.99)
                },
                "home_body_bytes": home[0].summary()["mean_body_bytes"],
                "rounds_detail": [
                    r.summary() for pair in zip(home, base, strict=True) for r in pair
                ],
                "stack": stack,
                "baseline_file": str(Path("static") / BASELINE_STATIC),
            },
            method=METHOD,
            note=(
                f"home {_list(home_rps)} req/s; baseline {_list(base_rps)} req/s; ratio per round "
                f"{_list(ratios, 4)} (median {median(ratios):.4f}); home latency p50 "
                f"{percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} ms; "
                f"{stack['database']} database ({stack['database_made']})."
            ),
        )
    ]
