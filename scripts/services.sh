#!/usr/bin/env bash
# Install and run the real services the test suite needs (PostgreSQL, Redis,
# Elasticsearch 8) on a bare Debian 12 machine, as root, without Docker.
#
#   scripts/services.sh install   # apt packages + Elasticsearch and veraPDF from Maven Central
#   scripts/services.sh start     # start all three on 127.0.0.1 and wait for them
#   scripts/services.sh stop      # stop whatever this script started
#   scripts/services.sh status    # one line per service; non-zero if any is down
#   scripts/services.sh env       # export lines: eval "$(scripts/services.sh env)"
#
# Everything lives under $SERVICES_DIR (default /var/tmp/consult-services).
set -euo pipefail

# Newest 8.x of org.elasticsearch.distribution.integ-test-zip:elasticsearch on
# Maven Central when this was written (8.19.21).
ES_VERSION="${ES_VERSION:-8.19.21}"
# veraPDF's command-line validator (org.verapdf.apps:cli, one jar with its dependencies and the
# PDF/UA-1 profile): the tests check the synthesis report against PDF/UA-1 with it.
VERAPDF_VERSION=1.30.2
VERAPDF_SHA256=287cc9c9757f99dcff4a2d39b68268245b48103fb6af443162d5a29df2afa332
SERVICES_DIR="${SERVICES_DIR:-/var/tmp/consult-services}"

HOST=127.0.0.1
PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
ES_PORT="${ES_PORT:-9200}"
ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-9300}"

DB_USER=consult
DB_PASSWORD=consult
DB_NAME=consult

PGDATA_DIR="$SERVICES_DIR/pgdata"
PG_RUN="$SERVICES_DIR/pg"                 # unix socket + server log (owned by postgres)
PG_LOG="$PG_RUN/postgres.log"
REDIS_DIR="$SERVICES_DIR/redis"
REDIS_PID="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"
ES_HOME="$SERVICES_DIR/elasticsearch-$ES_VERSION"
ES_DATA="$SERVICES_DIR/es-data"
ES_LOGS="$SERVICES_DIR/es-logs"
ES_PID="$ES_LOGS/elasticsearch.pid"
ES_TMP="$SERVICES_DIR/es-tmp"
ES_CLUSTER=consult
ES_USER=elasticsearch
ES_PLUGIN=consult-analysis
# Sources of that plugin, next to this script (see install_es_plugin).
ES_PLUGIN_SRC="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/es-test-plugin"
VERAPDF_JAR="$SERVICES_DIR/verapdf/verapdf-cli.jar"

PG_WAIT=60        # seconds
REDIS_WAIT=30
ES_WAIT=180

