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
npx jest "$@"
