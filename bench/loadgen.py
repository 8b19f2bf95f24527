"""A bounded closed-loop HTTP load generator for servers on this machine.

``clients`` threads each send one GET, read the whole response, check it, and send the next,
until ``duration_s`` has passed: the number of requests in flight never exceeds ``clients``.
Every request opens a new connection (gunicorn's sync workers close each one anyway). Only
loopback addresses are accepted, and every request has a timeout, so a round ends by itself.
"""

from __future__ import annotations

import http.client
import ipaddress
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness import BenchmarkError

# A check gets the status and the body and returns a problem, or None when the response is good.
Check = Callable[[int, bytes], str | None]


def ok_200(status: int, body: bytes) -> str | None:
    return None if status == 200 else f"status {status}"


def ok_200_containing(text: str) -> Check:
    needle = text.encode()

    def check(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"status {status}"
        if needle not in body:
            return f"200 without {text!r} ({len(body)} bytes)"
        return None

    return check


def ok_200_equal(expected: bytes) -> Check:
    def check(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"status {status}"
        if body != expected:
            return f"200 with {len(body)} bytes, expected {len(expected)}"
        return None

    return check


def latency_summary(values: list[float]) -> dict[str, float]:
    """p50, p95, p99, max and mean of latencies (milliseconds), rounded for the record."""
    return {
        "p50": round(percentile(values, 0.5), 2),
        "p95": round(percentile(values, 0.95), 2),
        "p99": round(percentile(values, 0.99), 2),
        "max": round(max(values), 2),
        "mean": round(sum(values) / len(values), 2),
    }


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank q-quantile (0 < q < 1); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(slots=True)
class Round:
    """One measured round against one path."""

    path: str
    clients: int
    duration_s: float
    requests: int = 0
    failures: int = 0
    elapsed_s: float = 0.0
    bytes_read: int = 0
    first_failure: str | None = None
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def percentile_ms(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def summary(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "rps": round(self.rps, 2),
            "requests": self.requests,
            "failures": self.failures,
            "elapsed_s": round(self.elapsed_s, 3),
            "p50_ms": round(self.percentile_ms(0.50), 2),
            "p95_ms": round(self.percentile_ms(0.95), 2),
            "max_ms": round(max(self.latencies_ms, default=float("nan")), 2),
            "mean_body_bytes": (self.bytes_read // self.requests) if self.requests else 0,
        }


def _require_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise BenchmarkError(f"load is only sent to loopback addresses, not {host!r}")


def run_round(
    host: str,
    port: int,
    path: str,
    *,
    check: Check,
    clients: int = 4,
    duration_s: float = 5.0,
    timeout_s: float = 10.0,
    max_requests: int = 1_000_000,
) -> Round:
    """Send GET ``path`` from ``clients`` closed loops for ``duration_s`` seconds.

    Every response is checked; failures are counted (the caller decides whether any failure
    voids the round). ``max_requests`` bounds the count whatever the speed.
    """
    _require_loopback(host)
    result = Round(path=path, clients=clients, duration_s=duration_s)
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client() -> None:
        latencies: list[float] = []
        done = failed = read = 0
        first: str | None = None
        start_gate.wait()
        while time.monotonic() < stop_at[0] and done + failed < max_requests // clients:
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection(host, port, timeout=timeout_s)
            try:
                conn.request("GET", path, headers={"User-Agent": "consult-bench/1"})
                response = conn.getresponse()
                body = response.read()
                problem = check(response.status, body)
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{type(exc).__name__}: {exc}"
                body = b""
            finally:
                conn.close()
            latency_ms = (time.perf_counter() - t0) * 1000
            if problem is None:
                done += 1
                read += len(body)
                latencies.append(latency_ms)
            else:
                failed += 1
                first = first or problem
        with lock:
            result.requests += done
            result.failures += failed
            result.bytes_read += read
            result.latencies_ms.extend(latencies)
            result.first_failure = result.first_failure or first

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    stop_at[0] = started + duration_s
    start_gate.wait()
    for thread in threads:
        # A request in flight at the end finishes within timeout_s.
        thread.join(duration_s + timeout_s + 5)
    result.elapsed_s = time.monotonic() - started
    if any(thread.is_alive() for thread in threads):
        raise BenchmarkError(f"load generator on {path} did not stop in time")
    return result


# Scripted rounds: any method, headers and body, a different request each time ---------------


@dataclass(frozen=True, slots=True)
class Request:
    """One request of a scripted round; ``tag`` is the caller's own (what the answer must show)."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None
    tag: Any = None


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lower-case names; the last value of a repeated header
    body: bytes


# The next request of client number ``client`` (0-based), its ``seq``-th (0-based).
NextRequest = Callable[[int, int], Request]
# A problem with the answer to the request, or None when it is good.
AnswerCheck = Callable[[Request, Answer], str | None]
# Told of every request sent, in the client's thread: (client, request, answer or None when no
# answer came, latency in ms, problem or None).
AnswerLog = Callable[[int, Request, Answer | None, float, str | None], None]


def run_script_round(
    host: str,
    port: int,
    label: str,
    *,
    next_request: NextRequest,
    check: AnswerCheck,
    clients: int = 4,
    duration_s: float = 5.0,
    timeout_s: float = 10.0,
    max_requests: int = 1_000_000,
    log: AnswerLog | None = None,
) -> Round:
    """Like ``run_round``, but each client sends the requests ``next_request`` makes.

    Closed loops as in ``run_round``: a new connection per request, the next request sent when
    the answer is read and checked, at most ``clients`` in flight, every request bounded by
    ``timeout_s``. ``label`` names the round (its ``path``). ``log`` sees every request.
    """
    _require_loopback(host)
    result = Round(path=label, clients=clients, duration_s=duration_s)
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(index: int) -> None:
        latencies: list[float] = []
        done = failed = read = 0
        first: str | None = None
        start_gate.wait()
        while time.monotonic() < stop_at[0] and done + failed < max_requests // clients:
            request = next_request(index, done + failed)
            answer: Answer | None = None
            problem: str | None = None
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection(host, port, timeout=timeout_s)
            try:
                headers = {"User-Agent": "consult-bench/1", **request.headers}
                conn.request(request.method, request.path, body=request.body, headers=headers)
                response = conn.getresponse()
                body = response.read()
                answer = Answer(
                    response.status, {k.lower(): v for k, v in response.getheaders()}, body
                )
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            finally:
                conn.close()
            latency_ms = (time.perf_counter() - t0) * 1000
            if answer is not None:
                problem = check(request, answer)
            if log is not None:
                log(index, request, answer, latency_ms, problem)
            if problem is None and answer is not None:
                done += 1
                read += len(answer.body)
                latencies.append(latency_ms)
            else:
                failed += 1
                first = first or problem
        with lock:
            result.requests += done
            result.failures += failed
            result.bytes_read += read
            result.latencies_ms.extend(latencies)
            result.first_failure = result.first_failure or first

    threads = [
        threading.Thread(target=client, args=(index,), daemon=True) for index in range(clients)
    ]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    stop_at[0] = started + duration_s
    start_gate.wait()
    for thread in threads:
        thread.join(duration_s + timeout_s + 5)
    result.elapsed_s = time.monotonic() - started
    if any(thread.is_alive() for thread in threads):
        raise BenchmarkError(f"load generator on {label} did not stop in time")
    return result