log()  { printf '[services %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { log "ERROR: $*"; exit 1; }

# Print the last lines of a log file to stderr (for failures).
tail_log() {
  local f="$1" n="${2:-40}"
  if [[ -f "$f" ]]; then
    printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2 || true
    printf -- '-----\n' >&2
  else
    log "(no log file at $f)"
  fi
}

need_root() { [[ $(id -u) -eq 0 ]] || die "run as root"; }

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# pid from a pidfile, only if that process is alive and its command line
# contains the given pattern (guards against stale pidfiles and reused pids).
live_pid() {
  local file="$1" pattern="$2" pid
  [[ -s "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern" || return 1
  echo "$pid"
}

# Wait for a pid to exit; returns 1 if it is still alive after $2 seconds.
wait_gone() {
  local pid="$1" secs="$2" i
  for ((i = 0; i < secs * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  return 1
}

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$d" && -x "$d/pg_ctl" ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (run: $0 install)"
  echo "$d"
}

java_major() { # java_major /path/to/java
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

es_java_home() {
  if [[ -n "${ES_JAVA_HOME:-}" ]]; then echo "$ES_JAVA_HOME"; return; fi
  local java
  java="$(command -v java)" || die "java not found (run: $0 install)"
  dirname "$(dirname "$(readlink -f "$java")")"
}

# ---------------------------------------------------------------- install --

APT_PACKAGES=(
  postgresql postgresql-contrib
  redis-server
  chromium chromium-driver
  fonts-liberation2 fonts-dejavu-core fonts-noto-color-emoji fonts-droid-fallback
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
  gettext poppler-utils
  curl unzip ca-certificates
)

pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == installed ]]
}

install_apt() {
  local wanted=("${APT_PACKAGES[@]}") missing=() p java_ok=0
  if command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1; then
    local m; m="$(java_major "$(command -v java)")"
    [[ "${m%%.*}" =~ ^[0-9]+$ && "${m%%.*}" -ge 17 ]] && java_ok=1
  fi
  # A JDK (not just a JRE): the install step compiles a small ES plugin.
  ((java_ok)) || wanted+=(default-jdk-headless)
  command -v mvn >/dev/null 2>&1 || wanted+=(maven)
  command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm)

  for p in "${wanted[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  if ((${#missing[@]} == 0)); then
    log "apt: all packages already installed"
    return
  fi
  log "apt: installing ${missing[*]}"
  # Keep package postinst scripts from starting Debian's own postgresql/redis
  # services (they would take ports 5432/6379): a temporary policy-rc.d.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
  fi
  local rc=0
  {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q &&
      apt-get install -y -q --no-install-recommends "${missing[@]}"
  } || rc=$?
  ((created_policy)) && rm -f "$policy"
  ((rc == 0)) || die "apt-get failed (exit $rc)"
}

ensure_es_user() {
  if ! id "$ES_USER" >/dev/null 2>&1; then
    log "creating system user $ES_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$ES_USER"
  fi
}

install_es() {
  if [[ -x "$ES_HOME/bin/elasticsearch" && -f "$ES_HOME/.consult-unpacked" ]]; then
    log "elasticsearch $ES_VERSION already unpacked in $ES_HOME"
    return
  fi
  local dl="$SERVICES_DIR/downloads"
  local zip="$dl/elasticsearch-$ES_VERSION.zip"
  mkdir -p "$dl"
  if [[ ! -s "$zip" ]]; then
    log "fetching org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip from Maven Central"
    local out; out="$(mktemp)"
    if ! (cd "$dl" && mvn -B -q dependency:copy \
      "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
      "-DoutputDirectory=$dl") >"$out" 2>&1; then
      tail -n 30 "$out" >&2
      rm -f "$out"
      die "maven could not fetch Elasticsearch $ES_VERSION"
    fi
    rm -f "$out"
    [[ -s "$zip" ]] || die "maven finished but $zip is missing"
  fi
  log "unpacking into $ES_HOME"
  local tmp; tmp="$(mktemp -d "$SERVICES_DIR/.unpack.XXXXXX")"
  unzip -q "$zip" -d "$tmp"
  [[ -x "$tmp/elasticsearch-$ES_VERSION/bin/elasticsearch" ]] || die "unexpected zip layout in $zip"
  rm -rf "$ES_HOME"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rmdir "$tmp"
  touch "$ES_HOME/.consult-unpacked"
  rm -f "$zip" # the copy in ~/.m2 stays as maven's cache
}

install_verapdf() {
  if [[ -s "$VERAPDF_JAR" ]] && echo "$VERAPDF_SHA256  $VERAPDF_JAR" | sha256sum -c --status -; then
    log "veraPDF $VERAPDF_VERSION already in $VERAPDF_JAR"
    return
  fi
  local dl; dl="$(mktemp -d "$SERVICES_DIR/.verapdf.XXXXXX")"
  log "fetching org.verapdf.apps:cli:$VERAPDF_VERSION:jar from Maven Central"
  if ! (cd "$dl" && mvn -B -q dependency:copy \
    "-Dartifact=org.verapdf.apps:cli:$VERAPDF_VERSION:jar" "-DoutputDirectory=$dl") >"$dl/mvn.log" 2>&1; then
    tail -n 30 "$dl/mvn.log" >&2
    rm -rf "$dl"
    die "maven could not fetch veraPDF $VERAPDF_VERSION"
  fi
  if ! echo "$VERAPDF_SHA256  $dl/cli-$VERAPDF_VERSION.jar" | sha256sum -c --status -; then
    rm -rf "$dl"
    die "veraPDF $VERAPDF_VERSION: the jar's SHA-256 is not the one pinned here (a damaged copy in ~/.m2/repository/org/verapdf/apps/cli/$VERAPDF_VERSION? delete it and retry)"
  fi
  mkdir -p "$(dirname "$VERAPDF_JAR")"
  mv "$dl/cli-$VERAPDF_VERSION.jar" "$VERAPDF_JAR"
  rm -rf "$dl"
}

# The integ-test-zip distribution ships only the modules x-pack-core,
# x-pack-security, transport-netty4 and apm: no analysis-common (asciifolding,
# ngram/edge_ngram, html_strip, whitespace/keyword tokenizers, ...) and no
# rest-root (GET / and HEAD /). Neither is published to Maven Central, so we
# compile a small plugin from scripts/es-test-plugin/ (see its README.md)
# against the distribution's own jars.

# Checksum of everything the plugin build depends on: the ES version and the
# plugin's sources and descriptor template (not the README).
plugin_checksum() {
  [[ -d "$ES_PLUGIN_SRC/src" && -f "$ES_PLUGIN_SRC/plugin-descriptor.properties" ]] \
    || die "plugin sources not found in $ES_PLUGIN_SRC"
  {
    echo "es $ES_VERSION"
    (cd "$ES_PLUGIN_SRC" && find src plugin-descriptor.properties -type f -print0 \
      | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -c1-16
}

install_es_plugin() {
  local dir="$ES_HOME/plugins/$ES_PLUGIN" sum
  sum="$(plugin_checksum)"
  if [[ -f "$dir/$ES_PLUGIN.jar" && "$(cat "$dir/.source-sha" 2>/dev/null || true)" == "$sum" ]]; then
    log "ES plugin $ES_PLUGIN already built"
    return
  fi
  local jhome; jhome="$(es_java_home)"
  [[ -x "$jhome/bin/javac" ]] || die "javac not found in $jhome (need a JDK >= 17)"
  log "building ES plugin $ES_PLUGIN from $ES_PLUGIN_SRC (asciifolding, ngram, edge_ngram, html_strip, whitespace/keyword tokenizers, GET /)"
  local sources=()
  mapfile -d '' -t sources < <(find "$ES_PLUGIN_SRC/src" -name '*.java' -type f -print0 | LC_ALL=C sort -z)
  ((${#sources[@]})) || die "no .java files under $ES_PLUGIN_SRC/src"
  local build; build="$(mktemp -d)"
  mkdir -p "$build/classes"
  "$jhome/bin/javac" --release 17 -nowarn -proc:none -encoding UTF-8 -d "$build/classes" \
    -cp "$ES_HOME/lib/*" "${sources[@]}" \
    || { rm -rf "$build"; die "compiling the $ES_PLUGIN plugin against Elasticsearch $ES_VERSION failed"; }
  sed -e '/^[[:space:]]*#/d' -e "s/@ES_VERSION@/$ES_VERSION/g" \
    "$ES_PLUGIN_SRC/plugin-descriptor.properties" >"$build/plugin-descriptor.properties"
  grep -qx "name=$ES_PLUGIN" "$build/plugin-descriptor.properties" \
    || { rm -rf "$build"; die "$ES_PLUGIN_SRC/plugin-descriptor.properties must say name=$ES_PLUGIN"; }
  rm -rf "$dir"
  mkdir -p "$dir"
  "$jhome/bin/jar" --create --file "$dir/$ES_PLUGIN.jar" -C "$build/classes" .
  cp "$build/plugin-descriptor.properties" "$dir/plugin-descriptor.properties"
  echo "$sum" >"$dir/.source-sha"
  rm -rf "$build"
}

cmd_install() {
  need_root
  local t0=$SECONDS
  mkdir -p "$SERVICES_DIR"
  chmod 755 "$SERVICES_DIR"
  install_apt
  local pgbin; pgbin="$(pg_bin)"
  [[ -f "$pgbin/../lib/unaccent.so" ]] || die "unaccent extension not found next to $pgbin (postgresql-contrib)"
  command -v redis-server >/dev/null || die "redis-server not installed"
  ensure_es_user
  install_es
  install_es_plugin
  chown -R "$ES_USER:$ES_USER" "$ES_HOME"
  install_verapdf
  log "install done in $((SECONDS - t0))s (Elasticsearch $ES_VERSION in $ES_HOME)"
}

# ------------------------------------------------------------------ start --

psql_super() { # psql_super DB SQL...  (superuser over our unix socket)
  local db="$1"; shift
  PGOPTIONS="-c client_min_messages=warning" runuser -u postgres -- "$(pg_bin)/psql" -X -q -At -v ON_ERROR_STOP=1 \
    -h "$PG_RUN" -p "$PG_PORT" -U postgres -d "$db" "$@"
}

pg_running() {
  [[ -f "$PGDATA_DIR/PG_VERSION" ]] || return 1
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1
}

start_postgres() {
  local bin; bin="$(pg_bin)"
  mkdir -p "$PG_RUN"
  chown postgres:postgres "$PG_RUN"
  chmod 755 "$PG_RUN"
  if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
    log "postgres: initdb $PGDATA_DIR"
    rm -rf "$PGDATA_DIR"
    install -d -o postgres -g postgres -m 700 "$PGDATA_DIR"
    runuser -u postgres -- "$bin/initdb" -D "$PGDATA_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_RUN/initdb.log" 2>&1 \
      || { tail_log "$PG_RUN/initdb.log"; die "initdb failed"; }
  fi
  if pg_running; then
    log "postgres: already running"
  else
    if port_open "$PG_PORT"; then
      die "port $HOST:$PG_PORT is taken by another server (Debian's own cluster? try: pg_ctlcluster --force 15 main stop)"
    fi
    log "postgres: starting on $HOST:$PG_PORT"
    # Test-only durability settings: a crash may lose the last transactions.
    local opts="-c listen_addresses=$HOST -p $PG_PORT -k $PG_RUN"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if ! runuser -u postgres -- "$bin/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t "$PG_WAIT" \
      -o "$opts" start >/dev/null 2>&1; then
      tail_log "$PG_LOG"
      die "postgres did not start within ${PG_WAIT}s"
    fi
  fi
  local i
  for ((i = 0; i < PG_WAIT; i++)); do
    "$bin/pg_isready" -q -h "$HOST" -p "$PG_PORT" && break
    sleep 1
  done
  "$bin/pg_isready" -q -h "$HOST" -p "$PG_PORT" || { tail_log "$PG_LOG"; die "postgres not accepting connections on $HOST:$PG_PORT"; }

  # unaccent in template1 first, so databases created from it (consult, and
  # the test databases Django creates) already have it.
  psql_super template1 -c "CREATE EXTENSION IF NOT EXISTS unaccent" >/dev/null
  psql_super postgres >/dev/null <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  ELSE
    ALTER ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
END
\$\$;
SQL
  if [[ "$(psql_super postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    psql_super postgres -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >/dev/null
  fi
  psql_super "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS unaccent" >/dev/null

  # Verify as the application role, over TCP with the password, including a
  # freshly created database (as Django's test runner does).
  local url="postgresql://$DB_USER:$DB_PASSWORD@$HOST:$PG_PORT" check=consult_services_check out
  local -x PGOPTIONS="-c client_min_messages=warning"
  PGPASSWORD="$DB_PASSWORD" "$bin/psql" -X -q -At "$url/$DB_NAME" -c "DROP DATABASE IF EXISTS $check" >/dev/null
  PGPASSWORD="$DB_PASSWORD" "$bin/psql" -X -q -At "$url/$DB_NAME" -c "CREATE DATABASE $check" >/dev/null
  out="$(PGPASSWORD="$DB_PASSWORD" "$bin/psql" -X -At "$url/$check" -c "SELECT unaccent('Giải phóng mặt bằng, Đà Nẵng')")" \
    || { PGPASSWORD="$DB_PASSWORD" "$bin/psql" -X -q "$url/$DB_NAME" -c "DROP DATABASE IF EXISTS $check" >/dev/null 2>&1 || true
         die "unaccent does not work in a new database"; }
  PGPASSWORD="$DB_PASSWORD" "$bin/psql" -X -q -At "$url/$DB_NAME" -c "DROP DATABASE $check" >/dev/null
  log "postgres: up, $DB_USER@$HOST:$PG_PORT/$DB_NAME; unaccent('Giải phóng mặt bằng, Đà Nẵng') = '$out'"
}

redis_ping() {
  [[ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
}

start_redis() {
  if redis_ping; then
    if live_pid "$REDIS_PID" redis-server >/dev/null; then
      log "redis: already running"
    else
      log "redis: something already answers on $HOST:$REDIS_PORT (not started by this script); using it"
    fi
    return
  fi
  port_open "$REDIS_PORT" && die "port $HOST:$REDIS_PORT is taken by something that is not redis"
  local user=root
  id redis >/dev/null 2>&1 && user=redis
  mkdir -p "$REDIS_DIR"
  chown "$user:" "$REDIS_DIR"
  rm -f "$REDIS_PID"
  log "redis: starting on $HOST:$REDIS_PORT (as $user, no persistence)"
  runuser -u "$user" -- redis-server --daemonize yes --bind "$HOST" --port "$REDIS_PORT" \
    --save "" --appendonly no --dir "$REDIS_DIR" --pidfile "$REDIS_PID" --logfile "$REDIS_LOG" \
    || { tail_log "$REDIS_LOG"; die "redis-server failed to start"; }
  local i
  for ((i = 0; i < REDIS_WAIT * 5; i++)); do
    redis_ping && { log "redis: up (PONG)"; return; }
    sleep 0.2
  done
  tail_log "$REDIS_LOG"
  die "redis did not answer PING within ${REDIS_WAIT}s"
}

es_url() { echo "http://$HOST:$ES_PORT"; }

es_health() {
  curl -fsS --max-time 10 "$(es_url)/_cluster/health?wait_for_status=yellow&timeout=${1:-1}s" 2>/dev/null
}

es_fail() {
  tail_log "$ES_LOGS/startup.out" 30
  tail_log "$ES_LOGS/$ES_CLUSTER.log" 40
  die "$1"
}

start_es() {
  [[ -x "$ES_HOME/bin/elasticsearch" ]] || die "Elasticsearch $ES_VERSION is not installed in $ES_HOME (run: $0 install)"
  id "$ES_USER" >/dev/null 2>&1 || die "user $ES_USER missing (run: $0 install)"
  local pid
  if pid="$(live_pid "$ES_PID" org.elasticsearch)"; then
    log "elasticsearch: already running (pid $pid)"
  elif port_open "$ES_PORT"; then
    if curl -fsS --max-time 10 -o /dev/null "$(es_url)/_cluster/health" 2>/dev/null; then
      log "elasticsearch: something already answers on $HOST:$ES_PORT (not started by this script); using it"
    else
      die "port $HOST:$ES_PORT is taken by something that is not Elasticsearch"
    fi
  else
    local jhome major
    jhome="$(es_java_home)"
    [[ -x "$jhome/bin/java" ]] || die "no java at $jhome/bin/java (set ES_JAVA_HOME)"
    major="$(java_major "$jhome/bin/java")"
    [[ "${major%%.*}" =~ ^[0-9]+$ && "${major%%.*}" -ge 17 ]] || die "Elasticsearch 8 needs Java 17+, $jhome has Java $major"

    install -d -o "$ES_USER" -g "$ES_USER" -m 755 "$ES_DATA" "$ES_LOGS"
    rm -rf "$ES_TMP"   # ES leaves a fresh temp dir behind on every start
    install -d -o "$ES_USER" -g "$ES_USER" -m 700 "$ES_TMP"
    rm -f "$ES_PID"
    # Bootstrap checks are only warnings with discovery.type=single-node on
    # loopback, but raise the limits ES would like where the machine allows it.
    if [[ "$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 0)" -lt 262144 ]]; then
      sysctl -q -w vm.max_map_count=262144 >/dev/null 2>&1 \
        || log "elasticsearch: could not raise vm.max_map_count (fine for tests)"
    fi
    log "elasticsearch: starting $ES_VERSION on $HOST:$ES_PORT with Java $major ($jhome)"
    local rc=0
    (
      ulimit -n 65535 2>/dev/null || true
      cd "$ES_HOME"
      exec timeout "$ES_WAIT" runuser -u "$ES_USER" -- env \
        ES_JAVA_HOME="$jhome" ES_JAVA_OPTS="-Xms512m -Xmx512m" ES_TMPDIR="$ES_TMP" \
        "$ES_HOME/bin/elasticsearch" -d -p "$ES_PID" \
        -E cluster.name="$ES_CLUSTER" \
        -E node.name=consult-es \
        -E discovery.type=single-node \
        -E network.host="$HOST" \
        -E http.port="$ES_PORT" \
        -E transport.port="$ES_TRANSPORT_PORT" \
        -E path.data="$ES_DATA" \
        -E path.logs="$ES_LOGS" \
        -E xpack.security.enabled=false \
        -E cluster.routing.allocation.disk.threshold_enabled=false \
        -E action.destructive_requires_name=false
    ) >"$ES_LOGS/startup.out" 2>&1 || rc=$?
    ((rc == 0)) || es_fail "elasticsearch failed to start (exit $rc)"
  fi

  local deadline=$((SECONDS + ES_WAIT)) health=""
  while ((SECONDS < deadline)); do
    health="$(es_health 5)" && break
    health=""
    if [[ -s "$ES_PID" ]] && ! live_pid "$ES_PID" org.elasticsearch >/dev/null; then
      es_fail "elasticsearch process exited during startup"
    fi
    sleep 1
  done
  [[ -n "$health" ]] || es_fail "elasticsearch cluster not yellow within ${ES_WAIT}s"
  local status
  status="$(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$health")"
  log "elasticsearch: up at $(es_url), cluster status $status"

  # Folding analyzer for Vietnamese without ICU: standard + lowercase +
  # asciifolding(preserve_original). Fails loudly if asciifolding is missing.
  local body='{"tokenizer":"standard","filter":["lowercase",{"type":"asciifolding","preserve_original":true}],"text":"Giải phóng mặt bằng Đà Nẵng"}'
  local out
  out="$(curl -sS --max-time 20 -H 'Content-Type: application/json' "$(es_url)/_analyze" -d "$body")" \
    || es_fail "_analyze request failed"
  if ! grep -q '"token":"giai"' <<<"$out" || ! grep -q '"token":"da"' <<<"$out"; then
    printf '%s\n' "$out" >&2
    die "elasticsearch asciifolding check failed (is the $ES_PLUGIN plugin installed? run: $0 install)"
  fi
  local tokens
  tokens="$(grep -o '"token":"[^"]*"' <<<"$out" | cut -d'"' -f4 | paste -sd' ' -)"
  log "elasticsearch: _analyze standard+lowercase+asciifolding(preserve_original): $tokens"
  curl -fsS --max-time 10 -o /dev/null -I "$(es_url)/" \
    || log "elasticsearch: warning: HEAD / does not answer 200 (elasticsearch-py ping() will be False)"
}

cmd_start() {
  need_root
  local t0=$SECONDS
  mkdir -p "$SERVICES_DIR"
  chmod 755 "$SERVICES_DIR"
  start_postgres
  start_redis
  start_es
  log "all services up in $((SECONDS - t0))s"
}

# ------------------------------------------------------------------- stop --

stop_postgres() {
  if pg_running; then
    log "postgres: stopping"
    runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null \
      || log "postgres: pg_ctl stop failed"
  else
    log "postgres: not running"
  fi
}

stop_redis() {
  local pid
  if pid="$(live_pid "$REDIS_PID" redis-server)"; then
    log "redis: stopping (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 20 || { log "redis: still alive, killing"; kill -KILL "$pid" 2>/dev/null || true; }
    rm -f "$REDIS_PID"
  elif redis_ping; then
    log "redis: running but not started by this script; leaving it"
  else
    log "redis: not running"
  fi
}

stop_es() {
  local pid
  if pid="$(live_pid "$ES_PID" org.elasticsearch)"; then
    log "elasticsearch: stopping (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 60 || { log "elasticsearch: still alive after 60s, killing"; kill -KILL "$pid" 2>/dev/null || true; wait_gone "$pid" 10 || true; }
    rm -f "$ES_PID"
  elif port_open "$ES_PORT"; then
    log "elasticsearch: something answers on $HOST:$ES_PORT but was not started by this script; leaving it"
  else
    log "elasticsearch: not running"
  fi
}

cmd_stop() {
  need_root
  stop_es
  stop_redis
  stop_postgres
}

# ----------------------------------------------------------------- status --

cmd_status() {
  local down=0 bin
  if bin="$(pg_bin 2>/dev/null)" && "$bin/pg_isready" -q -h "$HOST" -p "$PG_PORT" 2>/dev/null; then
    echo "postgresql     up    $HOST:$PG_PORT  (data $PGDATA_DIR)"
  else
    echo "postgresql     DOWN  $HOST:$PG_PORT"; down=1
  fi
  if redis_ping; then
    echo "redis          up    $HOST:$REDIS_PORT"
  else
    echo "redis          DOWN  $HOST:$REDIS_PORT"; down=1
  fi
  local h
  if h="$(curl -fsS --max-time 5 "$(es_url)/_cluster/health" 2>/dev/null)"; then
    echo "elasticsearch  up    $HOST:$ES_PORT  (cluster $(sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$h"), $ES_VERSION)"
  else
    echo "elasticsearch  DOWN  $HOST:$ES_PORT"; down=1
  fi
  return "$down"
}

cmd_env() {
  echo "export DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@$HOST:$PG_PORT/$DB_NAME"
  echo "export REDIS_URL=redis://$HOST:$REDIS_PORT/0"
  echo "export ELASTICSEARCH_URL=http://$HOST:$ES_PORT"
  echo "export VERAPDF_JAR=$VERAPDF_JAR"
}

usage() {
  echo "usage: $0 {install|start|stop|status|env}" >&2
  exit 2
}

main() {
  [[ $# -eq 1 ]] || usage
  case "$1" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) usage ;;
  esac
}

main "$@"
