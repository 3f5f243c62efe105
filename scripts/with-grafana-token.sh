#!/usr/bin/env bash
# Runs one command (`pulumi up`, `pulumi preview --refresh`) with an Entra token for
# Azure Managed Grafana's API in that command's environment only, as the Grafana
# provider's HTTP header: GRAFANA_HTTP_HEADERS='{"Authorization":"Bearer <token>"}'.
# The program gives the provider `auth: anonymous` and no credential, so the token
# reaches only the provider process and never the Pulumi state
# (lib/monitoring.ts GRAFANA_PROVIDER_AUTH). GRAFANA_AUTH is unset on purpose: the
# provider's Node SDK would copy it into the provider's inputs, i.e. the state.
#
# The token is the signed-in Azure CLI identity's (azure/login in CI, `az login`
# locally), which the program made Grafana Admin of the stack's instance.
#
# Usage: bash scripts/with-grafana-token.sh pulumi up --stack dev
set -euo pipefail

[ "$#" -gt 0 ] || { echo "usage: $0 <command> [args...]  (e.g. pulumi up --stack dev)" >&2; exit 2; }

# Application id (audience) of Azure Managed Grafana: lib/monitoring.ts MANAGED_GRAFANA.entraAudience.
audience='ce34e7e5-485f-4d76-964f-b3d2b16d1e4f'

if ! token="$(az account get-access-token --resource "${audience}" --query accessToken --output tsv)"; then
  echo "could not get an Azure Managed Grafana token from the Azure CLI: sign in first (az login; in CI azure/login)" >&2
  exit 1
fi
if ! [[ "${token}" =~ ^[A-Za-z0-9._-]+$ ]]; then
  echo "the Azure CLI returned no usable Azure Managed Grafana token" >&2
  exit 1
fi
if [ "${GITHUB_ACTIONS:-}" = "true" ]; then echo "::add-mask::${token}"; fi

unset GRAFANA_AUTH
GRAFANA_HTTP_HEADERS="{\"Authorization\":\"Bearer ${token}\"}" exec "$@"
