#!/usr/bin/env bash
# Gives kubelogin (`--login workloadidentity`) what it reads in GitHub Actions:
# the job's OIDC token for the audience api://AzureADTokenExchange in a file,
# and AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE in the job's
# environment ($GITHUB_ENV), so every later step (pulumi up / preview /
# refresh, kubectl) can log in to the cluster. GitHub's ID tokens are
# short-lived: a background loop rewrites the file every 4 minutes until the
# job ends (the runner then stops the job's orphan processes).
#
# Usage: bash scripts/federated-token.sh <client-id> <tenant-id>
# Needs `permissions: id-token: write` (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN).
set -euo pipefail

client_id="${1:?client id}"
tenant_id="${2:?tenant id}"
: "${ACTIONS_ID_TOKEN_REQUEST_URL:?the job needs permissions: id-token: write}"
: "${ACTIONS_ID_TOKEN_REQUEST_TOKEN:?the job needs permissions: id-token: write}"
token_file="${RUNNER_TEMP:-/tmp}/azure-federated-token"

fetch_token() {
  local tmp="${token_file}.new"
  curl -fsS -H "Authorization: Bearer ${ACTIONS_ID_TOKEN_REQUEST_TOKEN}" \
    "${ACTIONS_ID_TOKEN_REQUEST_URL}&audience=api://AzureADTokenExchange" | jq -er .value > "${tmp}"
  chmod 600 "${tmp}"
  mv "${tmp}" "${token_file}"
}

fetch_token
(
  while sleep 240; do fetch_token || echo "::warning::could not refresh the federated token for kubelogin"; done
) > /dev/null 2>&1 &
disown

{
  echo "AZURE_CLIENT_ID=${client_id}"
  echo "AZURE_TENANT_ID=${tenant_id}"
  echo "AZURE_FEDERATED_TOKEN_FILE=${token_file}"
  echo "AZURE_AUTHORITY_HOST=https://login.microsoftonline.com/"
} >> "${GITHUB_ENV:?}"
