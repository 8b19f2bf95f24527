"""A throwaway demo portal served by gunicorn on 127.0.0.1, for benchmarks to load.

``with demo_site(ctx) as site:`` makes a temporary directory, a fresh SQLite database in it
(or uses ``DATABASE_URL`` when it is set), runs ``migrate`` and ``seed_demo``, collects the
static files with the production storage (without the .gz/.br copies unless asked), starts
gunicorn with the production settings on a free loopback port, waits for ``/healthz`` to
answer 200, yields, and always stops gunicorn and removes the directory.
"""

from __future__ import annotations

import hashlib
import http.client
import importlib.metadata
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import BENCH_DIR, BenchmarkError, Context
from loadgen import Check

HOST = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class DemoSite:
    host: str
    port: int
    workdir: Path
    static_root: Path
    stack: dict[str, Any]
    # The environment of the set-up commands (migrate, seed_demo): the site's database with the
    # development settings. Not shown: DATABASE_URL may hold a password.
    setup_env: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stack(env: dict[str, str]) -> dict[str, Any]:
    """Which integrations the site runs on (no URLs: they may hold passwords)."""
    database = env["DATABASE_URL"].split(":", 1)[0]
    return {
        "database": database,
        "database_fresh": database.startswith("sqlite") and "DATABASE_URL" not in os.environ,
        "cache": "redis" if env.get("REDIS_URL") else "locmem",
        "search": "elasticsearch" if env.get("ELASTICSEARCH_URL") else "database",
    }


# The database template --------------------------------------------------------------------
# migrate takes 10-30 s on this machine, more than a --quick run can spend. A fresh SQLite
# database made by migrate + seed_demo is a function of the project's Python code and of the
# installed packages, so it is kept under bench/.work (git-ignored), named by a hash of both,
# and a quick run copies it when the hash still matches.

TEMPLATE_DIR = BENCH_DIR / ".work" / "db-template"
_SKIP_DIRS = {".git", ".venv", "node_modules", "bench", "tests", "static", "media", "var"}


