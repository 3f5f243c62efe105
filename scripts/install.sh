#!/usr/bin/env bash
# Set-up for a fresh machine, run first by `npm start` and `npm test`: the system
# packages the launcher and the app tests run for real (PostgreSQL, Redis, nginx,
# Chromium) and the rule tests run (promtool, from Debian's prometheus package),
# then the npm packages from the lockfile. Safe to run again; a no-op
# (well under a second) when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian/Ubuntu package that provides each command the tests start.
declare -A PACKAGES=(
  [redis-server]=redis-server
  [nginx]=nginx
  [chromium]=chromium
  [envsubst]=gettext-base
  [unzip]=unzip
  [promtool]=prometheus
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

# npm packages: skipped when node_modules is newer than the lockfile and every
# package.json (npm writes node_modules/.package-lock.json on each install), so
# `npm start` and `npm test`, which run this first, cost nothing on a set-up machine.
stamp=node_modules/.package-lock.json
stale=0
if [ ! -f "$stamp" ]; then
  stale=1
else
  for f in package.json package-lock.json apps/*/package.json; do
    if [ "$f" -nt "$stamp" ]; then stale=1; fi
  done
fi
if [ "$stale" -eq 1 ] || [ "${INSTALL_FORCE:-}" = "1" ]; then
  echo "== npm install"
  # `npm ci` needs every platform's optional packages in the registry; `npm install`
  # honours the lockfile without that. Install scripts stay off: no dependency needs one
  # (README, "Install scripts").
  #
  # From npm's cache first (--prefer-offline): the lockfile pins each package's version,
  # tarball URL and integrity (.npmrc keeps the URLs), so a cached tarball is as good as the
  # registry's. Online, npm downloads every package document and tarball again on each fresh
  # clone (the registry's answers are stale for npm at once). Fresh clones on the busy 2-core
  # machine (2026-12-01): 106-138 s online (four), 52-103 s from the cache (three), 26-53 s
  # from the cache with the tarball URLs (three). When npm must resolve a version (a dependency
  # added or bumped in package.json) from a cached package document that predates it, it stops
  # with ETARGET before it changes node_modules, and the install runs again online
  # (test/install.test.ts; checked by hand against a local registry).
  if ! npm install --prefer-offline --ignore-scripts --no-audit --no-fund; then
    echo "== npm install from the cache failed (see above); again, online"
    npm install --ignore-scripts --no-audit --no-fund
  fi
else
  echo "== npm packages up to date (INSTALL_FORCE=1 bash scripts/install.sh reinstalls)"
fi
