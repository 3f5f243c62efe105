#!/usr/bin/env bash
# The project's one test command (`npm test`): type-check everything, build the
# apps, then run every jest project. CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== typecheck: Pulumi program and components"
npx tsc --noEmit -p tsconfig.json
echo "== typecheck + build: apps"
npm run --workspaces --if-present typecheck
npm run --workspaces --if-present build
echo "== jest"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
status=0
npx jest --json --outputFile="$report" "$@" || status=$?
# One plain closing line for CI logs: "jest: N passed, N failed, N skipped".
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
exit "$status"