def _template_path(ctx: Context) -> Path:
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for dist in sorted(
        f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()
    ):
        digest.update(dist.encode() + b"\n")
    for folder, dirs, files in os.walk(ctx.root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
        for file in sorted(files):
            if file.endswith(".py"):
                path = Path(folder) / file
                digest.update(str(path.relative_to(ctx.root)).encode() + b"\0")
                digest.update(path.read_bytes())
    return TEMPLATE_DIR / f"demo-{digest.hexdigest()[:16]}.sqlite3"


def _save_template(db_file: Path, template: Path, ctx: Context) -> None:
    if any(db_file.with_name(db_file.name + suffix).exists() for suffix in ("-wal", "-journal")):
        return  # not a single self-contained file: do not keep it
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    for old in TEMPLATE_DIR.glob("demo-*.sqlite3"):
        old.unlink(missing_ok=True)
    tmp = template.with_suffix(".tmp")
    shutil.copyfile(db_file, tmp)
    os.replace(tmp, template)
    ctx.log(f"database: kept as template {template.name}")


class _Steps:
    """Set-up commands run as child processes, each bounded by the benchmark's budget."""

    def __init__(self, ctx: Context, workdir: Path) -> None:
        self.ctx = ctx
        self.workdir = workdir
        self.started: list[subprocess.Popen[bytes]] = []

    def kill_all(self) -> None:
        """Kill what is still running (after an interruption or a failure elsewhere)."""
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def start(self, label: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """Run ``python ARGS`` in the project directory, its output to LABEL.log."""
        log = (self.workdir / f"{label}.log").open("wb")
        try:
            proc = subprocess.Popen(
                [self.ctx.python, *args],
                cwd=self.ctx.root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()
        self.started.append(proc)
        return proc

    def wait(self, label: str, proc: subprocess.Popen[bytes], reserve_s: float) -> None:
        timeout = max(1.0, self.ctx.remaining() - reserve_s)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise BenchmarkError(f"{label} did not finish within {timeout:.0f} s") from None
        if code != 0:
            tail = _tail(self.workdir / f"{label}.log")
            raise BenchmarkError(f"{label} exited with {code}:\n{tail}")
        self.ctx.log(f"{label}: done")


# Every page links the front-end build (npm run build, git-ignored): without it the production
# storage has no manifest entry for it and every page is a 500 while /healthz still says 200.
FRONT_END_BUILD = "cms/build/main.css"


def _require_front_end_build(static_root: Path) -> None:
    try:
        manifest = json.loads((static_root / "staticfiles.json").read_text())
    except (OSError, ValueError) as exc:
        raise BenchmarkError(f"collectstatic wrote no readable manifest: {exc}") from None
    if FRONT_END_BUILD not in manifest.get("paths", {}):
        raise BenchmarkError(
            f"collectstatic found no {FRONT_END_BUILD}: the front-end build is missing "
            "(cms/static/cms/build/); run `npm ci && npm run build` first"
        )


def _get(port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def timed_get(
    site: DemoSite, path: str, check: Check, timeout_s: float = 10.0
) -> tuple[float, bytes]:
    """One GET on a new connection: (milliseconds to the last byte, body); a bad answer fails."""
    if site.host != "localhost" and not ipaddress.ip_address(site.host).is_loopback:
        raise BenchmarkError(f"requests are only sent to loopback addresses, not {site.host!r}")
    started = time.perf_counter()
    conn = http.client.HTTPConnection(site.host, site.port, timeout=timeout_s)
    try:
        conn.request("GET", path, headers={"User-Agent": "consult-bench/1"})
        response = conn.getresponse()
        body = response.read()
        status = response.status
    except (OSError, http.client.HTTPException) as exc:
        raise BenchmarkError(f"{path}: {type(exc).__name__}: {exc}") from None
    finally:
        conn.close()
    elapsed_ms = (time.perf_counter() - started) * 1000
    problem = check(status, body)
    if problem is not None:
        raise BenchmarkError(f"{path}: {problem}")
    return elapsed_ms, body


def _stop(proc: subprocess.Popen[bytes], ctx: Context) -> None:
    if proc.poll() is not None:
        return
    # gunicorn runs in a session of its own: its process group is the master and its workers.
    # SIGINT is gunicorn's quick shutdown; nothing is in flight when the benchmark is done.
    try:
        os.killpg(proc.pid, signal.SIGINT)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=8)
    except subprocess.TimeoutExpired:
        ctx.log("gunicorn did not stop on SIGINT, killing it")
        with suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


# collectstatic with the production storage (hashed names and the manifest, as deployed) but
# without WhiteNoise's gzip and Brotli copies: 2 s instead of 13 s of CPU on this machine. They
# change nothing a client that sends no Accept-Encoding (loadgen) is served.
_COLLECT_WITHOUT_COMPRESSION = """
import django
from django.core.management import call_command
from whitenoise.compress import Compressor

Compressor.should_compress = lambda self, filename: False
django.setup()
call_command("collectstatic", interactive=False, verbosity=1)
"""


@contextmanager
def demo_site(
    ctx: Context,
    *,
    workers: int = 2,
    reserve_s: float = 10.0,
    compress_static: bool = False,
    use_db_template: bool | None = None,
    env: Mapping[str, str] | None = None,
    threads: int = 1,
    serve_settings: str = "consult.settings.production",
) -> Iterator[DemoSite]:
    """Provision and serve the demo portal.

    ``reserve_s`` is kept back from the budget for what the caller does with the site;
    ``compress_static`` makes WhiteNoise's .gz and .br copies too (for clients that ask).
    ``use_db_template`` (default: in ``--quick`` runs only) copies the SQLite database that an
    earlier run made by migrate + seed_demo from the same code and packages, instead of
    making it again; every fresh SQLite database made here is kept as that template.
    ``env`` is set for the set-up commands and the server alike, over the environment and the
    defaults here (e.g. ``services_for(...).env``: a PostgreSQL database, Redis, and a
    ``SECRET_KEY`` shared with a set-up process that signs sessions); ``threads`` > 1 runs
    gunicorn's gthread workers with that many threads each instead of sync workers;
    ``serve_settings`` is the server's settings module (a benchmark's own module in bench/,
    importable as a top-level name, can add views beside the site's for comparison).
    """
    workdir = Path(tempfile.mkdtemp(prefix="consult-bench-"))
    static_root = workdir / "static"
    db_file = workdir / "bench.sqlite3"
    extra = dict(env or {})
    fresh_sqlite = "DATABASE_URL" not in os.environ and "DATABASE_URL" not in extra
    use_template = ctx.quick if use_db_template is None else use_db_template
    base = dict(os.environ)
    base.setdefault("DATABASE_URL", f"sqlite:///{db_file}")
    base.update(
        {
            "DEBUG": "false",
            "STATIC_ROOT": str(static_root),
            "MEDIA_ROOT": str(workdir / "media"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    setup_env = base | {"DJANGO_SETTINGS_MODULE": "consult.settings.dev"}
    serve_env = base | {
        "DJANGO_SETTINGS_MODULE": serve_settings,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR), base.get("PYTHONPATH")])),
        "SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
    }
    setup_env |= extra
    serve_env |= extra
    gunicorn: subprocess.Popen[bytes] | None = None
    try:
        steps = _Steps(ctx, workdir)
        # collectstatic needs no database: it runs beside migrate and seed_demo (2 cores).
        collect = ["manage.py", "collectstatic", "--noinput"]
        if not compress_static:
            collect = ["-c", _COLLECT_WITHOUT_COMPRESSION]
        static = steps.start("collectstatic", collect, serve_env)
        try:
            template = _template_path(ctx) if fresh_sqlite else None
            if template is not None and use_template and template.exists():
                shutil.copyfile(template, db_file)
                database = f"copy of the database template {template.name}"
                ctx.log(f"database: {database} (migrate and seed_demo skipped)")
            else:
                migrate = steps.start("migrate", ["manage.py", "migrate", "--noinput"], setup_env)
                steps.wait("migrate", migrate, reserve_s)
                seed = steps.start(
                    "seed_demo", ["manage.py", "seed_demo", "--allow-production"], setup_env
                )
                steps.wait("seed_demo", seed, reserve_s)
                database = "fresh: migrate + seed_demo"
                if template is not None:
                    _save_template(db_file, template, ctx)
            steps.wait("collectstatic", static, reserve_s)
        finally:
            steps.kill_all()
        _require_front_end_build(static_root)

        def command(port: int) -> list[str]:
            return [
                ctx.python, "-m", "gunicorn", "consult.wsgi:application",
                "--bind", f"{HOST}:{port}",
                "--workers", str(workers),
                "--worker-class", "sync" if threads <= 1 else "gthread",
                *(["--threads", str(threads)] if threads > 1 else []),
                "--timeout", "30",
                "--graceful-timeout", "5",
                "--worker-tmp-dir", str(workdir),
                "--no-control-socket",
            ]  # fmt: skip

        port = 0
        for attempt in range(3):
            port = _free_port()
            log = (workdir / "gunicorn.log").open("ab")
            try:
                gunicorn = subprocess.Popen(
                    command(port),
                    cwd=ctx.root,
                    env=serve_env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            finally:
                log.close()
            ctx.log(
                f"gunicorn: starting on {HOST}:{port} with {workers} workers"
                + (f" x {threads} threads" if threads > 1 else "")
            )
            if _wait_healthy(gunicorn, port, ctx, reserve_s, workdir):
                break
            ctx.log(f"gunicorn exited early (attempt {attempt + 1}); trying another port")
            gunicorn = None
        else:
            raise BenchmarkError("gunicorn would not start:\n" + _tail(workdir / "gunicorn.log"))
        stack = _stack(serve_env) | {
            "database_made": database,
            "static_compressed": compress_static,
        }
        yield DemoSite(HOST, port, workdir, static_root, stack, setup_env)
    finally:
        if gunicorn is not None:
            _stop(gunicorn, ctx)
            ctx.log("gunicorn: stopped")
        if os.environ.get("BENCH_KEEP_WORKDIR"):
            ctx.log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _wait_healthy(
    proc: subprocess.Popen[bytes], port: int, ctx: Context, reserve_s: float, workdir: Path
) -> bool:
    """True once /healthz answers 200; False if gunicorn exited (e.g. the port was taken)."""
    deadline = time.monotonic() + max(5.0, ctx.remaining() - reserve_s)
    last = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            status, body = _get(port, "/healthz")
        except OSError as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if status == 200:
                ctx.log("gunicorn: /healthz answered 200")
                return True
            last = f"status {status}: {body[:300]!r}"
        time.sleep(0.2)
    _stop(proc, ctx)
    raise BenchmarkError(
        f"/healthz did not answer 200 in time ({last}):\n" + _tail(workdir / "gunicorn.log")
    )


def run_in_site(
    ctx: Context, site: DemoSite, label: str, code: str, *args: str, reserve_s: float = 10.0
) -> str:
    """Run ``python -c CODE ARGS`` in the project on the served site's database, as seed_demo is
    run (development settings), while gunicorn serves it; return what it printed on stdout.

    Its stderr goes to LABEL.log in the site's work directory; it may take the budget less
    ``reserve_s``; a failure or an overrun is a BenchmarkError with the log's tail.
    """
    if not site.setup_env:
        raise BenchmarkError("the site has no set-up environment")
    timeout = max(1.0, ctx.remaining() - reserve_s)
    log_path = site.workdir / f"{label}.log"
    with log_path.open("wb") as log:
        try:
            done = subprocess.run(
                [ctx.python, "-c", code, *args],
                cwd=ctx.root,
                env=dict(site.setup_env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchmarkError(f"{label} did not finish within {timeout:.0f} s") from None
    if done.returncode != 0:
        raise BenchmarkError(f"{label} exited with {done.returncode}:\n{_tail(log_path)}")
    ctx.log(f"{label}: done")
    return done.stdout.decode("utf-8", errors="replace")


# PostgreSQL and Redis ----------------------------------------------------------------------
# Benchmarks that must run on the production database and a shared cache get a database of their
# own on the local PostgreSQL (dropped and made again on every run) and a key prefix of their own
# in Redis. The servers are the ones `scripts/services.sh start` runs; their addresses come from
# DATABASE_URL / REDIS_URL when these name PostgreSQL / Redis, else from `scripts/services.sh env`.

SERVICES_SCRIPT = "scripts/services.sh"
_START_HINT = f"start them with `{SERVICES_SCRIPT} start` (see `{SERVICES_SCRIPT} status`)"


@dataclass(frozen=True, slots=True)
class Services:
    """A dedicated PostgreSQL database and Redis key prefix; ``env`` configures the site."""

    database: str
    database_url: str = field(repr=False)
    redis_url: str = field(repr=False)
    cache_prefix: str
    server: dict[str, str]  # PostgreSQL's version and durability settings (no addresses)

    @property
    def env(self) -> dict[str, str]:
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "CACHE_KEY_PREFIX": self.cache_prefix,
        }


def services_env(ctx: Context, wanted: str) -> dict[str, str]:
    """The variables `scripts/services.sh env` exports (the local services' addresses).

    ``wanted`` names what the caller was looking for, for the error message.
    """
    try:
        printed = subprocess.run(
            ["bash", str(ctx.root / SERVICES_SCRIPT), "env"],
            cwd=ctx.root,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise BenchmarkError(
            f"{wanted} not set and `{SERVICES_SCRIPT} env` failed ({type(exc).__name__}); "
            f"{_START_HINT}"
        ) from None
    return {
        name: value.strip().strip("'\"")
        for name, value in (
            line.removeprefix("export ").split("=", 1)
            for line in printed.splitlines()
            if line.startswith("export ") and "=" in line
        )
    }


def _service_urls(ctx: Context) -> tuple[str, str]:
    """(PostgreSQL URL, Redis URL) of the local services."""
    database = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database.startswith(("postgres://", "postgresql://")) or not redis_url.startswith(
        "redis://"
    ):
        found = services_env(ctx, "DATABASE_URL / REDIS_URL naming PostgreSQL and Redis")
        if not database.startswith(("postgres://", "postgresql://")):
            database = found.get("DATABASE_URL", "")
        if not redis_url.startswith("redis://"):
            redis_url = found.get("REDIS_URL", "")
    if not database or not redis_url:
        raise BenchmarkError(f"no PostgreSQL or Redis address found; {_START_HINT}")
    return database, redis_url


def _with_database(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def _where(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.hostname}:{parts.port or ''}"


@contextmanager
def services_for(ctx: Context, database: str) -> Iterator[Services]:
    """A fresh PostgreSQL database named ``database`` and a fresh Redis key prefix.

    Raises BenchmarkError (never falls back to SQLite) when PostgreSQL or Redis cannot be reached.
    On the way out the database is dropped and the prefix's keys deleted (kept with
    ``BENCH_KEEP_WORKDIR``).
    """
    import psycopg
    import redis
    from psycopg import sql

    if not database.isidentifier() or not database.islower():
        raise BenchmarkError(f"bad database name {database!r}")
    base_url, redis_url = _service_urls(ctx)
    try:
        admin = psycopg.connect(base_url, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        raise BenchmarkError(
            f"PostgreSQL at {_where(base_url)} is not reachable ({type(exc).__name__}: "
            f"{str(exc).strip()[:200]}); {_START_HINT}"
        ) from None
    cache = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        cache.ping()
    except redis.RedisError as exc:
        admin.close()
        raise BenchmarkError(
            f"Redis at {_where(redis_url)} is not reachable ({type(exc).__name__}: {exc}); "
            f"{_START_HINT}"
        ) from None
    name = sql.Identifier(database)
    prefix = f"bench-{database}-{secrets.token_hex(4)}"
    made = False
    try:
        with admin.cursor() as cursor:
            server = {}
            for setting in ("server_version", "fsync", "synchronous_commit", "shared_buffers"):
                row = cursor.execute(sql.SQL("SHOW {}").format(sql.Identifier(setting))).fetchone()
                server[setting] = str(row[0]) if row else "?"
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
        made = True
        ctx.log(f"services: database {database} made on PostgreSQL {server['server_version']}")
        yield Services(database, _with_database(base_url, database), redis_url, prefix, server)
    finally:
        keep = bool(os.environ.get("BENCH_KEEP_WORKDIR"))
        try:
            if made and not keep:
                with admin.cursor() as cursor:
                    cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            if not keep:
                keys = list(cache.scan_iter(match=f"{prefix}:*", count=1000))
                for start in range(0, len(keys), 500):
                    cache.delete(*keys[start : start + 500])
            done = "kept" if keep else "removed"
            ctx.log(f"services: database {database} and cache prefix {prefix} {done}")
        except (psycopg.Error, redis.RedisError) as exc:
            ctx.log(f"services: clean-up failed: {type(exc).__name__}: {exc}")
        finally:
            admin.close()
            cache.close()
