#!/usr/bin/env bash
# Run the site and a background task worker together; Ctrl-C stops both.
set -euo pipefail

python=${PYTHON:-.venv/bin/python}
address=${ADDRESS:-127.0.0.1:8000}

"$python" manage.py task_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null' EXIT INT TERM

echo "Site: http://$address/  (admin: http://$address/admin/)"
"$python" manage.py runserver "$address"
