"""The benchmark interface, the description of the machine and the results store.

A benchmark is a module ``bench/bench_<name>.py`` that defines::

    def run(ctx: Context) -> list[Result]: ...

and optionally ``BUDGET_S`` and ``QUICK_BUDGET_S`` (floats, the wall-clock seconds it may take
in a normal and a ``--quick`` run; default 110 and 28). ``bench/run.py`` finds the module, calls
``run`` with a :class:`Context`, and stores each returned :class:`Result` in
``bench/results.json`` under ``Result.name`` (one record per name, merged with the records of
benchmarks that did not run this time), then rewrites ``bench/RESULTS.md``.

Raising (any exception, :class:`BenchmarkError` for an expected failure such as an error page
under load) marks the benchmark as crashed: run.py exits non-zero. Missing the target is not a
crash; it is recorded in ``meets_target``.
"""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_JSON = BENCH_DIR / "results.json"
RESULTS_MD = BENCH_DIR / "RESULTS.md"

Better = Literal["lower", "higher"]

DEFAULT_BUDGET_S = 110.0
DEFAULT_QUICK_BUDGET_S = 28.0


class BenchmarkError(Exception):
    """The benchmark could not produce a valid measurement (counts as a crash)."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """A reference figure measured in the same run, with the same method, as the value."""

    name: str
    value: float
    unit: str


@dataclass(frozen=True, slots=True)
class Result:
    """One figure of one benchmark.

    ``value`` is the headline figure (normally ``median(samples)``); ``target`` is the figure
    it should reach, ``better`` says in which direction. ``baseline`` makes ``ratio``
    (value / baseline value) available: a figure that cancels most of the machine's speed and
    noise. ``method`` is a short Markdown text shown in RESULTS.md, ``note`` one line on this
    run shown under it; ``details`` is any JSON-serialisable extra (per-round figures,
    latencies, configuration), kept in results.json only.
    """

    name: str
    value: float
    unit: str
    target: float
    better: Better
    baseline: Baseline | None = None
    samples: Sequence[float] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    method: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline.value == 0:
            return None
        return self.value / self.baseline.value

    @property
    def meets_target(self) -> bool:
        if self.better == "higher":
            return self.value >= self.target
        return self.value <= self.target

    def validate(self) -> None:
        if not self.name or not self.name.replace("_", "").replace("-", "").isalnum():
            raise BenchmarkError(f"bad result name {self.name!r}")
        if self.better not in ("lower", "higher"):
            raise BenchmarkError(f"{self.name}: better must be 'lower' or 'higher'")
        figures = [self.value, self.target, *self.samples]
        if self.baseline is not None:
            figures.append(self.baseline.value)
        if not all(math.isfinite(x) for x in figures):
            raise BenchmarkError(f"{self.name}: non-finite figure")


@dataclass(slots=True)
class Context:
    """What run.py hands to a benchmark."""

    root: Path  # the project checkout (cwd for manage.py, gunicorn)
    python: str  # the interpreter running run.py: the project venv's
    quick: bool  # --quick: shorter rounds, fewer of them
    budget_s: float  # wall-clock seconds this benchmark may take, set-up and tear-down included
    name: str = ""
    started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return self.budget_s - self.elapsed()

    def require(self, seconds: float, what: str) -> None:
        """Fail now rather than overrun the budget when ``what`` needs ``seconds`` more."""
        if self.remaining() < seconds:
            raise BenchmarkError(
                f"out of time budget before {what}: {self.remaining():.1f} s left of "
                f"{self.budget_s:.0f} s, {seconds:.1f} s needed"
            )

    def log(self, message: str) -> None:
        print(f"[{self.name or 'bench'} +{self.elapsed():5.1f}s] {message}", file=sys.stderr)


def median(values: Sequence[float]) -> float:
    if not values:
        raise BenchmarkError("no samples")
    return float(statistics.median(values))


# The machine and the code -----------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _os_name() -> str:
    pretty = ""
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    kernel = f"{platform.system()} {platform.release()} {platform.machine()}"
    return f"{pretty}, {kernel}" if pretty else kernel


def machine() -> dict[str, Any]:
    """A description of the machine that leaves out its hostname."""
    cores = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cores
    info: dict[str, Any] = {
        "cpu": _cpu_model(),
        "cores": cores,
        "usable_cores": usable,
        "ram_gib": _ram_gib(),
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "os": _os_name(),
    }
    info["summary"] = (
        f"{info['cpu']}, {usable} cores, {info['ram_gib']} GiB, "
        f"Python {platform.python_version()}, {info['os'].split(',')[0]}"
    )
    return info


# The harness's own outputs do not make the tree dirty: writing them is what a run does.
_OUTPUTS = ["bench/results.json", "bench/RESULTS.md"]


def commit(root: Path = ROOT) -> str:
    """``git rev-parse HEAD``, with ``-dirty`` when tracked or untracked files differ."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        excludes = [f":(exclude){path}" for path in _OUTPUTS]
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", ".", *excludes],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}-dirty" if status else head
