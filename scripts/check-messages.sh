#!/usr/bin/env bash
# Fail when a UI string is missing from the Vietnamese catalogue or left untranslated.
set -euo pipefail

python=${PYTHON:-.venv/bin/python}
catalogue=locale/vi/LC_MESSAGES/django.po
scratch=$(mktemp -d)
cp "$catalogue" "$scratch/before.po"
# makemessages rewrites the catalogue in place; put the developer's copy back whatever happens.
trap 'cp "$scratch/before.po" "$catalogue"; rm -rf "$scratch"' EXIT

"$python" manage.py makemessages -l vi --no-location --no-obsolete \
  --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench -v 0
if ! diff -q -I '^"POT-Creation-Date' "$scratch/before.po" "$catalogue" >/dev/null; then
  diff -u -I '^"POT-Creation-Date' "$scratch/before.po" "$catalogue" || true
  echo "The Vietnamese catalogue is out of date: run 'make messages' and translate." >&2
  exit 1
fi

for po in "$catalogue" locale_vendor/vi/LC_MESSAGES/django.po; do
  stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1)
  if grep -Eq "untranslated|fuzzy" <<<"$stats"; then
    echo "$po: $stats" >&2
    exit 1
  fi
done
echo "Translations complete."
