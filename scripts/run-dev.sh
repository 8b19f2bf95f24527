#!/usr/bin/env bash
# Run the site, a background task worker and the periodic jobs together; Ctrl-C stops them all.
set -euo pipefail

python=${PYTHON:-.venv/bin/python}
address=${ADDRESS:-127.0.0.1:8000}
period=${PERIODIC_SECONDS:-60}

"$python" manage.py task_worker &
worker=$!

# Cron's stand-in (production runs feedback_periodic every 5 minutes): consultation open/close
# notices. The loop kills its own sleep when stopped, so nothing outlives the script.
(
    nap=
    trap 'kill "$nap" 2>/dev/null; exit 0' TERM
    while true; do
        "$python" manage.py feedback_periodic || echo "feedback_periodic failed; retrying" >&2
        "$python" manage.py search_index drain || echo "search_index drain failed; retrying" >&2
        sleep "$period" &
        nap=$!
        wait "$nap"
    done
) &
periodic=$!

trap 'kill "$worker" "$periodic" 2>/dev/null; wait "$worker" "$periodic" 2>/dev/null' EXIT INT TERM

echo "Site: http://$address/  (admin: http://$address/admin/)"
"$python" manage.py runserver "$address"
