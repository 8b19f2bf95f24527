"""Run the benchmarks, store their figures in bench/results.json, and rewrite bench/RESULTS.md.

    .venv/bin/python bench/run.py [--only NAME ...] [--quick] [--list]

NAME is a module's name without ``bench_`` (``home_page`` for ``bench/bench_home_page.py``).
Exit status: 0 when every benchmark that ran produced its figures (met target or not), 1 when
one crashed, 2 for a bad command line. See harness.py for how a benchmark plugs in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    BENCH_DIR,
    DEFAULT_BUDGET_S,
    DEFAULT_QUICK_BUDGET_S,
    RESULTS_JSON,
    RESULTS_MD,
    ROOT,
    BenchmarkError,
    Context,
    Result,
    commit,
    machine,
    median,
)


def discover() -> dict[str, Path]:
    return {path.stem.removeprefix("bench_"): path for path in sorted(BENCH_DIR.glob("bench_*.py"))}


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    if spec is None or spec.loader is None:
        raise BenchmarkError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise BenchmarkError(f"{path.name} defines no run(ctx)")
    return module


# The store ---------------------------------------------------------------------------------


def load_records() -> list[dict[str, Any]]:
    if not RESULTS_JSON.exists():
        return []
    data = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise SystemExit(f"{RESULTS_JSON} is not a list of records")
    return data


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def record(result: Result, *, module: str, quick: bool, run_info: dict[str, Any]) -> dict[str, Any]:
    baseline = result.baseline
    ratio = result.ratio
    return {
        "name": result.name,
        "module": module,
        "value": result.value,
        "unit": result.unit,
        "target": result.target,
        "better": result.better,
        "baseline": (
            {"name": baseline.name, "value": baseline.value, "unit": baseline.unit}
            if baseline
            else None
        ),
        "ratio": round(ratio, 4) if ratio is not None else None,
        "meets_target": result.meets_target,
        "median": round(median(result.samples), 4) if result.samples else None,
        "samples": list(result.samples),
        "mode": "quick" if quick else "full",
        **run_info,
        "details": dict(result.details),
        "method": result.method,
        "note": result.note,
    }


def crash_record(
    name: str, previous: dict[str, Any] | None, error: str, run_info: dict[str, Any]
) -> dict[str, Any]:
    failure = {"date": run_info["date"], "commit": run_info["commit"], "error": error}
    if previous is not None:
        return previous | {"last_failure": failure}
    return {
        "name": name,
        "module": name,
        "value": None,
        "meets_target": False,
        **run_info,
        "last_failure": failure,
    }


def merge(
    records: dict[str, dict[str, Any]],
    module: str,
    results: list[Result],
    *,
    quick: bool,
    run_info: dict[str, Any],
) -> None:
    """Store a module's results: they replace its previous records (and crash placeholders).

    A --quick figure does not replace a full run's: it is kept beside it as ``last_quick``.
    """
    produced = {result.name for result in results}
    for key, rec in list(records.items()):
        stale = rec.get("module") == module and key not in produced
        if stale and not (quick and rec.get("mode") == "full"):
            del records[key]
    for result in results:
        new = record(result, module=module, quick=quick, run_info=run_info)
        old = records.get(result.name)
        if quick and old is not None and old.get("mode") == "full":
            old.pop("last_failure", None)
            old["last_quick"] = {key: new[key] for key in _QUICK_KEYS}
        else:
            records[result.name] = new


_QUICK_KEYS = ("value", "unit", "baseline", "ratio", "meets_target", "samples", "date", "commit")


# RESULTS.md --------------------------------------------------------------------------------


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        size = abs(value)
        text = f"{value:,.1f}" if size >= 100 else f"{value:.2f}" if size >= 1 else f"{value:.4g}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def render(records: list[dict[str, Any]]) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Generated by `bench/run.py` from `bench/results.json`; do not edit by hand. Run",
        "`.venv/bin/python bench/run.py` (`--quick` for a smoke run, `--only NAME` for one).",
        "",
        "| benchmark | value | target | baseline | ratio | meets target | machine | date (UTC) "
        "| commit |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rec in records:
        unit = rec.get("unit", "")
        value = _fmt(rec.get("value"), unit)
        if rec.get("mode") == "quick":
            value += " (quick)"
        failure = rec.get("last_failure")
        if failure:
            value += f" — **crashed** {failure['date']} at {failure['commit'][:12]}"
        target = (
            f"{'≥' if rec.get('better') == 'higher' else '≤'} {_fmt(rec.get('target'), unit)}"
            if rec.get("target") is not None
            else "-"
        )
        baseline = rec.get("baseline")
        base_text = (
            f"{_fmt(baseline['value'], baseline['unit'])}: {baseline['name']}" if baseline else "-"
        )
        meets = "yes" if rec.get("meets_target") else "**no**"
        host = rec.get("machine", {}).get("summary", "-")
        commit_text = f"`{rec.get('commit', '?')[:12]}`" + (
            " dirty" if str(rec.get("commit", "")).endswith("-dirty") else ""
        )
        cells = [
            f"`{rec['name']}`", value, target, base_text, _fmt(rec.get("ratio")), meets, host,
            str(rec.get("date", "-")), commit_text,
        ]  # fmt: skip
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines += [
        "",
        "## Method",
        "",
        "Each benchmark runs on the machine named in its row, the load generator on the same",
        "machine as the server, loopback only. `value` is the median of the rounds listed in",
        "`samples` in results.json. `baseline` is measured in the same run by the same method,",
        "interleaved with the value's rounds, so `ratio` (value / baseline) cancels most of the",
        "machine's speed and of its noise (this machine is shared): compare ratios across",
        "machines and dates, raw values only on the same machine. `meets target` compares the",
        "value, not the ratio. `--quick` runs are smoke tests (short rounds): their figures",
        "are stored only where no full run's are, marked `(quick)`. Records of benchmarks not",
        "run keep their last figures; a crash keeps them too and is shown beside them.",
    ]
    for rec in records:
        lines += ["", f"### `{rec['name']}`"]
        if rec.get("method"):
            lines += ["", rec["method"]]
        if rec.get("note"):
            load = rec.get("load_average_1m") or {}
            lines += [
                "",
                f"Last figures ({rec.get('date')}, {rec.get('mode')} run, load average "
                f"{load.get('before')} before, {load.get('after')} after): {rec['note']}",
            ]
        quick = rec.get("last_quick")
        if quick:
            lines += [
                "",
                f"Last `--quick` run ({quick['date']}, `{quick['commit'][:12]}`): "
                f"{_fmt(quick['value'], quick['unit'])}, ratio {_fmt(quick['ratio'])}; "
                "smoke figures, not stored as the value.",
            ]
        if rec.get("last_failure"):
            failure = rec["last_failure"]
            lines += [
                "",
                f"Last failure ({failure['date']}, `{failure['commit'][:12]}`): "
                f"`{failure['error'][:500]}`",
            ]
    return "\n".join(lines) + "\n"


# Main --------------------------------------------------------------------------------------


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _terminate(signum: int, frame: object) -> NoReturn:
    # Turn SIGTERM into an exception so that every `finally` (stopping gunicorn) runs.
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark")
    parser.add_argument("--quick", action="store_true", help="short rounds: a smoke run")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    available = discover()
    if args.list:
        print("\n".join(available))
        return 0
    selected = available
    if args.only:
        wanted = [name.removeprefix("bench_").removesuffix(".py") for name in args.only]
        unknown = [name for name in wanted if name not in available]
        if unknown:
            print(f"unknown benchmark(s) {unknown}; available: {list(available)}", file=sys.stderr)
            return 2
        selected = {name: available[name] for name in wanted}

    signal.signal(signal.SIGTERM, _terminate)
    run_info = {
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "commit": commit(ROOT),
    }
    records = {rec["name"]: rec for rec in load_records()}
    crashed: list[str] = []
    for name, path in selected.items():
        started = time.monotonic()
        load_before = _load_average()
        try:
            module = load(name, path)
            budget = float(
                getattr(module, "QUICK_BUDGET_S", DEFAULT_QUICK_BUDGET_S)
                if args.quick
                else getattr(module, "BUDGET_S", DEFAULT_BUDGET_S)
            )
            ctx = Context(
                root=ROOT, python=sys.executable, quick=args.quick, budget_s=budget, name=name
            )
            results = module.run(ctx)
            if not results:
                raise BenchmarkError("run() returned no result")
            names = [result.name for result in results]
            if len(set(names)) != len(names):
                raise BenchmarkError(f"duplicate result names {names}")
            for result in results:
                result.validate()
        except Exception as exc:
            crashed.append(name)
            traceback.print_exc()
            error = f"{type(exc).__name__}: {exc}"
            # Keep the last good figures of the results this module produced.
            previous: list[dict[str, Any] | None] = [
                rec for rec in records.values() if rec.get("module") == name
            ]
            for rec in previous or [None]:
                key = rec["name"] if rec else name
                records[key] = crash_record(key, rec, error, run_info)
            print(f"{name}: CRASHED after {time.monotonic() - started:.1f} s", file=sys.stderr)
            continue
        loadavg = {"load_average_1m": {"before": load_before, "after": _load_average()}}
        merge(records, name, results, quick=args.quick, run_info=run_info | loadavg)
        for result in results:
            verdict = "meets" if result.meets_target else "MISSES"
            ratio = f", ratio {result.ratio:.4f}" if result.ratio is not None else ""
            print(
                f"{result.name}: {result.value} {result.unit} ({verdict} target "
                f"{result.target}{ratio}) in {time.monotonic() - started:.1f} s"
            )

    ordered = [records[key] for key in sorted(records)]
    write_atomic(RESULTS_JSON, json.dumps(ordered, ensure_ascii=False, indent=2) + "\n")
    write_atomic(RESULTS_MD, render(ordered))
    print(f"wrote {RESULTS_JSON.relative_to(ROOT)} and {RESULTS_MD.relative_to(ROOT)}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
