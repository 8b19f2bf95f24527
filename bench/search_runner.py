"""What the search benchmarks share: the environment of the measuring process, running it, and
reading its latencies.

The measuring process is ``bench/search_workload.py``, run by the project's interpreter in the
project directory with ``consult.settings.production`` (see ``workload_env``).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness import BENCH_DIR, BenchmarkError, Context, median
from loadgen import latency_summary, percentile
from portal import SERVICES_SCRIPT, services_env

WORKLOAD = BENCH_DIR / "search_workload.py"
WORK_DIR = BENCH_DIR / ".work" / "search"  # git-ignored: what is kept between runs


def elasticsearch_url(ctx: Context) -> str:
    """ELASTICSEARCH_URL, else the one `scripts/services.sh env` prints."""
    url = os.environ.get("ELASTICSEARCH_URL", "") or services_env(ctx, "ELASTICSEARCH_URL").get(
        "ELASTICSEARCH_URL", ""
    )
    if not url:
        raise BenchmarkError(f"no Elasticsearch address found; run `{SERVICES_SCRIPT} start`")
    return url


def workload_env(**overrides: str) -> dict[str, str]:
    """The environment of migrate and of the measuring process.

    ``consult.settings.production``: DEBUG off, so Django does not record every SQL statement
    (the development settings would keep 100,000 inserts and every search's queries in
    memory and time them), and the database connection kept between queries as the web
    processes keep it. A throwaway SECRET_KEY satisfies its start-up check.
    """
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "consult.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DEBUG": "false",
            "PYTHONDONTWRITEBYTECODE": "1",
            "ELASTICSEARCH_URL": "",
            "REDIS_URL": "",
        }
    )
    env.update(overrides)
    return env


def _pump(stream: Any, tail: deque[str], prefix: str) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", errors="replace").rstrip()
        tail.append(line)
        print(f"{prefix}{line}", file=sys.stderr, flush=True)


def _collect(stream: Any, out: bytearray) -> None:
    out.extend(stream.read())


def run_python(
    ctx: Context,
    label: str,
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    reserve_s: float,
) -> str:
    """Run ``python ARGS`` in the project, its stderr shown as it comes; return its stdout.

    It may take the budget less ``reserve_s``; a non-zero exit or an overrun is a
    BenchmarkError carrying the last lines of its stderr.
    """
    timeout = ctx.remaining() - reserve_s
    if timeout < 5:
        raise BenchmarkError(f"out of time budget before {label}")
    tail: deque[str] = deque(maxlen=25)
    proc = subprocess.Popen(
        [ctx.python, *args],
        cwd=ctx.root,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # One reader per pipe (communicate() would read stderr too, taking lines from the pump).
    out = bytearray()
    readers = [
        threading.Thread(target=_pump, args=(proc.stderr, tail, f"  [{label}] "), daemon=True),
        threading.Thread(target=_collect, args=(proc.stdout, out), daemon=True),
    ]
    for reader in readers:
        reader.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise BenchmarkError(f"{label} did not finish within {timeout:.0f} s") from None
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        for reader in readers:
            reader.join(timeout=5)
    if proc.returncode != 0:
        raise BenchmarkError(f"{label} exited with {proc.returncode}:\n" + "\n".join(tail))
    ctx.log(f"{label}: done")
    return out.decode("utf-8")


def migrate(ctx: Context, env: Mapping[str, str], label: str, *, reserve_s: float) -> None:
    run_python(
        ctx, label, ["manage.py", "migrate", "--noinput", "-v", "0"], env, reserve_s=reserve_s
    )


def run_workload(
    ctx: Context, label: str, config: Mapping[str, Any], env: Mapping[str, str], *, reserve_s: float
) -> dict[str, Any]:
    """Run the measuring process with ``config``; its JSON answer."""
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    config = dict(config) | {
        "deadline_s": max(5.0, ctx.remaining() - reserve_s - 5.0),
        "work_dir": str(WORK_DIR),
    }
    arguments = [str(Path(WORKLOAD).relative_to(ctx.root)), json.dumps(config)]
    return dict(run_json(ctx, label, arguments, env, reserve_s=reserve_s))


def run_json(
    ctx: Context, label: str, arguments: list[str], env: Mapping[str, str], *, reserve_s: float
) -> Any:
    """Run a measuring process (``run_python``); the JSON it printed."""
    out = run_python(ctx, label, arguments, env, reserve_s=reserve_s)
    try:
        return json.loads(out)
    except ValueError:
        raise BenchmarkError(f"{label} printed no JSON: {out[-300:]!r}") from None


# Reading the latencies ------------------------------------------------------------------------


def _p95(values: Sequence[float]) -> float:
    return percentile(list(values), 0.95)


def latencies(queries: Mapping[str, Any], series: str) -> dict[str, Any]:
    """One series of the rounds ("query_ms", "baseline_ms", "stripped_ms", "took_ms"):
    the p95 of each round, their median, and p50/p95/p99 over every measured query."""
    rounds = queries["rounds"]
    if not rounds:
        raise BenchmarkError("no measured round")
    per_round = [round(_p95(r[series]), 2) for r in rounds]
    every = [x for r in rounds for x in r[series]]
    return {
        "round_p95": per_round,
        "median_round_p95": round(median(per_round), 2),
        "all": latency_summary(every),
        "count": len(every),
    }


def by_kind(queries: Mapping[str, Any]) -> dict[str, dict[str, float]]:
    """p50 and p95 of the queries of each kind of the mix, and how many ran."""
    grouped: dict[str, list[float]] = {}
    for r in queries["rounds"]:
        for kind, ms in zip(r["kinds"], r["query_ms"], strict=True):
            grouped.setdefault(kind, []).append(ms)
    return {
        kind: {
            "count": len(values),
            "p50": round(percentile(values, 0.5), 2),
            "p95": round(percentile(values, 0.95), 2),
        }
        for kind, values in sorted(grouped.items())
    }


def totals_summary(queries: Mapping[str, Any]) -> dict[str, float]:
    totals = [t for r in queries["rounds"] for t in r["totals"]]
    return {
        "median": percentile(totals, 0.5),
        "p90": percentile(totals, 0.9),
        "max": max(totals),
        "zero": sum(1 for t in totals if t == 0),
    }
