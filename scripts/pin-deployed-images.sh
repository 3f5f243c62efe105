#!/usr/bin/env bash
# Pins the images a stack last deployed (its `images` output,
# `<registry>/<repository>@sha256:…` per app) as `aks-platform:apps.imageDigests.<app>`
# in the working copy's stack config, as the deploy workflow set them. A preview
# then evaluates the program as CI deployed it: nothing to build, no registry
# token, no image resource that the state does not have. The drift check needs
# this (otherwise every run after a CI deploy reports three images to build), and
# so does the PR preview. The config change stays in the job's checkout.
#
# Usage: bash scripts/pin-deployed-images.sh <stack>
set -euo pipefail

stack="${1:?usage: $0 <stack>}"
if ! images="$(pulumi stack output images --stack "${stack}" --json 2>/dev/null)"; then
  echo "stack ${stack} has no images output yet (never deployed): nothing to pin"
  exit 0
fi
jq -r 'to_entries[] | select((.value | type) == "string" and (.value | test("@sha256:[a-f0-9]{64}$"))) | "\(.key) \(.value | split("@")[1])"' <<<"${images}" |
  while read -r app digest; do
    pulumi config set --stack "${stack}" --path "aks-platform:apps.imageDigests.${app}" "${digest}"
    echo "${app}: ${digest}"
  done
