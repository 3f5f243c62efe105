#!/usr/bin/env bash
# Set-up for a fresh machine (README: "Install"): the system packages the app
# tests run for real (PostgreSQL, Redis, nginx, Chromium), then the npm
# packages from the lockfile. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian/Ubuntu package that provides each command the tests start.
declare -A PACKAGES=(
  [redis-server]=redis-server
  [nginx]=nginx
  [chromium]=chromium
  [envsubst]=gettext-base
  [unzip]=unzip
)
missing=()
for cmd in "${!PACKAGES[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${PACKAGES[$cmd]}")
done
# PostgreSQL server binaries (initdb, pg_ctl) live outside PATH on Debian.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install: missing system packages: ${missing[*]}; install them with your package manager, then run this again" >&2
    exit 1
  fi
  echo "== apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== npm install"
# `npm ci` needs every platform's optional packages in the registry; `npm install`
# honours the lockfile without that. Install scripts stay off: no dependency needs one
# (README, "Install scripts").
npm install --ignore-scripts --no-audit --no-fund
