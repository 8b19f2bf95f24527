#!/usr/bin/env bash
# Check the Debian packages the site needs (and, for "test", the browser); install them when
# running as root, otherwise say exactly what to install.
# Usage: scripts/system-deps.sh run|test
set -euo pipefail

purpose=${1:-run}
missing=()

need() {  # need PACKAGE TEST...
  local package=$1
  shift
  if ! "$@" >/dev/null 2>&1; then
    missing+=("$package")
  fi
}

has_library() { ldconfig -p | grep "$1" >/dev/null; }
# grep reads to the end (no -q): quitting early would kill fc-list with SIGPIPE, and pipefail
# would then call a present font missing.
has_font() { fc-list 2>/dev/null | grep -i "$1" >/dev/null; }
# A font family that has the glyph of this code point (ệ: Liberation 1.x lacks Vietnamese).
has_glyph() { fc-list ":charset=$1" family 2>/dev/null | grep -i "$2" >/dev/null; }

need python3.11 command -v python3.11
need python3.11-venv python3.11 -c "import ensurepip, venv"
need nodejs command -v node
need npm command -v npm
need gettext command -v msgfmt
need libpango-1.0-0 has_library libpango-1.0.so.0
need libpangoft2-1.0-0 has_library libpangoft2-1.0.so.0
need libharfbuzz-subset0 has_library libharfbuzz-subset.so.0
need fontconfig command -v fc-list
# Liberation Serif 2.x has every Vietnamese letter (1.x draws ơ, ư and stacked marks from
# another font); the fallbacks draw emoji and CJK text quoted in comments.
need fonts-liberation2 has_glyph 1ec7 "Liberation Serif"
need fonts-noto-color-emoji has_font "Noto Color Emoji"
need fonts-droid-fallback has_font "Droid Sans Fallback"
if [[ $purpose == test ]]; then
  need chromium test -x /usr/bin/chromium
  need poppler-utils command -v pdftotext
fi

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi

cat >&2 <<MSG
Missing system packages: ${missing[*]}
Install them first, then run make again:

    sudo apt-get install ${missing[*]}

MSG
exit 1
