#!/usr/bin/env bash
# Start `make run` as a newcomer would (embedded default, no services), check that the home page
# is served in Vietnamese with the demo content and that /healthz answers 200, then stop it.
set -euo pipefail

port=${SMOKE_PORT:-8765}
base="http://127.0.0.1:$port"
log=$(mktemp)

env -u DATABASE_URL -u REDIS_URL -u ELASTICSEARCH_URL \
  setsid make run ADDRESS="127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
trap 'kill -TERM -- -"$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 150); do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$log"
    echo "make run exited before serving the site" >&2
    exit 1
  fi
  if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then
    break
  fi
  sleep 2
done

health=$(curl -sS -w '\n%{http_code}' "$base/healthz")
home=$(curl -fsS "$base/")
echo "healthz: $health"
if [[ ${health##*$'\n'} != 200 ]]; then
  echo "/healthz did not answer 200" >&2
  exit 1
fi
grep -q '<html lang="vi"' <<<"$home" || { echo "home page is not in Vietnamese" >&2; exit 1; }
grep -q 'Cổng lấy ý kiến dự thảo văn bản' <<<"$home" || { echo "demo content missing" >&2; exit 1; }
echo "make run serves the demo portal in Vietnamese at $base/"
