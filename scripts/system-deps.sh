#!/usr/bin/env bash
# Installs the Debian packages policygen needs, only those missing.
#   scripts/system-deps.sh print   Pango and fonts, for WeasyPrint (posters, handbook)
#   scripts/system-deps.sh test    the above, plus Chromium and poppler-utils (tests)
# Needs root (as on CI); otherwise it says what to install.
set -euo pipefail
want=(libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2 fonts-dejavu-core)
if [ "${1:-print}" = "test" ]; then
  want+=(chromium poppler-utils)
fi
missing=()
for package in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Please install these Debian packages first: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
